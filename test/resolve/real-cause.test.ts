/**
 * Errors that point at the real cause: when no key is found, the key usually
 * exists somewhere it is not read. Each rule here is a trap a new user fell
 * into; the error (message, remedy, details.hints) must name the cause.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { defaultProviders, inspectEnvironment, isAuthError, type QwenAuthError, resolveAuth } from '../../src/index.js';
import type { ResolveAuthOptions } from '../../src/resolve/options.js';
import { makeTree, type Tree } from '../support/tree.js';

let tree: Tree | undefined;
afterEach(() => tree?.remove());

interface Setup {
  readonly env?: Record<string, string>;
  readonly files?: Record<string, string>;
  readonly options?: Partial<ResolveAuthOptions>;
  readonly cwd?: string;
}

function options(setup: Setup): ResolveAuthOptions {
  tree = makeTree({ 'home/.keep': '', 'w/pkg/.keep': '', ...setup.files });
  return { cwd: tree.path(setup.cwd ?? 'w/pkg'), homeDir: tree.path('home'), env: setup.env ?? {}, ...setup.options };
}

async function failure(setup: Setup): Promise<QwenAuthError> {
  const error = await resolveAuth(options(setup)).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isAuthError(error)) throw new Error(`expected a qwen-auth error, got ${String(error)}`);
  return error;
}

const selectOpenAI = { 'home/.qwen/settings.json': JSON.stringify({ security: { auth: { selectedType: 'openai' } } }) };
const KEY = 'sk-sp-realcause000000000000cafe';

describe('an empty exported variable hiding a value (D7)', () => {
  it.each([
    ['nothing selected → NO_CREDENTIALS', {}, 'NO_CREDENTIALS'],
    ["'openai' selected → MISSING_API_KEY", selectOpenAI, 'MISSING_API_KEY'],
  ])('%s names the variable, the file it hides and says to unset it', async (_name, files, code) => {
    const error = await failure({ env: { OPENAI_API_KEY: '' }, files: { ...files, 'w/.env': `OPENAI_API_KEY=${KEY}\n` } });
    const file = tree!.path('w/.env');
    expect(error.code).toBe(code);
    expect(error.message).toContain(`OPENAI_API_KEY is exported as an empty string, which hides the value in ${file}; unset it.`);
    expect(error.remedy).toContain('`unset OPENAI_API_KEY`');
    expect(error.details).toMatchObject({ hints: [{ kind: 'empty-export', variable: 'OPENAI_API_KEY', hidden: file, exported: true }] });
    expect(`${error.message} ${error.remedy} ${JSON.stringify(error)}`).not.toContain(KEY);
  });

  it('a value in settings.env hidden by an exported empty string is named too', async () => {
    const settings = JSON.stringify({ security: { auth: { selectedType: 'openai' } }, env: { OPENAI_API_KEY: KEY } });
    const error = await failure({ env: { OPENAI_API_KEY: '' }, files: { 'home/.qwen/settings.json': settings } });
    expect(error.message).toContain(`which hides the value in ${tree!.path('home/.qwen/settings.json')}`);
  });

  it('an empty line in the .env file hiding settings.env is named as such', async () => {
    const settings = JSON.stringify({ security: { auth: { selectedType: 'openai' } }, env: { OPENAI_API_KEY: KEY } });
    const error = await failure({ files: { 'home/.qwen/settings.json': settings, 'w/.env': 'OPENAI_API_KEY=\n' } });
    expect(error.message).toContain(`OPENAI_API_KEY is set to an empty value in ${tree!.path('w/.env')}`);
    expect(error.details).toMatchObject({ hints: [{ kind: 'empty-export', exported: false }] });
  });

  it('inspectEnvironment reports it (ENV_EMPTY_SHADOWS) for any variable, resolving nothing', async () => {
    const report = await inspectEnvironment(
      options({ env: { OPENAI_API_KEY: '', SOME_OTHER: '' }, files: { 'w/.env': `OPENAI_API_KEY=${KEY}\nSOME_OTHER=1\n` } }),
    );
    const found = report.diagnostics.filter((d) => d.code === 'ENV_EMPTY_SHADOWS').map((d) => [d.variable, d.path]);
    expect(found).toEqual([
      ['OPENAI_API_KEY', tree!.path('w/.env')],
      ['SOME_OTHER', tree!.path('w/.env')],
    ]);
  });
});

describe("a provider's variable set alone", () => {
  // OpenAI-compatible providers: an Anthropic key is not read by the openai method at all.
  const providerVariables = defaultProviders
    .filter((p) => p.authType === 'openai')
    .flatMap((p) => p.envKeys.filter((v) => v !== 'OPENAI_API_KEY').map((v) => [v, p] as const));

  it('covers the registry', () => {
    expect(providerVariables.map(([v]) => v)).toEqual(
      expect.arrayContaining(['BAILIAN_CODING_PLAN_API_KEY', 'BAILIAN_TOKEN_PLAN_API_KEY', 'DASHSCOPE_API_KEY']),
    );
  });

  it.each(providerVariables)('%s: the error says it is set, read only with its base URL, and which to set', async (variable, provider) => {
    const error = await failure({ env: { [variable]: KEY } });
    expect(error.code).toBe('NO_CREDENTIALS');
    expect(error.message).toContain(`${variable} is set in the environment, but it is read only with a base URL of ${provider.name}.`);
    expect((error.details as unknown as { checked: string[] }).checked.join('\n')).toContain(variable);
    for (const e of provider.endpoints) if ((e.protocol ?? 'openai') === 'openai') expect(error.remedy).toContain(e.baseUrl);
    expect(error.remedy).toContain('OPENAI_BASE_URL');
    expect(error.details).toMatchObject({ hints: [{ kind: 'provider-variable', variable, provider: provider.id }] });

    // The advice works: with the base URL it names, the variable is read.
    const baseUrl = provider.endpoints[0]?.baseUrl;
    if (baseUrl) {
      const auth = await resolveAuth({ ...options({ env: { [variable]: KEY, OPENAI_BASE_URL: baseUrl } }) });
      if (auth.type !== 'openai') throw new Error('expected openai');
      expect(auth.apiKey).toBe(KEY);
      expect(auth.sources.apiKey).toMatchObject({ kind: 'env', name: variable });
    }
  });

  it('with another provider’s base URL it is MISSING_API_KEY with the same advice', async () => {
    const error = await failure({
      env: { BAILIAN_CODING_PLAN_API_KEY: KEY, OPENAI_BASE_URL: 'https://dashscope.aliyuncs.com/compatible-mode/v1' },
      files: selectOpenAI,
    });
    expect(error.code).toBe('MISSING_API_KEY');
    expect(error.remedy).toContain('https://coding.dashscope.aliyuncs.com/v1');
  });

  it('set in a .env file, the message says where', async () => {
    const error = await failure({ files: { 'w/.env': `BAILIAN_CODING_PLAN_API_KEY=${KEY}\n` } });
    expect(error.message).toContain(`BAILIAN_CODING_PLAN_API_KEY is set in ${tree!.path('w/.env')}, but`);
  });
});

describe('a farther .env file holds the missing variable', () => {
  it.each([
    ['a .env farther up the tree', 'w/.env', 'project'],
    ['the .env next to the .qwen/.env that was read', 'w/pkg/.env', 'project'],
    ['<qwenDir>/.env (home level, skipped: D6)', 'home/.qwen/.env', 'home'],
    ['~/.env (home level, skipped: D6)', 'home/.env', 'home'],
  ] as const)('%s is named in the error and in inspectEnvironment', async (_name, farther, scope) => {
    const nearest = farther === 'w/pkg/.env' ? 'w/pkg/.qwen/.env' : 'w/pkg/.env';
    const setup = { files: { ...selectOpenAI, [nearest]: 'OPENAI_MODEL=qwen3-coder-plus\n', [farther]: `OPENAI_API_KEY=${KEY}\n` } };
    const error = await failure(setup);
    const path = tree!.path(farther);
    expect(error.code).toBe('MISSING_API_KEY');
    expect(error.message).toContain(`OPENAI_API_KEY is defined in ${path}`);
    expect(error.message).toContain(tree!.path(nearest));
    expect(error.details).toMatchObject({ hints: [{ kind: 'unread-env-file', variable: 'OPENAI_API_KEY', path, scope }] });
    if (scope === 'home') {
      expect(error.remedy).toContain('only the first .env file found is read');
      expect(error.remedy).not.toContain('envFile');
    } else {
      expect(error.remedy).toContain(`Move OPENAI_API_KEY into ${tree!.path(nearest)}`);
    }
    expect(error.message + error.remedy).not.toContain(KEY);

    const report = await inspectEnvironment({ cwd: tree!.path('w/pkg'), homeDir: tree!.path('home'), env: {} });
    expect(report.unreadEnvFiles).toContainEqual({ path, scope, missing: ['OPENAI_API_KEY'] });
  });

  it('the suggested homeFallback does read it (and then nothing is unread)', async () => {
    const files = { ...selectOpenAI, 'w/pkg/.env': 'OPENAI_MODEL=m\n', 'home/.qwen/.env': `OPENAI_API_KEY=${KEY}\n` };
    const auth = await resolveAuth(options({ files, options: { envFile: { homeFallback: true } } }));
    expect(auth.type === 'openai' && auth.apiKey).toBe(KEY);
    const report = await inspectEnvironment({ cwd: tree!.path('w/pkg'), homeDir: tree!.path('home'), env: {}, envFile: { homeFallback: true } });
    expect(report.unreadEnvFiles).toEqual([]);
  });

  it('a farther file that only repeats what is set is listed without missing names; DEBUG from a project file is not "missing"', async () => {
    const files = { 'w/pkg/.env': 'A=1\n', 'w/.env': 'A=2\nDEBUG=1\n' };
    const report = await inspectEnvironment(options({ files }));
    expect(report.unreadEnvFiles).toEqual([{ path: tree!.path('w/.env'), scope: 'project', missing: [] }]);
  });
});

describe('cwd is checked (INVALID_OPTION naming the path)', () => {
  it.each([
    ['does not exist', 'nope', 'does not exist'],
    ['is a file', 'w/file.txt', 'is not a folder'],
  ])('a cwd that %s', async (_name, cwd, words) => {
    tree = makeTree({ 'home/.keep': '', 'w/file.txt': 'x' });
    for (const fn of [resolveAuth, inspectEnvironment]) {
      const error = await fn({ cwd: tree.path(cwd), homeDir: tree.path('home'), env: { OPENAI_API_KEY: 'k' } }).catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'INVALID_OPTION', kind: 'operational', details: { option: 'cwd' } });
      expect((error as Error).message).toContain(tree.path(cwd));
      expect((error as Error).message).toContain(words);
    }
  });
});

describe('a modelProviders entry picked by the model, its envKey unset, nothing selected', () => {
  const entries = {
    modelProviders: {
      openai: [
        { id: 'other', envKey: 'OTHER_KEY' },
        { id: 'mine', envKey: 'MY_KEY', baseUrl: 'https://mine.example/v1' },
      ],
    },
  };
  it.each([
    ['model.name', { ...entries, model: { name: 'mine' } }, {}],
    ['overrides.model', entries, { overrides: { model: 'mine' } }],
  ])('picked by %s: MISSING_API_KEY naming that variable (not NO_CREDENTIALS)', async (_name, settings, opts) => {
    const error = await failure({ files: { 'home/.qwen/settings.json': JSON.stringify(settings) }, env: { OPENAI_API_KEY: 'sk-not-this-one' }, options: opts });
    expect(error.code).toBe('MISSING_API_KEY');
    expect(error.details).toMatchObject({ variables: ['MY_KEY'], requiredBy: 'modelProviders.openai[1]' });
    expect(error.message).toContain('MY_KEY is required by modelProviders.openai[1]');
    expect(error.remedy).toBe('Set MY_KEY in the environment or a .env file.');
  });

  it('a cached Qwen OAuth login still comes first (spec §3)', async () => {
    const creds = JSON.stringify({ access_token: 'at-0123456789abcdef', token_type: 'Bearer', expiry_date: Date.parse('2099-01-01') });
    const auth = await resolveAuth(
      options({ files: { 'home/.qwen/settings.json': JSON.stringify({ ...entries, model: { name: 'mine' } }), 'home/.qwen/oauth_creds.json': creds } }),
    );
    expect(auth.type).toBe('qwen-oauth');
  });
});

describe('overrides that are dropped are reported (OVERRIDE_IGNORED)', () => {
  const creds = JSON.stringify({ access_token: 'at-0123456789abcdef', token_type: 'Bearer', expiry_date: Date.parse('2099-01-01') });
  it.each(['apiKey', 'baseUrl'] as const)('overrides.%s in qwen-oauth mode', async (field) => {
    const value = field === 'baseUrl' ? 'https://openrouter.ai/api/v1' : 'sk-or-000000000000000000';
    const auth = await resolveAuth(
      options({ files: { 'home/.qwen/oauth_creds.json': creds }, options: { overrides: { authType: 'qwen-oauth', [field]: value } } }),
    );
    expect(auth.type).toBe('qwen-oauth');
    const d = auth.diagnostics.find((x) => x.code === 'OVERRIDE_IGNORED');
    expect(d).toMatchObject({ level: 'warning', key: field });
    expect(d!.message).toContain(`overrides.${field} is ignored`);
    expect(JSON.stringify(auth.diagnostics)).not.toContain('sk-or-000000000000000000');
  });

  it('overrides.baseUrl when a modelProviders entry decides alone', async () => {
    const settings = { modelProviders: { openai: [{ id: 'mine', envKey: 'MY_KEY', baseUrl: 'https://mine.example/v1' }] } };
    const auth = await resolveAuth(
      options({
        files: { 'home/.qwen/settings.json': JSON.stringify(settings) },
        env: { MY_KEY: 'k' },
        options: { overrides: { model: 'mine', baseUrl: 'https://elsewhere.example/v1' } },
      }),
    );
    expect(auth.baseUrl).toBe('https://mine.example/v1');
    expect(auth.diagnostics).toContainEqual(expect.objectContaining({ code: 'OVERRIDE_IGNORED', key: 'baseUrl' }));
  });

  it('nothing is reported when the overrides are used', async () => {
    const auth = await resolveAuth(options({ options: { overrides: { apiKey: 'k', baseUrl: 'https://openrouter.ai/api/v1' } } }));
    expect(auth.diagnostics.map((d) => d.code)).not.toContain('OVERRIDE_IGNORED');
  });
});

describe('LOGIN_REQUIRED (D8)', () => {
  it('says the free tier ended on 2026-04-15 and names the paid paths', async () => {
    const error = await failure({ files: { 'home/.qwen/settings.json': JSON.stringify({ security: { auth: { selectedType: 'qwen-oauth' } } }) } });
    expect(error.code).toBe('LOGIN_REQUIRED');
    for (const words of ['2026-04-15', 'Coding Plan', 'Token Plan', 'DashScope']) expect(error.remedy).toContain(words);
    const registry = defaultProviders.find((p) => p.id === 'qwen-oauth');
    expect(error.remedy).toContain(registry!.discontinuedOn);
  });
});

describe('the farther-file explanation keeps to the limits', () => {
  it('a farther file over envFile.maxBytes is not read to explain either', async () => {
    const files = { ...selectOpenAI, 'w/pkg/.env': 'A=1\n', 'w/.env': `OPENAI_API_KEY=${KEY}\n` };
    const error = await failure({ files, options: { envFile: { maxBytes: 10 } } });
    expect(error).toMatchObject({ code: 'MISSING_API_KEY', details: { hints: [] } });
  });
});
