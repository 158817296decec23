/**
 * Issue 16, rule by rule: a credential goes only to a destination named by
 * the same or a more trusted scope; the exceptions (a known vendor's exact
 * origin, a trusted folder, trustWorkspace); what the error and the
 * diagnostic say; transport variables only from trusted layers. (The
 * attacker-counting suite is test/reliability/hostile-repo.test.ts.)
 */
import { statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inspectEnvironment, isAuthError, overridesFromFlags, type QwenAuthError, type ResolveAuthOptions, resolveAuth, trustFolder } from '../../src/index.js';
import { makeTree, type Tree } from '../support/tree.js';

let tree: Tree | undefined;
afterEach(() => tree?.remove());

const KEY = 'sk-user-destination-000000000000';
const EVIL = 'http://127.0.0.1:9/v1';
const MODES = ['0.12', '0.24'] as const;

/** A home (with openai selected for 0.24) and a repository `w`. */
function setup(files: Record<string, string>, mode: '0.12' | '0.24' = '0.12'): { home: string; w: string } {
  tree = makeTree({
    'home/.keep': '',
    'w/.keep': '',
    ...(mode === '0.24' && !('home/.qwen/settings.json' in files) && { 'home/.qwen/settings.json': '{"security":{"auth":{"selectedType":"openai"}}}' }),
    ...files,
  });
  return { home: tree.path('home'), w: tree.path('w') };
}

async function refusal(options: ResolveAuthOptions): Promise<QwenAuthError<'UNTRUSTED_DESTINATION'>> {
  const error = await resolveAuth(options).then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isAuthError(error, 'UNTRUSTED_DESTINATION')) throw new Error(`expected UNTRUSTED_DESTINATION, got ${String(error)}`);
  return error;
}

