/**
 * The library's real OAuth client against a real authorization server:
 * oidc-provider v9 on 127.0.0.1 (in-memory adapter, a public client, the
 * device flow, refresh-token rotation). Device codes are approved or denied
 * through the provider's own models, as its verification page would.
 *
 * PKCE: oidc-provider does NOT support PKCE on the device flow. It removes
 * `code_challenge`/`code_challenge_method` from device authorization requests
 * (lib/actions/authorization/request_parameters.js, the "frontchannel" params
 * deleted for the `device_authorization` route; `pkce.required` is checked
 * only for `response_type=code`, lib/actions/authorization/sender_constraints.js)
 * and strips `code_verifier` from device_code token requests (it is not one
 * of that grant's parameters; lib/actions/grants/device_code.js never calls
 * checkPKCE). The first PKCE test below pins that behaviour. To still test
 * PKCE end to end, the test server runs a small PKCE shim (a Koa middleware
 * added with `provider.use`): it requires an S256 challenge on /device/auth
 * and rejects, with `invalid_grant`, any poll whose `code_verifier` does not
 * match it, before the device code is looked at.
 */
import { createHash, generateKeyPairSync, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  createMemoryTokenStore,
  createQwenOAuthClient,
  type FetchLike,
  isAuthError,
  type QwenCredentials,
  type QwenOAuthClient,
  type TokenStore,
  type Verification,
} from '../../src/index.js';

const CLIENT_ID = 'qwen-auth-test';
const SCOPE = 'openid offline_access';
const DEVICE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';
/** Polling interval the test server advertises, in seconds (oidc-provider sends none; openid-client would wait 5 s). */
const POLL_INTERVAL_S = 0.05;

// ---------------------------------------------------------------------------
// The few shapes of oidc-provider used here (it ships no type declarations).

interface DeviceCodeModel {
  readonly clientId: string;
  readonly params?: Record<string, unknown>;
  readonly consumed?: number;
  accountId?: string;
  grantId?: string;
  scope?: string;
  authTime?: number;
  error?: string;
  errorDescription?: string;
  save(): Promise<string>;
}

interface GrantModel {
  addOIDCScope(scope: string): void;
  save(): Promise<string>;
}

interface TokenModel {
  readonly accountId: string;
  readonly clientId: string;
  readonly grantId: string;
  readonly scope?: string;
  readonly consumed?: number;
  readonly rotations?: number;
}

interface KoaContext {
  readonly method: string;
  readonly path: string;
  readonly req: IncomingMessage & { body?: unknown };
  status: number;
  body: unknown;
}

interface ProviderLike {
  callback(): RequestListener;
  use(middleware: (ctx: KoaContext, next: () => Promise<void>) => Promise<void>): unknown;
  on(event: 'server_error', listener: (ctx: unknown, error: Error) => void): unknown;
  readonly DeviceCode: {
    findByUserCode(userCode: string, options?: { ignoreExpiration?: boolean }): Promise<DeviceCodeModel | undefined>;
    find(value: string, options?: { ignoreExpiration?: boolean }): Promise<DeviceCodeModel | undefined>;
  };
  readonly Grant: new (init: { accountId: string; clientId: string }) => GrantModel;
  readonly AccessToken: { find(value: string): Promise<TokenModel | undefined> };
  readonly RefreshToken: { find(value: string, options?: { ignoreExpiration?: boolean }): Promise<TokenModel | undefined> };
}

type ProviderConstructor = new (issuer: string, configuration: Record<string, unknown>) => ProviderLike;

// ---------------------------------------------------------------------------
// The server.

/** One POST to /device/auth or /token, as the server saw it. */
interface Seen {
  readonly path: string;
  readonly form: URLSearchParams;
  status?: number;
  response?: Record<string, unknown>;
}

