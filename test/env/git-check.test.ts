/**
 * The git check (`gitCheck: true`) against real repositories made with
 * `git init` in temporary folders: every way a file can be ignored, tracked
 * or neither, worktrees and submodules whose `.git` is a file, git missing,
 * hanging or refusing a broken repository — and the repository unchanged.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inspectEnvironment, resolveAuth, type Diagnostic, type ResolveAuthOptions } from '../../src/index.js';
import { git, gitInit, hangingGit, loggingGit, snapshot } from '../support/git.js';
import { makeTree, type Tree } from '../support/tree.js';

const KEY = 'sk-test-0000000000000000c0ffee42';
const GIT_CODES = ['SECRET_FILE_TRACKED', 'SECRET_FILE_NOT_IGNORED', 'GIT_CHECK_SKIPPED'];

let tree: Tree;
afterEach(() => tree?.remove());

/** A tree with a home (not a repository) and a repository `repo` holding `.qwen/.env` with a key. */
function project(entries: Record<string, string> = {}): { repo: string; home: string; env: string } {
  tree = makeTree({ 'home/.keep': '', 'repo/.qwen/.env': `OPENAI_API_KEY=${KEY}\nOPENAI_MODEL=m\n`, ...entries });
  gitInit(tree.path('repo'), tree.path('home'));
  return { repo: tree.path('repo'), home: tree.path('home'), env: tree.path('repo/.qwen/.env') };
}

const sh = (dir: string, ...args: string[]): string => git(dir, tree.path('home'), ...args);

async function gitDiagnostics(cwd: string, options: Partial<ResolveAuthOptions> = {}): Promise<Diagnostic[]> {
  const r = await resolveAuth({ cwd, homeDir: tree.path('home'), env: { PATH: process.env.PATH }, gitCheck: true, ...options });
  expect(JSON.stringify(r.diagnostics)).not.toContain(KEY);
  return r.diagnostics.filter((d) => GIT_CODES.includes(d.code));
}

/** Does what a NOT_IGNORED / TRACKED remedy says, literally. */
function applyRemedy(d: Diagnostic): void {
  const rm = /git -C (\S+) rm --cached -- (\S+)/.exec(d.remedy);
  if (rm) sh(rm[1]!, 'rm', '-q', '--cached', '--', rm[2]!);
  const add = /add the line (\S+) to (\S+\.gitignore)/i.exec(d.remedy);
  if (add) appendFileSync(add[2]!, `\n${add[1]}\n`);
  expect(rm ?? add, d.remedy).toBeTruthy();
}

