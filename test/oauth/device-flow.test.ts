/**
 * The device flow against the Qwen-shaped fake server (qwen-auth/testing),
 * over real HTTP on loopback.
 */
import { readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileTokenStore, createMemoryTokenStore, createQwenOAuthClient, resolveAuth, type Verification } from '../../src/index.js';
import { type FakeQwenServer, startFakeQwenServer } from '../../src/testing/index.js';
import { makeTree, type Tree } from '../support/tree.js';

let server: FakeQwenServer | undefined;
let tree: Tree | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  tree?.remove();
  tree = undefined;
});

describe('device flow with PKCE against a Qwen-shaped server', () => {
  it('logs in: onVerification is awaited before polling, the login lands in the file store', async () => {
    server = await startFakeQwenServer({ autoApproveAfterPolls: 1 });
    tree = makeTree();
    const store = createFileTokenStore({ qwenDir: tree.path('q') });
    const client = createQwenOAuthClient({ ...server.oauthOptions, store, env: {} });
    let seen: Verification | undefined;
    let pollsWhenShown = -1;
    const creds = await client.authorizeDevice({
      onVerification: async (v) => {
        seen = v;
        await new Promise((r) => setTimeout(r, 150));
        pollsWhenShown = server!.stats.tokenPolls;
      },
    });
    expect(pollsWhenShown).toBe(0);
    expect(seen).toMatchObject({
      userCode: expect.stringMatching(/^[A-Z]{4}-[A-Z]{4}$/),
      verificationUri: `${server.url}/authorize`,
      verificationUriComplete: expect.stringContaining(seen!.userCode),
      expiresIn: 600,
      browserOpened: false, // no display in `env`
    });
    expect(server.isValidAccessToken(creds.accessToken)).toBe(true);
    expect(creds).toMatchObject({ resourceUrl: server.url, tokenType: expect.stringMatching(/^bearer$/i) });
    const file = JSON.parse(readFileSync(tree.path('q/oauth_creds.json'), 'utf8'));
    expect(Object.keys(file).sort()).toEqual(['access_token', 'expiry_date', 'refresh_token', 'resource_url', 'token_type']);
    expect(statSync(tree.path('q/oauth_creds.json')).mode & 0o777).toBe(0o600);
  });

  it('honours slow_down sent as HTTP 429 with an HTML body', async () => {
    server = await startFakeQwenServer({ slowDownPolls: 1, nonJsonErrors: true, autoApproveAfterPolls: 2 });
    const client = createQwenOAuthClient({ ...server.oauthOptions, store: createMemoryTokenStore(), env: {} });
    const t = Date.now();
    await client.authorizeDevice({ onVerification: () => undefined });
    expect(server.stats.slowDowns).toBe(1);
    expect(Date.now() - t).toBeGreaterThanOrEqual(4_900); // slow_down adds 5 s to the interval (RFC 8628 §3.5)
  }, 15_000);

  it.each([['access_denied', 'OAUTH_ACCESS_DENIED', (s: FakeQwenServer) => s.deny()]])('%s ends polling at once with %s', async (_name, code, act) => {
    server = await startFakeQwenServer();
    const client = createQwenOAuthClient({ ...server.oauthOptions, store: createMemoryTokenStore(), env: {} });
    const t = Date.now();
    await expect(client.authorizeDevice({ onVerification: () => void setTimeout(() => act(server!), 100) })).rejects.toMatchObject({ code });
    expect(Date.now() - t).toBeLessThan(2_000);
  });

  it('an expired device code ends with OAUTH_DEVICE_CODE_EXPIRED', async () => {
    server = await startFakeQwenServer({ deviceCodeTtlSeconds: 1 });
    const client = createQwenOAuthClient({ ...server.oauthOptions, store: createMemoryTokenStore(), env: {} });
    await expect(client.authorizeDevice({ onVerification: () => undefined })).rejects.toMatchObject({ code: 'OAUTH_DEVICE_CODE_EXPIRED' });
  });

  it('an AbortSignal cancels polling with ABORTED', async () => {
    server = await startFakeQwenServer();
    const client = createQwenOAuthClient({ ...server.oauthOptions, store: createMemoryTokenStore(), env: {} });
    const controller = new AbortController();
    const t = Date.now();
    await expect(
      client.authorizeDevice({ signal: controller.signal, onVerification: () => void setTimeout(() => controller.abort(), 100) }),
    ).rejects.toMatchObject({ code: 'ABORTED' });
    expect(Date.now() - t).toBeLessThan(2_000);
  });

  it('needs onVerification: the code must reach the caller', async () => {
    server = await startFakeQwenServer();
    const client = createQwenOAuthClient({ ...server.oauthOptions, store: createMemoryTokenStore(), env: {} });
    await expect(client.authorizeDevice()).rejects.toMatchObject({ code: 'INVALID_OPTION', details: { option: 'onVerification' } });
    expect(server.stats.deviceCodeRequests).toBe(0);
  });

  it('refuses plain http to another machine, before any request', () => {
    expect(() => createQwenOAuthClient({ tokenEndpoint: 'http://chat.qwen.ai/api/v1/oauth2/token' })).toThrow(
      expect.objectContaining({ code: 'INSECURE_ENDPOINT' }),
    );
  });

  it('an unreachable server is NETWORK_ERROR', async () => {
    const dead = createServer();
    await new Promise<void>((r) => dead.listen(0, '127.0.0.1', r));
    const port = (dead.address() as AddressInfo).port;
    await new Promise((r) => dead.close(r));
    const client = createQwenOAuthClient({
      deviceAuthorizationEndpoint: `http://127.0.0.1:${port}/device`,
      tokenEndpoint: `http://127.0.0.1:${port}/token`,
      store: createMemoryTokenStore(),
      env: {},
    });
    await expect(client.authorizeDevice({ onVerification: () => undefined })).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
  });

  it('times out a request that never answers (per-request timeout)', async () => {
    const hang = createServer(() => undefined);
    await new Promise<void>((r) => hang.listen(0, '127.0.0.1', r));
    const port = (hang.address() as AddressInfo).port;
    const client = createQwenOAuthClient({
      deviceAuthorizationEndpoint: `http://127.0.0.1:${port}/device`,
      tokenEndpoint: `http://127.0.0.1:${port}/token`,
      store: createMemoryTokenStore(),
      env: {},
      timeoutMs: 500,
    });
    const t = Date.now();
    await expect(client.authorizeDevice({ onVerification: () => undefined })).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
    expect(Date.now() - t).toBeLessThan(3_000);
    hang.closeAllConnections();
    await new Promise((r) => hang.close(r));
  });
});