let server: Server;
let provider: ProviderLike;
let issuer: string;
let deviceEndpoint: string;
let tokenEndpoint: string;
const seen: Seen[] = [];
const serverErrors: Error[] = [];
/** Lifetime of new device codes, in seconds (oidc-provider's default is 600). */
let deviceCodeTtl = 600;
/** The PKCE shim: challenges by device code, and whether they are enforced. */
const pkce = { enforce: true, challenges: new Map<string, string>() };

const s256 = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url');

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Records the OAuth POSTs, makes the device flow fast, and enforces PKCE on it (see the header). */
async function shim(ctx: KoaContext, next: () => Promise<void>): Promise<void> {
  const path = ctx.path;
  if (ctx.method !== 'POST' || (path !== '/device/auth' && path !== '/token')) return next();
  // Read the body first; oidc-provider then parses `req.body` (its documented
  // fallback for an upstream body parser).
  const text = await readBody(ctx.req);
  ctx.req.body = text;
  const form = new URLSearchParams(text);
  const entry: Seen = { path, form };
  seen.push(entry);
  const reject = (error: string, description: string): void => {
    ctx.status = 400;
    ctx.body = { error, error_description: description };
    entry.status = 400;
    entry.response = { error };
  };

  if (path === '/device/auth' && pkce.enforce) {
    if (form.get('code_challenge_method') !== 'S256' || !form.get('code_challenge')) {
      return reject('invalid_request', 'PKCE with S256 is required');
    }
  }
  if (path === '/token' && form.get('grant_type') === DEVICE_GRANT && pkce.enforce) {
    const challenge = pkce.challenges.get(form.get('device_code') ?? '');
    const verifier = form.get('code_verifier');
    if (challenge !== undefined && (verifier === null || s256(verifier) !== challenge)) {
      return reject('invalid_grant', 'PKCE verification failed');
    }
  }

  await next();

  entry.status = ctx.status;
  const body = ctx.body as Record<string, unknown> | undefined;
  if (body && typeof body === 'object') entry.response = { ...body };
  if (path === '/device/auth' && ctx.status === 200 && body && typeof body.device_code === 'string') {
    const challenge = form.get('code_challenge');
    if (challenge) pkce.challenges.set(body.device_code, challenge);
    body.interval = POLL_INTERVAL_S;
  }
}

beforeAll(async () => {
  // oidc-provider warns about development settings on the console.
  for (const method of ['log', 'info', 'warn', 'error'] as const) vi.spyOn(console, method).mockImplementation(() => {});

  const { default: Provider } = (await import('oidc-provider' as string)) as { default: ProviderConstructor };
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const jwk = { ...privateKey.export({ format: 'jwk' }), kid: 'test-rs256', alg: 'RS256', use: 'sig' };

  let handler: RequestListener = (_req: IncomingMessage, res: ServerResponse) => {
    res.statusCode = 503;
    res.end();
  };
  server = createServer((req, res) => handler(req, res));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  deviceEndpoint = `${issuer}/device/auth`;
  tokenEndpoint = `${issuer}/token`;

  provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        token_endpoint_auth_method: 'none',
        grant_types: [DEVICE_GRANT, 'refresh_token'],
        response_types: [],
        redirect_uris: [],
      },
    ],
    scopes: ['openid', 'offline_access'],
    features: {
      deviceFlow: { enabled: true },
      devInteractions: { enabled: false },
      userinfo: { enabled: true },
    },
    // Honoured by oidc-provider on the authorization endpoint only (response_type=code),
    // never on the device flow: the shim above does that.
    pkce: { required: () => true },
    rotateRefreshToken: true,
    ttl: { DeviceCode: () => deviceCodeTtl },
    issueRefreshToken: async (_ctx: unknown, client: { grantTypeAllowed(type: string): boolean }) => client.grantTypeAllowed('refresh_token'),
    findAccount: async (_ctx: unknown, sub: string) => ({ accountId: sub, claims: async () => ({ sub }) }),
    jwks: { keys: [jwk] },
    cookies: { keys: [randomBytes(32).toString('base64url')] },
  });
  provider.use(shim);
  provider.on('server_error', (_ctx, error) => serverErrors.push(error));
  handler = provider.callback();
});

