import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { QwenCredentials } from '../storage/types.js';
import { listenOnLoopback, readBody } from './listen.js';

/** How the fake server behaves. Every option has a test-friendly default. */
export interface FakeQwenServerOptions {
  /** Port on 127.0.0.1 (default: any free port). */
  readonly port?: number;
  /** Client id the server accepts (default Qwen Code's). */
  readonly clientId?: string;
  /** Lifetime of access tokens, seconds (default 3600). */
  readonly accessTokenTtlSeconds?: number;
  /** Lifetime of device codes, seconds (default 600). */
  readonly deviceCodeTtlSeconds?: number;
  /** `interval` announced for polling, seconds; fractions allowed (default 0.05). */
  readonly pollIntervalSeconds?: number;
  /**
   * `resource_url` put in token responses (default: this server's own origin,
   * so API calls made with the token come back here). `null` omits it.
   */
  readonly resourceUrl?: string | null;
  /** Approve device codes by themselves after this many polls (default: wait for `approve()`). */
  readonly autoApproveAfterPolls?: number;
  /** Answer the first N polls of each device code with HTTP 429 `slow_down`, as Qwen does. */
  readonly slowDownPolls?: number;
  /** Send 429 and 5xx answers with HTML bodies rather than JSON, as Qwen's gateway may. */
  readonly nonJsonErrors?: boolean;
  /** Issue a new refresh token on every refresh and invalidate the old one (default true). */
  readonly rotateRefreshTokens?: boolean;
  /** Leave `refresh_token` out of refresh responses (default false). */
  readonly omitRefreshTokenOnRefresh?: boolean;
  /** Leave `resource_url` out of refresh responses (default false). */
  readonly omitResourceUrlOnRefresh?: boolean;
  /** Delay every refresh response by this many ms (default 0). */
  readonly refreshLatencyMs?: number;
  /**
   * The server's clock, epoch ms (default `Date.now`): when tokens and device
   * codes it issues expire, and whether they have.
   */
  readonly now?: () => number;
}

/** A login minted by {@link FakeQwenServer.mintCredentials}, in Qwen Code's file shape. */
export interface FakeQwenCredentials {
  access_token: string;
  refresh_token: string;
  token_type: string;
  resource_url?: string;
  expiry_date: number;
}

/** Counters of what the server has seen. */
export interface FakeQwenServerStats {
  deviceCodeRequests: number;
  tokenPolls: number;
  slowDowns: number;
  refreshRequests: number;
  /** Refreshes answered with a new token. */
  refreshesGranted: number;
  /** Refreshes rejected (unknown, reused or revoked refresh token). */
  refreshesRejected: number;
  chatRequests: number;
  /** `GET /v1/models` requests. */
  modelsRequests: number;
  /** API requests (`/v1/…`) answered 401 because the access token was not accepted. */
  apiRejections: number;
}

/** One API request (`/v1/…`) the server saw. */
export interface FakeQwenApiRequest {
  readonly method: string;
  readonly path: string;
  /** The `Authorization` header as received. */
  readonly authorization: string | undefined;
  /** The status answered. */
  readonly status: number;
}

/** A Qwen-shaped OAuth and chat server on loopback, for tests and demos. */
export interface FakeQwenServer {
  /** Origin, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  readonly deviceAuthorizationEndpoint: string;
  readonly tokenEndpoint: string;
  /** OpenAI-compatible base URL served here (`<url>/v1`). */
  readonly baseUrl: string;
  /** The two endpoints, ready to spread into `oauth` options. */
  readonly oauthOptions: { readonly deviceAuthorizationEndpoint: string; readonly tokenEndpoint: string };
  readonly stats: FakeQwenServerStats;
  /** Approves a pending device code (the newest when no user code is given). */
  approve(userCode?: string): void;
  /** Denies a pending device code (the newest when no user code is given). */
  deny(userCode?: string): void;
  /** Resolves with the user code of the next device authorization. */
  nextUserCode(): Promise<string>;
  /** Issues a login directly, skipping the device flow, in Qwen Code's file shape (`oauth_creds.json`). */
  mintCredentials(options?: { readonly expiresInSeconds?: number; readonly now?: number }): FakeQwenCredentials;
  /**
   * The same, in the store shape (`QwenCredentials`): for
   * `createMemoryTokenStore(server.mintStoreCredentials())` or `store.write(…)`.
   */
  mintStoreCredentials(options?: { readonly expiresInSeconds?: number; readonly now?: number }): QwenCredentials;
  /** True when the access token is one this server issued, not revoked, and not expired (by `now`). */
  isValidAccessToken(token: string): boolean;
  /** Every access token issued so far expires now (server side: clients still think them valid). */
  expireAccessTokens(): void;
  /** Revokes one access token (or, without an argument, every one issued so far); refresh tokens keep working. */
  revokeAccessTokens(token?: string): void;
  /** While on, the API rejects every access token, new ones included (default off). */
  rejectAccessTokens(reject?: boolean): void;
  /** API requests (`/v1/…`), in order. */
  readonly apiRequests: readonly FakeQwenApiRequest[];
  /** Makes the next `count` refreshes fail with HTTP `status` (default 503). */
  failRefreshes(count: number, status?: number): void;
  /** Invalidates every refresh token issued so far. */
  revokeAll(): void;
  close(): Promise<void>;
}

