import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { isAuthError, QwenAuthError, resolveAuth } from '../../src/index.js';
import type { ResolveAuthOptions } from '../../src/resolve/options.js';
import { makeTree, type Tree } from '../support/tree.js';

let tree: Tree | undefined;
afterEach(() => tree?.remove());

const CREDS = JSON.stringify({
  access_token: 'at-cached-0123456789abcdef',
  refresh_token: 'rt-cached-0123456789abcdef',
  token_type: 'Bearer',
  resource_url: 'portal.qwen.ai',
  expiry_date: Date.parse('2099-01-01'),
});

interface Setup {
  readonly env?: Record<string, string>;
  readonly files?: Record<string, string>;
  readonly options?: Partial<ResolveAuthOptions>;
}

async function resolveIn(setup: Setup) {
  tree = makeTree({ 'home/.keep': '', 'w/.keep': '', ...setup.files });
  return resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: setup.env ?? {}, ...setup.options });
}

const selected = (type: string) => ({ 'home/.qwen/settings.json': JSON.stringify({ security: { auth: { selectedType: type } } }) });
const cached = { 'home/.qwen/oauth_creds.json': CREDS };

describe('auth type (spec §3)', () => {
  it.each([
    [
      'override beats everything',
      { env: { OPENAI_API_KEY: 'k', QWEN_OAUTH: '1' }, files: { ...selected('qwen-oauth'), ...cached }, options: { overrides: { authType: 'openai' } } },
      'openai',
      'override',
    ],
    ['selectedType beats QWEN_OAUTH', { env: { OPENAI_API_KEY: 'k', QWEN_OAUTH: '1' }, files: { ...selected('openai'), ...cached } }, 'openai', 'settings'],
    ['QWEN_OAUTH beats an available key', { env: { OPENAI_API_KEY: 'k', QWEN_OAUTH: 'true' }, files: cached }, 'qwen-oauth', 'env'],
    ['QWEN_OAUTH from a .env file counts', { env: { OPENAI_API_KEY: 'k' }, files: { ...cached, 'w/.env': 'QWEN_OAUTH=1' } }, 'qwen-oauth', 'env-file'],
    ['an available key beats cached credentials', { env: { OPENAI_API_KEY: 'k' }, files: cached }, 'openai', 'env'],
    ['OPENAI_API_KEY alone is enough (Differs)', { env: { OPENAI_API_KEY: 'k' } }, 'openai', 'env'],
    ['a key in settings is enough', { files: { 'home/.qwen/settings.json': '{"security":{"auth":{"apiKey":"k"}}}' } }, 'openai', 'settings'],
    ['cached credentials when there is no key', { files: cached }, 'qwen-oauth', 'default'],
    ['an empty QWEN_OAUTH does not select', { env: { QWEN_OAUTH: '', OPENAI_API_KEY: 'k' }, files: cached }, 'openai', 'env'],
  ] as const)('%s', async (_name, setup, type, kind) => {
    const auth = await resolveIn(setup);
    expect(auth.type).toBe(type);
    expect(auth.sources.authType.kind).toBe(kind);
  });

  it('nothing anywhere, not interactive: NO_CREDENTIALS listing every place checked', async () => {
    const error = await resolveIn({ files: { 'home/.qwen/settings.json': '{}' } }).catch((e) => e);
    expect(isAuthError(error, 'NO_CREDENTIALS')).toBe(true);
    expect(error.details.checked).toEqual([
      'the auth type the program passed',
      `security.auth.selectedType in ${tree!.path('home/.qwen/settings.json')}`,
      'QWEN_OAUTH',
      'OPENAI_API_KEY',
      'security.auth.apiKey in settings',
      'a .env file (none found)',
      `cached Qwen OAuth credentials (${tree!.path('home/.qwen/oauth_creds.json')})`,
    ]);
  });

  it('a credentials file that is not a login does not count, and is reported', async () => {
    const error = await resolveIn({ files: { 'home/.qwen/oauth_creds.json': '{"nope":1}' } }).catch((e) => e);
    expect(error.code).toBe('NO_CREDENTIALS');
    const auth = await resolveIn({ env: { OPENAI_API_KEY: 'k' }, files: { 'home/.qwen/oauth_creds.json': '{' } });
    expect(auth.type).toBe('openai');
  });

  it.each([
    ['settings', { files: selected('gemini') }],
    ['override', { options: { overrides: { authType: 'vertex-ai' as never } } }],
  ])('an unsupported auth type from %s is UNSUPPORTED_AUTH_TYPE', async (_name, setup) => {
    await expect(resolveIn({ env: { OPENAI_API_KEY: 'k' }, ...setup })).rejects.toMatchObject({ code: 'UNSUPPORTED_AUTH_TYPE' });
  });

  it('qwen-oauth selected without a login, not interactive: LOGIN_REQUIRED', async () => {
    await expect(resolveIn({ files: selected('qwen-oauth') })).rejects.toMatchObject({
      code: 'LOGIN_REQUIRED',
      details: { reason: 'no-credentials' },
    });
  });

  it('openai selected without a key: MISSING_API_KEY even with cached credentials', async () => {
    await expect(resolveIn({ files: { ...selected('openai'), ...cached } })).rejects.toMatchObject({ code: 'MISSING_API_KEY' });
  });
});

