/**
 * The request side as resolveAuth() delivers it: on both result types, with
 * redacted views that show no function, a key re-read from .env after a
 * rejection, a live base URL after a refresh, and model requests through the
 * proxy the layered environment names.
 */
import { writeFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveAuth } from '../../src/index.js';
import { type FakeModelServer, type FakeQwenServer, startFakeModelServer, startFakeQwenServer } from '../../src/testing/index.js';
import { type MitmProxy, startMitmProxy } from '../support/mitm-proxy.js';
import { hasOpenssl, useTestCa } from '../support/tls.js';
import { makeTree, type Tree } from '../support/tree.js';

const OLD = 'sk-resolved-old-00000000000000';
const NEW = 'sk-resolved-new-00000000000000';

let tree: Tree | undefined;
let models: FakeModelServer | undefined;
let qwen: FakeQwenServer | undefined;
afterEach(async () => {
  tree?.remove();
  await models?.close();
  await qwen?.close();
  tree = models = qwen = undefined;
});

const METHODS = ['getToken', 'invalidate', 'fetch', 'check'] as const;

describe('the openai result', () => {
  it('has the four methods; its views show neither them nor the key', async () => {
    tree = makeTree({ 'home/.keep': '', 'w/.env': `OPENAI_API_KEY=${OLD}\n` });
    const auth = await resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: {} });
    for (const m of METHODS) expect(typeof auth[m]).toBe('function');
    expect(await auth.getToken()).toBe(OLD);
    for (const text of [JSON.stringify(auth), inspect(auth, { depth: 10 })]) {
      expect(text).not.toContain(OLD);
      for (const m of METHODS) expect(text).not.toContain(m);
    }
    expect(JSON.parse(JSON.stringify(auth))).toMatchObject({
      type: 'openai',
      apiKey: 'sk-…0000',
      baseUrl: 'https://dashscope.aliyuncs.com/compatible-mode/v1',
    });
  });

  it('invalidate(key) re-reads the configuration once: a key edited in .env is picked up; any other token is ignored', async () => {
    tree = makeTree({ 'home/.keep': '', 'w/.env': `OPENAI_API_KEY=${OLD}\n` });
    const auth = await resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: {} });
    writeFileSync(tree.path('w/.env'), `OPENAI_API_KEY=${NEW}\n`);
    auth.invalidate('not-the-key');
    expect(await auth.getToken()).toBe(OLD);
    auth.invalidate(OLD);
    expect(await auth.getToken()).toBe(NEW);
    expect(auth.type === 'openai' && auth.apiKey).toBe(NEW);
    expect(JSON.stringify(auth)).not.toContain(NEW);
    // forceRefresh re-reads too.
    writeFileSync(tree.path('w/.env'), `OPENAI_API_KEY=${OLD}\n`);
    expect(await auth.getToken({ forceRefresh: true })).toBe(OLD);
  });

  it('invalidate(key) as the first call (the request side is loaded later) still re-reads on the next getToken', async () => {
    tree = makeTree({ 'home/.keep': '', 'w/.env': `OPENAI_API_KEY=${OLD}\n` });
    const auth = await resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: {} });
    writeFileSync(tree.path('w/.env'), `OPENAI_API_KEY=${NEW}\n`);
    auth.invalidate(OLD);
    auth.invalidate(OLD);
    expect(await auth.getToken()).toBe(NEW);
    expect(auth.type === 'openai' && auth.apiKey).toBe(NEW);
  });

  it('a re-read that now points at another endpoint keeps the key (it was resolved for this one)', async () => {
    tree = makeTree({ 'home/.keep': '', 'w/.env': `OPENAI_API_KEY=${OLD}\n` });
    const auth = await resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: {} });
    writeFileSync(tree.path('w/.env'), `OPENAI_API_KEY=${NEW}\nOPENAI_BASE_URL=https://elsewhere.example/v1\n`);
    auth.invalidate(OLD);
    expect(await auth.getToken()).toBe(OLD);
  });

  it('options.fetch is the transport of model requests', async () => {
    tree = makeTree({ 'home/.keep': '', 'w/.env': `OPENAI_API_KEY=${OLD}\nOPENAI_BASE_URL=https://api.example/v1\n` });
    const seen: string[] = [];
    const auth = await resolveAuth({
      cwd: tree.path('w'),
      homeDir: tree.path('home'),
      env: {},
      fetch: async (input, init) => {
        seen.push(`${String(input)} ${new Headers(init?.headers).get('authorization')}`);
        return new Response('{"data":[]}', { status: 200 });
      },
    });
    expect(await auth.check()).toMatchObject({ ok: true, status: 200 });
    expect(seen).toEqual([`https://api.example/v1/models Bearer ${OLD}`]);
    await expect(resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: {}, fetch: 5 as never })).rejects.toMatchObject({
      code: 'INVALID_OPTION_TYPE',
      details: { option: 'fetch' },
    });
  });
});

