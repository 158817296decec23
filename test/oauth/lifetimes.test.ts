/**
 * Lifetimes and malformed answers from the authorization server (issue 10,
 * findings 5, 7 and 9): device-code and token lifetimes are validated and
 * clamped; a malformed answer is a protocol error, never a retried network
 * failure; server text is bounded and sanitised; the device-code deadline
 * follows the injected clock.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileTokenStore, createMemoryTokenStore, createQwenOAuthClient, isAuthError, type Verification } from '../../src/index.js';
import { createConfiguration, refreshGrant, startDeviceAuthorization } from '../../src/oauth/protocol.js';
import { resolveEndpoints } from '../../src/oauth/endpoints.js';
import { deviceAnswer, type ScriptedServer, startScriptedServer, tokenAnswer } from '../support/scripted-server.js';
import { makeTree, type Tree } from '../support/tree.js';

let server: ScriptedServer | undefined;
let tree: Tree | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  tree?.remove();
  tree = undefined;
});

async function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

const expired = () => ({ accessToken: 'at-old-0001', refreshToken: 'rt-old-0001', tokenType: 'Bearer', expiresAt: 0 });

describe('device-code lifetimes', () => {
  it.each([4.3e6, 1e10, 1e308, 600.0001, 3e6, 86_400])('expires_in %d: clamped, the login completes', async (expiresIn) => {
    server = await startScriptedServer((r) =>
      r.kind === 'device' ? { body: deviceAnswer('http://127.0.0.1', { expires_in: expiresIn }) } : { body: tokenAnswer() },
    );
    const client = createQwenOAuthClient({ ...server.oauthOptions, store: createMemoryTokenStore(), env: {} });
    let shown: Verification | undefined;
    const creds = await within(5_000, client.authorizeDevice({ onVerification: (v) => void (shown = v), openBrowser: false }));
    expect(creds.accessToken).toBe('at-scripted-0001');
    expect(shown!.expiresIn).toBeLessThanOrEqual(3_600);
    expect(Number.isFinite(shown!.expiresAt)).toBe(true);
  });

  it.each([0, -1, 'abc', null, '1e400'])('expires_in %j: OAUTH_PROTOCOL_ERROR before any poll', async (expiresIn) => {
    server = await startScriptedServer(() => ({ body: deviceAnswer('http://127.0.0.1', { expires_in: expiresIn }) }));
    const client = createQwenOAuthClient({ ...server.oauthOptions, store: createMemoryTokenStore(), env: {} });
    const error = await within(5_000, client.authorizeDevice({ onVerification: () => undefined, openBrowser: false })).catch((e: unknown) => e);
    expect(isAuthError(error, 'OAUTH_PROTOCOL_ERROR'), String(error)).toBe(true);
    expect(server.seen.filter((r) => r.kind === 'device_code')).toHaveLength(0);
  });

  it.each([1e10, 1e308, 61])('interval %d: clamped to at most a minute (or the default), never a timer overflow', async (interval) => {
    server = await startScriptedServer(() => ({ body: deviceAnswer('http://127.0.0.1', { interval }) }));
    const settings = { endpoints: resolveEndpoints(server.oauthOptions), fetch: globalThis.fetch, timeoutMs: 5_000, now: Date.now };
    const a = await startDeviceAuthorization(createConfiguration(settings), settings);
    expect(a.interval === undefined || (a.interval >= 0 && a.interval <= 60)).toBe(true);
    expect(a.raw.interval === undefined || (a.raw.interval >= 0 && a.raw.interval <= 60)).toBe(true);
  });

  it('the deadline follows the injected clock: a code that expired while the user looked is not polled for', async () => {
    server = await startScriptedServer((r) =>
      r.kind === 'device' ? { body: deviceAnswer('http://127.0.0.1') } : { status: 400, body: { error: 'authorization_pending' } },
    );
    let clock = Date.now();
    const client = createQwenOAuthClient({ ...server.oauthOptions, store: createMemoryTokenStore(), env: {}, now: () => clock });
    const error = await within(
      5_000,
      client.authorizeDevice({
        openBrowser: false,
        onVerification: () => {
          clock += 601_000; // the user took ten minutes
        },
      }),
    ).catch((e: unknown) => e);
    expect(isAuthError(error, 'OAUTH_DEVICE_CODE_EXPIRED'), String(error)).toBe(true);
  });
});

describe('token lifetimes', () => {
  it('expires_in 0: stored (the rotated refresh token is kept), and getAccessToken refuses it with OAUTH_PROTOCOL_ERROR', async () => {
    server = await startScriptedServer(() => ({ body: tokenAnswer({ expires_in: 0 }) }));
    const store = createMemoryTokenStore(expired());
    const client = createQwenOAuthClient({ ...server.oauthOptions, store, env: {} });
    await expect(client.getAccessToken()).rejects.toMatchObject({ code: 'OAUTH_PROTOCOL_ERROR' });
    expect(await store.read()).toMatchObject({ refreshToken: 'rt-scripted-0001' });
  });

  it('expires_in 1e308: a finite expiry (one year at most), saved as a number', async () => {
    server = await startScriptedServer(() => ({ body: tokenAnswer({ expires_in: 1e308 }) }));
    tree = makeTree();
    const store = createFileTokenStore({ qwenDir: tree.path('q') });
    await store.write(expired());
    const now = Date.now();
    const client = createQwenOAuthClient({ ...server.oauthOptions, store, env: {}, now: () => now });
    await client.getAccessToken();
    const file = JSON.parse(readFileSync(tree.path('q/oauth_creds.json'), 'utf8'));
    expect(file.expiry_date).toBe(now + 365 * 24 * 3600 * 1000);
  });
});

describe('malformed answers are protocol errors, never retried as network failures', () => {
  it.each([
    ['expires_in "abc"', { body: tokenAnswer({ expires_in: 'abc' }) }],
    ['HTTP 204 with a body', { status: 204 }],
    ['HTTP 205', { status: 205 }],
    ['HTTP 304', { status: 304 }],
    ['a redirect', { redirect: 'http://127.0.0.1:1/elsewhere' }],
    ['HTTP 200, not JSON', { body: 'not json', headers: { 'content-type': 'text/html' } }],
    ['an empty access_token', { body: tokenAnswer({ access_token: '' }) }],
    ['a number as access_token', { body: tokenAnswer({ access_token: 5 }) }],
    ['an answer over 1 MiB', { body: tokenAnswer({ pad: 'x'.repeat(1_100_000) }) }],
  ])('%s: OAUTH_PROTOCOL_ERROR after one request', async (_name, reply) => {
    server = await startScriptedServer(() => reply);
    const client = createQwenOAuthClient({
      ...server.oauthOptions,
      store: createMemoryTokenStore(expired()),
      env: {},
      refreshRetry: { attempts: 3, baseDelayMs: 1 },
    });
    const error = await within(5_000, client.refresh()).catch((e: unknown) => e);
    expect(isAuthError(error, 'OAUTH_PROTOCOL_ERROR'), String(error)).toBe(true);
    expect(server.seen.filter((r) => r.kind === 'refresh_token')).toHaveLength(1);
  });

  it('a reset connection is a network failure, retried', async () => {
    server = await startScriptedServer(() => ({ reset: true }));
    const client = createQwenOAuthClient({
      ...server.oauthOptions,
      store: createMemoryTokenStore(expired()),
      env: {},
      refreshRetry: { attempts: 3, baseDelayMs: 1 },
    });
    await expect(client.refresh()).rejects.toMatchObject({ code: 'NETWORK_ERROR', details: { attempts: 3 } });
    expect(server.seen).toHaveLength(3);
  });
});

describe('server text in OAUTH_PROTOCOL_ERROR', () => {
  const TOKEN = 'rt-old-0001';
  const reflected = `sk-REFLECTED${'Ab9'.repeat(10)}`;
  it.each([
    ['the refresh token echoed in error', { status: 403, body: { error: `forbidden: ${TOKEN} ${reflected}` } }],
    ['a huge error string', { status: 403, body: { error: `e${'x'.repeat(100_000)}` } }],
    ['control characters', { status: 403, body: { error: 'bad\u001b[31m\u0000\u202eevil' } }],
  ])('%s: bounded and sanitised', async (_name, reply) => {
    server = await startScriptedServer(() => reply);
    const client = createQwenOAuthClient({ ...server.oauthOptions, store: createMemoryTokenStore(expired()), env: {} });
    const error = (await client.refresh().catch((e: unknown) => e)) as Error & { details: { error?: string } };
    expect(isAuthError(error, 'OAUTH_PROTOCOL_ERROR'), String(error)).toBe(true);
    const shown = JSON.stringify(error) + error.message;
    expect(shown).not.toContain(reflected.slice(5, 17));
    expect(error.message.length).toBeLessThan(400);
    expect(error.details.error?.length ?? 0).toBeLessThanOrEqual(100);
    // eslint-disable-next-line no-control-regex
    expect(error.message).not.toMatch(/[\u0000-\u001f\u202e]/);
  });
});

describe('backoff uses the injected sleep and jitter', () => {
  it('delays double from the base, jittered by the injected random', async () => {
    server = await startScriptedServer(() => ({ status: 503 }));
    const endpoints = resolveEndpoints(server.oauthOptions);
    const slept: number[] = [];
    const settings = {
      endpoints,
      fetch: globalThis.fetch,
      timeoutMs: 5_000,
      now: Date.now,
      sleep: async (ms: number) => void slept.push(ms),
      random: () => 0.5,
    };
    const error = await refreshGrant(createConfiguration(settings), settings, 'rt', { attempts: 4, baseDelayMs: 500 }).catch((e: unknown) => e);
    expect(isAuthError(error, 'NETWORK_ERROR')).toBe(true);
    expect(slept).toEqual([500, 1_000, 2_000]);
  });
});