describe('qwen-oauth result (spec §5)', () => {
  it.each([
    ['portal.qwen.ai', 'https://portal.qwen.ai/v1'],
    ['https://portal.qwen.ai', 'https://portal.qwen.ai/v1'],
    ['https://portal.qwen.ai/v1', 'https://portal.qwen.ai/v1'],
    ['portal.qwen.ai/v1/', 'https://portal.qwen.ai/v1'],
    ['http://127.0.0.1:9999', 'http://127.0.0.1:9999/v1'],
    [undefined, 'https://dashscope.aliyuncs.com/compatible-mode/v1'],
  ])('resource_url %j → %s', async (resourceUrl, baseUrl) => {
    const creds = { ...JSON.parse(CREDS), resource_url: resourceUrl };
    // A loopback resource_url is trusted when the token endpoint that issued the login has its origin.
    const oauth = resourceUrl?.includes('127.0.0.1') ? { tokenEndpoint: 'http://127.0.0.1:9999/token' } : {};
    const auth = await resolveIn({ files: { 'home/.qwen/oauth_creds.json': JSON.stringify(creds) }, options: { oauth } });
    expect(auth.type).toBe('qwen-oauth');
    expect(auth.baseUrl).toBe(baseUrl);
  });

  it('the model is coder-model; another request is a warning', async () => {
    const auth = await resolveIn({ files: cached, options: { overrides: { model: 'qwen3-max' } } });
    expect(auth.model).toBe('coder-model');
    expect(auth.diagnostics.map((d) => d.code)).toContain('OAUTH_MODEL_UNSUPPORTED');
    const plain = await resolveIn({ files: cached, env: { OPENAI_MODEL: 'ignored-in-oauth' } });
    expect(plain.diagnostics.map((d) => d.code)).not.toContain('OAUTH_MODEL_UNSUPPORTED');
  });

  it('reports the discontinuation once the date has passed, using the injected clock', async () => {
    const after = await resolveIn({ files: cached, options: { now: () => Date.parse('2026-05-01') } });
    expect(after.diagnostics.map((d) => d.code)).toContain('PROVIDER_DISCONTINUED');
    expect(after.provider).toMatchObject({ id: 'qwen-oauth', status: 'discontinued', matchedBy: 'auth-type' });
    const before = await resolveIn({ files: cached, options: { now: () => Date.parse('2026-01-01') } });
    expect(before.diagnostics.map((d) => d.code)).not.toContain('PROVIDER_DISCONTINUED');
  });

  it('hands out the cached token while it is valid, without touching the network', async () => {
    const auth = await resolveIn({ files: cached, options: { oauth: { fetch: () => Promise.reject(new Error('no network')) } } });
    if (auth.type !== 'qwen-oauth') throw new Error('expected qwen-oauth');
    await expect(auth.getAccessToken()).resolves.toBe('at-cached-0123456789abcdef');
    expect(auth.credentials).toEqual({
      store: 'file',
      path: tree!.path('home/.qwen/oauth_creds.json'),
      expiresAt: Date.parse('2099-01-01'),
    });
    expect(JSON.stringify(auth)).not.toContain('at-cached');
    expect(inspect(auth)).not.toContain('at-cached');
  });
});

