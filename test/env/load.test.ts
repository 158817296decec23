import { execFileSync } from 'node:child_process';
import { chmodSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveAuth } from '../../src/index.js';
import type { OpenAIAuth } from '../../src/resolve/types.js';
import { makeTree, type Tree } from '../support/tree.js';

let tree: Tree | undefined;
afterEach(() => tree?.remove());

async function openai(files: Record<string, string>, env: Record<string, string> = {}, cwd = 'w/a'): Promise<OpenAIAuth> {
  tree = makeTree({ 'home/.keep': '', 'w/a/.keep': '', ...files });
  // How the layers load; where a key may go is test/resolve/destination.test.ts's (issue 16).
  const auth = await resolveAuth({ cwd: tree.path(cwd), homeDir: tree.path('home'), env, trustWorkspace: true });
  if (auth.type !== 'openai') throw new Error('expected openai');
  return auth;
}

describe('dotenv syntax (spec §1.4: dotenv.parse, no expansion)', () => {
  const syntaxes: [string, string, string][] = [
    ['plain', 'OPENAI_MODEL=m1', 'm1'],
    ['double quotes', 'OPENAI_MODEL="m 2"', 'm 2'],
    ['single quotes', "OPENAI_MODEL='m3'", 'm3'],
    ['backticks', 'OPENAI_MODEL=`m4`', 'm4'],
    ['export prefix', 'export OPENAI_MODEL=m5', 'm5'],
    ['inline comment', 'OPENAI_MODEL=m6 # comment', 'm6'],
    ['spaces around =', 'OPENAI_MODEL = m7', 'm7'],
    ['colon form', 'OPENAI_MODEL: m8', 'm8'],
    ['no expansion', 'OPENAI_MODEL=$HOME/x', '$HOME/x'],
    ['no command substitution', 'OPENAI_MODEL=$(echo hi)', '$(echo hi)'],
    ['hash inside quotes', 'OPENAI_MODEL="a#b"', 'a#b'],
    ['last duplicate wins', 'OPENAI_MODEL=first\nOPENAI_MODEL=second', 'second'],
    ['CRLF line ends', 'OPENAI_MODEL=m9\r\nOTHER=1\r\n', 'm9'],
    ['escaped newline in double quotes', 'OPENAI_MODEL="a\\nb"', 'a\nb'],
    ['BOM at start', '\uFEFFOPENAI_MODEL=m10', 'm10'],
  ];
  it.each(syntaxes)('%s', async (_name, line, expected) => {
    const auth = await openai({ 'w/.env': `OPENAI_API_KEY=sk-test\n${line}\n` });
    expect(auth.model).toBe(expected);
  });
});

describe('applying keys (spec §1.5)', () => {
  it('the environment wins and the file key is reported as shadowed', async () => {
    const auth = await openai({ 'w/.env': 'OPENAI_API_KEY=sk-file\nOPENAI_MODEL=file-model' }, { OPENAI_API_KEY: 'sk-env' });
    expect(auth.apiKey).toBe('sk-env');
    expect(auth.model).toBe('file-model');
    expect(auth.envFile).toMatchObject({ applied: ['OPENAI_MODEL'], shadowed: ['OPENAI_API_KEY'] });
    expect(auth.sources.apiKey).toMatchObject({
      kind: 'env',
      name: 'OPENAI_API_KEY',
      shadowed: [{ kind: 'env-file', name: 'OPENAI_API_KEY', path: tree!.path('w/.env') }],
    });
  });

  it('an exported empty string counts as set: the file does not fill it', async () => {
    const auth = await openai(
      { 'w/.env': 'OPENAI_MODEL=file-model\nOPENAI_API_KEY=sk-file', 'home/.qwen/settings.json': '{"security":{"auth":{"apiKey":"sk-settings"}}}' },
      { OPENAI_MODEL: '', OPENAI_API_KEY: '' },
    );
    expect(auth.model).toBe('qwen3.5-plus');
    expect(auth.apiKey).toBe('sk-settings');
    expect(auth.envFile?.shadowed).toEqual(['OPENAI_MODEL', 'OPENAI_API_KEY']);
    expect(auth.diagnostics.filter((d) => d.code === 'ENV_EMPTY_SHADOWS').map((d) => d.message.split(' ')[0])).toEqual(
      expect.arrayContaining(['OPENAI_API_KEY', 'OPENAI_MODEL']),
    );
  });

  it('an undefined entry of the env record is not set', async () => {
    const auth = await openai({ 'w/.env': 'OPENAI_API_KEY=sk-file' }, { OPENAI_API_KEY: undefined } as never);
    expect(auth.apiKey).toBe('sk-file');
  });

  it('never writes the env record or process.env', async () => {
    const env = Object.freeze({ PATH: '/bin' });
    const before = { ...process.env };
    tree = makeTree({ 'home/.keep': '', 'w/.env': 'OPENAI_API_KEY=sk-file\nSOMETHING_NEW=1' });
    await resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env });
    expect(process.env).toEqual(before);
    expect(process.env.SOMETHING_NEW).toBeUndefined();
  });
});

