/**
 * `qwen-auth serve`: a loopback pass-through to the resolved endpoint, for
 * clients that cannot run a command for their key. Every request goes
 * through `auth.fetch`, so the credential is fresh, an OAuth token is
 * refreshed under Qwen Code's lock, and a 401 is answered by one renewal and
 * one replay. The server asks for its own random bearer (printed once at
 * start), which is never forwarded; it adds no header of its own, and
 * streams answers (server-sent events) as they arrive.
 */
import type { IncomingHttpHeaders, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { isAuthError, redactText, redactUrl, type ResolvedAuth } from 'qwen-auth';
import { EXIT } from './exit.js';
import { type Context, type GlobalFlags, UsageError } from './context.js';
import type { Output } from './output.js';
import { nodeCrypto, nodeHttp } from './node.js';
import { resolveForTool } from './token.js';

/** The addresses serve binds to: loopback only, the credential goes to whoever reaches it. */
export const SERVE_HOSTS = ['127.0.0.1', '::1'] as const;
/** Largest request body passed on (413 beyond): 16 MiB, room for images in base64. */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** How long in-flight requests may finish after SIGINT/SIGTERM. */
const DRAIN_MS = 2_000;

export interface ServeFlags extends GlobalFlags {
  readonly port?: string;
  readonly host?: string;
}

/** `--host`, checked: 127.0.0.1 or ::1 (brackets allowed). */
export function serveHost(value: string | undefined): string {
  if (value === undefined) return '127.0.0.1';
  const host = value.trim().replace(/^\[(.*)\]$/, '$1');
  if ((SERVE_HOSTS as readonly string[]).includes(host)) return host;
  throw new UsageError(`--host must be a loopback address, 127.0.0.1 or ::1, not '${redactText(value, 80)}': whoever reaches serve uses your credential.`);
}

/** `--port`, checked: 0 (any free port, the default) to 65535. */
export function servePort(value: string | undefined): number {
  if (value === undefined) return 0;
  const port = /^\d{1,5}$/.test(value.trim()) ? Number(value.trim()) : NaN;
  if (!Number.isInteger(port) || port > 65_535) throw new UsageError(`--port must be a number from 0 to 65535, not '${redactText(value, 80)}'.`);
  return port;
}

/** Where `/v1/<path>` goes: the base URL itself (OpenAI-compatible), or its root + `/v1` (Anthropic, Responses). */
function upstreamRoot(auth: ResolvedAuth): string {
  const base = auth.baseUrl.replace(/\/+$/, '');
  return auth.type === 'openai' || auth.type === 'qwen-oauth' ? base : `${base.replace(/\/v1$/, '')}/v1`;
}

/** Headers never passed on in either direction: per hop, or describing a body fetch has already decoded. */
const HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'transfer-encoding',
  'upgrade',
  'te',
  'trailer',
  'proxy-authorization',
  'proxy-authenticate',
]);
const NOT_FORWARDED = new Set([...HOP, 'host', 'content-length', 'accept-encoding', 'authorization', 'x-api-key', 'expect']);
const NOT_RETURNED = new Set([...HOP, 'content-encoding', 'content-length']);

/** The client's headers, as the upstream should see them: no local bearer (whatever header holds it), nothing of ours. */
function forwardedHeaders(headers: IncomingHttpHeaders, localKey: string): Headers {
  const out = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined || NOT_FORWARDED.has(name)) continue;
    for (const v of Array.isArray(value) ? value : [value]) {
      if (!v.includes(localKey)) out.append(name, v);
    }
  }
  return out;
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && nodeCrypto().timingSafeEqual(a, b);
}

/** The local bearer, in `Authorization: Bearer` (OpenAI SDKs) or `x-api-key` (Anthropic SDKs). */
function authorized(req: IncomingMessage, localKey: string): boolean {
  const bearer = /^Bearer\s+(.+)$/i.exec(req.headers.authorization ?? '')?.[1]?.trim();
  const key = req.headers['x-api-key'];
  return (bearer !== undefined && sameSecret(bearer, localKey)) || (typeof key === 'string' && sameSecret(key.trim(), localKey));
}

function answer(res: ServerResponse, status: number, message: string, extra: Record<string, unknown> = {}, headers: Record<string, string> = {}): void {
  if (res.headersSent) {
    res.destroy();
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
  res.end(JSON.stringify({ error: { message, type: 'qwen_auth_serve', ...extra } }));
}

class TooLarge extends Error {}

/**
 * The request body, at most MAX_BODY_BYTES (a replayable buffer: a 401 may
 * need to send it twice). Beyond that TooLarge; the rest is read and dropped,
 * so the client gets the 413 rather than a reset connection.
 */
function readBody(req: IncomingMessage): Promise<Buffer | undefined> {
  if (req.method === 'GET' || req.method === 'HEAD') {
    req.resume();
    return Promise.resolve(undefined);
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > MAX_BODY_BYTES) {
    req.resume();
    return Promise.reject(new TooLarge());
  }
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        if (chunks.length > 0) chunks.length = 0;
        reject(new TooLarge());
      } else chunks.push(chunk);
    });
    req.once('end', () => resolve(Buffer.concat(chunks)));
    req.once('error', reject);
  });
}

