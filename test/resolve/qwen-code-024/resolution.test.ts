/**
 * `qwenCode: '0.24'`, rules 4–12 (spec qwen-code-0.24.md §2): settings
 * merged per provider id, the auth type, the variables of each type, the
 * entries, the values with and without an entry, the checks, the endpoints.
 * Table-driven on real temporary folders.
 */
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { isAuthError, resolveAuth } from '../../../src/index.js';
import type { ResolveAuthOptions } from '../../../src/resolve/options.js';
import type { AuthOverrides } from '../../../src/types.js';
import type { ApiKeyAuth } from '../../../src/resolve/types.js';
import { makeTree, type Tree } from '../../support/tree.js';

let tree: Tree | undefined;
afterEach(() => tree?.remove());

interface Setup {
  readonly user?: object;
  readonly workspace?: object;
  readonly env?: Record<string, string>;
  readonly files?: Record<string, string>;
  readonly overrides?: AuthOverrides | Record<string, string>;
  readonly options?: Partial<ResolveAuthOptions>;
}

function optionsOf(setup: Setup): ResolveAuthOptions {
  tree = makeTree({
    'home/.keep': '',
    'w/.keep': '',
    ...(setup.user && { 'home/.qwen/settings.json': JSON.stringify(setup.user) }),
    ...(setup.workspace && { 'w/.qwen/settings.json': JSON.stringify(setup.workspace) }),
    ...setup.files,
  });
  return {
    qwenCode: '0.24',
    cwd: tree.path('w'),
    homeDir: tree.path('home'),
    env: setup.env ?? {},
    overrides: (setup.overrides ?? {}) as AuthOverrides,
    ...setup.options,
  };
}

async function resolve024(setup: Setup): Promise<ApiKeyAuth> {
  const auth = await resolveAuth(optionsOf(setup));
  if (auth.type === 'qwen-oauth') throw new Error('unexpected qwen-oauth');
  return auth;
}

async function failure(setup: Setup) {
  const error = await resolveAuth(optionsOf(setup)).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isAuthError(error)) throw new Error(`expected a QwenAuthError, got ${String(error)}`);
  return error;
}

const L = (tag: string) => `http://127.0.0.1:9/${tag}/v1`;
const selected = (type: string, more: object = {}) => ({ security: { auth: { selectedType: type } }, ...more });
const openaiEntry = (id: string, tag: string, envKey = `K_${tag.toUpperCase()}`) => ({ id, baseUrl: L(tag), envKey });

describe('rule 4: settings merged per provider id', () => {
  it('a workspace list for one id leaves the user lists of the other ids', async () => {
    const auth = await resolve024({
      user: selected('openai', { model: { name: 'u1' }, modelProviders: { openai: [openaiEntry('u1', 'u')] } }),
      workspace: { modelProviders: { anthropic: [{ id: 'a1', baseUrl: 'http://127.0.0.1:9/a', envKey: 'K_A' }] } },
      env: { K_U: 'sk-u' },
    });
    expect(auth).toMatchObject({ model: 'u1', apiKey: 'sk-u', endpoint: `${L('u')}/chat/completions` });
  });

  it('a workspace list for the same id replaces the user list whole', async () => {
    const error = await failure({
      user: selected('openai', { model: { name: 'u1' }, modelProviders: { openai: [openaiEntry('u1', 'u')] } }),
      workspace: { modelProviders: { openai: [openaiEntry('w1', 'w')] } },
      env: { K_U: 'sk-u' },
    });
    // u1 is gone; the first entry (w1) stands in, and its key is missing.
    expect(error).toMatchObject({ code: 'MISSING_API_KEY', details: { variables: ['K_W'] } });
  });

  it('providerProtocol merges per id too', async () => {
    const auth = await resolve024({
      user: selected('openai', { model: { name: 'p1' }, providerProtocol: { other: 'anthropic' }, modelProviders: { myproxy: [openaiEntry('p1', 'p')] } }),
      workspace: { providerProtocol: { myproxy: 'openai' } },
      env: { K_P: 'sk-p' },
    });
    expect(auth).toMatchObject({ type: 'openai', model: 'p1', apiKey: 'sk-p' });
  });

  it('$version, providerMetadata, names, generationConfig are accepted and ignored; a $version 5 wrapper is unwrapped', async () => {
    const auth = await resolve024({
      user: {
        $version: 5,
        ...selected('openai', { model: { name: 'v5' } }),
        providerMetadata: { 'coding-plan': { version: 'x', baseUrl: 'y' } },
        modelProviders: { openai: { protocol: 'openai', models: [{ ...openaiEntry('v5', 'v'), name: '[X] v5', generationConfig: { extra_body: {} } }] } },
      },
      env: { K_V: 'sk-v' },
    });
    expect(auth).toMatchObject({ model: 'v5', apiKey: 'sk-v' });
  });
});