describe('exclusions (spec §1.6–1.7)', () => {
  const file = 'OPENAI_API_KEY=sk-x\nDEBUG=1\nDEBUG_MODE=1\nQWEN_HOME=/elsewhere\nQWEN_RUNTIME_DIR=/rt\n';
  it.each([
    ['a project .env', 'w/.env', ['DEBUG', 'DEBUG_MODE', 'QWEN_HOME', 'QWEN_RUNTIME_DIR']],
    ['a project .qwen/.env', 'w/.qwen/.env', ['QWEN_HOME', 'QWEN_RUNTIME_DIR']],
    ['a folder merely named like .qwen (Differs)', 'w/.qwen-tools/.env', ['DEBUG', 'DEBUG_MODE', 'QWEN_HOME', 'QWEN_RUNTIME_DIR']],
  ])('%s drops %j', async (_name, path, excluded) => {
    const cwd = path.includes('.qwen-tools') ? 'w/.qwen-tools' : 'w/a';
    const auth = await openai({ [path]: file }, {}, cwd);
    expect(auth.envFile?.excluded).toEqual(excluded);
  });

  it('home-level files may set everything', async () => {
    for (const path of ['home/.qwen/.env', 'home/.env']) {
      const auth = await openai({ [path]: 'OPENAI_API_KEY=sk-x\nDEBUG=1\nQWEN_RUNTIME_DIR=/rt\n' });
      expect(auth.envFile).toMatchObject({ path: tree!.path(path), scope: 'home', excluded: [] });
      tree!.remove();
    }
  });

  it('advanced.excludedEnvVars replaces the list (user and workspace lists are joined)', async () => {
    const auth = await openai({
      'w/.env': 'OPENAI_API_KEY=sk-x\nOPENAI_MODEL=m\nDEBUG=1\nFOO=1',
      'home/.qwen/settings.json': '{"advanced":{"excludedEnvVars":["OPENAI_MODEL"]}}',
      'w/a/.qwen/settings.json': '{"advanced":{"excludedEnvVars":["FOO"]}}',
    });
    expect(auth.envFile?.excluded).toEqual(['OPENAI_MODEL', 'FOO']);
    expect(auth.model).toBe('qwen3.5-plus');
  });

  it('an empty excludedEnvVars list excludes nothing', async () => {
    const auth = await openai({ 'w/.env': 'OPENAI_API_KEY=sk-x\nDEBUG=1', 'home/.qwen/settings.json': '{"advanced":{"excludedEnvVars":[]}}' });
    expect(auth.envFile?.excluded).toEqual([]);
  });

  it('QWEN_HOME from ~/.env moves the Qwen folder (settings are read there)', async () => {
    tree = makeTree({
      'home/.env': `QWEN_HOME=${'<root>'}/moved`,
      'moved/settings.json': '{"security":{"auth":{"apiKey":"sk-moved"}}}',
      'w/.keep': '',
    });
    // Rewrite with the real root now that it is known.
    tree.write({ 'home/.env': `QWEN_HOME=${tree.path('moved')}` });
    const auth = await resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: {} });
    expect(auth.qwenDir).toBe(tree.path('moved'));
    expect(auth.type === 'openai' && auth.apiKey).toBe('sk-moved');
  });
});

describe('settings.env (spec §2: environment > .env > settings.env)', () => {
  it('fills only what is still unset, workspace over user', async () => {
    const auth = await openai(
      {
        'w/.env': 'OPENAI_MODEL=from-dotenv',
        'home/.qwen/settings.json': '{"env":{"OPENAI_API_KEY":"sk-user","OPENAI_MODEL":"from-settings","OPENAI_BASE_URL":"https://user.example/v1"}}',
        'w/a/.qwen/settings.json': '{"env":{"OPENAI_BASE_URL":"https://ws.example/v1","NUMBER":1}}',
      },
      {},
    );
    expect([auth.apiKey, auth.model, auth.baseUrl]).toEqual(['sk-user', 'from-dotenv', 'https://ws.example/v1']);
    expect(auth.sources.baseUrl).toMatchObject({ kind: 'settings', key: 'env.OPENAI_BASE_URL', scope: 'workspace' });
    expect(auth.sources.model.shadowed).toContainEqual(expect.objectContaining({ kind: 'settings', key: 'env.OPENAI_MODEL' }));
  });
});