describe('secrets never print whole (spec §6)', () => {
  const KEY = 'sk-sp-0123456789abcdef9f3a';
  it('util.inspect, console formatting and JSON show the key redacted; the field holds it', async () => {
    const auth = await resolveIn({ env: { OPENAI_API_KEY: KEY } });
    expect(auth.type === 'openai' && auth.apiKey).toBe(KEY);
    for (const text of [inspect(auth, { depth: 10 }), JSON.stringify(auth), `${JSON.stringify({ auth })}`]) {
      expect(text).not.toContain(KEY);
      expect(text).toContain('sk-sp-…9f3a');
    }
    // Spreading keeps working (the redacted view is not enumerable).
    expect({ ...(auth as { apiKey?: string }) }.apiKey).toBe(KEY);
  });

  it('messages and diagnostics carry only redacted keys', async () => {
    const auth = await resolveIn({ env: { OPENAI_API_KEY: ` ${KEY} `, OPENAI_BASE_URL: 'http://api.example.com/v1' } });
    const text = JSON.stringify(auth.diagnostics);
    expect(text).not.toContain(KEY);
    expect(auth.diagnostics.map((d) => d.code)).toEqual(expect.arrayContaining(['API_KEY_WHITESPACE', 'INSECURE_BASE_URL', 'KEY_PROVIDER_MISMATCH']));
  });

  it('a base URL with credentials in it is redacted in errors', async () => {
    const error = await resolveIn({ env: { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: 'ftp://user:hunter2secret@x.example' } }).catch((e) => e);
    expect(error.code).toBe('INVALID_BASE_URL');
    expect(`${error.message} ${JSON.stringify(error)} ${inspect(error)}`).not.toContain('hunter2secret');
  });
});

describe('options are checked', () => {
  it.each([
    [{ cwd: 42 }, 'cwd'],
    [{ homeDir: '' }, 'homeDir'],
    [{ env: 'x' }, 'env'],
    [{ overrides: { apiKey: 1 } }, 'overrides.apiKey'],
  ])('%j', async (options, option) => {
    const error = await resolveAuth(options as never).catch((e) => e);
    expect(error).toBeInstanceOf(QwenAuthError);
    expect(error).toMatchObject({ code: 'INVALID_OPTION_TYPE', kind: 'programmer', details: { option } });
  });
});

describe('errors', () => {
  it('are recognised without instanceof, and serialise without a stack', () => {
    const e = new QwenAuthError('NETWORK_ERROR', 'x', { details: { endpoint: 'https://e' } });
    const lookalike = Object.assign(Object.create(null), { code: 'NETWORK_ERROR' });
    expect(isAuthError(e)).toBe(true);
    expect(isAuthError(e, 'NETWORK_ERROR')).toBe(true);
    expect(isAuthError(e, 'ABORTED')).toBe(false);
    expect(isAuthError(lookalike)).toBe(false);
    expect(isAuthError(new Error('x'))).toBe(false);
    expect(JSON.parse(JSON.stringify(e))).toEqual({
      name: 'QwenAuthError',
      code: 'NETWORK_ERROR',
      kind: 'operational',
      message: 'x',
      remedy: expect.any(String),
      details: { endpoint: 'https://e' },
    });
  });
});
