/**
 * `qwen-auth exec -- <command>`: the child gets the resolved variables, the
 * stdio and its own exit status is ours; nothing resolves → it never starts.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../support/cli.js';
import { makeTree, type Tree } from '../support/tree.js';

const KEY = 'sk-exec00000000000000000000beef';
const PRINT_ENV = `for (const n of ['OPENAI_API_KEY','OPENAI_BASE_URL','OPENAI_MODEL','ANTHROPIC_API_KEY','ANTHROPIC_BASE_URL','ANTHROPIC_MODEL','KEEP']) console.log(n + '=' + (process.env[n] ?? '<unset>'))`;

let tree: Tree | undefined;
afterEach(() => {
  tree?.remove();
  tree = undefined;
});

const run = (args: readonly string[], env: Record<string, string> = {}) => runCli(args, { cwd: tree!.path('app'), home: tree!.path('home'), env });
const vars = (stdout: string) =>
  Object.fromEntries(
    stdout
      .trim()
      .split('\n')
      .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
  );

describe('qwen-auth exec', () => {
  it('a child that prints its environment: the OpenAI variables from the resolution, the rest of the environment kept', async () => {
    tree = makeTree({ 'home/.keep': '', 'app/.env': `OPENAI_API_KEY=${KEY}\nOPENAI_BASE_URL=https://openrouter.ai/api/v1\nOPENAI_MODEL=m-env\n` });
    const r = await run(['exec', '--', process.execPath, '-e', PRINT_ENV], { KEEP: 'kept' });
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(vars(r.stdout)).toEqual({
      OPENAI_API_KEY: KEY,
      OPENAI_BASE_URL: 'https://openrouter.ai/api/v1',
      OPENAI_MODEL: 'm-env',
      ANTHROPIC_API_KEY: '<unset>',
      ANTHROPIC_BASE_URL: '<unset>',
      ANTHROPIC_MODEL: '<unset>',
      KEEP: 'kept',
    });
  });

  it('flags apply as for status; an anthropic result sets the ANTHROPIC_ names too', async () => {
    tree = makeTree({
      'home/.keep': '',
      'app/.qwen/settings.json': JSON.stringify({ security: { auth: { selectedType: 'anthropic' } } }),
      'app/.env': `ANTHROPIC_API_KEY=sk-ant-exec0000000000000000\nANTHROPIC_BASE_URL=https://api.anthropic.com\nANTHROPIC_MODEL=claude-x\n`,
    });
    const r = await run(['exec', '--qwen-code', '0.24', '--', process.execPath, '-e', PRINT_ENV]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(vars(r.stdout)).toMatchObject({
      ANTHROPIC_API_KEY: 'sk-ant-exec0000000000000000',
      ANTHROPIC_BASE_URL: 'https://api.anthropic.com',
      ANTHROPIC_MODEL: 'claude-x',
      OPENAI_API_KEY: 'sk-ant-exec0000000000000000',
    });
  });

  it('a failing child: its status is ours; a child killed by a signal: 128 + n', async () => {
    tree = makeTree({ 'home/.keep': '', 'app/.env': `OPENAI_API_KEY=${KEY}\n` });
    const failed = await run(['exec', '--', process.execPath, '-e', 'console.error("boom"); process.exit(7)']);
    expect(failed).toMatchObject({ code: 7, stdout: '', stderr: 'boom\n' });
    const killed = await run(['exec', '--', '/bin/sh', '-c', 'kill -TERM $$']);
    expect(killed.code).toBe(128 + 15);
  });

  it('stdin passes through, and a signal sent to qwen-auth reaches the child', async () => {
    tree = makeTree({ 'home/.keep': '', 'app/.env': `OPENAI_API_KEY=${KEY}\n` });
    const echo = await new Promise<{ code: number | null; stdout: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, 'exec', '--', process.execPath, '-e', 'process.stdin.pipe(process.stdout)'], {
        cwd: tree!.path('app'),
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tree!.path('home') },
      });
      let stdout = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d));
      child.stdin.end('from stdin\n');
      child.on('close', (code) => resolve({ code, stdout }));
    });
    expect(echo).toEqual({ code: 0, stdout: 'from stdin\n' });

    const child = spawn(
      process.execPath,
      [
        CLI,
        'exec',
        '--',
        process.execPath,
        '-e',
        `process.on('SIGTERM', () => { console.log('got SIGTERM'); process.exit(42) }); console.log('ready'); setInterval(() => {}, 1000)`,
      ],
      {
        cwd: tree.path('app'),
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tree.path('home') },
      },
    );
    let out = '';
    const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
    await new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => ((out += d), out.includes('ready') && resolve())));
    child.kill('SIGTERM');
    expect(await closed).toBe(42);
    expect(out).toContain('got SIGTERM');
  });

  it('nothing resolves: the command is not started; code and remedy on stderr, exit 1', async () => {
    tree = makeTree({ 'home/.keep': '', 'app/.keep': '' });
    const r = await run(['exec', '--', '/bin/sh', '-c', 'touch started']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('NO_CREDENTIALS');
    expect(r.stderr).toContain('Remedy:');
    expect(existsSync(tree.path('app/started'))).toBe(false);
  });

  it('a command that is not found: 127; no command: a usage error (exit 2)', async () => {
    tree = makeTree({ 'home/.keep': '', 'app/.env': `OPENAI_API_KEY=${KEY}\n` });
    const missing = await run(['exec', '--', 'no-such-command-qwen-auth']);
    expect(missing.code).toBe(127);
    expect(missing.stderr).toContain('command not found');
    expect((await run(['exec'])).code).toBe(2);
  });
});