interface DeviceCode {
  readonly userCode: string;
  readonly challenge: string;
  readonly expiresAt: number;
  polls: number;
  state: 'pending' | 'approved' | 'denied' | 'used';
}

const QWEN_CLIENT_ID = 'f0304373b74a44d2b584a3fb70ca9e56';

function userCode(): string {
  const alphabet = 'BCDFGHJKLMNPQRSTVWXZ';
  const bytes = randomBytes(8);
  const chars = [...bytes].map((b) => alphabet[b % alphabet.length]);
  return `${chars.slice(0, 4).join('')}-${chars.slice(4).join('')}`;
}

/**
 * Starts a fake of Qwen's OAuth server and OpenAI-compatible API on
 * 127.0.0.1. It follows Qwen's quirks: PKCE S256 required, `slow_down` as
 * HTTP 429, `resource_url` in token responses, optional non-JSON error
 * bodies, and rotating refresh tokens.
 */
export async function startFakeQwenServer(options: FakeQwenServerOptions = {}): Promise<FakeQwenServer> {
  const clientId = options.clientId ?? QWEN_CLIENT_ID;
  const accessTtl = options.accessTokenTtlSeconds ?? 3600;
  const deviceTtl = options.deviceCodeTtlSeconds ?? 600;
  const rotate = options.rotateRefreshTokens ?? true;
  const devices = new Map<string, DeviceCode>();
  const accessTokens = new Map<string, number>();
  const refreshTokens = new Set<string>();
  const waiters: ((code: string) => void)[] = [];
  const failures: number[] = [];
  const apiRequests: FakeQwenApiRequest[] = [];
  const clock = options.now ?? Date.now;
  let rejectAll = false;
  const stats: FakeQwenServerStats = {
    deviceCodeRequests: 0,
    tokenPolls: 0,
    slowDowns: 0,
    refreshRequests: 0,
    refreshesGranted: 0,
    refreshesRejected: 0,
    chatRequests: 0,
    modelsRequests: 0,
    apiRejections: 0,
  };
  let origin = '';
  const resourceUrl = (): string | undefined => (options.resourceUrl === null ? undefined : (options.resourceUrl ?? origin));

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
    res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers });
    res.end(JSON.stringify(body));
  };
  const fail = (res: ServerResponse, status: number, error: string, description?: string): void => {
    if (options.nonJsonErrors && (status === 429 || status >= 500)) {
      res.writeHead(status, { 'content-type': 'text/html' });
      res.end(`<html><body><h1>${status}</h1><p>${error}</p></body></html>`);
      return;
    }
    send(res, status, { error, ...(description && { error_description: description }) });
  };
  const issue = (refresh: boolean): Record<string, unknown> => {
    const access = `fake-at-${randomBytes(24).toString('base64url')}`;
    accessTokens.set(access, clock() + accessTtl * 1000);
    const body: Record<string, unknown> = { access_token: access, token_type: 'Bearer', expires_in: accessTtl };
    if (!(refresh && options.omitRefreshTokenOnRefresh)) {
      const rt = `fake-rt-${randomBytes(24).toString('base64url')}`;
      refreshTokens.add(rt);
      body.refresh_token = rt;
    }
    const ru = resourceUrl();
    if (ru !== undefined && !(refresh && options.omitResourceUrlOnRefresh)) body.resource_url = ru;
    return body;
  };
  const pick = (code?: string): DeviceCode | undefined => {
    const list = [...devices.values()].filter((d) => d.state === 'pending');
    return code ? list.find((d) => d.userCode === code) : list.at(-1);
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', origin);
    if (req.method === 'POST' && url.pathname === '/api/v1/oauth2/device/code') {
      stats.deviceCodeRequests++;
      const form = new URLSearchParams(await readBody(req));
      if (form.get('client_id') !== clientId) return fail(res, 400, 'invalid_client');
      const challenge = form.get('code_challenge');
      if (!challenge || form.get('code_challenge_method') !== 'S256') {
        return fail(res, 400, 'invalid_request', 'PKCE S256 is required');
      }
      const deviceCode = randomUUID();
      const code = userCode();
      devices.set(deviceCode, { userCode: code, challenge, expiresAt: clock() + deviceTtl * 1000, polls: 0, state: 'pending' });
      for (const w of waiters.splice(0)) w(code);
      return send(res, 200, {
        device_code: deviceCode,
        user_code: code,
        verification_uri: `${origin}/authorize`,
        verification_uri_complete: `${origin}/authorize?user_code=${code}`,
        expires_in: deviceTtl,
        interval: options.pollIntervalSeconds ?? 0.05,
      });
    }
    if (req.method === 'POST' && url.pathname === '/api/v1/oauth2/token') {
      const form = new URLSearchParams(await readBody(req));
      if (form.get('client_id') !== clientId) return fail(res, 400, 'invalid_client');
      const grant = form.get('grant_type');
      if (grant === 'urn:ietf:params:oauth:grant-type:device_code') {
        stats.tokenPolls++;
        const device = devices.get(form.get('device_code') ?? '');
        if (!device) return fail(res, 400, 'invalid_grant');
        const verifier = form.get('code_verifier') ?? '';
        if (createHash('sha256').update(verifier).digest('base64url') !== device.challenge) {
          return fail(res, 400, 'invalid_grant', 'code_verifier does not match');
        }
        if (clock() > device.expiresAt) return fail(res, 400, 'expired_token');
        device.polls++;
        if (device.polls <= (options.slowDownPolls ?? 0)) {
          stats.slowDowns++;
          return fail(res, 429, 'slow_down');
        }
        if (device.state === 'pending' && options.autoApproveAfterPolls !== undefined && device.polls >= options.autoApproveAfterPolls) {
          device.state = 'approved';
        }
        if (device.state === 'denied') return fail(res, 400, 'access_denied');
        if (device.state === 'used') return fail(res, 400, 'invalid_grant');
        if (device.state === 'pending') return fail(res, 400, 'authorization_pending');
        device.state = 'used';
        return send(res, 200, issue(false));
      }
      if (grant === 'refresh_token') {
        stats.refreshRequests++;
        if (options.refreshLatencyMs) await new Promise((r) => setTimeout(r, options.refreshLatencyMs));
        const failure = failures.shift();
        if (failure !== undefined) return fail(res, failure, 'server_error');
        const token = form.get('refresh_token') ?? '';
        if (!refreshTokens.has(token)) {
          stats.refreshesRejected++;
          return fail(res, 400, 'invalid_grant', 'refresh token is invalid or was already used');
        }
        if (rotate && !options.omitRefreshTokenOnRefresh) refreshTokens.delete(token);
        stats.refreshesGranted++;
        return send(res, 200, issue(true));
      }
      return fail(res, 400, 'unsupported_grant_type');
    }
    if (url.pathname === '/authorize') {
      const code = url.searchParams.get('user_code') ?? '';
      if (req.method === 'POST') {
        const form = new URLSearchParams(await readBody(req));
        const d = pick(form.get('user_code') ?? code);
        if (d) d.state = form.get('decision') === 'deny' ? 'denied' : 'approved';
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end(`<p>${d ? `Code ${d.userCode} ${d.state}.` : 'Unknown code.'}</p>`);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end(
        `<form method="post"><p>Fake Qwen sign-in</p><input name="user_code" value="${code.replace(/[^A-Z-]/g, '')}">` +
          '<button name="decision" value="approve">Approve</button><button name="decision" value="deny">Deny</button></form>',
      );
      return;
    }
    if (url.pathname.startsWith('/v1/')) {
      const token = (req.headers.authorization ?? '').replace(/^Bearer\s+/i, '');
      const log = (status: number): void => {
        apiRequests.push({ method: req.method ?? 'GET', path: `${url.pathname}${url.search}`, authorization: req.headers.authorization, status });
      };
      const chat = req.method === 'POST' && url.pathname === '/v1/chat/completions';
      const models = req.method === 'GET' && url.pathname === '/v1/models';
      if (chat) stats.chatRequests++;
      if (models) stats.modelsRequests++;
      const body = chat ? await readBody(req) : '';
      if (!chat && !models) {
        log(404);
        return fail(res, 404, 'not_found');
      }
      if (rejectAll || !isValid(token)) {
        stats.apiRejections++;
        log(401);
        return send(res, 401, { error: { message: 'invalid access token or token expired', type: 'invalid_request_error' } });
      }
      log(200);
      if (models) return send(res, 200, { object: 'list', data: [{ id: 'coder-model', object: 'model', created: 0, owned_by: 'qwen' }] });
      let parsed: { model?: unknown; stream?: unknown } = {};
      try {
        parsed = JSON.parse(body) as typeof parsed;
      } catch {
        /* empty */
      }
      const model = typeof parsed.model === 'string' ? parsed.model : 'coder-model';
      if (parsed.stream === true) {
        res.writeHead(200, { 'content-type': 'text/event-stream' });
        const chunk = (delta: object, finish: string | null): string =>
          `data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 0, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
        res.end(`${chunk({ role: 'assistant', content: 'ok' }, null)}${chunk({}, 'stop')}data: [DONE]\n\n`);
        return;
      }
      return send(res, 200, {
        id: 'chatcmpl-fake',
        object: 'chat.completion',
        created: 0,
        model,
        choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
        usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
      });
    }
    fail(res, 404, 'not_found');
  }

  function isValid(token: string): boolean {
    const exp = accessTokens.get(token);
    return exp !== undefined && clock() < exp;
  }

  function mint(o: { readonly expiresInSeconds?: number; readonly now?: number }): FakeQwenCredentials {
    const body = issue(false);
    const now = o.now ?? clock();
    const ttl = o.expiresInSeconds ?? accessTtl;
    accessTokens.set(body.access_token as string, now + ttl * 1000);
    return {
      access_token: body.access_token as string,
      refresh_token: body.refresh_token as string,
      token_type: 'Bearer',
      ...(typeof body.resource_url === 'string' && { resource_url: body.resource_url }),
      expiry_date: now + ttl * 1000,
    };
  }

  const listening = await listenOnLoopback(handle, options.port ?? 0);
  const server: Server = listening.server;
  origin = listening.origin;

  return {
    url: origin,
    deviceAuthorizationEndpoint: `${origin}/api/v1/oauth2/device/code`,
    tokenEndpoint: `${origin}/api/v1/oauth2/token`,
    baseUrl: `${origin}/v1`,
    oauthOptions: {
      deviceAuthorizationEndpoint: `${origin}/api/v1/oauth2/device/code`,
      tokenEndpoint: `${origin}/api/v1/oauth2/token`,
    },
    stats,
    approve(code) {
      const d = pick(code);
      if (d) d.state = 'approved';
    },
    deny(code) {
      const d = pick(code);
      if (d) d.state = 'denied';
    },
    nextUserCode() {
      return new Promise((resolve) => waiters.push(resolve));
    },
    mintCredentials: (o = {}) => mint(o),
    mintStoreCredentials(o = {}) {
      const c = mint(o);
      return {
        accessToken: c.access_token,
        refreshToken: c.refresh_token,
        tokenType: c.token_type,
        ...(c.resource_url !== undefined && { resourceUrl: c.resource_url }),
        expiresAt: c.expiry_date,
      };
    },
    isValidAccessToken: (token) => !rejectAll && isValid(token),
    expireAccessTokens() {
      const now = clock();
      for (const token of accessTokens.keys()) accessTokens.set(token, now);
    },
    revokeAccessTokens(token) {
      if (token === undefined) accessTokens.clear();
      else accessTokens.delete(token);
    },
    rejectAccessTokens(reject = true) {
      rejectAll = reject;
    },
    apiRequests,
    failRefreshes(count, status = 503) {
      for (let i = 0; i < count; i++) failures.push(status);
    },
    revokeAll() {
      refreshTokens.clear();
    },
    close() {
      return new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      });
    },
  };
}