describe('refresh against the Qwen-shaped server', () => {
  it('5xx is retried with backoff and the login kept; then NETWORK_ERROR', async () => {
    server = await startFakeQwenServer({ nonJsonErrors: true });
    const store = createMemoryTokenStore();
    const minted = server.mintCredentials({ expiresInSeconds: -1 });
    await store.write({ accessToken: minted.access_token, refreshToken: minted.refresh_token, tokenType: 'Bearer', expiresAt: minted.expiry_date });
    const client = createQwenOAuthClient({ ...server.oauthOptions, store, env: {}, refreshRetry: { attempts: 3, baseDelayMs: 20 } });
    server.failRefreshes(2, 502);
    await expect(client.getAccessToken()).resolves.toMatch(/^fake-at-/);
    expect(server.stats.refreshRequests).toBe(3);
    server.failRefreshes(3, 503);
    await expect(client.refresh()).rejects.toMatchObject({ code: 'NETWORK_ERROR', details: { status: 503, attempts: 3 } });
    expect(await store.read()).toBeDefined();
  });

  it('keeps resource_url and the refresh token when a refresh omits them (resource_url: Differs)', async () => {
    server = await startFakeQwenServer({ omitResourceUrlOnRefresh: true, omitRefreshTokenOnRefresh: true });
    const store = createMemoryTokenStore();
    const minted = server.mintCredentials({ expiresInSeconds: -1 });
    await store.write({
      accessToken: minted.access_token,
      refreshToken: minted.refresh_token,
      tokenType: 'Bearer',
      resourceUrl: 'https://my.qwen.example',
      expiresAt: minted.expiry_date,
    });
    const client = createQwenOAuthClient({ ...server.oauthOptions, store, env: {} });
    await client.getAccessToken();
    expect(await store.read()).toMatchObject({ refreshToken: minted.refresh_token, resourceUrl: 'https://my.qwen.example' });
  });
});

describe('resolveAuth({ interactive: true })', () => {
  it('logs in when nothing else is configured, and returns a qwen-oauth result', async () => {
    server = await startFakeQwenServer({ autoApproveAfterPolls: 1 });
    tree = makeTree({ 'home/.keep': '', 'w/.keep': '' });
    const shown: Verification[] = [];
    const auth = await resolveAuth({
      cwd: tree.path('w'),
      homeDir: tree.path('home'),
      env: {},
      interactive: true,
      onVerification: (v) => void shown.push(v),
      oauth: server.oauthOptions,
    });
    expect(shown).toHaveLength(1);
    expect(auth).toMatchObject({ type: 'qwen-oauth', baseUrl: `${server.url}/v1`, model: 'coder-model' });
    expect(auth.sources.authType.detail).toMatch(/interactive/);
    if (auth.type !== 'qwen-oauth') throw new Error('expected qwen-oauth');
    expect(server.isValidAccessToken(await auth.getAccessToken())).toBe(true);
  });

  it('never starts a login implicitly when not interactive', async () => {
    server = await startFakeQwenServer();
    tree = makeTree({ 'home/.keep': '', 'w/.keep': '' });
    await expect(resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: {}, oauth: server.oauthOptions })).rejects.toMatchObject({
      code: 'NO_CREDENTIALS',
    });
    expect(server.stats.deviceCodeRequests).toBe(0);
  });
});
