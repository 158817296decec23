/**
 * docs/calling-a-model.md cannot drift from the code: one row per AuthCheck
 * code with the exact remedy, every code of the table, each row citing a
 * source for the provider bodies it names, and the contract's names spelled.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { AUTH_CHECK_CODES, authCheckRemedy } from '../../src/requests/check-codes.js';

const page = readFileSync(new URL('../../docs/calling-a-model.md', import.meta.url), 'utf8');
const section = page.slice(page.indexOf('### Every `AuthCheck` code'));
const rows = new Map<string, string[]>();
for (const line of section.split('\n')) {
  const m = /^\| `([A-Z_]+)` \|(.*)\|$/.exec(line);
  if (m)
    rows.set(
      m[1]!,
      m[2]!.split(' | ').map((c) => c.trim()),
    );
}

describe('docs/calling-a-model.md', () => {
  it.each(AUTH_CHECK_CODES)('documents %s with its remedy', (code) => {
    expect(rows.get(code), code).toBeDefined();
    expect(rows.get(code)!.at(-1)).toBe(authCheckRemedy(code));
  });

  it('documents no code the table does not have', () => {
    expect([...rows.keys()].filter((c) => !(AUTH_CHECK_CODES as readonly string[]).includes(c))).toEqual([]);
  });

  it('cites a source for every provider answer it quotes, and every reference resolves', () => {
    const refs = new Set([...page.matchAll(/^\[([a-z0-9-]+)\]: https:\/\/\S+$/gm)].map((m) => m[1]!));
    for (const [code, cells] of rows) {
      const used = [...cells[0]!.matchAll(/\]\[([a-z0-9-]+)\]/g)].map((m) => m[1]!);
      if (!['SERVER_ERROR', 'NETWORK_ERROR', 'UNEXPECTED_RESPONSE'].includes(code)) expect(used.length, code).toBeGreaterThan(0);
      for (const r of used) expect(refs.has(r), r).toBe(true);
    }
  });

  it('names the contract as it is spelled', () => {
    for (const name of [
      'getToken',
      'invalidate',
      'fetch',
      'check',
      'AuthCheck',
      'openAIClientOptions',
      'openAICompatibleSettings',
      'chatOpenAIFields',
      'status --check',
      '--probe',
    ]) {
      expect(page).toContain(name);
    }
  });
});
