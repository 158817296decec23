/**
 * Output written straight to descriptors that are not terminals
 * (src/cli/sink.ts): a file gets what a pipe gets, stdout and stderr sharing
 * one file stay in the order printed, and a reader that goes away ends the
 * command quietly (exit 0, nothing on stderr), as with Node's streams.
 */
import { spawnSync } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { CLI, runCli } from '../support/cli.js';
import { makeTree, type Tree } from '../support/tree.js';

let tree: Tree | undefined;
afterEach(() => tree?.remove());

const KEY = 'sk-sp-sink0000000000000000beef';

/** Runs the built command with stdout and stderr on the files given (the same one for both, if so). */
function toFiles(args: string[], out: string, err: string = out): number | null {
  const fdOut = openSync(out, 'w');
  const fdErr = err === out ? fdOut : openSync(err, 'w');
  try {
    return spawnSync(process.execPath, [CLI, ...args], {
      cwd: tree!.root,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tree!.path('home') },
      stdio: ['ignore', fdOut, fdErr],
    }).status;
  } finally {
    closeSync(fdOut);
    if (fdErr !== fdOut) closeSync(fdErr);
  }
}

describe('output to files and pipes', () => {
  it('a file gets exactly what a pipe gets', async () => {
    tree = makeTree({ 'home/.keep': '' });
    const piped = await runCli(['providers'], { cwd: tree.root, home: tree.path('home') });
    expect(toFiles(['providers'], tree.path('out.txt'), tree.path('err.txt'))).toBe(0);
    expect(readFileSync(tree.path('out.txt'), 'utf8')).toBe(piped.stdout);
    expect(piped.stdout.length).toBeGreaterThan(1000);
    expect(readFileSync(tree.path('err.txt'), 'utf8')).toBe('');
  });

  it('stdout and stderr in one file keep the order they were printed in', () => {
    tree = makeTree({ 'home/.keep': '', 'app/.qwen/.env': `OPENAI_API_KEY=${KEY}\nOPENAI_BASE_URL=https://dashscope.aliyuncs.com/compatible-mode/v1\n` });
    expect(toFiles(['status', '--strict', '--no-git-check', '--cwd', 'app'], tree.path('both.txt'))).toBe(1);
    const text = readFileSync(tree.path('both.txt'), 'utf8');
    expect(text.indexOf('qwen-auth status')).toBe(0);
    expect(text.indexOf('Not clean (--strict)')).toBeGreaterThan(text.indexOf('Diagnostics'));
    expect(text).not.toContain(KEY);
  });

  it('a reader that goes away ends the command quietly (exit 0, nothing on stderr)', () => {
    tree = makeTree({ 'home/.keep': '' });
    // `true` exits at once: the command's write meets a pipe with no reader (EPIPE).
    const r = spawnSync('bash', ['-c', `"${process.execPath}" "${CLI}" providers | true; echo "exit=\${PIPESTATUS[0]}" >&2`], {
      cwd: tree.root,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tree.path('home') },
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('exit=0\n');
  });
});