/** Copies the upstream answer as it arrives: each server-sent event is written when it comes. */
async function pipeBody(body: ReadableStream<Uint8Array>, res: ServerResponse): Promise<void> {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (res.destroyed) break;
      if (!res.write(value))
        await new Promise((resolve) => {
          res.once('drain', resolve);
          res.once('close', resolve);
        });
    }
  } finally {
    reader.cancel().catch(() => {});
  }
  res.end();
}

/** The model list served when the endpoint has no `GET /models`: the resolved model. */
function localModels(auth: ResolvedAuth): string {
  return JSON.stringify({ object: 'list', data: [{ id: auth.model, object: 'model', created: 0, owned_by: 'qwen-auth' }] });
}

/** The request handler of one serve instance. */
export function createHandler(auth: ResolvedAuth, localKey: string) {
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').startsWith('/') ? (req.url ?? '/') : '/';
    const url = new URL(path, 'http://serve.invalid');
    if (!authorized(req, localKey)) {
      answer(
        res,
        401,
        'qwen-auth serve: missing or wrong API key; use the one printed when serve started.',
        { code: 'invalid_api_key' },
        { 'www-authenticate': 'Bearer' },
      );
      return;
    }
    if (url.pathname !== '/v1' && !url.pathname.startsWith('/v1/')) {
      answer(res, 404, `qwen-auth serve answers below /v1 only, not ${redactText(url.pathname, 120)}.`, { code: 'not_found' });
      return;
    }
    let body: Buffer | undefined;
    try {
      body = await readBody(req);
    } catch (error) {
      if (error instanceof TooLarge) {
        answer(res, 413, `qwen-auth serve: the request body is larger than ${MAX_BODY_BYTES} bytes.`, { code: 'request_too_large' });
        return;
      }
      req.destroy();
      return;
    }
    const aborted = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) aborted.abort();
    });
    const target = `${upstreamRoot(auth)}${url.pathname.slice('/v1'.length)}${url.search}`;
    let response: Response;
    try {
      response = await auth.fetch(target, {
        method: req.method ?? 'GET',
        headers: forwardedHeaders(req.headers, localKey),
        ...(body !== undefined && { body }),
        signal: aborted.signal,
      });
    } catch (error) {
      if (aborted.signal.aborted) return;
      if (isAuthError(error)) answer(res, 502, error.message, { code: error.code, remedy: error.remedy });
      else
        answer(res, 502, `qwen-auth serve: the endpoint could not be reached: ${redactText(error instanceof Error ? error.message : String(error), 300)}`, {
          code: 'upstream_unreachable',
        });
      return;
    }
    if (req.method === 'GET' && url.pathname.replace(/\/+$/, '') === '/v1/models' && response.status === 404) {
      await response.body?.cancel().catch(() => {});
      res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' });
      res.end(localModels(auth));
      return;
    }
    const headers: Record<string, string | string[]> = {};
    response.headers.forEach((value, name) => {
      if (NOT_RETURNED.has(name)) return;
      if (name === 'set-cookie') headers[name] = response.headers.getSetCookie();
      else headers[name] = value;
    });
    res.writeHead(response.status, headers);
    // An event stream's headers go now (the first event may take a while); others with the first chunk.
    if (response.headers.get('content-type')?.startsWith('text/event-stream')) res.flushHeaders();
    if (!response.body || req.method === 'HEAD') {
      res.end();
      return;
    }
    try {
      await pipeBody(response.body, res);
    } catch {
      res.destroy();
    }
  };
}

function listen(server: Server, host: string, port: number): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, ipv6Only: host === '::1' }, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** `qwen-auth serve`: runs until `stop` is aborted (SIGINT/SIGTERM), then closes and resolves 0. */
export async function serve(ctx: Context, flags: ServeFlags, out: Output, stop: AbortSignal): Promise<number> {
  const host = serveHost(flags.host);
  const port = servePort(flags.port);
  const auth = await resolveForTool(ctx, flags);
  await auth.getToken(); // a login that cannot be refreshed fails now, not at the first request
  const localKey = `qwen-auth-local-${nodeCrypto().randomBytes(24).toString('base64url')}`;
  const server = nodeHttp().createServer(createHandler(auth, localKey));
  const address = await listen(server, host, port);
  const baseUrl = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}/v1`;
  if (flags.json) {
    out.line(JSON.stringify({ baseUrl, apiKey: localKey }));
  } else {
    out.line(`${out.bold('qwen-auth serve')}  ${auth.type} → ${redactUrl(upstreamRoot(auth))}`);
    out.line(`  Base URL  ${out.cyan(baseUrl)}`);
    out.line(`  API key   ${localKey}`);
    out.line(out.dim('  Give a client both (OPENAI_BASE_URL, OPENAI_API_KEY); the key is shown only now. Ctrl-C stops it.'));
  }
  await new Promise<void>((resolve) => (stop.aborted ? resolve() : stop.addEventListener('abort', () => resolve(), { once: true })));
  await new Promise<void>((resolve) => {
    const force = setTimeout(() => server.closeAllConnections(), DRAIN_MS);
    server.close(() => {
      clearTimeout(force);
      resolve();
    });
    server.closeIdleConnections();
  });
  if (!flags.json) out.error('qwen-auth serve: stopped.');
  return EXIT.ok;
}