describe('rule 5: the auth type', () => {
  const key = { OPENAI_API_KEY: 'sk-o', OPENAI_BASE_URL: L('o'), OPENAI_MODEL: 'm' };
  it.each([
    [
      'overrides.authType beats selectedType',
      { user: selected('openai'), overrides: { authType: 'anthropic' }, env: { ANTHROPIC_API_KEY: 'sk-ant-a', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/a' } },
      'anthropic',
      'override',
    ],
    ['selectedType beats the inference', { user: selected('openai-responses'), env: key }, 'openai-responses', 'settings'],
    ['inferred openai: key, model and base URL', { env: key }, 'openai', 'env'],
    ['inferred openai with QWEN_MODEL', { env: { ...key, OPENAI_MODEL: '', QWEN_MODEL: 'q' } }, 'openai', 'env'],
    [
      'inferred anthropic: key, model and base URL',
      { env: { ANTHROPIC_API_KEY: 'sk-ant-a', ANTHROPIC_MODEL: 'c', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/a' } },
      'anthropic',
      'env',
    ],
    [
      'the inference sees .env files and settings.env',
      { files: { 'w/.env': 'OPENAI_API_KEY=sk-f\nOPENAI_BASE_URL=http://127.0.0.1:9/f/v1' }, user: { env: { OPENAI_MODEL: 'm' } } },
      'openai',
      'env-file',
    ],
  ])('%s', async (_name, setup, type, kind) => {
    const auth = await resolve024(setup as Setup);
    expect(auth.type).toBe(type);
    expect(auth.sources.authType.kind).toBe(kind);
  });

  it.each([
    ['a key alone', { OPENAI_API_KEY: 'sk-o' }],
    ['key and base URL without a model', { OPENAI_API_KEY: 'sk-o', OPENAI_BASE_URL: L('o') }],
    ['gemini variables without a model', { GEMINI_API_KEY: 'g' }],
    ['nothing', {}],
  ])('no inference from %s: NO_AUTH_TYPE, and no cached Qwen OAuth login', async (_name, env) => {
    const error = await failure({
      env,
      files: { 'home/.qwen/oauth_creds.json': JSON.stringify({ access_token: 'at', refresh_token: 'rt', expiry_date: 4102444800000 }) },
    });
    expect(error.code).toBe('NO_AUTH_TYPE');
    expect((error.details as { checked: string[] }).checked).toContain('QWEN_OAUTH');
  });

  it.each([
    ['selected', { user: selected('qwen-oauth') }],
    ['inferred from QWEN_OAUTH', { env: { QWEN_OAUTH: '1', OPENAI_API_KEY: 'sk', OPENAI_BASE_URL: L('o'), OPENAI_MODEL: 'm' } }],
    ['forced', { overrides: { authType: 'qwen-oauth' } }],
  ])('qwen-oauth %s: QWEN_OAUTH_DISCONTINUED', async (_name, setup) => {
    const error = await failure(setup as Setup);
    expect(error).toMatchObject({ code: 'QWEN_OAUTH_DISCONTINUED', details: { discontinuedOn: '2026-04-15' } });
    expect(error.message).toContain('2026-04-15');
    expect(error.remedy).toMatch(/Coding Plan.*Token Plan/);
  });

  it.each([
    ['gemini', { GEMINI_API_KEY: 'g', GEMINI_MODEL: 'gm' }, ['GEMINI_API_KEY', 'GEMINI_MODEL']],
    ['vertex-ai', { GOOGLE_CLOUD_PROJECT: 'p', GOOGLE_MODEL: 'gm' }, ['GOOGLE_API_KEY', 'GOOGLE_MODEL', 'GOOGLE_CLOUD_PROJECT']],
  ])('%s (inferred or selected): UNSUPPORTED_AUTH_TYPE known to Qwen Code 0.24', async (type, env, variables) => {
    for (const setup of [{ env }, { user: selected(type) }]) {
      const error = await failure(setup);
      expect(error).toMatchObject({ code: 'UNSUPPORTED_AUTH_TYPE', details: { value: type, knownTo: 'Qwen Code 0.24', variables } });
    }
  });

  it('an unknown selected type: UNSUPPORTED_AUTH_TYPE without knownTo', async () => {
    const error = await failure({ user: selected('bogus') });
    expect(error.code).toBe('UNSUPPORTED_AUTH_TYPE');
    expect(error.details).not.toHaveProperty('knownTo');
  });
});

describe('rule 6: the variables of each type; the overrides feed every type', () => {
  it.each([
    ['openai', { OPENAI_API_KEY: 'sk-o', OPENAI_BASE_URL: L('o'), OPENAI_MODEL: 'om', QWEN_MODEL: 'qm' }, 'sk-o', `${L('o')}/chat/completions`, 'om'],
    ['openai reads QWEN_MODEL second', { OPENAI_API_KEY: 'sk-o', OPENAI_BASE_URL: L('o'), QWEN_MODEL: 'qm' }, 'sk-o', `${L('o')}/chat/completions`, 'qm'],
    [
      'openai-responses does not read QWEN_MODEL',
      { OPENAI_API_KEY: 'sk-o', OPENAI_BASE_URL: L('o'), QWEN_MODEL: 'qm' },
      'sk-o',
      'http://127.0.0.1:9/o/v1/responses',
      'coder-model',
    ],
    [
      'anthropic',
      { ANTHROPIC_API_KEY: 'sk-ant-a', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/a', ANTHROPIC_MODEL: 'claude' },
      'sk-ant-a',
      'http://127.0.0.1:9/a/v1/messages',
      'claude',
    ],
    [
      'anthropic does not read the OpenAI variables',
      { OPENAI_API_KEY: 'sk-o', ANTHROPIC_API_KEY: 'sk-ant-a', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/a', OPENAI_MODEL: 'om' },
      'sk-ant-a',
      'http://127.0.0.1:9/a/v1/messages',
      'coder-model',
    ],
  ])('%s', async (name, env, key, endpoint, model) => {
    const type = name.split(' ')[0]!;
    const auth = await resolve024({ env, user: selected(type) });
    expect(auth).toMatchObject({ type, apiKey: key, endpoint, model });
  });

  it('--openai-api-key and --openai-base-url feed anthropic too', async () => {
    const auth = await resolve024({
      user: selected('anthropic'),
      env: { ANTHROPIC_API_KEY: 'sk-ant-env', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/env' },
      overrides: { apiKey: 'sk-ant-cli', baseUrl: 'http://127.0.0.1:9/cli' },
    });
    expect(auth).toMatchObject({ apiKey: 'sk-ant-cli', endpoint: 'http://127.0.0.1:9/cli/v1/messages' });
    expect(auth.sources.apiKey).toMatchObject({ kind: 'override', shadowed: [{ kind: 'env', name: 'ANTHROPIC_API_KEY' }] });
  });
});

describe('rule 7: entries and the requested model', () => {
  const two = { modelProviders: { openai: [openaiEntry('a', 'a'), openaiEntry('b', 'b')] } };
  const keys = { K_A: 'sk-a', K_B: 'sk-b' };
  it.each([
    ['overrides.model beats model.name', { user: selected('openai', { ...two, model: { name: 'a' } }), overrides: { model: 'b' } }, 'b'],
    ['model.name beats OPENAI_MODEL (0.12: the reverse)', { user: selected('openai', { ...two, model: { name: 'a' } }), env: { OPENAI_MODEL: 'b' } }, 'a'],
    ['OPENAI_MODEL selects an entry (0.12 never did)', { user: selected('openai', two), env: { OPENAI_MODEL: 'b' } }, 'b'],
    ['QWEN_MODEL selects an entry', { user: selected('openai', two), env: { QWEN_MODEL: 'b' } }, 'b'],
  ])('%s', async (_name, setup, model) => {
    const auth = await resolve024({ ...setup, env: { ...keys, ...(setup as Setup).env } } as Setup);
    expect(auth.model).toBe(model);
    expect(auth.apiKey).toBe(keys[`K_${model.toUpperCase()}` as keyof typeof keys]);
  });

  it('model.baseUrl (with model.name) picks among entries with the same id; a stale one falls back with MODEL_BASEURL_STALE', async () => {
    const providers = { modelProviders: { openai: [openaiEntry('same', 'x', 'K_X'), openaiEntry('same', 'y', 'K_Y')] } };
    const env = { K_X: 'sk-x', K_Y: 'sk-y' };
    const pinned = await resolve024({ user: selected('openai', { ...providers, model: { name: 'same', baseUrl: L('y') } }), env });
    expect(pinned.apiKey).toBe('sk-y');
    expect(pinned.diagnostics.map((d) => d.code)).not.toContain('MODEL_BASEURL_STALE');
    for (const baseUrl of ['', undefined]) {
      const plain = await resolve024({ user: selected('openai', { ...providers, model: { name: 'same', ...(baseUrl !== undefined && { baseUrl }) } }), env });
      expect(plain.apiKey).toBe('sk-x');
    }
    const stale = await resolve024({ user: selected('openai', { ...providers, model: { name: 'same', baseUrl: 'https://old.example/v1' } }), env });
    expect(stale.apiKey).toBe('sk-x');
    expect(stale.diagnostics.find((d) => d.code === 'MODEL_BASEURL_STALE')).toMatchObject({ key: 'model.baseUrl' });
    // --model ignores model.baseUrl.
    const flag = await resolve024({ user: selected('openai', { ...providers, model: { name: 'other', baseUrl: L('y') } }), env, overrides: { model: 'same' } });
    expect(flag.apiKey).toBe('sk-x');
  });

  it.each([
    ['modelProviders.<known type>', { modelProviders: { anthropic: [{ id: 'c', baseUrl: 'http://127.0.0.1:9/c', envKey: 'K_C' }] } }, 'anthropic', true],
    [
      'an id providerProtocol maps',
      { providerProtocol: { corp: 'anthropic' }, modelProviders: { corp: [{ id: 'c', baseUrl: 'http://127.0.0.1:9/c', envKey: 'K_C' }] } },
      'anthropic',
      true,
    ],
    [
      'an unmapped id is skipped with PROVIDER_ID_UNMAPPED',
      { modelProviders: { corp: [{ id: 'c', baseUrl: 'http://127.0.0.1:9/c', envKey: 'K_C' }] } },
      'anthropic',
      false,
    ],
    [
      'an id mapped to something unknown is skipped too',
      { providerProtocol: { corp: 'bogus' }, modelProviders: { corp: [{ id: 'c', baseUrl: 'http://127.0.0.1:9/c', envKey: 'K_C' }] } },
      'anthropic',
      false,
    ],
  ])('protocol of %s', async (_name, settings, type, used) => {
    const setup = {
      user: selected(type, { ...settings, model: { name: 'c' } }),
      env: { K_C: 'sk-ant-c', ANTHROPIC_API_KEY: 'sk-ant-env', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/env' },
    };
    const auth = await resolve024(setup);
    expect(auth.apiKey).toBe(used ? 'sk-ant-c' : 'sk-ant-env');
    expect(auth.diagnostics.some((d) => d.code === 'PROVIDER_ID_UNMAPPED')).toBe(!used);
  });

  it.each([
    [
      'wireApi "responses" under openai switches openai → openai-responses',
      'openai',
      { openai: [{ ...openaiEntry('r', 'r'), wireApi: 'responses' }] },
      'openai-responses',
    ],
    ['an id mapped to openai-responses switches openai → openai-responses', 'openai', { resp: [openaiEntry('r', 'r')] }, 'openai-responses'],
    [
      'wireApi "chat-completions" switches openai-responses → openai',
      'openai-responses',
      { openai: [{ ...openaiEntry('r', 'r'), wireApi: 'chat-completions' }] },
      'openai',
    ],
    ['a plain openai entry does not switch openai-responses', 'openai-responses', { openai: [openaiEntry('r', 'r')] }, 'openai-responses'],
  ])('%s', async (_name, type, modelProviders, final) => {
    const auth = await resolve024({
      user: selected(type, { modelProviders, providerProtocol: { resp: 'openai-responses' }, model: { name: 'r' } }),
      env: { K_R: 'sk-r', OPENAI_API_KEY: 'sk-o' },
    });
    expect(auth.type).toBe(final);
    if (final === type) return;
    expect(auth.apiKey).toBe('sk-r');
    expect(auth.sources.authType.detail).toContain(`switched to ${final}`);
  });
});

describe('rule 8: values with an entry', () => {
  const entry = (more: object = {}) => ({ id: 'e', envKey: 'K_E', ...more });
  const providers = (more: object = {}) => selected('openai', { model: { name: 'e' }, modelProviders: { openai: [entry(more)] } });
  it.each([
    [
      'the entry key first',
      providers({ baseUrl: L('e') }),
      { K_E: 'sk-e', OPENAI_API_KEY: 'sk-o' },
      { apiKey: 'sk-cli' },
      'sk-e',
      `${L('e')}/chat/completions`,
    ],
    [
      'then overrides.apiKey (a missing envKey is no error)',
      providers({ baseUrl: L('e') }),
      { OPENAI_API_KEY: 'sk-o' },
      { apiKey: 'sk-cli' },
      'sk-cli',
      `${L('e')}/chat/completions`,
    ],
    ['then OPENAI_API_KEY', providers({ baseUrl: L('e') }), { OPENAI_API_KEY: 'sk-o' }, {}, 'sk-o', `${L('e')}/chat/completions`],
    [
      'then security.auth.apiKey',
      { ...providers({ baseUrl: L('e') }), security: { auth: { selectedType: 'openai', apiKey: 'sk-s' } } },
      {},
      {},
      'sk-s',
      `${L('e')}/chat/completions`,
    ],
    [
      'the entry base URL beats the flag and OPENAI_BASE_URL',
      providers({ baseUrl: L('e') }),
      { K_E: 'sk-e', OPENAI_BASE_URL: L('env') },
      { baseUrl: L('cli') },
      'sk-e',
      `${L('e')}/chat/completions`,
    ],
    ['no entry base URL: the flag', providers(), { K_E: 'sk-e', OPENAI_BASE_URL: L('env') }, { baseUrl: L('cli') }, 'sk-e', `${L('cli')}/chat/completions`],
    ['no entry base URL: OPENAI_BASE_URL', providers(), { K_E: 'sk-e', OPENAI_BASE_URL: L('env') }, {}, 'sk-e', `${L('env')}/chat/completions`],
    ['no base URL anywhere: api.openai.com', providers(), { K_E: 'sk-e' }, {}, 'sk-e', 'https://api.openai.com/v1/chat/completions'],
  ])('%s', async (_name, user, env, overrides, key, endpoint) => {
    const auth = await resolve024({ user, env, overrides });
    expect(auth).toMatchObject({ model: 'e', apiKey: key, endpoint });
  });

  it('an anthropic entry without baseUrl is MISSING_BASE_URL, whatever else sets one', async () => {
    const error = await failure({
      user: selected('anthropic', { model: { name: 'c' }, modelProviders: { anthropic: [{ id: 'c', envKey: 'K_C' }] } }),
      env: { K_C: 'sk-ant-c', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/a' },
    });
    expect(error).toMatchObject({ code: 'MISSING_BASE_URL', details: { authType: 'anthropic', entry: 'modelProviders.anthropic[0]' } });
  });
});

describe('rule 9: values without an entry', () => {
  const first = { modelProviders: { openai: [openaiEntry('first', 'f', 'K_F'), openaiEntry('second', 's', 'K_S')] } };
  it('no key and no base URL outside modelProviders: the first entry stands in, and says what it replaced', async () => {
    const auth = await resolve024({ user: selected('openai', { ...first, model: { name: 'qwen3-max' } }), env: { K_F: 'sk-f' } });
    expect(auth).toMatchObject({ model: 'first', apiKey: 'sk-f', endpoint: `${L('f')}/chat/completions` });
    expect(auth.diagnostics.find((d) => d.code === 'REQUESTED_MODEL_REPLACED')?.message).toContain("'qwen3-max'");
  });

  it('the first entry takes its key from its envKey only: MISSING_API_KEY names it', async () => {
    const error = await failure({ user: selected('openai', { ...first, model: { name: 'qwen3-max' } }), env: { K_S: 'sk-s' } });
    expect(error).toMatchObject({ code: 'MISSING_API_KEY', details: { variables: ['K_F'] } });
    expect(error.message).toContain('K_F');
  });

  it.each([
    ['a key', { OPENAI_API_KEY: 'sk-o' }, {}, 'sk-o', 'https://dashscope.aliyuncs.com/compatible-mode/v1/chat/completions'],
    ['a base URL and a key flag', {}, { baseUrl: L('cli'), apiKey: 'sk-cli' }, 'sk-cli', `${L('cli')}/chat/completions`],
  ])('%s outside modelProviders: the request is used as is', async (_name, env, overrides, key, endpoint) => {
    const auth = await resolve024({ user: selected('openai', { ...first, model: { name: 'qwen3-max' } }), env, overrides });
    expect(auth).toMatchObject({ model: 'qwen3-max', apiKey: key, endpoint });
    expect(auth.diagnostics.map((d) => d.code)).not.toContain('REQUESTED_MODEL_REPLACED');
  });

  it.each([
    ['openai', 'qwen3.7-max'],
    ['openai-responses', 'coder-model'],
    ['anthropic', 'coder-model'],
  ])('%s without a model: %s', async (type, model) => {
    const auth = await resolve024({
      user: selected(type),
      env: { OPENAI_API_KEY: 'sk-o', ANTHROPIC_API_KEY: 'sk-ant', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/a' },
    });
    expect(auth.model).toBe(model);
    expect(auth.sources.model.kind).toBe('default');
  });

  it("the default model selects an entry with that id (measured: a Token Plan 'qwen3.7-max')", async () => {
    const auth = await resolve024({
      user: selected('openai', { modelProviders: { openai: [openaiEntry('first', 'f', 'K_F'), openaiEntry('qwen3.7-max', 'max', 'K_MAX')] } }),
      env: { OPENAI_API_KEY: 'sk-o', K_MAX: 'sk-max' },
    });
    expect(auth).toMatchObject({ model: 'qwen3.7-max', apiKey: 'sk-max', endpoint: `${L('max')}/chat/completions` });
  });

  // Measured on 0.24.4 (seed 7021 and variants): the default model's entry is applied only in the
  // auth refresh, which keeps a base URL resolved before it; a requested model's entry beats them.
  const maxEntries = { modelProviders: { openai: [openaiEntry('first', 'f', 'K_F'), openaiEntry('qwen3.7-max', 'max', 'K_MAX')] } };
  it.each<[string, Record<string, string>, AuthOverrides, string, Record<string, string>?]>([
    ['--openai-base-url', {}, { baseUrl: L('cli') }, L('cli')],
    ['OPENAI_BASE_URL', { OPENAI_BASE_URL: L('shell') }, {}, L('shell')],
    ['the flag over OPENAI_BASE_URL', { OPENAI_BASE_URL: L('shell') }, { baseUrl: L('cli') }, L('cli')],
    ['security.auth.baseUrl', {}, {}, L('sec'), { baseUrl: L('sec') }],
    ['OPENAI_BASE_URL over security.auth.baseUrl', { OPENAI_BASE_URL: L('shell') }, {}, L('shell'), { baseUrl: L('sec') }],
    ['a key flag only (no base URL outside)', {}, { apiKey: 'sk-cli' }, L('max')],
  ])("the default model selects an entry, with %s: that base URL, the entry's key and id", async (_name, env, overrides, base, auth = {}) => {
    const user = { security: { auth: { selectedType: 'openai', ...auth } }, ...maxEntries };
    const result = await resolve024({ user, env: { OPENAI_API_KEY: 'sk-o', K_MAX: 'sk-max', ...env }, overrides });
    expect(result).toMatchObject({ model: 'qwen3.7-max', apiKey: 'sk-max', endpoint: `${base}/chat/completions` });
    // A requested model (here OPENAI_MODEL) naming the same entry: its baseUrl beats them all.
    const requested = await resolve024({ user, env: { OPENAI_API_KEY: 'sk-o', K_MAX: 'sk-max', OPENAI_MODEL: 'qwen3.7-max', ...env }, overrides });
    expect(requested).toMatchObject({ model: 'qwen3.7-max', apiKey: 'sk-max', endpoint: `${L('max')}/chat/completions` });
  });

  it('the default model selects an entry without envKey value: the key follows the chains, the base URL the flag', async () => {
    const user = selected('openai', maxEntries);
    const auth = await resolve024({ user, env: { OPENAI_API_KEY: 'sk-o', OPENAI_BASE_URL: L('shell') } });
    expect(auth).toMatchObject({ model: 'qwen3.7-max', apiKey: 'sk-o', endpoint: `${L('shell')}/chat/completions` });
  });
});

describe('rule 10: checks', () => {
  it.each([
    ['openai', { OPENAI_BASE_URL: L('o') }, ['OPENAI_API_KEY']],
    ['anthropic', { ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/a' }, ['ANTHROPIC_API_KEY']],
  ])('%s without a key: MISSING_API_KEY naming the variable and security.auth.apiKey', async (type, env, variables) => {
    const error = await failure({ user: selected(type), env });
    expect(error).toMatchObject({ code: 'MISSING_API_KEY', details: { variables, settingsKeys: ['security.auth.apiKey'] } });
  });

  it.each([
    ['security.auth.baseUrl', { security: { auth: { selectedType: 'anthropic', baseUrl: 'http://127.0.0.1:9/s' } } }, {}],
    ['--openai-base-url', selected('anthropic'), { baseUrl: 'http://127.0.0.1:9/cli' }],
  ])('anthropic without an entry needs ANTHROPIC_BASE_URL even with %s: MISSING_BASE_URL', async (_name, user, overrides) => {
    const error = await failure({ user, env: { ANTHROPIC_API_KEY: 'sk-ant' }, overrides });
    expect(error).toMatchObject({ code: 'MISSING_BASE_URL', details: { variables: ['ANTHROPIC_BASE_URL'] } });
    const ok = await resolve024({ user, env: { ANTHROPIC_API_KEY: 'sk-ant', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/env' }, overrides });
    expect(ok.type).toBe('anthropic');
  });
});

describe('rule 11: endpoints and key headers', () => {
  it.each([
    ['openai', L('o'), 'http://127.0.0.1:9/o/v1/chat/completions', 'authorization'],
    ['openai', 'http://127.0.0.1:9/o/v1/', 'http://127.0.0.1:9/o/v1/chat/completions', 'authorization'],
    ['openai-responses', 'http://127.0.0.1:9/o/v1', 'http://127.0.0.1:9/o/v1/responses', 'authorization'],
    ['openai-responses', 'http://127.0.0.1:9/o/v1/', 'http://127.0.0.1:9/o/v1/responses', 'authorization'],
    ['openai-responses', 'http://127.0.0.1:9/o', 'http://127.0.0.1:9/o/v1/responses', 'authorization'],
    ['openai-responses', 'http://127.0.0.1:9/o/', 'http://127.0.0.1:9/o/v1/responses', 'authorization'],
    ['anthropic', 'http://127.0.0.1:9/a', 'http://127.0.0.1:9/a/v1/messages', 'authorization'],
    ['anthropic', 'http://127.0.0.1:9/a/', 'http://127.0.0.1:9/a/v1/messages', 'authorization'],
    ['anthropic', 'https://coding.dashscope.aliyuncs.com/apps/anthropic', 'https://coding.dashscope.aliyuncs.com/apps/anthropic/v1/messages', 'authorization'],
    ['anthropic', 'https://api.anthropic.com', 'https://api.anthropic.com/v1/messages', 'x-api-key'],
    ['anthropic', 'https://eu.anthropic.com', 'https://eu.anthropic.com/v1/messages', 'x-api-key'],
  ])('%s at %s → %s (%s)', async (type, base, endpoint, header) => {
    const variable = type === 'anthropic' ? 'ANTHROPIC' : 'OPENAI';
    const auth = await resolve024({ user: selected(type), env: { [`${variable}_API_KEY`]: 'sk-ant-0123456789abcdef', [`${variable}_BASE_URL`]: base } });
    expect(auth).toMatchObject({ type, endpoint, keyHeader: header, baseUrl: base });
  });

  it.each([
    ['openai', 'https://dashscope.aliyuncs.com/compatible-mode/v1/chat/completions'],
    ['openai-responses', 'https://api.openai.com/v1/responses'],
  ])('%s without a base URL: %s', async (type, endpoint) => {
    const auth = await resolve024({ user: selected(type), env: { OPENAI_API_KEY: 'sk-o' } });
    expect(auth.endpoint).toBe(endpoint);
    expect(auth.sources.baseUrl.kind).toBe('default');
  });

  it('the key prints redacted for every type; the field holds it', async () => {
    const KEY = 'sk-ant-0123456789abcdef9f3a';
    const auth = await resolve024({ user: selected('anthropic'), env: { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: 'https://api.anthropic.com' } });
    expect(auth.apiKey).toBe(KEY);
    for (const text of [inspect(auth, { depth: 10 }), JSON.stringify(auth)]) {
      expect(text).not.toContain(KEY);
      expect(text).toContain('sk-ant-…9f3a');
    }
    expect(Object.isFrozen(auth)).toBe(true);
    expect(auth.provider).toMatchObject({ id: 'anthropic', matchedBy: 'base-url' });
  });
});

describe('rule 12: Coding Plan', () => {
  it('an sk-sp- key with no base URL goes to DashScope, as 0.24 sends it, with KEY_ENDPOINT_MISMATCH', async () => {
    const auth = await resolve024({ user: selected('openai'), env: { OPENAI_API_KEY: 'sk-sp-0123456789abcdef0000' } });
    expect(auth.endpoint).toBe('https://dashscope.aliyuncs.com/compatible-mode/v1/chat/completions');
    const codes = auth.diagnostics.map((d) => d.code);
    expect(codes).toContain('KEY_ENDPOINT_MISMATCH');
    expect(codes).not.toContain('ENDPOINT_IMPLIED_BY_KEY');
  });

  it('BAILIAN_CODING_PLAN_API_KEY is read only through an entry envKey', async () => {
    const env = { BAILIAN_CODING_PLAN_API_KEY: 'sk-sp-0123456789abcdef0000', OPENAI_BASE_URL: 'https://coding.dashscope.aliyuncs.com/v1' };
    await expect(resolveAuth(optionsOf({ user: selected('openai'), env }))).rejects.toMatchObject({ code: 'MISSING_API_KEY' });
    const auth = await resolve024({
      user: selected('openai', {
        model: { name: 'qwen3.5-plus' },
        modelProviders: { openai: [{ id: 'qwen3.5-plus', baseUrl: 'https://coding.dashscope.aliyuncs.com/v1', envKey: 'BAILIAN_CODING_PLAN_API_KEY' }] },
      }),
      env,
    });
    expect(auth).toMatchObject({ apiKey: env.BAILIAN_CODING_PLAN_API_KEY, provider: { id: 'alibaba-coding-plan', region: 'cn-beijing' } });
  });

  it('a Token Plan key on a Token Plan host is not flagged, whatever its format', async () => {
    for (const key of ['sk-sp-0123456789abcdef0000', 'tp-0123456789abcdef0000', 'sk-0123456789abcdef0000']) {
      const auth = await resolve024({
        user: selected('openai'),
        env: { OPENAI_API_KEY: key, OPENAI_BASE_URL: 'https://token-plan.cn-beijing.maas.aliyuncs.com/compatible-mode/v1' },
      });
      expect(
        auth.diagnostics.filter((d) => d.code.startsWith('KEY_')),
        key,
      ).toEqual([]);
    }
  });
});
