/**
 * `resource_url` is the base URL that receives the access token (issue 10,
 * finding 2). It is parsed and checked like any base URL: https (http only
 * on loopback), no user-info, query or fragment, and a host of Qwen OAuth,
 * of the token endpoint, or one the caller allows. Anything else is not used:
 * resolution keeps the default with RESOURCE_URL_REJECTED, and a refresh or
 * a login never adopts it.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileTokenStore, createMemoryTokenStore, createQwenOAuthClient, resolveAuth } from '../../src/index.js';
import { checkResourceUrl, QWEN_OAUTH_FALLBACK_BASE_URL } from '../../src/oauth/base-url.js';
import { type FakeQwenServer, startFakeQwenServer } from '../../src/testing/index.js';
import { HOSTILE_RESOURCE_URLS } from '../support/hostile-values.js';
import { makeTree, type Tree } from '../support/tree.js';

let server: FakeQwenServer | undefined;
let tree: Tree | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
  tree?.remove();
  tree = undefined;
});

const QWEN = { tokenEndpoint: 'https://chat.qwen.ai/api/v1/oauth2/token' };

describe('checkResourceUrl', () => {
  it.each(HOSTILE_RESOURCE_URLS.filter((v) => v.trim() !== ''))('rejects %j', (value) => {
    const r = checkResourceUrl(value, QWEN);
    expect(r.ok, JSON.stringify(r)).toBe(false);
  });

  it.each([
    ['portal.qwen.ai', 'https://portal.qwen.ai/v1'],
    ['https://portal.qwen.ai', 'https://portal.qwen.ai/v1'],
    ['https://portal.qwen.ai/', 'https://portal.qwen.ai/v1'],
    ['https://portal.qwen.ai/v1/', 'https://portal.qwen.ai/v1'],
    ['PORTAL.QWEN.AI', 'https://portal.qwen.ai/v1'],
    ['portal.qwen.ai:443', 'https://portal.qwen.ai/v1'],
    ['chat.qwen.ai', 'https://chat.qwen.ai/v1'],
    ['qwen.ai', 'https://qwen.ai/v1'],
    ['qwen.ai.', 'https://qwen.ai./v1'],
    ['dashscope.aliyuncs.com/compatible-mode', QWEN_OAUTH_FALLBACK_BASE_URL],
  ])('accepts %j as %s', (value, baseUrl) => {
    expect(checkResourceUrl(value, QWEN)).toEqual({ ok: true, baseUrl });
  });

  it("trusts the token endpoint's own host (http only on loopback) and hosts the caller allows", () => {
    expect(checkResourceUrl('http://127.0.0.1:1234', { tokenEndpoint: 'http://127.0.0.1:1234/token' })).toEqual({
      ok: true,
      baseUrl: 'http://127.0.0.1:1234/v1',
    });
    // The origin, not the host: another port (or scheme) of the token endpoint's host is another server.
    expect(checkResourceUrl('http://127.0.0.1:9999', { tokenEndpoint: 'http://127.0.0.1:1234/token' }).ok).toBe(false);
    expect(checkResourceUrl('https://127.0.0.1:1234', { tokenEndpoint: 'http://127.0.0.1:1234/token' }).ok).toBe(false);
    expect(checkResourceUrl('api.example.com', QWEN).ok).toBe(false);
    expect(checkResourceUrl('api.example.com', { ...QWEN, allowedHosts: ['api.example.com'] })).toEqual({ ok: true, baseUrl: 'https://api.example.com/v1' });
    expect(checkResourceUrl('eu.api.example.com', { ...QWEN, allowedHosts: ['*.api.example.com'] }).ok).toBe(true);
    expect(checkResourceUrl('api.example.com.evil', { ...QWEN, allowedHosts: ['api.example.com', '*.example.com'] }).ok).toBe(false);
    // Allowed, still checked: no clear text to another machine, no user-info.
    expect(checkResourceUrl('http://api.example.com', { ...QWEN, allowedHosts: ['api.example.com'] }).ok).toBe(false);
    expect(checkResourceUrl('https://u:p@api.example.com', { ...QWEN, allowedHosts: ['api.example.com'] }).ok).toBe(false);
  });
});

const creds = (resourceUrl: string) =>
  JSON.stringify({
    access_token: 'at-0123456789abcdef',
    refresh_token: 'rt-0123456789abcdef',
    token_type: 'Bearer',
    resource_url: resourceUrl,
    expiry_date: Date.parse('2099-01-01'),
  });

describe('resolveAuth with a cached login', () => {
  it.each(HOSTILE_RESOURCE_URLS.filter((v) => v.trim() !== ''))('resource_url %j: the default base URL and RESOURCE_URL_REJECTED', async (value) => {
    tree = makeTree({ 'home/.keep': '', 'w/.keep': '', 'home/.qwen/oauth_creds.json': creds(value) });
    const auth = await resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: {} });
    expect(auth.type).toBe('qwen-oauth');
    expect(auth.baseUrl).toBe(QWEN_OAUTH_FALLBACK_BASE_URL);
    expect(auth.sources.baseUrl.kind).toBe('default');
    const d = auth.diagnostics.find((x) => x.code === 'RESOURCE_URL_REJECTED');
    expect(d, JSON.stringify(auth.diagnostics)).toMatchObject({ level: 'warning', path: tree.path('home/.qwen/oauth_creds.json') });
    expect(d!.message).not.toContain('pw@');
  });

  it('a host the caller allows is used', async () => {
    tree = makeTree({ 'home/.keep': '', 'w/.keep': '', 'home/.qwen/oauth_creds.json': creds('https://llm.corp.example/api') });
    const auth = await resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: {}, oauth: { allowedResourceHosts: ['llm.corp.example'] } });
    expect(auth.baseUrl).toBe('https://llm.corp.example/api/v1');
    expect(auth.diagnostics.map((d) => d.code)).not.toContain('RESOURCE_URL_REJECTED');
  });

  it('junk allowedResourceHosts is INVALID_OPTION_TYPE', async () => {
    tree = makeTree({ 'home/.keep': '', 'w/.keep': '' });
    for (const junk of ['x', [1], [''], {}] as const) {
      await expect(
        resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: {}, oauth: { allowedResourceHosts: junk as never } }),
      ).rejects.toMatchObject({ code: 'INVALID_OPTION_TYPE', details: { option: 'oauth.allowedResourceHosts' } });
    }
  });
});

describe('the token endpoint cannot move the base URL', () => {
  it.each(['http://evil.example', 'https://evil.example', 'https://user:pw@portal.qwen.ai', 'portal.qwen.ai.evil.example'])(
    'a refresh answering resource_url %j keeps the previous one',
    async (hostile) => {
      server = await startFakeQwenServer({ resourceUrl: hostile });
      const minted = server.mintCredentials({ expiresInSeconds: -1 });
      const store = createMemoryTokenStore({
        accessToken: minted.access_token,
        refreshToken: minted.refresh_token,
        tokenType: 'Bearer',
        resourceUrl: 'portal.qwen.ai',
        expiresAt: minted.expiry_date,
      });
      const client = createQwenOAuthClient({ ...server.oauthOptions, store, env: {} });
      await client.refresh();
      expect(await store.read()).toMatchObject({ resourceUrl: 'portal.qwen.ai' });
      expect(server.stats.refreshesGranted).toBe(1);
    },
  );

  it('a login answering a hostile resource_url stores none (so neither tool sends the token there)', async () => {
    server = await startFakeQwenServer({ resourceUrl: 'http://evil.example', autoApproveAfterPolls: 1 });
    tree = makeTree();
    const client = createQwenOAuthClient({ ...server.oauthOptions, store: createFileTokenStore({ qwenDir: tree.path('q') }), env: {} });
    const c = await client.authorizeDevice({ onVerification: () => undefined, openBrowser: false });
    expect(c.resourceUrl).toBeUndefined();
    expect(JSON.parse(readFileSync(tree.path('q/oauth_creds.json'), 'utf8')).resource_url).toBeUndefined();
  });

  it('an allowed host is adopted', async () => {
    server = await startFakeQwenServer({ resourceUrl: 'https://llm.corp.example' });
    const minted = server.mintCredentials({ expiresInSeconds: -1 });
    const store = createMemoryTokenStore({
      accessToken: minted.access_token,
      refreshToken: minted.refresh_token,
      tokenType: 'Bearer',
      resourceUrl: 'portal.qwen.ai',
      expiresAt: minted.expiry_date,
    });
    const client = createQwenOAuthClient({ ...server.oauthOptions, store, env: {}, allowedResourceHosts: ['llm.corp.example'] });
    await client.refresh();
    expect(await store.read()).toMatchObject({ resourceUrl: 'https://llm.corp.example' });
  });
});
