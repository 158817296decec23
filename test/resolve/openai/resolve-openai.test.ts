import { afterEach, describe, expect, it } from 'vitest';
import { isAuthError, resolveAuth } from '../../../src/index.js';
import type { AuthOverrides } from '../../../src/types.js';
import type { OpenAIAuth } from '../../../src/resolve/types.js';
import { makeTree, type Tree } from '../../support/tree.js';

let tree: Tree | undefined;
afterEach(() => tree?.remove());

interface Setup {
  readonly env?: Record<string, string>;
  readonly dotenv?: string;
  readonly user?: object;
  readonly workspace?: object;
  readonly overrides?: AuthOverrides;
}

async function resolveOpenAI(setup: Setup): Promise<OpenAIAuth> {
  tree = makeTree({
    'home/.keep': '',
    'w/.keep': '',
    ...(setup.dotenv !== undefined && { 'w/.env': setup.dotenv }),
    ...(setup.user && { 'home/.qwen/settings.json': JSON.stringify(setup.user) }),
    ...(setup.workspace && { 'w/.qwen/settings.json': JSON.stringify(setup.workspace) }),
  });
  const auth = await resolveAuth({
    cwd: tree.path('w'),
    homeDir: tree.path('home'),
    env: setup.env ?? {},
    overrides: { authType: 'openai', ...setup.overrides },
  });
  if (auth.type !== 'openai') throw new Error('expected openai');
  return auth;
}

const CP_BJ = 'https://coding.dashscope.aliyuncs.com/v1';
const DASHSCOPE = 'https://dashscope.aliyuncs.com/compatible-mode/v1';

describe('apiKey: overrides > OPENAI_API_KEY > provider variable > security.auth.apiKey (spec §4)', () => {
  const full: Setup = {
    overrides: { apiKey: 'sk-override' },
    env: { OPENAI_API_KEY: 'sk-env', OPENAI_BASE_URL: CP_BJ, BAILIAN_CODING_PLAN_API_KEY: 'sk-sp-provider-var-0001' },
    user: { security: { auth: { apiKey: 'sk-settings' } } },
  };
  it.each([
    ['all set', full, 'sk-override', 'override'],
    ['no override', { ...full, overrides: {} }, 'sk-env', 'env'],
    [
      'no override, no OPENAI_API_KEY',
      { ...full, overrides: {}, env: { OPENAI_BASE_URL: CP_BJ, BAILIAN_CODING_PLAN_API_KEY: 'sk-sp-provider-var-0001' } },
      'sk-sp-provider-var-0001',
      'env',
    ],
    ['only settings', { user: { security: { auth: { apiKey: 'sk-settings' } } } }, 'sk-settings', 'settings'],
    ['empty override and whitespace env are skipped', { ...full, overrides: { apiKey: '' }, env: { OPENAI_API_KEY: '   ' } }, 'sk-settings', 'settings'],
  ] as const)('%s', async (_name, setup, key, kind) => {
    const auth = await resolveOpenAI(setup);
    expect(auth.apiKey).toBe(key);
    expect(auth.sources.apiKey?.kind).toBe(kind);
  });

  it('lists what it shadowed, highest first, sources only', async () => {
    const auth = await resolveOpenAI(full);
    expect(auth.sources.apiKey?.shadowed).toEqual([
      { kind: 'env', name: 'OPENAI_API_KEY', scope: 'environment' },
      { kind: 'env', name: 'BAILIAN_CODING_PLAN_API_KEY', scope: 'environment' },
      { kind: 'settings', key: 'security.auth.apiKey', path: tree!.path('home/.qwen/settings.json'), scope: 'user' },
    ]);
    expect(JSON.stringify(auth.sources)).not.toMatch(/sk-(env|settings|override)/);
  });

  it('a provider variable is used only for its own endpoint', async () => {
    await expect(resolveOpenAI({ env: { OPENAI_BASE_URL: 'https://api.openai.com/v1', BAILIAN_CODING_PLAN_API_KEY: 'sk-sp-x' } })).rejects.toMatchObject({
      code: 'MISSING_API_KEY',
      details: { variables: ['OPENAI_API_KEY'] },
    });
    const dash = await resolveOpenAI({ env: { OPENAI_BASE_URL: 'https://dashscope-intl.aliyuncs.com/compatible-mode/v1', DASHSCOPE_API_KEY: 'sk-dash' } });
    expect(dash.apiKey).toBe('sk-dash');
    const token = await resolveOpenAI({
      env: {
        OPENAI_BASE_URL: 'https://token-plan.ap-southeast-1.maas.aliyuncs.com/compatible-mode/v1',
        BAILIAN_TOKEN_PLAN_API_KEY: 'sk-sp-token-plan-key-00',
      },
    });
    expect(token.apiKey).toBe('sk-sp-token-plan-key-00');
  });

  it('trims surrounding white space from a key and says so', async () => {
    const auth = await resolveOpenAI({ env: { OPENAI_API_KEY: '  sk-spaced-key-1234567890 \n' } });
    expect(auth.apiKey).toBe('sk-spaced-key-1234567890');
    expect(auth.diagnostics.map((d) => d.code)).toContain('API_KEY_WHITESPACE');
  });
});

