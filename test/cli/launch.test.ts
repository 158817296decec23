/**
 * The launcher's compile cache (src/cli/launch.ts): on Node ≥ 22.1 a start
 * keeps V8's compiled code in the user's own cache folder, never in the
 * shared temporary folder; Node's own switches win; on Node 20 nothing is
 * written. Runs on the build.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTree, type Tree } from '../support/tree.js';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const cacheable = typeof (nodeModule as { enableCompileCache?: unknown }).enableCompileCache === 'function';

let tree: Tree | undefined;
afterEach(() => {
  tree?.remove();
  tree = undefined;
});

/**
 * Runs `qwen-auth providers --json` with HOME (and the temporary folder) in a fresh tree, and `env(tree)`
 * added; the cache files in the tree after it, relative to it.
 */
function run(env: (t: Tree) => Record<string, string> = () => ({})): { status: number | null; home: Tree; files: string[] } {
  tree?.remove();
  tree = makeTree({ 'home/.keep': '', 'tmp/.keep': '', 'xdg/.keep': '' });
  const r = spawnSync(process.execPath, [CLI, 'providers', '--json'], {
    env: { PATH: process.env.PATH ?? '', HOME: tree.path('home'), TMPDIR: tree.path('tmp'), ...env(tree) },
    encoding: 'utf8',
  });
  const files = (readdirSync(tree.path('.'), { recursive: true }) as string[]).filter((f) => f.includes('compile-cache')).sort();
  return { status: r.status, home: tree, files };
}

describe('the compile cache of the command', () => {
  it.skipIf(!cacheable)('Node ≥ 22.1: kept in ~/.cache/qwen-auth/node-compile-cache, not in the temporary folder', () => {
    const { status, home, files } = run();
    expect(status).toBe(0);
    expect(existsSync(home.path('home/.cache/qwen-auth/node-compile-cache'))).toBe(true);
    expect(files.length).toBeGreaterThan(0);
    expect(files.every((f) => f.startsWith('home/.cache/qwen-auth/node-compile-cache'))).toBe(true);
  });

  it.skipIf(!cacheable)('Node ≥ 22.1: an absolute XDG_CACHE_HOME is used; a relative one is not', () => {
    const absolute = run((t) => ({ XDG_CACHE_HOME: t.path('xdg') }));
    expect(absolute.status).toBe(0);
    expect(absolute.files.length).toBeGreaterThan(0);
    expect(absolute.files.every((f) => f.startsWith('xdg/qwen-auth/node-compile-cache'))).toBe(true);
    const relative = run(() => ({ XDG_CACHE_HOME: 'xdg' }));
    expect(relative.files.length).toBeGreaterThan(0);
    expect(relative.files.every((f) => f.startsWith('home/.cache/qwen-auth/node-compile-cache'))).toBe(true);
  });

  it("NODE_DISABLE_COMPILE_CACHE and the user's own NODE_COMPILE_CACHE win: nothing is written in the user's cache folder", () => {
    expect(run(() => ({ NODE_DISABLE_COMPILE_CACHE: '1' })).files).toEqual([]);
    const own = run((t) => ({ NODE_COMPILE_CACHE: t.path('xdg/own') }));
    expect(own.files.filter((f) => f.startsWith('home/'))).toEqual([]);
  });

  it.skipIf(cacheable)('Node 20: no cache, nothing written', () => {
    const { status, files } = run();
    expect(status).toBe(0);
    expect(files).toEqual([]);
  });
});
