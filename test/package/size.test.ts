/**
 * The size budget of each entry: the bytes `import('qwen-auth')` (and each
 * other entry) loads — its own file and every file of ours it imports
 * statically — stay within test/package/size-budget.json. Runs on the build.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));
const budget = JSON.parse(readFileSync(new URL('./size-budget.json', import.meta.url), 'utf8')) as { entries: Record<string, number> };

/** The files an entry loads at import (ours only: relative specifiers), with their bytes. */
function importGraph(entry: string): Map<string, number> {
  const seen = new Map<string, number>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    const text = readFileSync(file, 'utf8');
    seen.set(file, Buffer.byteLength(text));
    const re = file.endsWith('.cjs') ? /\brequire\(\s*['"](\.[^'"]+)['"]\s*\)/g : /^\s*(?:import|export)\s*(?:[^'"]*?\sfrom\s*)?['"](\.[^'"]+)['"]/gm;
    for (const m of text.matchAll(re)) visit(resolve(dirname(file), m[1]!));
  };
  visit(entry);
  return seen;
}

describe('the size budget per entry', () => {
  for (const [entry, bytes] of Object.entries(budget.entries)) {
    it(`${entry} loads at most ${bytes} bytes`, () => {
      const file = join(DIST, entry);
      expect(existsSync(file), `${entry} is built (npm run build)`).toBe(true);
      const graph = importGraph(file);
      const total = [...graph.values()].reduce((a, b) => a + b, 0);
      console.log(`[size] ${entry}: ${total} bytes in ${graph.size} files (budget ${bytes})`);
      expect(total).toBeLessThanOrEqual(bytes);
    });
  }

  it('the main entry loads neither the OAuth protocol, the check nor the git check', () => {
    const names = [...importGraph(join(DIST, 'index.js')).keys()].map((f) => f.split('/').pop()!);
    for (const lazy of ['protocol-', 'check-', 'git-check-', 'qwen-oauth-']) expect(names.filter((n) => n.startsWith(lazy))).toEqual([]);
  });
});