describe('not tracked: ignored or not, as git itself decides', () => {
  const notIgnored: Record<string, (p: ReturnType<typeof project>) => void> = {
    'no .gitignore at all': () => {},
    'a rule for another file': (p) => writeFileSync(join(p.repo, '.gitignore'), '.env.local\n/.qwen/*.bak\n'),
    're-included by a negation in the root .gitignore': (p) => writeFileSync(join(p.repo, '.gitignore'), '.qwen/*\n!.qwen/.env\n'),
    're-included by a nested .gitignore over the root one': (p) => {
      writeFileSync(join(p.repo, '.gitignore'), '.env\n');
      writeFileSync(join(p.repo, '.qwen/.gitignore'), '!.env\n');
    },
    're-included by a .gitignore over info/exclude': (p) => {
      writeFileSync(join(p.repo, '.git/info/exclude'), '.env\n');
      writeFileSync(join(p.repo, '.gitignore'), '!/.qwen/.env\n');
    },
  };
  for (const [name, setUp] of Object.entries(notIgnored)) {
    it(`${name}: SECRET_FILE_NOT_IGNORED naming the file and key, and its remedy works`, async () => {
      const p = project();
      setUp(p);
      const [d, ...rest] = await gitDiagnostics(p.repo);
      expect(rest).toEqual([]);
      expect(d).toMatchObject({ code: 'SECRET_FILE_NOT_IGNORED', level: 'warning', path: p.env });
      expect(d!.message).toContain(p.env);
      expect(d!.message).toContain('OPENAI_API_KEY');
      expect(d!.message, 'only key-like names').not.toContain('OPENAI_MODEL');
      expect(d!.message).toContain(`work tree ${p.repo}`);
      expect(d!.remedy).toContain(`/.env to ${join(p.repo, '.qwen/.gitignore')}`);
      applyRemedy(d!);
      expect(await gitDiagnostics(p.repo)).toEqual([]);
    });
  }

  const ignored: Record<string, (p: ReturnType<typeof project>) => void> = {
    'the root .gitignore': (p) => writeFileSync(join(p.repo, '.gitignore'), '.env\n'),
    'a nested .gitignore': (p) => writeFileSync(join(p.repo, '.qwen/.gitignore'), '/.env\n'),
    'a .gitignore in a folder between': (p) => {
      mkdirSync(join(p.repo, 'app/.qwen'), { recursive: true });
      writeFileSync(join(p.repo, 'app/.qwen/.env'), `OPENAI_API_KEY=${KEY}\n`);
      writeFileSync(join(p.repo, 'app/.gitignore'), '/.qwen/\n');
    },
    'info/exclude': (p) => writeFileSync(join(p.repo, '.git/info/exclude'), '.qwen/.env\n'),
    'core.excludesFile of the repository config': (p) => {
      writeFileSync(join(p.home, 'excludes'), '.env\n');
      sh(p.repo, 'config', 'core.excludesFile', join(p.home, 'excludes'));
    },
    "the user's global excludes (<home>/.config/git/ignore)": (p) => {
      mkdirSync(join(p.home, '.config/git'), { recursive: true });
      writeFileSync(join(p.home, '.config/git/ignore'), '.env\n');
    },
    'an ignore then a negation then the ignore again': (p) => writeFileSync(join(p.repo, '.gitignore'), '.env\n!.env\n.qwen/.env\n'),
  };
  for (const [name, setUp] of Object.entries(ignored)) {
    it(`ignored by ${name}: nothing`, async () => {
      const p = project();
      setUp(p);
      const cwd = name.includes('between') ? join(p.repo, 'app') : p.repo;
      expect(await gitDiagnostics(cwd)).toEqual([]);
    });
  }
});

describe('tracked', () => {
  it('force-added (git add -f) over an ignore rule: SECRET_FILE_TRACKED, the remedy only untracks', async () => {
    const p = project({ 'repo/.gitignore': '.env\n' });
    sh(p.repo, 'add', '-f', '.qwen/.env');
    sh(p.repo, 'commit', '-qm', 'oops');
    const [d, ...rest] = await gitDiagnostics(p.repo);
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ code: 'SECRET_FILE_TRACKED', level: 'warning', path: p.env });
    expect(d!.message).toContain('OPENAI_API_KEY');
    expect(d!.remedy).toContain(`git -C ${p.repo} rm --cached -- .qwen/.env`);
    expect(d!.remedy).toContain('already ignored');
    expect(d!.remedy).not.toMatch(/add the line/i);
    applyRemedy(d!);
    expect(await gitDiagnostics(p.repo)).toEqual([]);
  });

  it('committed and not ignored: the remedy untracks and ignores', async () => {
    const p = project();
    sh(p.repo, 'add', '.');
    sh(p.repo, 'commit', '-qm', 'oops');
    const [d] = await gitDiagnostics(p.repo);
    expect(d).toMatchObject({ code: 'SECRET_FILE_TRACKED', path: p.env });
    expect(d!.remedy).toContain(`/.env to ${join(p.repo, '.qwen/.gitignore')}`);
    applyRemedy(d!);
    expect(await gitDiagnostics(p.repo)).toEqual([]);
  });

  it('staged, not committed yet: tracked too', async () => {
    const p = project();
    sh(p.repo, 'add', '.qwen/.env');
    expect((await gitDiagnostics(p.repo)).map((d) => d.code)).toEqual(['SECRET_FILE_TRACKED']);
  });
});