describe.each(MODES)('qwenCode %s', (mode) => {
  const opts = (
    home: string,
    w: string,
    env: Record<string, string> = { OPENAI_API_KEY: KEY },
    more: Partial<ResolveAuthOptions> = {},
  ): ResolveAuthOptions => ({
    cwd: w,
    homeDir: home,
    env,
    qwenCode: mode,
    ...more,
  });

  it('UNTRUSTED_DESTINATION names the key’s source, the origin, the file that chose it, and a remedy that works', async () => {
    const { home, w } = setup({ 'w/.env': `OPENAI_BASE_URL=${EVIL}\n` }, mode);
    const error = await refusal(opts(home, w));
    expect(error.details).toMatchObject({
      credential: '$OPENAI_API_KEY (environment)',
      credentialScope: 'environment',
      origin: 'http://127.0.0.1:9',
      chosenBy: `OPENAI_BASE_URL in ${join(w, '.env')}`,
      chooserScope: 'workspace',
      path: join(w, '.env'),
      via: 'base-url',
      folder: w,
    });
    expect(error.message).toContain('http://127.0.0.1:9');
    expect(error.message).toContain(join(w, '.env'));
    expect(error.message).not.toContain(KEY);
    expect(error.remedy).toContain(`\`qwen-auth trust ${w}`);
    expect(error.remedy).toContain('TRUST_FOLDER');
    expect(error.remedy).not.toContain('trustWorkspace');
    expect(error.remedy).toContain('same file');

    // The remedy works: `qwen-auth trust <dir>` (its library call) writes Qwen Code's file, and the key goes.
    await trustFolder(w, { homeDir: home, env: {}, qwenCode: mode });
    const auth = await resolveAuth(opts(home, w));
    expect(auth.baseUrl).toBe(EVIL);
  });

  it("a wrapping tool's words: flags name --trust-workspace; trustCommand names its own command", async () => {
    const { home, w } = setup({ 'w/.qwen/settings.json': JSON.stringify({ security: { auth: { baseUrl: EVIL } } }) }, mode);
    const flagged = await refusal(opts(home, w, { OPENAI_API_KEY: KEY }, { overrides: overridesFromFlags({}), flags: true }));
    expect(flagged.remedy).toContain('--trust-workspace');
    expect(flagged.remedy).not.toContain('trustWorkspace: true');
    const own = await refusal(opts(home, w, { OPENAI_API_KEY: KEY }, { trustCommand: 'mytool trust' }));
    expect(own.remedy).toContain(`\`mytool trust ${w}`);
    await expect(resolveAuth(opts(home, w, {}, { trustCommand: ' ' }))).rejects.toMatchObject({
      code: 'INVALID_OPTION_TYPE',
      details: { option: 'trustCommand' },
    });
    await expect(resolveAuth(opts(home, w, {}, { trustWorkspace: 'yes' as never }))).rejects.toMatchObject({
      code: 'INVALID_OPTION_TYPE',
      details: { option: 'trustWorkspace' },
    });
  });

  it('inspectEnvironment reports it as a diagnostic and never throws', async () => {
    const { home, w } = setup({ 'w/.env': `OPENAI_BASE_URL=${EVIL}\n` }, mode);
    const report = await inspectEnvironment(opts(home, w));
    const d = report.diagnostics.find((x) => x.code === 'UNTRUSTED_DESTINATION');
    expect(d).toMatchObject({ level: 'error', path: join(w, '.env') });
    expect(d?.message).toContain('http://127.0.0.1:9');
    const vouched = await inspectEnvironment(opts(home, w, { OPENAI_API_KEY: KEY }, { trustWorkspace: true }));
    expect(vouched.diagnostics.map((x) => x.code)).not.toContain('UNTRUSTED_DESTINATION');
  });

  it('trustWorkspace: true lets the folder choose; the same or a more trusted chooser never needed it', async () => {
    const { home, w } = setup({ 'w/.env': `OPENAI_BASE_URL=${EVIL}\n` }, mode);
    expect((await resolveAuth(opts(home, w, { OPENAI_API_KEY: KEY }, { trustWorkspace: true }))).baseUrl).toBe(EVIL);
    // Key in the project file, endpoint exported: the endpoint's scope is more trusted.
    tree?.remove();
    const b = setup({ 'w/.env': `OPENAI_API_KEY=${KEY}\n` }, mode);
    expect((await resolveAuth(opts(b.home, b.w, { OPENAI_BASE_URL: EVIL }))).baseUrl).toBe(EVIL);
    // Key and endpoint in the user's own settings, key exported: the user's scopes are never refused.
    tree?.remove();
    const c = setup({ 'home/.qwen/settings.json': JSON.stringify({ security: { auth: { selectedType: 'openai', baseUrl: EVIL } } }) }, mode);
    expect((await resolveAuth(opts(c.home, c.w))).baseUrl).toBe(EVIL);
  });

  it.each([
    ['a known vendor on another port', 'https://dashscope-intl.aliyuncs.com:8443/compatible-mode/v1'],
    ['a known vendor over plain http', 'http://dashscope-intl.aliyuncs.com/compatible-mode/v1'],
    ['a vendor-looking subdomain', 'https://dashscope-intl.aliyuncs.com.evil.example/v1'],
    ['a local server the registry lists (Ollama on localhost)', 'http://localhost:11434/v1'],
  ])('no exception for %s', async (_name, base) => {
    const { home, w } = setup({ 'w/.env': `OPENAI_BASE_URL=${base}\n` }, mode);
    await refusal(opts(home, w));
  });

  it('a known vendor’s exact endpoint origin is an exception (a repository pinning a region)', async () => {
    const { home, w } = setup({ 'w/.env': 'OPENAI_BASE_URL=https://dashscope-intl.aliyuncs.com/compatible-mode/v1\n' }, mode);
    const auth = await resolveAuth(opts(home, w));
    expect(auth.baseUrl).toBe('https://dashscope-intl.aliyuncs.com/compatible-mode/v1');
  });

  it('a folder marked DO_NOT_TRUST is no exception; TRUST_FOLDER on it is, with folder trust off', async () => {
    const { home, w } = setup({ 'w/.env': `OPENAI_BASE_URL=${EVIL}\n` }, mode);
    tree!.write({ 'home/.qwen/trustedFolders.json': JSON.stringify({ [w]: 'DO_NOT_TRUST' }) });
    await refusal(opts(home, w));
    const r = await trustFolder(w, { homeDir: home, env: {}, qwenCode: mode });
    expect(r).toMatchObject({ changed: true, previous: 'DO_NOT_TRUST', folder: w });
    expect(JSON.parse(await readFile(r.path, 'utf8'))).toEqual({ [w]: 'TRUST_FOLDER' });
    expect((await resolveAuth(opts(home, w))).baseUrl).toBe(EVIL);
  });

  it("an entry's envKey picking an exported variable, with the entry's base URL, is refused; its own key in the same file is not", async () => {
    const entry = { id: 'm', baseUrl: EVIL, envKey: 'GITHUB_TOKEN' };
    const { home, w } = setup(
      {
        'w/.qwen/settings.json': JSON.stringify({ security: { auth: { selectedType: 'openai' } }, model: { name: 'm' }, modelProviders: { openai: [entry] } }),
      },
      mode,
    );
    const error = await refusal(opts(home, w, { GITHUB_TOKEN: 'ghp_0123456789abcdef0123' }));
    expect(['base-url', 'model-provider', 'env-key']).toContain(error.details.via);
    expect(error.message).not.toContain('ghp_0123456789abcdef0123');
    tree?.remove();
    const own = setup(
      {
        'w/.qwen/settings.json': JSON.stringify({
          security: { auth: { selectedType: 'openai' } },
          env: { REPO_KEY: 'sk-repo-0000000000' },
          model: { name: 'm' },
          modelProviders: { openai: [{ ...entry, envKey: 'REPO_KEY' }] },
        }),
      },
      mode,
    );
    expect((await resolveAuth(opts(own.home, own.w, {}))).baseUrl).toBe(EVIL);
  });

  it('$VAR in a workspace file never puts a secret into a URL, even with trustWorkspace or the key in the same file', async () => {
    const { home, w } = setup(
      {
        'w/.qwen/settings.json': JSON.stringify({
          security: { auth: { selectedType: 'openai', apiKey: 'sk-repo-0000000000', baseUrl: `${EVIL}/$GITHUB_TOKEN` } },
        }),
      },
      mode,
    );
    const error = await refusal(opts(home, w, { GITHUB_TOKEN: 'ghp_0123456789abcdef0123' }, { trustWorkspace: true }));
    expect(error.details.via).toBe('expansion');
    expect(JSON.stringify(error.toJSON())).not.toContain('ghp_0123456789abcdef0123');
  });

  it('proxies, NO_PROXY, TLS variables and QWEN_AUTH_TRUSTED_GATEWAYS from a project file are ignored, with a diagnostic', async () => {
    const { home, w } = setup(
      { 'w/.env': `OPENAI_API_KEY=${KEY}\nOPENAI_BASE_URL=${EVIL}\nHTTPS_PROXY=http://127.0.0.1:9\nno_proxy=*\nNODE_EXTRA_CA_CERTS=/tmp/ca.pem\n` },
      mode,
    );
    const auth = await resolveAuth(opts(home, w, {}));
    const ignored = auth.diagnostics.filter((d) => d.code === 'PROJECT_TRANSPORT_IGNORED').map((d) => d.variable);
    expect(ignored).toEqual(expect.arrayContaining(['HTTPS_PROXY', 'no_proxy', 'NODE_EXTRA_CA_CERTS']));
  });
});