describe('baseUrl: overrides > OPENAI_BASE_URL > security.auth.baseUrl > key-implied > DashScope (spec §4)', () => {
  it.each([
    [
      'override',
      { overrides: { baseUrl: 'https://o.example/v1' }, env: { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: 'https://e.example/v1' } },
      'https://o.example/v1',
    ],
    [
      'env',
      { env: { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: 'https://e.example/v1' }, user: { security: { auth: { baseUrl: 'https://s.example/v1' } } } },
      'https://e.example/v1',
    ],
    ['settings', { env: { OPENAI_API_KEY: 'k' }, user: { security: { auth: { baseUrl: 'https://s.example/v1' } } } }, 'https://s.example/v1'],
    ['default', { env: { OPENAI_API_KEY: 'sk-plain-key' } }, DASHSCOPE],
    ['sk-sp- key with nothing configured: Coding Plan Beijing (Differs)', { env: { OPENAI_API_KEY: 'sk-sp-abcdefgh12345678' } }, CP_BJ],
    [
      'sk-sp- key never beats a configured URL',
      { env: { OPENAI_API_KEY: 'sk-sp-abcdefgh12345678' }, user: { security: { auth: { baseUrl: 'https://s.example/v1' } } } },
      'https://s.example/v1',
    ],
  ] as const)('%s', async (_name, setup, expected) => {
    expect((await resolveOpenAI(setup)).baseUrl).toBe(expected);
  });

  it('says when the endpoint was implied by the key', async () => {
    const auth = await resolveOpenAI({ env: { OPENAI_API_KEY: 'sk-sp-abcdefgh12345678' } });
    expect(auth.sources.baseUrl).toMatchObject({ kind: 'provider-default', provider: 'alibaba-coding-plan' });
    expect(auth.diagnostics.map((d) => d.code)).toContain('ENDPOINT_IMPLIED_BY_KEY');
    expect(auth.provider).toMatchObject({ id: 'alibaba-coding-plan', region: 'cn-beijing', plan: 'coding-plan' });
  });

  it.each(['dashscope.aliyuncs.com/compatible-mode/v1', 'ftp://x.example/v1', 'not a url', '/v1'])('rejects %j with INVALID_BASE_URL', async (value) => {
    const error = await resolveOpenAI({ env: { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: value } }).catch((e: unknown) => e);
    expect(isAuthError(error, 'INVALID_BASE_URL')).toBe(true);
    expect((error as Error).message).toContain('OPENAI_BASE_URL');
  });

  it('warns when a key would go over plain http to another machine, not to loopback', async () => {
    const remote = await resolveOpenAI({ env: { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: 'http://llm.example:8080/v1' } });
    expect(remote.diagnostics.map((d) => d.code)).toContain('INSECURE_BASE_URL');
    const local = await resolveOpenAI({ env: { OPENAI_API_KEY: 'k', OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' } });
    expect(local.diagnostics.map((d) => d.code)).not.toContain('INSECURE_BASE_URL');
    expect(local.provider?.id).toBe('ollama');
  });
});

describe('model: overrides > OPENAI_MODEL > QWEN_MODEL > model.name > provider default > qwen3.5-plus (spec §4)', () => {
  const all: Setup = {
    overrides: { model: 'm-override' },
    env: { OPENAI_API_KEY: 'k', OPENAI_MODEL: 'm-openai', QWEN_MODEL: 'm-qwen' },
    user: { model: { name: 'm-settings' } },
  };
  it.each([
    ['override', all, 'm-override'],
    ['OPENAI_MODEL', { ...all, overrides: {} }, 'm-openai'],
    ['QWEN_MODEL', { ...all, overrides: {}, env: { OPENAI_API_KEY: 'k', QWEN_MODEL: 'm-qwen' } }, 'm-qwen'],
    ['model.name', { ...all, overrides: {}, env: { OPENAI_API_KEY: 'k' } }, 'm-settings'],
    ['provider default (Coding Plan endpoint)', { env: { OPENAI_API_KEY: 'sk-sp-abcdefgh12345678', OPENAI_BASE_URL: CP_BJ } }, 'qwen3-coder-plus'],
    ['default', { env: { OPENAI_API_KEY: 'k' } }, 'qwen3.5-plus'],
  ] as const)('%s', async (_name, setup, expected) => {
    expect((await resolveOpenAI(setup)).model).toBe(expected);
  });
});

describe('modelProviders (spec §4, "Providers from settings")', () => {
  const providers = {
    modelProviders: {
      openai: [{ id: 'first', envKey: 'FIRST_KEY', baseUrl: 'https://first.example/v1' }, { id: 'second', envKey: 'SECOND_KEY' }, { id: 'third' }],
    },
  };

  it('an entry matching overrides.model decides alone', async () => {
    const auth = await resolveOpenAI({
      user: providers,
      overrides: { model: 'second', baseUrl: 'https://ignored.example/v1' },
      env: { SECOND_KEY: 'sk-second', OPENAI_API_KEY: 'sk-openai', OPENAI_MODEL: 'ignored' },
    });
    expect([auth.apiKey, auth.baseUrl, auth.model]).toEqual(['sk-second', 'https://api.openai.com/v1', 'second']);
    expect(auth.sources.apiKey).toMatchObject({ kind: 'env', name: 'SECOND_KEY', detail: 'modelProviders.openai[1].envKey' });
    expect(auth.sources.baseUrl.shadowed).toContainEqual({ kind: 'override', key: 'baseUrl', scope: 'overrides' });
  });

  it('an entry matching model.name decides alone', async () => {
    const auth = await resolveOpenAI({ user: { ...providers, model: { name: 'first' } }, env: { FIRST_KEY: 'sk-first', OPENAI_API_KEY: 'sk-x' } });
    expect([auth.apiKey, auth.baseUrl, auth.model]).toEqual(['sk-first', 'https://first.example/v1', 'first']);
  });

  it('a missing envKey variable is MISSING_API_KEY naming it, never another key', async () => {
    const error = await resolveOpenAI({ user: { ...providers, model: { name: 'first' } }, env: { OPENAI_API_KEY: 'sk-x' } }).catch((e) => e);
    expect(error).toMatchObject({ code: 'MISSING_API_KEY', details: { variables: ['FIRST_KEY'] } });
    expect(error.message).toContain('FIRST_KEY');
  });

  it('an entry without envKey reads OPENAI_API_KEY (Differs)', async () => {
    const auth = await resolveOpenAI({ user: { ...providers, model: { name: 'third' } }, env: { OPENAI_API_KEY: 'sk-openai' } });
    expect([auth.apiKey, auth.model]).toEqual(['sk-openai', 'third']);
  });

  it('no match and no key or base URL from elsewhere: the first entry', async () => {
    const auth = await resolveOpenAI({ user: providers, overrides: { model: 'unknown' }, env: { FIRST_KEY: 'sk-first' } });
    expect([auth.apiKey, auth.baseUrl, auth.model]).toEqual(['sk-first', 'https://first.example/v1', 'first']);
  });

  it.each([
    ['a key from the environment', { OPENAI_API_KEY: 'sk-env' }, {}],
    ['a base URL from the environment', { OPENAI_BASE_URL: 'https://e.example/v1', OPENAI_API_KEY: '' }, { security: { auth: { apiKey: 'sk-s' } } }],
    ['a key from settings', {}, { security: { auth: { apiKey: 'sk-s' } } }],
  ])('no match but %s: the entries are not used', async (_name, env, extra) => {
    const auth = await resolveOpenAI({ user: { ...providers, ...extra }, env: { FIRST_KEY: 'sk-first', ...env } });
    expect(auth.model).toBe('qwen3.5-plus');
    expect(auth.apiKey).not.toBe('sk-first');
  });
});

describe('errors name what was checked', () => {
  it('MISSING_API_KEY lists variables, settings keys and files', async () => {
    const error = await resolveOpenAI({ dotenv: 'OPENAI_MODEL=x', user: {} }).catch((e) => e);
    expect(error).toMatchObject({
      code: 'MISSING_API_KEY',
      details: {
        variables: ['OPENAI_API_KEY'],
        settingsKeys: ['security.auth.apiKey'],
        files: [tree!.path('w/.env'), tree!.path('home/.qwen/settings.json')],
      },
    });
    expect(error.remedy).toMatch(/OPENAI_API_KEY/);
  });
});