describe('work trees whose .git is a file', () => {
  it('a linked worktree (git worktree add): checked in the worktree itself', async () => {
    tree = makeTree({ 'home/.keep': '', 'main/README': 'x\n' });
    const main = tree.path('main');
    gitInit(main, tree.path('home'));
    sh(main, 'add', '.');
    sh(main, 'commit', '-qm', 'init');
    sh(main, 'worktree', 'add', '-q', '-b', 'side', tree.path('side'));
    tree.write({ 'side/.qwen/.env': `OPENAI_API_KEY=${KEY}\n` });
    const [d] = await gitDiagnostics(tree.path('side'));
    expect(d).toMatchObject({ code: 'SECRET_FILE_NOT_IGNORED', path: tree.path('side/.qwen/.env') });
    expect(d!.message).toContain(`work tree ${tree.path('side')}`);

    sh(tree.path('side'), 'add', '.qwen/.env');
    expect((await gitDiagnostics(tree.path('side'))).map((x) => x.code)).toEqual(['SECRET_FILE_TRACKED']);
  });

  it('a submodule-like layout (.git file → ../.git/modules/sub): the inner repository decides', async () => {
    const p = project({ 'repo/.gitignore': '.env\n' });
    const sub = join(p.repo, 'sub');
    mkdirSync(join(p.repo, '.git/modules'), { recursive: true });
    gitInit(sub, p.home, `--separate-git-dir=${join(p.repo, '.git/modules/sub')}`);
    tree.write({ 'repo/sub/.qwen/.env': `OPENAI_API_KEY=${KEY}\nDASHSCOPE_API_KEY=${KEY}\n` });
    // The outer rules ignore `.env`; the inner repository has none.
    const [d, ...rest] = await gitDiagnostics(sub);
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ code: 'SECRET_FILE_NOT_IGNORED', path: join(sub, '.qwen/.env') });
    expect(d!.message).toContain('OPENAI_API_KEY and DASHSCOPE_API_KEY');
    expect(d!.message).toContain(`work tree ${sub}`);
  });
});

describe('when git cannot answer: one info, never an error, never a warning', () => {
  it('no git on PATH', async () => {
    const p = project();
    const empty = tree.path('empty-bin');
    mkdirSync(empty);
    const r = await resolveAuth({ cwd: p.repo, homeDir: p.home, env: { PATH: empty }, gitCheck: true });
    expect(r.type).toBe('openai');
    const found = r.diagnostics.filter((d) => GIT_CODES.includes(d.code));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ code: 'GIT_CHECK_SKIPPED', level: 'info' });
    expect(found[0]!.message).toContain('git was not found');
    expect(found[0]!.message).toContain(p.env);
  });

  it('a broken repository (garbage in .git/HEAD)', async () => {
    const p = project();
    writeFileSync(join(p.repo, '.git/HEAD'), 'garbage\n');
    const found = await gitDiagnostics(p.repo);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ code: 'GIT_CHECK_SKIPPED', level: 'info', path: join(p.repo, '.qwen') });
    expect(found[0]!.message).toMatch(/git failed \(exit 128: /);
  });

  it('a git that never answers: skipped at the time bound', async () => {
    const p = project();
    const bin = hangingGit(tree.path('hang-bin'));
    const found = await gitDiagnostics(p.repo, { env: { PATH: bin }, gitCheck: { timeoutMs: 300 } });
    expect(found).toEqual([expect.objectContaining({ code: 'GIT_CHECK_SKIPPED', level: 'info' })]);
    expect(found[0]!.message).toContain('did not answer within 300 ms');
  });
});

