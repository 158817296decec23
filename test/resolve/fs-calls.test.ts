import fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveAuth } from '../../src/index.js';
import { makeTree, type Tree } from '../support/tree.js';

// Which paths one warm resolveAuth() looks at (counts, not timings: the bench times them).
// The library takes node:fs at call time, so wrapping the module's functions sees every call.
let tree: Tree | undefined;
afterEach(() => tree?.remove());

async function lookedAt(run: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  const names = ['statSync', 'lstatSync', 'readFileSync', 'existsSync', 'openSync', 'readdirSync', 'accessSync'] as const;
  const originals = names.map((n) => [n, fs[n]] as const);
  for (const [name, original] of originals) {
    (fs as unknown as Record<string, unknown>)[name] = function (this: unknown, ...args: unknown[]) {
      seen.push(`${name} ${String(args[0])}`);
      return (original as (...a: unknown[]) => unknown).apply(this, args);
    };
  }
  try {
    await run();
  } finally {
    for (const [name, original] of originals) (fs as unknown as Record<string, unknown>)[name] = original;
  }
  return seen;
}

describe('warm resolveAuth() file-system calls', () => {
  it('looks at each path once, never inside a missing .qwen folder or a missing system folder', async () => {
    tree = makeTree({ 'home/.qwen/settings.json': '{ "model": { "name": "qwen3-coder-plus" } }', 'p/a/b/c': { dir: true } });
    const cwd = tree.path('p/a/b/c');
    const system = tree.path('no-system/settings.json');
    const options = { cwd, homeDir: tree.path('home'), env: { OPENAI_API_KEY: 'sk-fs-calls-0000000000', QWEN_CODE_SYSTEM_SETTINGS_PATH: system } };
    await resolveAuth(options);
    const calls = await lookedAt(() => resolveAuth(options));

    expect(calls.length, calls.join('\n')).toBe(new Set(calls).size);
    for (const inside of [join(cwd, '.qwen', '.env'), join(cwd, '.qwen', 'settings.json'), system, join(tree.path('no-system'), 'system-defaults.json')]) {
      expect(
        calls.filter((c) => c.endsWith(` ${inside}`)),
        inside,
      ).toEqual([]);
    }
    // The option check's `.qwen` answer, the folder itself, the system folder, then the walk and the user settings.
    expect(calls.slice(0, 2)).toEqual([`statSync ${join(cwd, '.qwen')}`, `statSync ${cwd}`]);
    expect(calls).toContain(`statSync ${tree.path('no-system')}`);
    expect(calls).toContain(`readFileSync ${tree.path('home/.qwen/settings.json')}`);
  });

  it('with a .qwen folder in the working folder, its files are looked at once each', async () => {
    tree = makeTree({ 'w/.qwen/settings.json': '{ "model": { "name": "m-ws" } }', 'home/.qwen': { dir: true } });
    const cwd = tree.path('w');
    const options = {
      cwd,
      homeDir: tree.path('home'),
      env: { OPENAI_API_KEY: 'sk-fs-calls-0000000000', QWEN_CODE_SYSTEM_SETTINGS_PATH: tree.path('s/settings.json') },
    };
    const calls = await lookedAt(() => resolveAuth(options));
    expect(calls.filter((c) => c.startsWith('statSync ')).length, calls.join('\n')).toBe(new Set(calls.filter((c) => c.startsWith('statSync '))).size);
    expect(calls).toContain(`statSync ${join(cwd, '.qwen', '.env')}`);
    expect(calls).toContain(`readFileSync ${join(cwd, '.qwen', 'settings.json')}`);
    // The `.qwen` folder proves the working folder a folder: no stat of the folder itself.
    expect(calls).not.toContain(`statSync ${cwd}`);
  });
});