describe('bad files (report and go on)', () => {
  it('an oversized .env is reported and not loaded; no other file is tried', async () => {
    tree = makeTree({ 'home/.env': 'OPENAI_API_KEY=sk-home', 'w/.env': `OPENAI_API_KEY=sk-big\n#${'x'.repeat(200)}` });
    await expect(resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: {}, envFile: { maxBytes: 100 } })).rejects.toMatchObject({
      code: 'NO_CREDENTIALS',
    });
    const auth = await resolveAuth({
      cwd: tree.path('w'),
      homeDir: tree.path('home'),
      env: { OPENAI_API_KEY: 'sk-env' },
      envFile: { maxBytes: 100 },
    });
    expect(auth.diagnostics.map((d) => d.code)).toContain('ENV_FILE_TOO_LARGE');
    expect(auth.envFile).toMatchObject({ path: tree.path('w/.env'), applied: [] });
  });

  it('an unreadable .env is reported, no other file is tried, and resolution goes on', async () => {
    tree = makeTree({ 'home/.env': 'OPENAI_MODEL=from-home', 'w/.env': 'OPENAI_API_KEY=sk-file' });
    chmodSync(tree.path('w/.env'), 0o600);
    const options = { cwd: tree.path('w'), homeDir: tree.path('home'), env: { OPENAI_API_KEY: 'sk-env' } };
    let codes: string[];
    let model: string;
    if (process.getuid?.() === 0) {
      // Root reads anything: run the resolution as `nobody`, for whom the file is unreadable.
      chmodSync(tree.root, 0o755);
      for (const dir of ['home', 'w']) chmodSync(tree.path(dir), 0o755);
      const script = `import { resolveAuth } from ${JSON.stringify(new URL('../../dist/index.js', import.meta.url).href)};
        const a = await resolveAuth(${JSON.stringify(options)});
        console.log(JSON.stringify({ codes: a.diagnostics.map((d) => d.code), model: a.model }));`;
      const out = execFileSync(process.execPath, ['--input-type=module', '-e', script], { uid: 65534, gid: 65534, encoding: 'utf8' });
      ({ codes, model } = JSON.parse(out) as { codes: string[]; model: string });
    } else {
      chmodSync(tree.path('w/.env'), 0);
      const auth = await resolveAuth(options);
      codes = auth.diagnostics.map((d) => d.code);
      model = auth.model;
    }
    expect(codes).toContain('ENV_FILE_UNREADABLE');
    expect(model).toBe('qwen3.5-plus'); // ~/.env was not tried instead
  });
});

describe('homeFallback option (Qwen Code ≥0.2x variant, off by default)', () => {
  it('with no project file, ~/.env still applies below <qwenDir>/.env', async () => {
    tree = makeTree({ 'home/.qwen/.env': 'OPENAI_API_KEY=sk-qh', 'home/.env': 'OPENAI_MODEL=home-model', 'w/.keep': '' });
    const auth = (await resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: {}, envFile: { homeFallback: true } })) as OpenAIAuth;
    expect([auth.apiKey, auth.model]).toEqual(['sk-qh', 'home-model']);
    expect(auth.envFile?.fallbacks.map((f) => f.path)).toEqual([tree.path('home/.env')]);
  });

  it('applies <qwenDir>/.env and ~/.env below the project file', async () => {
    const files = {
      'w/.env': 'OPENAI_API_KEY=sk-project',
      'home/.qwen/.env': 'OPENAI_MODEL=qwen-home-model\nOPENAI_API_KEY=sk-qh',
      'home/.env': 'OPENAI_BASE_URL=https://home.example/v1\nOPENAI_MODEL=home-model',
    };
    tree = makeTree({ ...files, 'w/a/.keep': '' });
    const base = { cwd: tree.path('w/a'), homeDir: tree.path('home'), env: {} };
    const off = (await resolveAuth(base)) as OpenAIAuth;
    expect([off.apiKey, off.model, off.baseUrl]).toEqual(['sk-project', 'qwen3.5-plus', 'https://dashscope.aliyuncs.com/compatible-mode/v1']);
    const on = (await resolveAuth({ ...base, envFile: { homeFallback: true } })) as OpenAIAuth;
    expect([on.apiKey, on.model, on.baseUrl]).toEqual(['sk-project', 'qwen-home-model', 'https://home.example/v1']);
    expect(on.envFile?.fallbacks).toEqual([
      { path: tree.path('home/.qwen/.env'), applied: ['OPENAI_MODEL'], excluded: [], shadowed: ['OPENAI_API_KEY'] },
      { path: tree.path('home/.env'), applied: ['OPENAI_BASE_URL'], excluded: [], shadowed: ['OPENAI_MODEL'] },
    ]);
  });
});