describe('what is asked, and what is not', () => {
  it('a file outside any work tree: nothing at all', async () => {
    tree = makeTree({ 'home/.keep': '', 'plain/.qwen/.env': `OPENAI_API_KEY=${KEY}\n` });
    expect(() => sh(tree.path('plain'), 'rev-parse', '--git-dir'), 'precondition: the temporary folder is in no repository').toThrow();
    expect(await gitDiagnostics(tree.path('plain'))).toEqual([]);
  });

  it('off by default: no git diagnostics even for a file about to be published', async () => {
    const p = project();
    const r = await resolveAuth({ cwd: p.repo, homeDir: p.home, env: { PATH: process.env.PATH } });
    expect(r.diagnostics.filter((d) => GIT_CODES.includes(d.code))).toEqual([]);
    const log = tree.path('git.log');
    const bin = loggingGit(tree.path('log-bin'), log);
    await resolveAuth({ cwd: p.repo, homeDir: p.home, env: { PATH: bin }, gitCheck: false });
    expect(existsSync(log), 'git never started').toBe(false);
  });

  it('one git process for the files of one folder; none when no file holds a key', async () => {
    const p = project({ 'repo/.qwen/settings.json': JSON.stringify({ security: { auth: { apiKey: KEY } } }) });
    const log = tree.path('git.log');
    const bin = loggingGit(tree.path('log-bin'), log);
    const found = await gitDiagnostics(p.repo, { env: { PATH: bin } });
    expect(found.map((d) => [d.code, d.path])).toEqual([
      ['SECRET_FILE_NOT_IGNORED', p.env],
      ['SECRET_FILE_NOT_IGNORED', join(p.repo, '.qwen/settings.json')],
    ]);
    expect(found[1]!.message).toContain('security.auth.apiKey');
    const calls = readFileSync(log, 'utf8').trim().split('\n');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatch(/ls-files .* -- \.env settings\.json$/);

    // Nothing key-like: git is not even started.
    tree.write({ 'other/.qwen/.env': 'OPENAI_MODEL=m\nOPENAI_BASE_URL=http://127.0.0.1:1/v1\n' });
    gitInit(tree.path('other'), p.home);
    writeFileSync(log, '');
    await inspectEnvironment({ cwd: tree.path('other'), homeDir: p.home, env: { PATH: bin }, gitCheck: true });
    expect(readFileSync(log, 'utf8')).toBe('');
  });

  it('GIT_* variables come from the env option, never from process.env', async () => {
    // The file lies in no repository by itself; GIT_DIR/GIT_WORK_TREE of `env` put it in one.
    tree = makeTree({ 'home/.keep': '', 'plain/.qwen/.env': `OPENAI_API_KEY=${KEY}\n` });
    gitInit(tree.path('store'), tree.path('home'), '--bare');
    const env = { PATH: process.env.PATH, GIT_DIR: tree.path('store'), GIT_WORK_TREE: tree.path('plain') };
    const found = await gitDiagnostics(tree.path('plain'), { env });
    expect(found.map((d) => d.code)).toEqual(['SECRET_FILE_NOT_IGNORED']);
    expect(found[0]!.message).toContain(`work tree ${tree.path('plain')}`);

    const saved = { GIT_DIR: process.env.GIT_DIR, GIT_WORK_TREE: process.env.GIT_WORK_TREE };
    process.env.GIT_DIR = tree.path('store');
    process.env.GIT_WORK_TREE = tree.path('plain');
    try {
      expect(await gitDiagnostics(tree.path('plain'))).toEqual([]);
    } finally {
      for (const [k, v] of Object.entries(saved)) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
  });

  it("git's environment: GIT_* of env (no tracing), PATH, HOME = homeDir; no prompt, no optional locks; nothing else, no key", async () => {
    const p = project();
    const log = tree.path('git.log');
    const bin = loggingGit(tree.path('log-bin'), log);
    await gitDiagnostics(p.repo, {
      env: {
        PATH: bin,
        GIT_CONFIG_GLOBAL: tree.path('gitconfig'),
        GIT_TRACE: '1',
        GIT_TERMINAL_PROMPT: '1',
        LANG: 'C',
        OPENAI_BASE_URL: 'https://example.com/v1',
      },
    });
    const childEnv = Object.fromEntries(
      readFileSync(`${log}.env`, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    );
    expect(childEnv).toMatchObject({ PATH: bin, HOME: p.home, GIT_CONFIG_GLOBAL: tree.path('gitconfig'), GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0' });
    for (const absent of ['GIT_TRACE', 'LANG', 'OPENAI_BASE_URL', 'OPENAI_API_KEY', 'OPENAI_MODEL', 'GIT_CONFIG_NOSYSTEM'])
      expect(childEnv).not.toHaveProperty(absent);
    expect(readFileSync(`${log}.env`, 'utf8')).not.toContain(KEY);
    expect(readFileSync(log, 'utf8')).toMatch(/^-C \S+ --no-pager -c core.fsmonitor=false --literal-pathspecs ls-files /);
  });

  it('relative GIT_DIR-style paths are taken from cwd, as the shell that exported them would', async () => {
    tree = makeTree({ 'home/.keep': '', 'w/plain/.qwen/.env': `OPENAI_API_KEY=${KEY}\n` });
    gitInit(tree.path('w/store'), tree.path('home'), '--bare');
    const found = await gitDiagnostics(tree.path('w'), {
      cwd: tree.path('w/plain'),
      env: { PATH: process.env.PATH, GIT_DIR: '../store', GIT_WORK_TREE: '.' },
    });
    expect(found.map((d) => d.code)).toEqual(['SECRET_FILE_NOT_IGNORED']);
  });

  it('nothing is ever written to the repository: files, index and .git unchanged', async () => {
    const p = project({ 'repo/README': 'x\n', 'repo/.qwen/settings.json': JSON.stringify({ env: { DASHSCOPE_API_KEY: KEY } }), 'repo/src/a.txt': 'a\n' });
    sh(p.repo, 'add', 'README', 'src');
    sh(p.repo, 'commit', '-qm', 'init');
    sh(p.repo, 'add', '-f', '.qwen/settings.json'); // staged: tracked, and a check-ignore runs too
    writeFileSync(join(p.repo, 'src/a.txt'), 'changed\n'); // a modified file an index refresh would touch
    const status = () => sh(p.repo, 'status', '--porcelain=v2', '--ignored', '-uall');
    // status itself may refresh the index: take it first, then the snapshot.
    const before = status();
    const files = snapshot(p.repo);
    const codes = (await gitDiagnostics(p.repo)).map((d) => d.code);
    expect(codes).toEqual(['SECRET_FILE_NOT_IGNORED', 'SECRET_FILE_TRACKED']);
    await inspectEnvironment({ cwd: p.repo, homeDir: p.home, env: { PATH: process.env.PATH }, gitCheck: true });
    expect(snapshot(p.repo)).toEqual(files);
    expect(status()).toBe(before);
  });
});

describe('which files hold keys', () => {
  const codesFor = async (cwd: string, options: Partial<ResolveAuthOptions> = {}) =>
    (await inspectEnvironment({ cwd, homeDir: tree.path('home'), env: { PATH: process.env.PATH }, gitCheck: true, ...options })).diagnostics
      .filter((d) => GIT_CODES.includes(d.code))
      .map((d) => [d.code, d.path, d.message.split(' holds ')[1]?.split(' and is ')[0]]);

  it('key-like names: provider variables, *_API_KEY, *_TOKEN, *_SECRET, modelProviders envKey; not empty values, not other names', async () => {
    const p = project({
      'repo/.qwen/.env': [
        'DASHSCOPE_API_KEY=a-real-looking-key-1234',
        'GITHUB_TOKEN=ghp_000000000000000000000',
        'MY_SECRET=xyz',
        'MY_LLM=key-for-a-custom-provider',
        'OPENAI_API_KEY=',
        'OPENAI_BASE_URL=https://example.com/v1',
        'PLAIN=1',
      ].join('\n'),
      'repo/.qwen/settings.json': JSON.stringify({ modelProviders: { openai: [{ id: 'm', envKey: 'MY_LLM' }] } }),
    });
    expect(await codesFor(p.repo)).toEqual([['SECRET_FILE_NOT_IGNORED', p.env, 'DASHSCOPE_API_KEY, GITHUB_TOKEN, MY_SECRET and MY_LLM']]);
  });

  it('a key shadowed by the environment still lives in the file', async () => {
    const p = project();
    expect(await codesFor(p.repo, { env: { PATH: process.env.PATH, OPENAI_API_KEY: 'sk-from-env-000000000000' } })).toEqual([
      ['SECRET_FILE_NOT_IGNORED', p.env, 'OPENAI_API_KEY'],
    ]);
  });

  it('settings: security.auth.apiKey and env keys written in the file; a $VAR reference holds none', async () => {
    const p = project({
      'repo/.qwen/.env': 'OPENAI_MODEL=m\n',
      'repo/.qwen/settings.json': JSON.stringify({
        security: { auth: { apiKey: '$MY_KEY' } },
        env: { OPENROUTER_API_KEY: '${OTHER}', DEEPSEEK_API_KEY: KEY, MODEL: 'x' },
      }),
    });
    const settings = join(p.repo, '.qwen/settings.json');
    const env = { PATH: process.env.PATH, MY_KEY: 'sk-expanded-00000000000000', OTHER: 'sk-or-000000000000000000' };
    expect(await codesFor(p.repo, { env })).toEqual([['SECRET_FILE_NOT_IGNORED', settings, 'env.DEEPSEEK_API_KEY']]);
    writeFileSync(settings, JSON.stringify({ security: { auth: { apiKey: KEY } } }));
    expect(await codesFor(p.repo, { env })).toEqual([['SECRET_FILE_NOT_IGNORED', settings, 'security.auth.apiKey']]);
  });

  it('home-level files: a dotfiles repository in the home folder (user settings, ~/.env below with homeFallback)', async () => {
    tree = makeTree({
      'home/.env': `BAILIAN_CODING_PLAN_API_KEY=${KEY}\n`,
      'home/.qwen/settings.json': JSON.stringify({ security: { auth: { apiKey: KEY } } }),
      'home/code/app/.qwen/.env': 'OPENAI_MODEL=m\n',
    });
    gitInit(tree.path('home'), tree.path('home'));
    writeFileSync(tree.path('home/.gitignore'), '/code/\n');
    expect(await codesFor(tree.path('home/code/app'), { envFile: { homeFallback: true } })).toEqual([
      ['SECRET_FILE_NOT_IGNORED', tree.path('home/.env'), 'BAILIAN_CODING_PLAN_API_KEY'],
      ['SECRET_FILE_NOT_IGNORED', tree.path('home/.qwen/settings.json'), 'security.auth.apiKey'],
    ]);
  });

  it('resolveAuth and inspectEnvironment report the same findings', async () => {
    const p = project();
    const a = await gitDiagnostics(p.repo);
    const b = (await inspectEnvironment({ cwd: p.repo, homeDir: p.home, env: { PATH: process.env.PATH }, gitCheck: true })).diagnostics.filter((d) =>
      GIT_CODES.includes(d.code),
    );
    expect(b).toEqual(a);
  });

  it('gitCheck is checked: a boolean or { timeoutMs > 0 }', async () => {
    tree = makeTree({ 'home/.keep': '' });
    for (const gitCheck of ['yes', null, 0, { timeoutMs: 0 }, { timeoutMs: -5 }, { timeoutMs: Number.POSITIVE_INFINITY }, { timeoutMs: '100' }]) {
      await expect(
        inspectEnvironment({ cwd: tree.root, homeDir: tree.path('home'), env: {}, gitCheck: gitCheck as never }),
        JSON.stringify(gitCheck),
      ).rejects.toMatchObject({ code: 'INVALID_OPTION_TYPE', details: { option: 'gitCheck' } });
    }
  });
});
