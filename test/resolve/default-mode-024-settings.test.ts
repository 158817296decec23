/**
 * The default mode meeting settings written by Qwen Code 0.24 (spec
 * qwen-code-0.24.md §3, D1–D5, D9, D10). None of these shapes occurs in the
 * 0.12 cases, so no 0.12 answer moves (the differential slice and
 * rules.test.ts check that); here each change is tested on its own.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isAuthError, resolveAuth } from '../../src/index.js';
import type { ResolveAuthOptions } from '../../src/resolve/options.js';
import type { AuthOverrides } from '../../src/types.js';
import type { OpenAIAuth } from '../../src/resolve/types.js';
import { makeTree, type Tree } from '../support/tree.js';

let tree: Tree | undefined;
afterEach(() => tree?.remove());

interface Setup {
  readonly user?: object;
  readonly env?: Record<string, string>;
  readonly overrides?: AuthOverrides | Record<string, string>;
  readonly files?: Record<string, string>;
  readonly options?: Partial<ResolveAuthOptions>;
}

function optionsOf(setup: Setup): ResolveAuthOptions {
  tree = makeTree({
    'home/.keep': '',
    'w/.keep': '',
    ...(setup.user && { 'home/.qwen/settings.json': JSON.stringify(setup.user) }),
    ...setup.files,
  });
  return { cwd: tree.path('w'), homeDir: tree.path('home'), env: setup.env ?? {}, overrides: setup.overrides as AuthOverrides, ...setup.options };
}

async function resolveDefault(setup: Setup): Promise<OpenAIAuth> {
  const auth = await resolveAuth(optionsOf(setup));
  if (auth.type !== 'openai') throw new Error(`expected openai, got ${auth.type}`);
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
const CP_BJ = 'https://coding.dashscope.aliyuncs.com/v1';
const CP_INTL = 'https://coding-intl.dashscope.aliyuncs.com/v1';

describe('D1: model.baseUrl', () => {
  const twoRegions = {
    security: { auth: { selectedType: 'openai' } },
    modelProviders: {
      openai: [
        { id: 'qwen3.5-plus', baseUrl: CP_INTL, envKey: 'BAILIAN_CODING_PLAN_API_KEY' },
        { id: 'qwen3.5-plus', baseUrl: CP_BJ, envKey: 'BAILIAN_CODING_PLAN_API_KEY' },
      ],
    },
  };
  const env = { BAILIAN_CODING_PLAN_API_KEY: 'sk-sp-0123456789abcdef0000' };
  it.each([
    ['pins the entry with that id and base URL', { name: 'qwen3.5-plus', baseUrl: CP_BJ }, CP_BJ, false],
    ['empty means unset: the first id match', { name: 'qwen3.5-plus', baseUrl: '' }, CP_INTL, false],
    ['absent: the first id match', { name: 'qwen3.5-plus' }, CP_INTL, false],
    ['stale: the first id match, with MODEL_BASEURL_STALE', { name: 'qwen3.5-plus', baseUrl: 'https://gone.example/v1' }, CP_INTL, true],
  ])('%s', async (_name, model, baseUrl, stale) => {
    const auth = await resolveDefault({ user: { ...twoRegions, model }, env });
    expect(auth.baseUrl).toBe(baseUrl);
    expect(auth.diagnostics.some((d) => d.code === 'MODEL_BASEURL_STALE')).toBe(stale);
  });

  it('only when the model came from model.name: overrides.model ignores it', async () => {
    const auth = await resolveDefault({ user: { ...twoRegions, model: { name: 'other', baseUrl: CP_BJ } }, env, overrides: { model: 'qwen3.5-plus' } });
    expect(auth.baseUrl).toBe(CP_INTL);
  });
});

describe('D2: anthropic, openai-responses, gemini, vertex-ai selections', () => {
  it.each([
    ['anthropic', 'settings', ['ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL', 'ANTHROPIC_MODEL'], /^Select 'openai' with an OpenAI-compatible key/],
    ['openai-responses', 'settings', ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OPENAI_MODEL'], /^Select 'openai' with an OpenAI-compatible key/],
    ['gemini', 'override', ['GEMINI_API_KEY', 'GEMINI_MODEL'], /'gemini' \(Google's SDK\) cannot be used here/],
    ['vertex-ai', 'override', ['GOOGLE_API_KEY', 'GOOGLE_MODEL', 'GOOGLE_CLOUD_PROJECT'], /'vertex-ai' \(Google's SDK\) cannot be used here/],
  ])('%s (%s): UNSUPPORTED_AUTH_TYPE known to Qwen Code 0.24, never a fallback to openai', async (type, from, variables, remedy) => {
    const setup: Setup =
      from === 'settings'
        ? { user: { security: { auth: { selectedType: type } } }, env: { OPENAI_API_KEY: 'sk-o' } }
        : { overrides: { authType: type }, env: { OPENAI_API_KEY: 'sk-o' } };
    const error = await failure(setup);
    expect(error).toMatchObject({ code: 'UNSUPPORTED_AUTH_TYPE', details: { value: type, knownTo: 'Qwen Code 0.24', variables } });
    expect(error.remedy).toMatch(remedy);
    expect(error.remedy).not.toContain("Select 'openai' or 'qwen-oauth'");
  });

  it('the three ANTHROPIC_* variables: UNSUPPORTED_AUTH_TYPE naming the inference (it was NO_CREDENTIALS)', async () => {
    const env = { ANTHROPIC_API_KEY: 'sk-ant-a', ANTHROPIC_MODEL: 'claude', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/a' };
    const error = await failure({ env });
    expect(error).toMatchObject({ code: 'UNSUPPORTED_AUTH_TYPE', details: { value: 'anthropic', knownTo: 'Qwen Code 0.24' } });
    expect((error.details as { origin: string }).origin).toContain('ANTHROPIC_BASE_URL');
    // Two of three are not an inference; an OpenAI key still wins as before.
    expect((await failure({ env: { ...env, ANTHROPIC_MODEL: '' } })).code).toBe('NO_CREDENTIALS');
    expect((await resolveDefault({ env: { ...env, OPENAI_API_KEY: 'sk-o' } })).apiKey).toBe('sk-o');
  });

  it('an unknown name keeps the general words', async () => {
    const error = await failure({ user: { security: { auth: { selectedType: 'bogus' } } } });
    expect(error.code).toBe('UNSUPPORTED_AUTH_TYPE');
    expect(error.details).not.toHaveProperty('knownTo');
  });
});

describe('D3: entries on the Responses wire are never sent to Chat Completions', () => {
  const providers = {
    security: { auth: { selectedType: 'openai' } },
    providerProtocol: { resp: 'openai-responses' },
    modelProviders: {
      openai: [{ id: 'gpt-r', baseUrl: L('r'), envKey: 'K_R', wireApi: 'responses' }],
      resp: [{ id: 'mapped-r', baseUrl: L('m'), envKey: 'K_M' }],
    },
  };
  it.each([['gpt-r'], ['mapped-r']])('model.name %s: UNSUPPORTED_AUTH_TYPE (wire openai-responses)', async (name) => {
    const error = await failure({ user: { ...providers, model: { name } }, env: { K_R: 'sk-r', K_M: 'sk-m' } });
    expect(error).toMatchObject({ code: 'UNSUPPORTED_AUTH_TYPE', details: { value: 'openai-responses', knownTo: 'Qwen Code 0.24' } });
    expect(error.remedy).toContain('Qwen Code 0.24');
    expect(error.remedy).not.toContain("qwenCode: '0.24'");
  });

  it('nor as the first entry standing in, nor under an explicit override', async () => {
    const error = await failure({ user: providers, env: { K_R: 'sk-r' } });
    expect(error.code).toBe('MISSING_API_KEY');
    expect((await failure({ user: providers, overrides: { model: 'gpt-r' }, env: { K_R: 'sk-r' } })).code).toBe('UNSUPPORTED_AUTH_TYPE');
  });

  it('a Chat Completions entry of the same id is used', async () => {
    const user = {
      ...providers,
      model: { name: 'gpt-r' },
      modelProviders: {
        ...providers.modelProviders,
        openai: [...providers.modelProviders.openai, { id: 'gpt-r', baseUrl: L('chat'), envKey: 'K_C', wireApi: 'chat-completions' }],
      },
    };
    const auth = await resolveDefault({ user, env: { K_C: 'sk-c' } });
    expect(auth).toMatchObject({ baseUrl: L('chat'), apiKey: 'sk-c', endpoint: `${L('chat')}/chat/completions` });
  });
});

describe('D4: providerProtocol', () => {
  it('modelProviders.<id> is read when providerProtocol maps it to openai', async () => {
    const auth = await resolveDefault({
      user: {
        security: { auth: { selectedType: 'openai' } },
        model: { name: 'p' },
        providerProtocol: { proxy: 'openai' },
        modelProviders: { proxy: [{ id: 'p', baseUrl: L('p'), envKey: 'K_P' }] },
      },
      env: { K_P: 'sk-p' },
    });
    expect(auth).toMatchObject({ model: 'p', apiKey: 'sk-p', baseUrl: L('p') });
    expect(auth.sources.baseUrl.key).toBe('modelProviders.proxy[0].baseUrl');
  });

  it('an unmapped id is skipped with PROVIDER_ID_UNMAPPED', async () => {
    const auth = await resolveDefault({
      user: { model: { name: 'p' }, modelProviders: { proxy: [{ id: 'p', baseUrl: L('p'), envKey: 'K_P' }] } },
      env: { K_P: 'sk-p', OPENAI_API_KEY: 'sk-o' },
    });
    expect(auth.apiKey).toBe('sk-o');
    expect(auth.diagnostics.find((d) => d.code === 'PROVIDER_ID_UNMAPPED')).toMatchObject({ key: 'modelProviders.proxy' });
  });
});

describe('D5: a selected model that exists only under another protocol', () => {
  it('is said, and the first openai entry stands in as before', async () => {
    const auth = await resolveDefault({
      user: {
        model: { name: 'claude-x' },
        modelProviders: {
          anthropic: [{ id: 'claude-x', baseUrl: 'http://127.0.0.1:9/a', envKey: 'K_A' }],
          openai: [{ id: 'o1', baseUrl: L('o1'), envKey: 'K_O' }],
        },
      },
      env: { K_O: 'sk-o1' },
    });
    expect(auth.model).toBe('o1');
    const codes = auth.diagnostics.map((d) => d.code);
    expect(codes).toContain('MODEL_ON_OTHER_PROTOCOL');
    expect(codes).toContain('REQUESTED_MODEL_REPLACED');
  });
});

describe('D9: the first entry replacing a requested model', () => {
  const user = { modelProviders: { openai: [{ id: 'first', baseUrl: L('f'), envKey: 'K_F' }] } };
  it.each([
    ['overrides.model', { overrides: { model: 'qwen3-max' } }, true],
    ['OPENAI_MODEL', { env: { K_F: 'sk-f', OPENAI_MODEL: 'qwen3-max' } }, true],
    ['the entry itself', { overrides: { model: 'first' } }, false],
    ['no request', {}, false],
  ])('%s', async (_name, setup, replaced) => {
    const auth = await resolveDefault({ user, env: { K_F: 'sk-f' }, ...(setup as Setup) });
    expect(auth.model).toBe('first');
    expect(auth.diagnostics.some((d) => d.code === 'REQUESTED_MODEL_REPLACED')).toBe(replaced);
  });
});

describe('D10: the three spec Differs stay in the default mode', () => {
  it('a key alone infers openai; an sk-sp- key goes to Coding Plan; a provider variable is read without an entry', async () => {
    expect((await resolveDefault({ env: { OPENAI_API_KEY: 'sk-o' } })).type).toBe('openai');
    const sp = await resolveDefault({ env: { OPENAI_API_KEY: 'sk-sp-0123456789abcdef0000' } });
    expect(sp.baseUrl).toBe(CP_BJ);
    expect(sp.diagnostics.map((d) => d.code)).toContain('ENDPOINT_IMPLIED_BY_KEY');
    const variable = await resolveDefault({ env: { OPENAI_BASE_URL: CP_BJ, BAILIAN_CODING_PLAN_API_KEY: 'sk-sp-0123456789abcdef0000' } });
    expect(variable.sources.apiKey).toMatchObject({ kind: 'env', name: 'BAILIAN_CODING_PLAN_API_KEY' });
  });

  it('the openai result carries its endpoint and key header too', async () => {
    const auth = await resolveDefault({ env: { OPENAI_API_KEY: 'sk-o', OPENAI_BASE_URL: 'http://127.0.0.1:9/x/v1/' } });
    expect(auth).toMatchObject({ endpoint: 'http://127.0.0.1:9/x/v1/chat/completions', keyHeader: 'authorization' });
  });
});