describe('the qwen-oauth result', () => {
  it('has the four methods and getAccessToken; baseUrl and expiresAt follow a refresh that moves resource_url', async () => {
    qwen = await startFakeQwenServer();
    const minted = qwen.mintCredentials();
    tree = makeTree({ 'home/.qwen/oauth_creds.json': JSON.stringify({ ...minted, resource_url: 'https://old.qwen.example' }), 'w/.keep': '' });
    // A resource_url on another host than the token endpoint's must be allowed to be used.
    const auth = await resolveAuth({
      cwd: tree.path('w'),
      homeDir: tree.path('home'),
      env: {},
      oauth: { ...qwen.oauthOptions, allowedResourceHosts: ['old.qwen.example'] },
    });
    if (auth.type !== 'qwen-oauth') throw new Error('expected qwen-oauth');
    for (const m of METHODS) expect(typeof auth[m]).toBe('function');
    expect(auth.baseUrl).toBe('https://old.qwen.example/v1');
    expect(await auth.getAccessToken()).toBe(minted.access_token);
    const before = auth.credentials.expiresAt;
    const fresh = await auth.getToken({ forceRefresh: true });
    expect(fresh).not.toBe(minted.access_token);
    expect(auth.baseUrl).toBe(qwen.baseUrl);
    expect(auth.sources.baseUrl.detail).toBe('resource_url of the Qwen OAuth login');
    expect(auth.credentials.expiresAt).toBeGreaterThanOrEqual(before!);
    const views = [JSON.stringify(auth), inspect(auth, { depth: 10 })];
    for (const text of views) {
      expect(text).not.toContain(fresh);
      expect(text).not.toContain(minted.access_token);
      for (const m of [...METHODS, 'getAccessToken']) expect(text).not.toContain(m);
    }
    expect(JSON.parse(views[0]!)).toMatchObject({ type: 'qwen-oauth', baseUrl: qwen.baseUrl, credentials: { store: 'file' } });
  });
});

if (!hasOpenssl()) console.warn('[resolved-auth] proxy tests skipped: the openssl command is not available');

describe.skipIf(!hasOpenssl())('model requests use the proxy the layered environment names', () => {
  const testCa = useTestCa();
  let proxy: MitmProxy | undefined;
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
  });

  it('HTTP_PROXY from the user settings.env carries auth.fetch and check(); NO_PROXY sends them direct', async () => {
    models = await startFakeModelServer({ apiKeys: { [OLD]: {} } });
    proxy = await startMitmProxy({ ca: testCa(), route: () => undefined });
    const port = Number(new URL(models.url).port);
    // A proxy from a project file is ignored (issue 16): the user's settings name it.
    tree = makeTree({
      'home/.qwen/settings.json': JSON.stringify({ env: { HTTP_PROXY: proxy.url } }),
      'w/.env': `OPENAI_API_KEY=${OLD}\nOPENAI_BASE_URL=${models.baseUrl}\nOPENAI_MODEL=qwen3-coder-plus\n`,
    });
    const auth = await resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: {} });
    expect(await auth.check()).toMatchObject({ ok: true });
    expect((await auth.fetch(`${models.baseUrl}/models`)).status).toBe(200);
    expect(proxy.log.filter((e) => e.kind === 'request').map((e) => [e.host, e.port, e.path])).toEqual([
      ['127.0.0.1', port, '/default/v1/models'],
      ['127.0.0.1', port, '/default/v1/models'],
    ]);

    const direct = await resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: { NO_PROXY: '127.0.0.1' } });
    const logged = proxy.log.length;
    expect(await direct.check()).toMatchObject({ ok: true });
    expect(proxy.log.length).toBe(logged);
    expect(models.requests.length).toBe(3);
  });
});
