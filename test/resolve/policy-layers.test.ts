/**
 * The layers of settings-layers.md §3, §4, §5 and §7, in both dialects:
 * v1 files, security.auth.enforcedType, security.auth.useExternal and the
 * relaunch's effect on `$VAR`. Each expectation was measured on loopback
 * against @qwen-code/qwen-code@0.12.0 and 0.24.4 (the differential suites
 * cover them on generated cases).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isAuthError, resolveAuth, type ResolveAuthOptions } from '../../src/index.js';
import { makeTree, type Tree } from '../support/tree.js';

let tree: Tree | undefined;
afterEach(() => tree?.remove());

const settings = (value: object): string => JSON.stringify(value);

function setup(files: Record<string, string>): (o?: Partial<ResolveAuthOptions>) => ResolveAuthOptions {
  tree = makeTree({ 'home/.keep': '', 'w/.keep': '', ...files });
  const t = tree;
  // The layers' semantics; where a key may go is test/resolve/destination.test.ts's (issue 16).
  return (o = {}) => ({ cwd: t.path('w'), homeDir: t.path('home'), env: {}, trustWorkspace: true, ...o });
}

async function keyOf(options: ResolveAuthOptions): Promise<string | undefined> {
  const auth = await resolveAuth(options);
  return 'apiKey' in auth ? auth.apiKey : undefined;
}

async function failure(options: ResolveAuthOptions): Promise<{ code: string; details: unknown; message: string; remedy: string }> {
  try {
    await resolveAuth(options);
  } catch (error) {
    if (isAuthError(error)) return { code: error.code, details: error.details, message: error.message, remedy: error.remedy };
    throw error;
  }
  throw new Error('resolved');
}

describe('v1 flat settings (§5)', () => {
  it('0.24: selectedAuthType and model of a flat file select and name the model', async () => {
    const opts = setup({ 'home/.qwen/settings.json': settings({ selectedAuthType: 'openai', model: 'm-v1' }) });
    const auth = await resolveAuth(opts({ qwenCode: '0.24', env: { OPENAI_API_KEY: 'sk-v1key' } }));
    expect(auth).toMatchObject({ type: 'openai', model: 'm-v1', apiKey: 'sk-v1key' });
    expect(auth.sources.authType).toMatchObject({ kind: 'settings', key: 'security.auth.selectedType' });
    expect(auth.diagnostics.map((d) => d.code)).toContain('SETTINGS_LEGACY_MIGRATED');
  });

  it('0.12: the flat model is model.name', async () => {
    const opts = setup({ 'home/.qwen/settings.json': settings({ selectedAuthType: 'openai', model: 'm-v1' }) });
    const auth = await resolveAuth(opts({ env: { OPENAI_API_KEY: 'sk-v1key' } }));
    expect(auth).toMatchObject({ type: 'openai', model: 'm-v1' });
  });

  it('mixed shapes lose the flat selected type (rule 4)', async () => {
    const opts = setup({ 'home/.qwen/settings.json': settings({ selectedAuthType: 'openai', security: { auth: { apiKey: 'sk-nested' } } }) });
    expect((await failure(opts({ qwenCode: '0.24', env: { OPENAI_API_KEY: 'sk-x' } }))).code).toBe('NO_AUTH_TYPE');
  });

  it('$version ≥ 2 ignores flat keys, with a diagnostic', async () => {
    const opts = setup({ 'home/.qwen/settings.json': settings({ $version: 4, model: 'm-v1' }) });
    const auth = await resolveAuth(opts({ env: { OPENAI_API_KEY: 'sk-v1key' } }));
    expect(auth.model).not.toBe('m-v1');
    expect(auth.diagnostics.find((d) => d.code === 'SETTINGS_LEGACY_KEYS_IGNORED')?.message).toMatch(/model/);
  });

  it('a v1 folderTrust turns folder trust on (the migration comes before trust)', async () => {
    const opts = setup({
      'home/.qwen/settings.json': settings({ selectedAuthType: 'openai', folderTrust: true }),
      'w/.qwen/settings.json': settings({ model: { name: 'm-workspace' } }),
    });
    tree!.write({ 'home/.qwen/trustedFolders.json': JSON.stringify({ [tree!.path('w')]: 'DO_NOT_TRUST' }) });
    const auth = await resolveAuth(opts({ qwenCode: '0.24', env: { OPENAI_API_KEY: 'sk-x' } }));
    expect(auth.model).not.toBe('m-workspace');
    tree!.write({ 'home/.qwen/trustedFolders.json': JSON.stringify({ [tree!.path('w')]: 'TRUST_FOLDER' }) });
    expect((await resolveAuth(opts({ qwenCode: '0.24', env: { OPENAI_API_KEY: 'sk-x' } }))).model).toBe('m-workspace');
  });

  it('a v1 enforcedAuthType and useExternalAuth apply', async () => {
    const opts = setup({ 'home/.qwen/settings.json': settings({ selectedAuthType: 'openai', enforcedAuthType: 'anthropic' }) });
    expect((await failure(opts({ qwenCode: '0.24', env: { OPENAI_API_KEY: 'sk-x' } }))).code).toBe('ENFORCED_AUTH_TYPE_MISMATCH');
    tree!.write({ 'home/.qwen/settings.json': settings({ selectedAuthType: 'anthropic', useExternalAuth: true }) });
    const o = opts({ qwenCode: '0.24', env: { ANTHROPIC_API_KEY: 'sk-ant-x' }, overrides: { baseUrl: 'http://127.0.0.1:9/ov' } });
    await expect(resolveAuth(o)).resolves.toMatchObject({ type: 'anthropic', endpoint: 'http://127.0.0.1:9/ov/v1/messages' });
    tree!.write({ 'home/.qwen/settings.json': settings({ selectedAuthType: 'anthropic' }) });
    expect((await failure(o)).code).toBe('MISSING_BASE_URL');
  });
});

describe('security.auth.enforcedType (§3)', () => {
  for (const qwenCode of ['0.12', '0.24'] as const) {
    it(`${qwenCode}: a differing type stops with the two types and the file; a matching one resolves`, async () => {
      const opts = setup({
        'home/.qwen/settings.json': settings({ security: { auth: { selectedType: 'openai', enforcedType: 'qwen-oauth' } } }),
      });
      const f = await failure(opts({ qwenCode, env: { OPENAI_API_KEY: 'sk-x' } }));
      expect(f.code).toBe('ENFORCED_AUTH_TYPE_MISMATCH');
      expect(f.details).toEqual({ enforcedType: 'qwen-oauth', currentType: 'openai', path: tree!.path('home/.qwen/settings.json') });
      expect(f.message).toMatch(/'openai'.*'qwen-oauth'/);
      expect(f.message).toContain('settings.json');
      expect(f.remedy).toMatch(/security\.auth\.enforcedType/);
    });

    it(`${qwenCode}: the comparison is exact and case-sensitive; "" is off; the highest layer wins`, async () => {
      const opts = setup({
        'home/.qwen/settings.json': settings({ security: { auth: { selectedType: 'openai', enforcedType: 'OpenAI' } } }),
        'w/.qwen/settings.json': settings({ security: { auth: { enforcedType: 'openai' } } }),
      });
      await expect(resolveAuth(opts({ qwenCode, env: { OPENAI_API_KEY: 'sk-x' } }))).resolves.toMatchObject({ type: 'openai' });
      tree!.write({ 'w/.qwen/settings.json': settings({ security: { auth: { enforcedType: '' } } }) });
      await expect(resolveAuth(opts({ qwenCode, env: { OPENAI_API_KEY: 'sk-x' } }))).resolves.toMatchObject({ type: 'openai' });
      tree!.write({ 'w/.qwen/settings.json': '{}' });
      expect((await failure(opts({ qwenCode, env: { OPENAI_API_KEY: 'sk-x' } }))).details).toMatchObject({ enforcedType: 'OpenAI' });
    });
  }

  it('0.12: an explicit qwen-oauth meets the check directly', async () => {
    const opts = setup({ 'home/.qwen/settings.json': settings({ security: { auth: { selectedType: 'qwen-oauth', enforcedType: 'openai' } } }) });
    expect((await failure(opts())).code).toBe('ENFORCED_AUTH_TYPE_MISMATCH');
  });

  it('0.24: it never selects (NO_AUTH_TYPE first); a leftover qwen-oauth ends in the mismatch, or in the discontinued error when it is enforced', async () => {
    const opts = setup({ 'home/.qwen/settings.json': settings({ security: { auth: { enforcedType: 'openai' } } }) });
    expect((await failure(opts({ qwenCode: '0.24', env: { OPENAI_API_KEY: 'sk-x' } }))).code).toBe('NO_AUTH_TYPE');
    tree!.write({ 'home/.qwen/settings.json': settings({ security: { auth: { selectedType: 'qwen-oauth', enforcedType: 'openai' } } }) });
    expect((await failure(opts({ qwenCode: '0.24' }))).code).toBe('ENFORCED_AUTH_TYPE_MISMATCH');
    tree!.write({ 'home/.qwen/settings.json': settings({ security: { auth: { selectedType: 'qwen-oauth', enforcedType: 'qwen-oauth' } } }) });
    expect((await failure(opts({ qwenCode: '0.24' }))).code).toBe('QWEN_OAUTH_DISCONTINUED');
  });

  it('0.24: the current type is taken after the openai ↔ openai-responses switch', async () => {
    const files = (enforcedType: string) => ({
      'home/.qwen/settings.json': settings({
        security: { auth: { selectedType: 'openai', enforcedType } },
        model: { name: 'r1' },
        modelProviders: { openai: [{ id: 'r1', baseUrl: 'http://127.0.0.1:9/v1', envKey: 'R_KEY', wireApi: 'responses' }] },
      }),
    });
    const opts = setup(files('openai-responses'));
    await expect(resolveAuth(opts({ qwenCode: '0.24', env: { R_KEY: 'sk-r' } }))).resolves.toMatchObject({ type: 'openai-responses' });
    tree!.write(files('openai'));
    expect((await failure(opts({ qwenCode: '0.24', env: { R_KEY: 'sk-r' } }))).details).toMatchObject({ currentType: 'openai-responses' });
  });
});

describe('security.auth.useExternal (§4)', () => {
  it('0.24: anthropic accepts security.auth.baseUrl without ANTHROPIC_BASE_URL', async () => {
    const files = (useExternal: boolean) => ({
      'home/.qwen/settings.json': settings({ security: { auth: { selectedType: 'anthropic', useExternal, baseUrl: 'http://127.0.0.1:9/sab' } } }),
    });
    const opts = setup(files(true));
    const auth = await resolveAuth(opts({ qwenCode: '0.24', env: { ANTHROPIC_API_KEY: 'sk-ant-x' } }));
    expect(auth).toMatchObject({ type: 'anthropic', endpoint: 'http://127.0.0.1:9/sab/v1/messages' });
    tree!.write(files(false));
    expect((await failure(opts({ qwenCode: '0.24', env: { ANTHROPIC_API_KEY: 'sk-ant-x' } }))).code).toBe('MISSING_BASE_URL');
  });

  it('0.24: an entry without baseUrl takes the variable; no base URL at all, or no key, still fails', async () => {
    const opts = setup({
      'home/.qwen/settings.json': settings({
        security: { auth: { selectedType: 'anthropic', useExternal: true } },
        model: { name: 'm1' },
        modelProviders: { anthropic: [{ id: 'm1', envKey: 'MYK' }] },
      }),
    });
    const env = { MYK: 'sk-ant-e', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/envbase' };
    await expect(resolveAuth(opts({ qwenCode: '0.24', env }))).resolves.toMatchObject({ endpoint: 'http://127.0.0.1:9/envbase/v1/messages', model: 'm1' });
    expect((await failure(opts({ qwenCode: '0.24', env: { MYK: 'sk-ant-e' } }))).code).toBe('MISSING_BASE_URL');
    expect((await failure(opts({ qwenCode: '0.24', env: { ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/b' } }))).code).toBe('MISSING_API_KEY');
  });
});

describe('the relaunch and $VAR (§7)', () => {
  for (const qwenCode of ['0.12', '0.24'] as const) {
    it(`${qwenCode}: settings strings see names set only in a project .env or a settings.env`, async () => {
      const opts = setup({
        'w/.env': 'PROJKEY=sk-proj\nOPENAI_BASE_URL=http://127.0.0.1:9/f/v1\n',
        'home/.qwen/settings.json': settings({
          security: { auth: { selectedType: 'openai', apiKey: '$PROJKEY' } },
          env: { SENVM: 'model-senv' },
          model: { name: '${SENVM}' },
        }),
      });
      const auth = await resolveAuth(opts({ qwenCode }));
      expect(auth).toMatchObject({ apiKey: 'sk-proj', model: 'model-senv' });
      expect(auth.sources).toMatchObject({ apiKey: { kind: 'settings', key: 'security.auth.apiKey' } });
    });

    it(`${qwenCode}: first-pass values outrank the second pass (a settings.env value stays as the first pass expanded it)`, async () => {
      const opts = setup({
        'w/.env': 'PROJKEY=sk-proj\nOPENAI_BASE_URL=http://127.0.0.1:9/j/v1\n',
        'home/.qwen/settings.json': settings({ security: { auth: { selectedType: 'openai' } }, env: { OPENAI_API_KEY: '$PROJKEY' } }),
      });
      expect(await keyOf(opts({ qwenCode }))).toBe('$PROJKEY');
    });
  }

  it('0.24: a name exported empty expands to what a file filled in; 0.12 keeps it empty', async () => {
    const opts = setup({
      'w/.env': 'XK=sk-filled\nOPENAI_BASE_URL=http://127.0.0.1:9/k/v1\n',
      'home/.qwen/settings.json': settings({ security: { auth: { selectedType: 'openai', apiKey: '${XK}' } } }),
    });
    expect(await keyOf(opts({ qwenCode: '0.24', env: { XK: '' } }))).toBe('sk-filled');
    expect((await failure(opts({ env: { XK: '' } }))).code).toBe('MISSING_API_KEY');
  });

  it('0.24 never expands the session id and its internal tokens; 0.12 does', async () => {
    const opts = setup({
      'home/.qwen/settings.json': settings({ security: { auth: { selectedType: 'openai', apiKey: 'sk-${SESSION_ID}' } } }),
    });
    const env = { SESSION_ID: 'tok123', OPENAI_BASE_URL: 'http://127.0.0.1:9/t/v1' };
    expect(await keyOf(opts({ qwenCode: '0.24', env }))).toBe('sk-${SESSION_ID}');
    expect(await keyOf(opts({ env }))).toBe('sk-tok123');
  });
});
