/**
 * `qwenCode: '0.24'`, rules 1–3 and §1.2.6 (spec qwen-code-0.24.md): which
 * `.env` files apply, in which order, what "unset" means, what each file may
 * set, and where Qwen's home folder is. Real temporary folders throughout.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { inspectEnvironment, resolveAuth } from '../../../src/index.js';
import type { ResolveAuthOptions } from '../../../src/resolve/options.js';
import type { ApiKeyAuth } from '../../../src/resolve/types.js';
import { makeTree, type Tree } from '../../support/tree.js';

let tree: Tree | undefined;
afterEach(() => tree?.remove());

interface Setup {
  readonly files?: Record<string, string>;
  readonly env?: Record<string, string>;
  readonly cwd?: string;
  readonly home?: string;
  readonly options?: Partial<ResolveAuthOptions>;
}

const OPENAI = { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1', OPENAI_MODEL: 'm' };

function options(setup: Setup): ResolveAuthOptions {
  tree = makeTree({ 'home/.keep': '', 'w/p/.keep': '', ...setup.files });
  return {
    qwenCode: '0.24',
    cwd: tree.path(setup.cwd ?? 'w/p'),
    homeDir: tree.path(setup.home ?? 'home'),
    env: setup.env ?? {},
    overrides: { authType: 'openai' },
    ...setup.options,
  };
}

async function resolve024(setup: Setup): Promise<ApiKeyAuth> {
  const auth = await resolveAuth(options(setup));
  if (auth.type === 'qwen-oauth') throw new Error('unexpected qwen-oauth');
  return auth;
}

describe('rule 1: the project file, then the home files, all applied', () => {
  it.each([
    // [name, files, cwd, home, expected key, expected path, expected fallbacks]
    [
      'the project file wins, the home files fill below it',
      {
        'w/p/.env': 'OPENAI_MODEL=p',
        'home/.qwen/.env': 'OPENAI_API_KEY=sk-qwendir',
        'home/.env': 'OPENAI_API_KEY=sk-home\nOPENAI_BASE_URL=http://127.0.0.1:9/h',
      },
      'w/p',
      'home',
      'sk-qwendir',
      'w/p/.env',
      ['home/.qwen/.env', 'home/.env'],
    ],
    [
      'D/.qwen/.env before D/.env; the first found ends the walk',
      { 'w/p/.qwen/.env': 'OPENAI_API_KEY=sk-qwenfolder', 'w/p/.env': 'OPENAI_API_KEY=sk-plain', 'w/.env': 'OPENAI_API_KEY=sk-parent' },
      'w/p',
      'home',
      'sk-qwenfolder',
      'w/p/.qwen/.env',
      [],
    ],
    [
      'the walk goes up to a parent',
      { 'w/.env': 'OPENAI_API_KEY=sk-parent', 'home/.env': 'OPENAI_API_KEY=sk-home' },
      'w/p',
      'home',
      'sk-parent',
      'w/.env',
      ['home/.env'],
    ],
    [
      'the walk stops at the home folder: nothing above it',
      { 'w/.env': 'OPENAI_API_KEY=sk-above-home', 'w/h/.env': 'OPENAI_API_KEY=sk-home', 'w/h/p/.keep': '' },
      'w/h/p',
      'w/h',
      'sk-home',
      'w/h/.env',
      [],
    ],
    [
      'cwd is the home folder: only the home files',
      { 'w/.env': 'OPENAI_API_KEY=sk-above', 'w/h/.qwen/.env': 'OPENAI_API_KEY=sk-qwendir', 'w/h/.env': 'OPENAI_API_KEY=sk-home' },
      'w/h',
      'w/h',
      'sk-qwendir',
      'w/h/.qwen/.env',
      ['w/h/.env'],
    ],
    ['at the root with nothing found: the home files', { 'home/.env': 'OPENAI_API_KEY=sk-home' }, 'w/p', 'home', 'sk-home', 'home/.env', []],
  ])('%s', async (_name, files, cwd, home, key, path, fallbacks) => {
    const auth = await resolve024({ files: { [`${cwd}/.keep`]: '', ...files }, cwd, home, env: OPENAI });
    expect(auth.apiKey).toBe(key);
    expect(auth.envFile?.path).toBe(tree!.path(path));
    expect(auth.envFile?.fallbacks.map((f) => f.path)).toEqual(fallbacks.map((f) => tree!.path(f)));
  });

  it('with QWEN_HOME elsewhere, the legacy ~/.qwen/.env comes between <qwenDir>/.env and ~/.env', async () => {
    const o = options({ files: { 'alt/.env': 'A=1', 'home/.qwen/.env': 'B=1', 'home/.env': 'C=1' } });
    const report = await inspectEnvironment({ ...o, env: { QWEN_HOME: tree!.path('alt') } });
    expect(report.envFile?.path).toBe(tree!.path('alt/.env'));
    expect(report.envFile?.scope).toBe('home');
    expect(report.envFile?.fallbacks.map((f) => f.path)).toEqual([tree!.path('home/.qwen/.env'), tree!.path('home/.env')]);
  });

  it('envFile.homeFallback: false contradicts the mode: INVALID_OPTION', async () => {
    await expect(resolveAuth({ ...options({}), envFile: { homeFallback: false } })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      details: { option: 'envFile.homeFallback' },
    });
    await expect(resolveAuth({ ...options({}), qwenCode: '0.3' as never })).rejects.toMatchObject({
      code: 'INVALID_OPTION_TYPE',
      details: { option: 'qwenCode' },
    });
  });

  it('the default mode keeps one file (the contrast)', async () => {
    const files = { 'w/p/.env': 'OPENAI_MODEL=p', 'home/.qwen/.env': 'OPENAI_API_KEY=sk-qwendir' };
    const o = options({ files, env: OPENAI });
    await expect(resolveAuth({ ...o, qwenCode: '0.12' })).rejects.toMatchObject({ code: 'MISSING_API_KEY' });
    await expect(resolveAuth(o)).resolves.toMatchObject({ apiKey: 'sk-qwendir' });
  });
});

describe('rule 2: unset means undefined or empty', () => {
  it.each([
    [
      'an exported empty variable is filled by a .env file',
      { env: { ...OPENAI, OPENAI_API_KEY: '' }, files: { 'w/p/.env': 'OPENAI_API_KEY=sk-file' } },
      'sk-file',
    ],
    [
      'an exported empty variable is filled by settings.env',
      { env: { ...OPENAI, OPENAI_API_KEY: '' }, files: { 'home/.qwen/settings.json': '{"env":{"OPENAI_API_KEY":"sk-senv"}}' } },
      'sk-senv',
    ],
    [
      'an empty value in the project file is filled by a home file',
      { env: OPENAI, files: { 'w/p/.env': 'OPENAI_API_KEY=', 'home/.env': 'OPENAI_API_KEY=sk-home' } },
      'sk-home',
    ],
    [
      'an empty value in every file is filled by settings.env',
      { env: OPENAI, files: { 'w/p/.env': 'OPENAI_API_KEY=', 'home/.qwen/settings.json': '{"env":{"OPENAI_API_KEY":"sk-senv"}}' } },
      'sk-senv',
    ],
    ['a non-empty export still wins', { env: { ...OPENAI, OPENAI_API_KEY: 'sk-exported' }, files: { 'w/p/.env': 'OPENAI_API_KEY=sk-file' } }, 'sk-exported'],
  ])('%s', async (_name, setup, key) => {
    const auth = await resolve024(setup);
    expect(auth.apiKey).toBe(key);
  });

  it('says so with ENV_EMPTY_FILLED (the default mode says ENV_EMPTY_SHADOWS and fails)', async () => {
    const setup = { env: { ...OPENAI, OPENAI_API_KEY: '' }, files: { 'w/p/.env': 'OPENAI_API_KEY=sk-file' } };
    const auth = await resolve024(setup);
    expect(auth.diagnostics.find((d) => d.code === 'ENV_EMPTY_FILLED')).toMatchObject({
      variable: 'OPENAI_API_KEY',
      path: tree!.path('w/p/.env'),
      level: 'info',
    });
    expect(auth.diagnostics.map((d) => d.code)).not.toContain('ENV_EMPTY_SHADOWS');
    await expect(resolveAuth({ ...options(setup), qwenCode: '0.12' })).rejects.toMatchObject({ code: 'MISSING_API_KEY' });
  });
});

describe('rule 3: what each file may set', () => {
  it.each([
    ['DEBUG is dropped from a project file', 'w/p/.env', 'DEBUG', false],
    ['DEBUG_MODE is dropped from a project file', 'w/p/.env', 'DEBUG_MODE', false],
    ['DEBUG may come from a .qwen/.env', 'w/p/.qwen/.env', 'DEBUG', true],
    ['DEBUG may come from ~/.env', 'home/.env', 'DEBUG', true],
    ['QWEN_HOME never from a project file', 'w/p/.env', 'QWEN_HOME', false],
    ['NODE_EXTRA_CA_CERTS never from a project file', 'w/p/.qwen/.env', 'NODE_EXTRA_CA_CERTS', false],
    ['NODE_TLS_REJECT_UNAUTHORIZED never from a project file', 'w/p/.env', 'NODE_TLS_REJECT_UNAUTHORIZED', false],
    ['qwen_tls_insecure (any case) never from a project file', 'w/p/.env', 'qwen_tls_insecure', false],
    ['NODE_EXTRA_CA_CERTS may come from a home file', 'home/.qwen/.env', 'NODE_EXTRA_CA_CERTS', true],
    ['NODE_OPTIONS never, not even from home', 'home/.env', 'NODE_OPTIONS', false],
    ['LD_PRELOAD never', 'home/.qwen/.env', 'LD_PRELOAD', false],
    ['npm_config_node-options (either spelling) never', 'home/.env', 'npm_config_node-options', false],
    ['BASH_FUNC_* never', 'home/.env', 'BASH_FUNC_ls', false],
    ['an ordinary variable from a project file', 'w/p/.env', 'ANYTHING', true],
  ])('%s', async (_name, file, name, applied) => {
    const report = await inspectEnvironment(options({ files: { [file]: `${name}=x\n` } }));
    const layers = report.envFile ? [report.envFile, ...report.envFile.fallbacks] : [];
    const layer = layers.find((l) => l.path === tree!.path(file))!;
    expect(layer.applied.includes(name)).toBe(applied);
    expect(layer.excluded.includes(name)).toBe(!applied);
  });

  it('advanced.excludedEnvVars replaces the list for project files', async () => {
    const report = await inspectEnvironment(
      options({ files: { 'w/p/.env': 'OPENAI_MODEL=x\nDEBUG=1\n', 'home/.qwen/settings.json': '{"advanced":{"excludedEnvVars":["OPENAI_MODEL"]}}' } }),
    );
    expect(report.envFile).toMatchObject({ applied: ['DEBUG'], excluded: ['OPENAI_MODEL'] });
  });

  it('settings.env may not set the home-only or loader variables', async () => {
    const auth = await resolve024({
      env: OPENAI,
      files: {
        'home/.qwen/settings.json': JSON.stringify({ env: { OPENAI_API_KEY: 'sk-senv', QWEN_TLS_INSECURE: '1', NODE_OPTIONS: '--require x', PATH: '/evil' } }),
      },
    });
    expect(auth.apiKey).toBe('sk-senv');
    const report = await inspectEnvironment(options({ files: { 'home/.qwen/settings.json': JSON.stringify({ env: { QWEN_HOME: '/elsewhere' } }) } }));
    expect(report.qwenDir).toBe(tree!.path('home/.qwen'));
  });
});

describe("Qwen's home folder (§1.2.6)", () => {
  it.each([
    ['from ~/.qwen/.env', { 'home/.qwen/.env': 'QWEN_HOME=~/alt' }, {}, 'home/alt'],
    ['from ~/.env', { 'home/.env': 'QWEN_HOME=~/alt' }, {}, 'home/alt'],
    ['~/.qwen/.env before ~/.env', { 'home/.qwen/.env': 'QWEN_HOME=~/first', 'home/.env': 'QWEN_HOME=~/second' }, {}, 'home/first'],
    ['not from a project file', { 'w/p/.env': 'QWEN_HOME=~/alt' }, {}, 'home/.qwen'],
    ['an exported QWEN_HOME wins', { 'home/.env': 'QWEN_HOME=~/alt' }, { QWEN_HOME: '~/exported' }, 'home/exported'],
    ['an exported empty QWEN_HOME is filled by a home file all the same (measured)', { 'home/.env': 'QWEN_HOME=~/alt' }, { QWEN_HOME: '' }, 'home/alt'],
    ['… but not by a project file', { 'w/p/.env': 'QWEN_HOME=~/alt' }, { QWEN_HOME: '' }, 'home/.qwen'],
  ])('%s', async (_name, files, env, qwenDir) => {
    const report = await inspectEnvironment(options({ files, env }));
    expect(report.qwenDir).toBe(tree!.path(qwenDir));
  });

  it('a relative QWEN_HOME is taken from the working folder (0.12 takes it from home)', async () => {
    const o = options({ env: { QWEN_HOME: 'rel' } });
    expect((await inspectEnvironment(o)).qwenDir).toBe(tree!.path('w/p/rel'));
    expect((await inspectEnvironment({ ...o, qwenCode: '0.12' })).qwenDir).toBe(tree!.path('home/rel'));
  });

  it('settings are read from the folder the bootstrap found', async () => {
    const auth = await resolve024({
      files: { 'home/.env': 'QWEN_HOME=~/alt', 'home/alt/settings.json': '{"security":{"auth":{"apiKey":"sk-alt"}}}' },
      env: OPENAI,
    });
    expect(auth.apiKey).toBe('sk-alt');
    expect(auth.qwenDir).toBe(tree!.path('home/alt'));
  });

  it('QWEN_HOME exported empty and filled: the layers of ~/.qwen load first and stay (measured on 0.24.4)', async () => {
    const files = {
      'home/.env': 'QWEN_HOME=~/alt\n',
      'home/.qwen/settings.json': JSON.stringify({ env: { OPENAI_BASE_URL: 'http://127.0.0.1:9/legacy-senv/v1' } }),
      'home/alt/settings.json': JSON.stringify({ model: { name: 'alt' } }),
      'home/alt/.env': 'OPENAI_BASE_URL=http://127.0.0.1:9/alt-env/v1\nOPENAI_MODEL=ignored\n',
    };
    const auth = await resolve024({ files, env: { QWEN_HOME: '', OPENAI_API_KEY: 'sk-e' } });
    // The first pass's settings.env comes before the second pass's files; settings are the moved folder's.
    expect(auth).toMatchObject({ baseUrl: 'http://127.0.0.1:9/legacy-senv/v1', model: 'alt', qwenDir: tree!.path('home/alt') });
    expect(auth.envFile?.fallbacks.map((f) => f.path)).toContain(tree!.path('home/alt/.env'));
  });

  it('settings $VAR references also see the home .env values', async () => {
    const auth = await resolve024({
      files: { 'home/.qwen/.env': 'MY_KEY=sk-from-home-env', 'home/.qwen/settings.json': '{"security":{"auth":{"apiKey":"$MY_KEY"}}}' },
      env: OPENAI,
    });
    expect(auth.apiKey).toBe('sk-from-home-env');
  });
});