afterAll(async () => {
  if (server) {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
  vi.restoreAllMocks();
});

afterEach(() => {
  pkce.enforce = true;
  deviceCodeTtl = 600;
  const errors = serverErrors.splice(0);
  expect(errors, 'oidc-provider server_error events').toEqual([]);
});

// ---------------------------------------------------------------------------
// Helpers.

const normalizeUserCode = (userCode: string): string => userCode.toUpperCase().replace(/\W/g, '');

async function deviceCodeFor(userCode: string): Promise<DeviceCodeModel> {
  const code = await provider.DeviceCode.findByUserCode(normalizeUserCode(userCode));
  if (!code) throw new Error(`no device code for user code ${userCode}`);
  return code;
}

/** Approves a device code as the verification page would: a grant for the requested scopes, then the code. */
async function approve(userCode: string, accountId = 'user-1'): Promise<string> {
  const code = await deviceCodeFor(userCode);
  const scope = typeof code.params?.scope === 'string' ? code.params.scope : '';
  const grant = new provider.Grant({ accountId, clientId: code.clientId });
  grant.addOIDCScope(scope);
  const grantId = await grant.save();
  Object.assign(code, { accountId, grantId, scope, authTime: Math.floor(Date.now() / 1000) });
  await code.save();
  return grantId;
}

/** Denies a device code as the verification page does when the user aborts. */
async function deny(userCode: string): Promise<void> {
  const code = await deviceCodeFor(userCode);
  Object.assign(code, { error: 'access_denied', errorDescription: 'End-User aborted interaction' });
  await code.save();
}

async function postForm(url: string, params: Record<string, string>): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(url, { method: 'POST', headers: { accept: 'application/json' }, body: new URLSearchParams(params) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** The status of the provider's userinfo endpoint for an access token (200: the token is accepted). */
async function userinfo(accessToken: string): Promise<{ status: number; sub?: unknown }> {
  const res = await fetch(`${issuer}/me`, { headers: { authorization: `Bearer ${accessToken}` } });
  const body = res.status === 200 ? ((await res.json()) as { sub?: unknown }) : (await res.body?.cancel(), undefined);
  return { status: res.status, ...(body && { sub: body.sub }) };
}

function isRefreshPost(init: RequestInit | undefined): boolean {
  if (init?.method !== 'POST' || init.body == null) return false;
  const body = init.body instanceof URLSearchParams ? init.body : new URLSearchParams(String(init.body));
  return body.get('grant_type') === 'refresh_token';
}

interface ClientSetup {
  store?: TokenStore;
  now?: () => number;
  fetch?: FetchLike;
}

function newClient(setup: ClientSetup = {}): QwenOAuthClient {
  return createQwenOAuthClient({
    deviceAuthorizationEndpoint: deviceEndpoint,
    tokenEndpoint,
    clientId: CLIENT_ID,
    scope: SCOPE,
    store: setup.store ?? createMemoryTokenStore(),
    env: {},
    openBrowser: false,
    refreshRetry: { attempts: 1 },
    ...(setup.now && { now: setup.now }),
    ...(setup.fetch && { fetch: setup.fetch }),
  });
}

/** A device login through the library, approved (by `user`) as soon as the code is shown. */
async function login(client: QwenOAuthClient, user = 'user-1'): Promise<QwenCredentials> {
  return client.authorizeDevice({ openBrowser: false, onVerification: async (v) => void (await approve(v.userCode, user)) });
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

// ---------------------------------------------------------------------------

describe('qwen-auth against oidc-provider (device flow, PKCE, rotation)', () => {
  it('device login: tokens are stored, accepted by the provider, and the id_token never reaches storage', async () => {
    const client = newClient();
    let verification: Verification | undefined;
    const before = seen.length;
    const started = Date.now();
    const creds = await client.authorizeDevice({
      onVerification: async (v) => {
        verification = v;
        await approve(v.userCode, 'alice');
      },
    });

    expect(verification).toMatchObject({
      verificationUri: `${issuer}/device`,
      expiresIn: 600,
      browserOpened: false,
    });
    expect(verification?.verificationUriComplete).toBe(`${issuer}/device?user_code=${verification?.userCode}`);

    // Stored exactly as returned, in the library's shape (no id_token, no resource_url: the provider sends none).
    const stored = await client.store.read();
    expect(stored).toEqual(creds);
    expect(Object.keys(creds).sort()).toEqual(['accessToken', 'expiresAt', 'refreshToken', 'tokenType']);
    // The provider says "Bearer"; openid-client (oauth4webapi) lower-cases token_type, so "bearer" is stored.
    expect(creds.tokenType).toMatch(/^bearer$/i);
    expect(creds.refreshToken).toEqual(expect.any(String));
    expect(creds.expiresAt).toBeGreaterThanOrEqual(started + 3600_000 - 1000);
    expect(creds.expiresAt).toBeLessThanOrEqual(Date.now() + 3600_000 + 1000);

    // The provider did send an id_token (scope openid), and it was dropped.
    const tokenAnswer = seen.slice(before).find((s) => s.path === '/token' && s.status === 200);
    expect(tokenAnswer?.form.get('grant_type')).toBe(DEVICE_GRANT);
    expect(tokenAnswer?.response?.id_token).toEqual(expect.any(String));
    expect(tokenAnswer?.response?.token_type).toBe('Bearer');
    expect(JSON.stringify(stored)).not.toContain(String(tokenAnswer?.response?.id_token));

    // The access token is accepted by the provider.
    expect(await userinfo(creds.accessToken)).toEqual({ status: 200, sub: 'alice' });
    const at = await provider.AccessToken.find(creds.accessToken);
    expect(at).toMatchObject({ accountId: 'alice', clientId: CLIENT_ID });
    expect(at?.scope?.split(' ')).toContain('openid');
    const rt = await provider.RefreshToken.find(creds.refreshToken!);
    expect(rt).toMatchObject({ accountId: 'alice', clientId: CLIENT_ID, grantId: at?.grantId });

    // A valid token is served as it is.
    expect(await client.getAccessToken()).toBe(creds.accessToken);
  });

  it('denial: the poll answers access_denied and the client rejects with OAUTH_ACCESS_DENIED at once', async () => {
    const client = newClient();
    let shownAt = 0;
    const error = await rejection(
      client.authorizeDevice({
        onVerification: async (v) => {
          await deny(v.userCode);
          shownAt = Date.now();
        },
      }),
    );
    const elapsed = Date.now() - shownAt;
    expect(isAuthError(error, 'OAUTH_ACCESS_DENIED')).toBe(true);
    expect(elapsed).toBeLessThan(1000);
    expect(await client.store.read()).toBeUndefined();
    expect(seen.at(-1)).toMatchObject({ path: '/token', status: 400, response: { error: 'access_denied' } });
  });

  it('expired device code: a code that expired while onVerification ran ends the login with OAUTH_DEVICE_CODE_EXPIRED', async () => {
    deviceCodeTtl = 1;
    const client = newClient();
    const before = seen.length;
    let expiresAt = 0;
    const error = await rejection(
      client.authorizeDevice({
        onVerification: async (v) => {
          expiresAt = v.expiresAt;
          await new Promise((r) => setTimeout(r, 1100));
        },
      }),
    );
    expect(isAuthError(error, 'OAUTH_DEVICE_CODE_EXPIRED')).toBe(true);
    expect(Date.now()).toBeGreaterThan(expiresAt);
    // The code's lifetime counts from when it was issued, so the client knows it
    // expired while onVerification ran and does not poll at all.
    const polls = seen.slice(before).filter((s) => s.path === '/token');
    expect(polls).toEqual([]);
    expect(await client.store.read()).toBeUndefined();
  });

  it('abort: cancelling while the code is pending rejects with ABORTED promptly', async () => {
    const client = newClient();
    const controller = new AbortController();
    let abortedAt = 0;
    const error = await rejection(
      client.authorizeDevice({
        signal: controller.signal,
        onVerification: () => {
          setTimeout(() => {
            abortedAt = Date.now();
            controller.abort();
          }, 150);
        },
      }),
    );
    expect(isAuthError(error, 'ABORTED')).toBe(true);
    expect(Date.now() - abortedAt).toBeLessThan(500);
    const deviceCode = seen.findLast((s) => s.path === '/device/auth')?.response?.device_code;
    const answered = seen.filter((s) => s.path === '/token' && s.form.get('device_code') === deviceCode && s.status !== undefined);
    expect(answered.length).toBeGreaterThan(0);
    expect(answered.every((s) => s.response?.error === 'authorization_pending')).toBe(true);
    expect(await client.store.read()).toBeUndefined();
  });

  describe('PKCE', () => {
    it('oidc-provider itself ignores PKCE on the device flow (why the shim exists)', async () => {
      pkce.enforce = false;
      const verifier = randomBytes(32).toString('base64url');
      const start = await postForm(deviceEndpoint, {
        client_id: CLIENT_ID,
        scope: SCOPE,
        code_challenge: s256(verifier),
        code_challenge_method: 'S256',
      });
      expect(start.status).toBe(200);
      const deviceCode = String(start.body.device_code);
      // The challenge is not kept with the device code...
      const code = await provider.DeviceCode.find(deviceCode);
      expect(code?.params).toBeDefined();
      expect(code?.params).not.toHaveProperty('code_challenge');
      expect(code?.params).not.toHaveProperty('code_challenge_method');
      await approve(String(start.body.user_code));
      // ...so a poll with a wrong verifier gets the tokens.
      const poll = await postForm(tokenEndpoint, {
        grant_type: DEVICE_GRANT,
        device_code: deviceCode,
        client_id: CLIENT_ID,
        code_verifier: randomBytes(32).toString('base64url'),
      });
      expect(poll.status).toBe(200);
      expect(poll.body.access_token).toEqual(expect.any(String));
    });

    it('the shim makes it required: no challenge, no verifier or a wrong one is rejected; the right one is accepted', async () => {
      const noChallenge = await postForm(deviceEndpoint, { client_id: CLIENT_ID, scope: SCOPE });
      expect(noChallenge).toMatchObject({ status: 400, body: { error: 'invalid_request' } });
      const plain = await postForm(deviceEndpoint, { client_id: CLIENT_ID, scope: SCOPE, code_challenge: 'x'.repeat(43), code_challenge_method: 'plain' });
      expect(plain).toMatchObject({ status: 400, body: { error: 'invalid_request' } });

      const verifier = randomBytes(32).toString('base64url');
      const start = await postForm(deviceEndpoint, { client_id: CLIENT_ID, scope: SCOPE, code_challenge: s256(verifier), code_challenge_method: 'S256' });
      expect(start.status).toBe(200);
      expect(start.body.interval).toBe(POLL_INTERVAL_S);
      const deviceCode = String(start.body.device_code);
      await approve(String(start.body.user_code));
      const poll = (extra: Record<string, string>) =>
        postForm(tokenEndpoint, { grant_type: DEVICE_GRANT, device_code: deviceCode, client_id: CLIENT_ID, ...extra });

      expect(await poll({})).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
      expect(await poll({ code_verifier: randomBytes(32).toString('base64url') })).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
      // The rejected polls did not consume the device code.
      expect((await provider.DeviceCode.find(deviceCode))?.consumed).toBeUndefined();
      const ok = await poll({ code_verifier: verifier });
      expect(ok.status).toBe(200);
      expect(ok.body.refresh_token).toEqual(expect.any(String));
    });

    it('the library sends an S256 challenge and the matching verifier on every poll (pending polls included)', async () => {
      const client = newClient();
      const before = seen.length;
      let deviceCode = '';
      const creds = await client.authorizeDevice({
        onVerification: async (v) => {
          deviceCode = (seen.slice(before).find((s) => s.path === '/device/auth')?.response?.device_code as string) ?? '';
          // Approve only after a few polls were answered authorization_pending.
          const polls = () => seen.filter((s) => s.form.get('device_code') === deviceCode).length;
          void (async () => {
            const deadline = Date.now() + 3000;
            while (polls() < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
            await approve(v.userCode);
          })();
        },
      });
      expect(deviceCode).not.toBe('');
      const start = seen.slice(before).find((s) => s.path === '/device/auth')!;
      expect(start.form.get('code_challenge_method')).toBe('S256');
      const challenge = start.form.get('code_challenge')!;
      expect(challenge).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(start.form.get('scope')).toBe(SCOPE);
      expect(start.form.get('client_id')).toBe(CLIENT_ID);

      const polls = seen.filter((s) => s.path === '/token' && s.form.get('device_code') === deviceCode);
      expect(polls.length).toBeGreaterThanOrEqual(4);
      expect(polls.slice(0, -1).every((p) => p.status === 400 && p.response?.error === 'authorization_pending')).toBe(true);
      expect(polls.at(-1)?.status).toBe(200);
      for (const p of polls) {
        expect(p.form.get('grant_type')).toBe(DEVICE_GRANT);
        expect(s256(p.form.get('code_verifier') ?? '')).toBe(challenge);
      }
      expect(await userinfo(creds.accessToken)).toMatchObject({ status: 200 });
    });

    it('a poll rejected for PKCE (invalid_grant) makes the login fail with OAUTH_PROTOCOL_ERROR', async () => {
      // Tamper with the verifier on its way out, as a broken client would send it.
      const tampering: FetchLike = (input, init) => {
        const body = init?.body;
        if (body instanceof URLSearchParams && body.get('grant_type') === DEVICE_GRANT) {
          const copy = new URLSearchParams(body);
          copy.set('code_verifier', randomBytes(32).toString('base64url'));
          return fetch(input, { ...init, body: copy });
        }
        return fetch(input, init);
      };
      const client = newClient({ fetch: tampering });
      const error = await rejection(login(client));
      expect(isAuthError(error, 'OAUTH_PROTOCOL_ERROR')).toBe(true);
      expect((error as { details: unknown }).details).toMatchObject({ endpoint: tokenEndpoint, status: 400, error: 'invalid_grant' });
      expect(await client.store.read()).toBeUndefined();
    });
  });

  describe('refresh', () => {
    it('refresh() rotates: a new access token and a new refresh token; the old refresh token is then rejected', async () => {
      const client = newClient();
      const first = await login(client);
      const second = await client.refresh();

      expect(second.accessToken).not.toBe(first.accessToken);
      expect(second.refreshToken).toEqual(expect.any(String));
      expect(second.refreshToken).not.toBe(first.refreshToken);
      expect(await client.store.read()).toEqual(second);
      expect(await userinfo(second.accessToken)).toMatchObject({ status: 200, sub: 'user-1' });

      // The provider rotated it: the old one is consumed, the new one is a rotation of the same grant.
      const oldRt = await provider.RefreshToken.find(first.refreshToken!, { ignoreExpiration: true });
      const newRt = await provider.RefreshToken.find(second.refreshToken!);
      expect(oldRt?.consumed).toEqual(expect.any(Number));
      expect(newRt).toMatchObject({ rotations: 1, grantId: oldRt?.grantId });

      // (Presenting it also makes the provider revoke the grant: see the reuse tests.)
      const reuse = await postForm(tokenEndpoint, { grant_type: 'refresh_token', refresh_token: first.refreshToken!, client_id: CLIENT_ID });
      expect(reuse).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });
    });

    it('reuse detection (a): the old refresh token revokes the grant; each store keeps its rejected login (only logout deletes) and says LOGIN_REQUIRED', async () => {
      const a = newClient();
      const c0 = await login(a);
      const c1 = await a.refresh();

      // A second client over the old credentials (expired, so it refreshes).
      const b = newClient({ store: createMemoryTokenStore({ ...c0, expiresAt: Date.now() - 1000 }) });
      const errB = await rejection(b.getAccessToken());
      expect(isAuthError(errB, 'LOGIN_REQUIRED')).toBe(true);
      expect((errB as { details: { reason?: string } }).details.reason).toBe('refresh-rejected');
      expect(await b.store.read()).toMatchObject({ refreshToken: c0.refreshToken });

      // The provider revoked the whole grant: the rotated tokens are dead too.
      expect(await provider.RefreshToken.find(c1.refreshToken!)).toBeUndefined();
      expect((await userinfo(c1.accessToken)).status).toBe(401);
      const direct = await postForm(tokenEndpoint, { grant_type: 'refresh_token', refresh_token: c1.refreshToken!, client_id: CLIENT_ID });
      expect(direct).toMatchObject({ status: 400, body: { error: 'invalid_grant' } });

      // Through the library: client a's store holds the (now rejected) new token.
      expect(await a.store.read()).toEqual(c1);
      const errA = await rejection(a.refresh());
      expect(isAuthError(errA, 'LOGIN_REQUIRED')).toBe(true);
      expect((errA as { details: { reason?: string } }).details.reason).toBe('refresh-rejected');
      expect(await a.store.read()).toEqual(c1);
      // Asked again: the same reason at once.
      expect(await rejection(a.getAccessToken({ forceRefresh: true }))).toMatchObject({ code: 'LOGIN_REQUIRED', details: { reason: 'refresh-rejected' } });
    });

    it('reuse detection (b): a store updated meanwhile with another valid login is used, not emptied', async () => {
      const a = newClient();
      const c0 = await login(a);
      await a.refresh();
      // Someone else (another process) logs in again: a separate, valid grant.
      const other = await login(newClient(), 'user-1');

      const store = createMemoryTokenStore({ ...c0, expiresAt: Date.now() - 1000 });
      let refreshes = 0;
      // While the doomed refresh is in flight, the other login lands in the store.
      const meanwhile: FetchLike = async (input, init) => {
        const res = await fetch(input, init);
        if (isRefreshPost(init)) {
          refreshes++;
          await store.write(other);
        }
        return res;
      };
      const b = newClient({ store, fetch: meanwhile });
      expect(await b.getAccessToken()).toBe(other.accessToken);
      expect(refreshes).toBe(1);
      expect(await store.read()).toEqual(other);
      expect(await userinfo(other.accessToken)).toMatchObject({ status: 200 });
      // And it keeps being served without another refresh.
      expect(await b.getAccessToken()).toBe(other.accessToken);
      expect(refreshes).toBe(1);
    });

    it('reuse detection (b, expired): another login that is itself expired is refreshed with its own refresh token', async () => {
      const a = newClient();
      const c0 = await login(a);
      await a.refresh();
      const otherClient = newClient();
      const other = await login(otherClient, 'user-2');

      const store = createMemoryTokenStore({ ...c0, expiresAt: Date.now() - 1000 });
      const presented: string[] = [];
      const meanwhile: FetchLike = async (input, init) => {
        const res = await fetch(input, init);
        if (isRefreshPost(init)) {
          presented.push(String((init!.body as URLSearchParams).get('refresh_token')));
          if (presented.length === 1) await store.write({ ...other, expiresAt: Date.now() - 1000 });
        }
        return res;
      };
      const b = newClient({ store, fetch: meanwhile });
      const token = await b.getAccessToken();
      expect(presented).toEqual([c0.refreshToken, other.refreshToken]);
      expect(token).not.toBe(other.accessToken);
      expect(await userinfo(token)).toEqual({ status: 200, sub: 'user-2' });
      const stored = await store.read();
      expect(stored?.accessToken).toBe(token);
      expect(stored?.refreshToken).not.toBe(other.refreshToken);
    });
  });

  it('two clients sharing one store: an expired token is refreshed once, and the rotated grant survives', async () => {
    let clock = Date.now();
    let refreshes = 0;
    const counting: FetchLike = (input, init) => {
      if (isRefreshPost(init)) refreshes++;
      return fetch(input, init);
    };
    const store = createMemoryTokenStore();
    const x = newClient({ store, now: () => clock, fetch: counting });
    const y = newClient({ store, now: () => clock, fetch: counting });
    const first = await login(x);
    expect(await y.getAccessToken()).toBe(first.accessToken);

    clock = first.expiresAt! - 29_000;
    const tokens = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? x : y).getAccessToken()));
    expect(refreshes).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    // Had the old refresh token been presented twice, the provider would have revoked the grant.
    expect(await userinfo(tokens[0]!)).toMatchObject({ status: 200 });

    // A forced refresh on one, then on the other: under the lock the second finds the first's
    // rotation in the store and takes it (by design, TokenManager#refreshUnderLock "renewedMeanwhile"),
    // instead of presenting the refresh token it last saw, which the provider now counts as used.
    const forcedX = await x.refresh();
    const forcedY = await y.refresh();
    expect(refreshes).toBe(2);
    expect(forcedX.refreshToken).not.toBe(first.refreshToken);
    expect(forcedY).toEqual(forcedX);
    expect(await userinfo(forcedY.accessToken)).toMatchObject({ status: 200 });
    expect(await store.read()).toEqual(forcedY);
    // The next forced refresh on y really rotates again.
    const again = await y.refresh();
    expect(refreshes).toBe(3);
    expect(again.refreshToken).not.toBe(forcedY.refreshToken);
    expect(await userinfo(again.accessToken)).toMatchObject({ status: 200 });
  });

  it('expiry: 50 concurrent getAccessToken() past expiresAt - 30 s refresh exactly once', async () => {
    let clock = Date.now();
    let refreshes = 0;
    const counting: FetchLike = (input, init) => {
      if (String(input) === tokenEndpoint && isRefreshPost(init)) refreshes++;
      return fetch(input, init);
    };
    const client = newClient({ now: () => clock, fetch: counting });
    const first = await login(client);
    const serverBefore = seen.filter((s) => s.form.get('grant_type') === 'refresh_token').length;

    // Just inside the 30 s margin: still valid, no refresh.
    clock = first.expiresAt! - 31_000;
    expect(await client.getAccessToken()).toBe(first.accessToken);
    expect(refreshes).toBe(0);

    // Past it: one refresh for everyone.
    clock = first.expiresAt! - 29_000;
    const tokens = await Promise.all(Array.from({ length: 50 }, () => client.getAccessToken()));
    expect(refreshes).toBe(1);
    expect(seen.filter((s) => s.form.get('grant_type') === 'refresh_token').length - serverBefore).toBe(1);
    expect(new Set(tokens).size).toBe(1);
    const [token] = tokens;
    expect(token).not.toBe(first.accessToken);
    expect(await userinfo(token!)).toMatchObject({ status: 200 });

    const stored = await client.store.read();
    expect(stored?.accessToken).toBe(token);
    expect(stored?.refreshToken).not.toBe(first.refreshToken);
    expect(stored?.expiresAt).toBe(clock + 3600_000);
    // And the new token is then served without refreshing.
    expect(await client.getAccessToken()).toBe(token);
    expect(refreshes).toBe(1);
  });
});
