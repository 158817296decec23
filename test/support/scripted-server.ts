/**
 * A loopback OAuth server that answers whatever a test scripts: any status,
 * headers and body (non-JSON, huge, wrong types), a delay, a connection
 * reset, a redirect. For the answers a well-behaved server (the fake Qwen
 * server in src/testing/) never gives.
 */
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ScriptedRequest {
  readonly path: string;
  readonly form: URLSearchParams;
  /** `device` for the device-code endpoint, else the token request's grant type. */
  readonly kind: 'device' | 'device_code' | 'refresh_token' | 'other';
}

export interface Reply {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  /** A string, or a value sent as JSON. */
  readonly body?: unknown;
  /** Wait before answering (ms). */
  readonly delayMs?: number;
  /** Destroy the connection instead of answering (after `delayMs`). */
  readonly reset?: boolean;
  /** Answer 302 to this location. */
  readonly redirect?: string;
}

export interface ScriptedServer {
  readonly url: string;
  readonly deviceAuthorizationEndpoint: string;
  readonly tokenEndpoint: string;
  readonly oauthOptions: { readonly deviceAuthorizationEndpoint: string; readonly tokenEndpoint: string };
  /** Requests seen, by kind. */
  readonly seen: ScriptedRequest[];
  /** Replaces the script. */
  script(respond: (request: ScriptedRequest) => Reply): void;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let data = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      if (data.length < 100_000) data += c;
    });
    req.on('end', () => resolve(data));
    req.on('error', () => resolve(data));
  });
}

export async function startScriptedServer(respond: (request: ScriptedRequest) => Reply = () => ({ status: 404 })): Promise<ScriptedServer> {
  let script = respond;
  const seen: ScriptedRequest[] = [];
  const server: Server = createServer(async (req, res) => {
    const form = new URLSearchParams(await readBody(req));
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    const grant = form.get('grant_type');
    const kind: ScriptedRequest['kind'] = path.endsWith('/device/code')
      ? 'device'
      : grant === 'urn:ietf:params:oauth:grant-type:device_code'
        ? 'device_code'
        : grant === 'refresh_token'
          ? 'refresh_token'
          : 'other';
    const request = { path, form, kind };
    seen.push(request);
    let reply: Reply;
    try {
      reply = script(request);
    } catch {
      reply = { status: 500 };
    }
    if (reply.delayMs) await new Promise((r) => setTimeout(r, reply.delayMs));
    if (reply.reset) {
      req.socket.destroy();
      return;
    }
    if (reply.redirect !== undefined) {
      res.writeHead(302, { location: reply.redirect });
      res.end();
      return;
    }
    const body = reply.body === undefined ? '' : typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    try {
      res.writeHead(reply.status ?? 200, { 'content-type': 'application/json', ...reply.headers });
      res.end(body);
    } catch {
      req.socket.destroy();
    }
  });
  server.keepAliveTimeout = 1;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const oauthOptions = { deviceAuthorizationEndpoint: `${url}/api/v1/oauth2/device/code`, tokenEndpoint: `${url}/api/v1/oauth2/token` };
  return {
    url,
    ...oauthOptions,
    oauthOptions,
    seen,
    script: (r) => void (script = r),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

/** A device-code answer (the device endpoint's), with fields overridden. */
export function deviceAnswer(url: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { device_code: 'dc-1', user_code: 'ABCD-EFGH', verification_uri: `${url}/authorize`, expires_in: 600, interval: 0.01, ...extra };
}

/** A token answer, with fields overridden. */
export function tokenAnswer(extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { access_token: 'at-scripted-0001', refresh_token: 'rt-scripted-0001', token_type: 'Bearer', expires_in: 3600, ...extra };
}
