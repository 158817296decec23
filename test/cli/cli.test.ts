/**
 * The built command, run as a child process (and, for the interactive login,
 * in a pseudo-terminal through tmux), against temporary homes and the
 * Qwen-shaped fake server.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeQwenServer, startFakeQwenServer } from '../../src/testing/index.js';
import { git, gitInit } from '../support/git.js';
import { makeTree, type Tree } from '../support/tree.js';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const KEY = 'sk-sp-cli0000000000000000beef';

let tree: Tree | undefined;
let server: FakeQwenServer | undefined;
afterEach(async () => {
  tree?.remove();
  tree = undefined;
  await server?.close();
  server = undefined;
});

function cli(args: string[], env: Record<string, string> = {}, input?: string) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tree!.path('home'), ...env },
      cwd: tree!.root,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.stdin.end(input ?? '');
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const project = () => makeTree({ 'home/.keep': '', 'app/pkg/.keep': '', 'app/.qwen/.env': `OPENAI_API_KEY="${KEY}"\nDEBUG=1\n` });

describe('qwen-auth status', () => {
  it('shows what resolves, with sources, the key redacted; exit 0', async () => {
    tree = project();
    const r = await cli(['status', '--cwd', tree.path('app/pkg')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('openai');
    expect(r.stdout).toContain('https://coding.dashscope.aliyuncs.com/v1');
    expect(r.stdout).toContain('Alibaba Cloud Coding Plan · cn-beijing');
    expect(r.stdout).toContain('sk-sp-…beef');
    expect(r.stdout).toContain(`OPENAI_API_KEY in ${tree.path('app/.qwen/.env')}`);
    expect(r.stdout).toContain('ENDPOINT_IMPLIED_BY_KEY');
    expect(r.stdout + r.stderr).not.toContain(KEY);
    expect(r.stdout).not.toMatch(/\u001b\[/); // piped: no colour
  });

  it('--json is machine-readable and redacted', async () => {
    tree = project();
    const r = await cli(['status', '--json', '--cwd', tree.path('app/pkg')]);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ ok: true, type: 'openai', apiKey: 'sk-sp-…beef', provider: { id: 'alibaba-coding-plan' } });
    expect(json.sources.apiKey).toMatchObject({ kind: 'env-file', name: 'OPENAI_API_KEY' });
    expect(r.stdout).not.toContain(KEY);
  });

  it('takes Qwen Code’s flags', async () => {
    tree = project();
    const r = await cli([
      'status',
      '--json',
      '--cwd',
      tree.path('app/pkg'),
      '--openai-api-key',
      'sk-flag-0000000000000000',
      '--openai-base-url',
      'https://openrouter.ai/api/v1',
      '--model',
      'm-flag',
      '--auth-type',
      'openai',
    ]);
    const json = JSON.parse(r.stdout);
    expect(json).toMatchObject({ baseUrl: 'https://openrouter.ai/api/v1', model: 'm-flag', apiKey: 'sk-…0000' });
    expect(json.sources.apiKey).toMatchObject({ kind: 'override', key: 'apiKey' });
    expect(json.sources.authType).toMatchObject({ kind: 'override' });
  });

  it('not usable: exit 1 with the code and the remedy; --json too', async () => {
    tree = makeTree({ 'home/.keep': '', 'empty/.keep': '' });
    const r = await cli(['status', '--cwd', tree.path('empty')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('NO_CREDENTIALS');
    expect(r.stderr).toContain('Remedy');
    const j = await cli(['status', '--json', '--cwd', tree.path('empty')]);
    expect(j.code).toBe(1);
    expect(JSON.parse(j.stdout)).toMatchObject({ ok: false, error: { code: 'NO_CREDENTIALS', remedy: expect.any(String) } });
  });

  it('a bad flag value is a usage error (exit 2)', async () => {
    tree = project();
    expect((await cli(['status', '--auth-type', 'bogus'])).code).toBe(2);
    expect((await cli(['status', '--qwen-code', '0.3'])).code).toBe(2);
    expect((await cli(['nope'])).code).toBe(2);
  });
});

describe('--qwen-code 0.24', () => {
  const anthropic = () =>
    makeTree({
      'home/.keep': '',
      'app/.keep': '',
      'home/.qwen/settings.json': JSON.stringify({
        security: { auth: { selectedType: 'anthropic' } },
        model: { name: 'claude-x' },
        modelProviders: { anthropic: [{ id: 'claude-x', baseUrl: 'https://api.anthropic.com', envKey: 'MY_ANTHROPIC_KEY' }] },
      }),
      'home/.qwen/.env': 'MY_ANTHROPIC_KEY=sk-ant-cli00000000000000beef\n',
    });

  it('status resolves as Qwen Code 0.24: the type, the request URL and the key header', async () => {
    tree = anthropic();
    const r = await cli(['status', '--qwen-code', '0.24', '--cwd', tree.path('app')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('anthropic');
    expect(r.stdout).toContain('https://api.anthropic.com/v1/messages');
    expect(r.stdout).toContain('x-api-key');
    expect(r.stdout).toContain('sk-ant-…beef');
    expect(r.stdout + r.stderr).not.toContain('sk-ant-cli00000000000000beef');
    const json = JSON.parse((await cli(['status', '--json', '--qwen-code', '0.24', '--cwd', tree.path('app')])).stdout);
    expect(json).toMatchObject({
      ok: true,
      type: 'anthropic',
      keyHeader: 'x-api-key',
      endpoint: 'https://api.anthropic.com/v1/messages',
      apiKey: 'sk-ant-…beef',
    });
  });

  it('without it, the same settings say which mode resolves them (exit 1)', async () => {
    tree = anthropic();
    const r = await cli(['status', '--cwd', tree.path('app')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('UNSUPPORTED_AUTH_TYPE');
    expect(r.stderr).toContain('`--qwen-code 0.24`');
    expect(r.stderr).not.toContain("qwenCode: '0.24'");
  });

  it('env lists the home files below the project file', async () => {
    tree = anthropic();
    tree.write({ 'app/.env': 'X=1\n' });
    const j = JSON.parse((await cli(['env', '--json', '--qwen-code', '0.24', '--cwd', tree.path('app')])).stdout);
    expect(j.envFile.path).toBe(tree.path('app/.env'));
    expect(j.envFile.fallbacks.map((f: { path: string }) => f.path)).toEqual([tree.path('home/.qwen/.env')]);
  });

  it('use takes the types Qwen Code 0.24 knows only with the flag', async () => {
    tree = anthropic();
    expect((await cli(['use', 'openai-responses'])).code).toBe(2);
    expect((await cli(['use', 'openai-responses', '--qwen-code', '0.24'])).code).toBe(0);
    expect(JSON.parse(readFileSync(tree.path('home/.qwen/settings.json'), 'utf8')).security.auth.selectedType).toBe('openai-responses');
  });
});

describe('qwen-auth status and env: keys kept out of git', () => {
  const repo = () => {
    tree = project();
    gitInit(tree.path('app'), tree.path('home'));
    return tree.path('app/.qwen/.env');
  };

  it('status warns when the .env holding the key is not ignored, then when it is tracked; --no-git-check is silent', async () => {
    const file = repo();
    const r = await cli(['status', '--cwd', tree!.path('app/pkg')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`warning\\s+SECRET_FILE_NOT_IGNORED\\s+${file.replaceAll('/', '\\/')} holds OPENAI_API_KEY`));
    expect(r.stdout).toContain(`→ Add the line /.env to ${tree!.path('app/.qwen/.gitignore')}`);
    expect(r.stdout + r.stderr).not.toContain(KEY);
    expect(r.stderr).toBe('');

    git(tree!.path('app'), tree!.path('home'), 'add', '-f', '.qwen/.env');
    const tracked = await cli(['status', '--cwd', tree!.path('app/pkg')]);
    expect(tracked.stdout).toMatch(/warning\s+SECRET_FILE_TRACKED\s+/);
    expect(tracked.stdout).not.toContain('SECRET_FILE_NOT_IGNORED');
    const json = JSON.parse((await cli(['status', '--json', '--cwd', tree!.path('app/pkg')])).stdout);
    expect(json.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'SECRET_FILE_TRACKED', level: 'warning', path: file, remedy: expect.stringContaining('rm --cached') }),
    );

    const off = await cli(['status', '--no-git-check', '--cwd', tree!.path('app/pkg')]);
    expect(off.code).toBe(0);
    expect(off.stdout).not.toContain('SECRET_FILE');
  });

  it('env shows it too; without git on PATH, an info line and exit 0', async () => {
    const file = repo();
    const r = await cli(['env', '--cwd', tree!.path('app/pkg')]);
    expect(r.stdout).toContain(`SECRET_FILE_NOT_IGNORED  ${file} holds OPENAI_API_KEY`);
    const j = JSON.parse((await cli(['env', '--json', '--cwd', tree!.path('app/pkg')])).stdout);
    expect(j.diagnostics.map((d: { code: string }) => d.code)).toContain('SECRET_FILE_NOT_IGNORED');
    expect((await cli(['env', '--no-git-check', '--cwd', tree!.path('app/pkg')])).stdout).not.toContain('SECRET_FILE');

    // A PATH without git (the command itself is started by node's absolute path).
    const noGit = await cli(['status', '--cwd', tree!.path('app/pkg')], { PATH: tree!.path('home') });
    expect(noGit.code).toBe(0);
    expect(noGit.stdout).toMatch(/info\s+GIT_CHECK_SKIPPED\s+.*git was not found/);
    expect(noGit.stderr).toBe('');
  });
});

describe('qwen-auth env, providers, use', () => {
  it('env lists every candidate and what the file did', async () => {
    tree = project();
    const r = await cli(['env', '--cwd', tree.path('app/pkg')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(tree.path('app/pkg/.qwen/.env'));
    expect(r.stdout).toMatch(/applied: OPENAI_API_KEY, DEBUG/);
    const j = JSON.parse((await cli(['env', '--json', '--cwd', tree.path('app/pkg')])).stdout);
    expect(j.envFile.path).toBe(tree.path('app/.qwen/.env'));
    expect(j.searched.slice(0, 3)).toEqual([tree.path('app/pkg/.qwen/.env'), tree.path('app/pkg/.env'), tree.path('app/.qwen/.env')]);
  });

  it('providers prints the registry; --json has every provider', async () => {
    tree = project();
    const r = await cli(['providers']);
    expect(r.stdout).toContain('https://coding-intl.dashscope.aliyuncs.com/v1');
    expect(r.stdout).toContain('discontinued on 2026-04-15');
    const ids = JSON.parse((await cli(['providers', '--json'])).stdout).map((p: { id: string }) => p.id);
    expect(ids).toEqual(
      expect.arrayContaining([
        'alibaba-coding-plan',
        'alibaba-token-plan',
        'alibaba-dashscope',
        'qwen-oauth',
        'openai',
        'azure-openai',
        'openrouter',
        'modelscope',
        'deepseek',
        'ollama',
        'vllm',
        'lm-studio',
      ]),
    );
  });

  it('use switches the method in settings.json (user and workspace scopes)', async () => {
    tree = project();
    tree.write({ 'home/.qwen/settings.json': '{\n  // mine\n  "model": { "name": "x" }\n}\n' });
    const r = await cli(['use', 'qwen-oauth']);
    expect(r.code).toBe(0);
    const text = readFileSync(tree.path('home/.qwen/settings.json'), 'utf8');
    expect(text).toContain('// mine');
    expect(text).toContain('"selectedType": "qwen-oauth"');
    expect((await cli(['use', 'openai', '--scope', 'workspace', '--cwd', tree.path('app')])).code).toBe(0);
    expect(JSON.parse(readFileSync(tree.path('app/.qwen/settings.json'), 'utf8'))).toEqual({ security: { auth: { selectedType: 'openai' } } });
    expect((await cli(['use', 'gemini'])).code).toBe(2);
  });
});

describe("Qwen's home moved by QWEN_HOME in ~/.qwen/.env", () => {
  it('use writes the moved settings, status then resolves from them, logout removes the moved login', async () => {
    tree = makeTree({
      'home/.qwen/.env': 'QWEN_HOME=~/alt\n',
      'home/alt/settings.json': JSON.stringify({ security: { auth: { selectedType: 'openai' } } }),
      'home/alt/oauth_creds.json': JSON.stringify({
        access_token: 'at-alt-000000000000000000',
        refresh_token: 'rt-alt-00000000000000000',
        token_type: 'Bearer',
        expiry_date: 4102444800000,
      }),
      'work/.keep': '',
    });
    const env = { OPENAI_API_KEY: KEY };
    const used = await cli(['use', 'qwen-oauth', '--cwd', tree.path('work')], env);
    expect(used.code).toBe(0);
    expect(used.stdout).toContain('~/alt/settings.json');
    expect(existsSync(tree.path('home/.qwen/settings.json'))).toBe(false);
    const status = JSON.parse((await cli(['status', '--json', '--cwd', tree.path('work')], env)).stdout);
    expect(status).toMatchObject({
      ok: true,
      type: 'qwen-oauth',
      qwenDir: tree.path('home/alt'),
      credentials: { path: tree.path('home/alt/oauth_creds.json') },
    });
    const out = await cli(['logout', '--cwd', tree.path('work')], env);
    expect(out.code).toBe(0);
    expect(existsSync(tree.path('home/alt/oauth_creds.json'))).toBe(false);
  });
});

describe('qwen-auth login / logout', () => {
  it('piped: prints the URL and code, logs in, writes Qwen Code’s file; logout removes it', async () => {
    server = await startFakeQwenServer({ autoApproveAfterPolls: 2 });
    tree = makeTree({ 'home/.keep': '' });
    const endpoints = ['--device-endpoint', server.deviceAuthorizationEndpoint, '--token-endpoint', server.tokenEndpoint];
    const r = await cli(['login', ...endpoints]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Open http:\/\/127\.0\.0\.1:\d+\/authorize\?user_code=[A-Z]{4}-[A-Z]{4}/);
    expect(r.stdout).toContain('Logged in.');
    expect(r.stdout).not.toMatch(/\u001b\[|left\s*$/m); // no progress line, no QR, no colour when piped
    const creds = JSON.parse(readFileSync(tree.path('home/.qwen/oauth_creds.json'), 'utf8'));
    expect(server.isValidAccessToken(creds.access_token)).toBe(true);
    const status = JSON.parse((await cli(['status', '--json', '--cwd', tree.path('home')])).stdout);
    expect(status).toMatchObject({ ok: true, type: 'qwen-oauth', credentials: { store: 'file' } });
    expect((await cli(['logout', ...endpoints])).code).toBe(0);
    expect(existsSync(tree.path('home/.qwen/oauth_creds.json'))).toBe(false);
  });
});

const hasTmux = spawnSync('tmux', ['-V']).status === 0;
if (!hasTmux) console.warn('[cli] pseudo-terminal login tests SKIPPED: tmux is not installed');

describe.skipIf(!hasTmux)('qwen-auth login in a terminal (tmux)', () => {
  const session = `qwen-auth-test-${process.pid}`;
  const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
  const screen = () => tmux('capture-pane', '-p', '-t', session);
  async function until(predicate: (text: string) => boolean, ms = 15_000): Promise<string> {
    const end = Date.now() + ms;
    for (;;) {
      const text = screen();
      if (predicate(text)) return text;
      if (Date.now() > end) throw new Error(`timed out; screen:\n${text}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  function start(args: string): void {
    const env = `HOME=${tree!.path('home')} PATH=${process.env.PATH} TERM=xterm-256color`;
    tmux('new-session', '-d', '-s', session, '-x', '120', '-y', '50', `env -i ${env} ${process.execPath} ${CLI} ${args}; echo "EXIT=$?"; sleep 30`);
  }
  afterEach(() => {
    spawnSync('tmux', ['kill-session', '-t', session]);
  });

  it('shows the code, a QR code and the time left, then logs in', async () => {
    server = await startFakeQwenServer();
    tree = makeTree({ 'home/.keep': '' });
    start(`login --device-endpoint ${server.deviceAuthorizationEndpoint} --token-endpoint ${server.tokenEndpoint}`);
    const text = await until((t) => /Waiting for approval… \d+:\d\d left/.test(t));
    const code = /enter the code ([A-Z]{4}-[A-Z]{4})/.exec(text)?.[1];
    expect(code).toBeDefined();
    expect(text).toMatch(/[▀▄█]/); // the QR code
    server.approve(code);
    const done = await until((t) => t.includes('EXIT='));
    expect(done).toContain('Logged in.');
    expect(done).toContain('EXIT=0');
  });

  it('Ctrl-C cancels cleanly (exit 130), leaving no login and no lock', async () => {
    server = await startFakeQwenServer();
    tree = makeTree({ 'home/.keep': '' });
    start(`login --no-qr --device-endpoint ${server.deviceAuthorizationEndpoint} --token-endpoint ${server.tokenEndpoint}`);
    await until((t) => t.includes('Waiting for approval'));
    tmux('send-keys', '-t', session, 'C-c');
    const done = await until((t) => t.includes('EXIT='));
    expect(done).toContain('Login cancelled.');
    expect(done).toContain('EXIT=130');
    expect(existsSync(tree.path('home/.qwen/oauth_creds.json'))).toBe(false);
    expect(existsSync(tree.path('home/.qwen/oauth_creds.lock'))).toBe(false);
  });
});