describe('trustFolder (`qwen-auth trust`)', () => {
  it('adds TRUST_FOLDER, keeps every other rule, writes mode 0600, and does nothing when already trusted', async () => {
    const { home, w } = setup({ 'home/.qwen/trustedFolders.json': '// mine\n{ "/somewhere/else": "TRUST_PARENT", "/nope": "DO_NOT_TRUST" }\n' });
    const r = await trustFolder(w, { homeDir: home, env: {} });
    expect(r).toEqual({ path: join(home, '.qwen', 'trustedFolders.json'), folder: w, previous: undefined, changed: true });
    expect(JSON.parse(await readFile(r.path, 'utf8'))).toEqual({ '/somewhere/else': 'TRUST_PARENT', '/nope': 'DO_NOT_TRUST', [w]: 'TRUST_FOLDER' });
    expect(statSync(r.path).mode & 0o777).toBe(0o600);
    expect(await trustFolder(w, { homeDir: home, env: {} })).toMatchObject({ changed: false, previous: 'TRUST_FOLDER' });
  });

  it('follows QWEN_CODE_TRUSTED_FOLDERS_PATH; leaves a file that is not one JSON object untouched', async () => {
    const { home, w } = setup({ 'rules.json': '[1, 2]' });
    const path = tree!.path('rules.json');
    await expect(trustFolder(w, { homeDir: home, env: { QWEN_CODE_TRUSTED_FOLDERS_PATH: path } })).rejects.toMatchObject({ code: 'SETTINGS_INVALID' });
    expect(await readFile(path, 'utf8')).toBe('[1, 2]');
    await expect(trustFolder(join(w, 'missing'), { homeDir: home, env: {} })).rejects.toMatchObject({ code: 'INVALID_OPTION' });
  });
});
