/**
 * The docs cannot drift from the code: docs/troubleshooting.md has one row per
 * error and diagnostic code, and each row carries the exact remedy (and level)
 * of the tables in src/errors.ts and src/diagnostics.ts.
 * `node scripts/troubleshooting-tables.mjs --write` rewrites the two tables.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DIAGNOSTIC_CODES, diagnosticInfo } from '../src/diagnostics.js';
import { ERROR_CODES } from '../src/errors.js';
import { remedyFor } from '../src/resolve/remedies.js';
import { MISSING_KEY_TEXTS } from '../src/resolve/missing-key.js';

const troubleshooting = readFileSync(new URL('../docs/troubleshooting.md', import.meta.url), 'utf8');

/** Table rows of the section that starts with `heading`, keyed by code. */
function rows(heading: string): Map<string, string[]> {
  const start = troubleshooting.indexOf(heading);
  const section = troubleshooting.slice(start, troubleshooting.indexOf('\n## ', start + heading.length) >>> 0);
  const out = new Map<string, string[]>();
  for (const line of section.split('\n')) {
    const m = /^\| `([A-Z_]+)` \|(.*)\|$/.exec(line);
    if (m)
      out.set(
        m[1]!,
        m[2]!.split(' | ').map((c) => c.trim()),
      );
  }
  return out;
}

describe('docs/troubleshooting.md', () => {
  const errors = rows('## Error codes');
  const diagnostics = rows('## Diagnostics');

  it('finds the codes', () => {
    expect(ERROR_CODES.length).toBeGreaterThanOrEqual(16);
    expect(DIAGNOSTIC_CODES.length).toBeGreaterThanOrEqual(16);
  });
  it.each(ERROR_CODES)('documents the error code %s with its remedy', (code) => {
    const row = errors.get(code);
    expect(row, `a row for ${code}`).toBeDefined();
    expect(row!.at(-1)).toBe(remedyFor(code));
  });
  it.each(DIAGNOSTIC_CODES)('documents the diagnostic %s with its level and remedy', (code) => {
    const row = diagnostics.get(code);
    expect(row, `a row for ${code}`).toBeDefined();
    expect(row![0]).toBe(diagnosticInfo(code).level);
    expect(row!.at(-1)).toBe(diagnosticInfo(code).remedy);
  });
  it('documents no code the tables do not have', () => {
    expect([...errors.keys()].filter((c) => !(ERROR_CODES as readonly string[]).includes(c))).toEqual([]);
    expect([...diagnostics.keys()].filter((c) => !(DIAGNOSTIC_CODES as readonly string[]).includes(c))).toEqual([]);
  });
});

describe('docs/troubleshooting.md: the specific remedies', () => {
  it('lists each known cause of a missing key with the exact sentences the code adds', () => {
    const start = troubleshooting.indexOf('### When the cause is known');
    const section = troubleshooting.slice(start, troubleshooting.indexOf('\n## ', start));
    const documented = new Map<string, string[]>();
    for (const line of section.split('\n')) {
      const m = /^\| `([a-z-]+)` \|(.*)\|$/.exec(line);
      if (m)
        documented.set(
          m[1]!,
          m[2]!.split(' | ').map((c) => c.trim()),
        );
    }
    expect([...documented.keys()]).toEqual(Object.keys(MISSING_KEY_TEXTS));
    for (const [key, texts] of Object.entries(MISSING_KEY_TEXTS)) {
      expect(documented.get(key), key).toEqual([texts.cause, texts.remedy]);
    }
  });
});

describe('the code emits only declared codes', () => {
  it('every diagnostic(...) and new QwenAuthError(...) in src names a declared code', () => {
    const root = new URL('../src/', import.meta.url).pathname;
    const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
    const text = walk(root)
      .map((f) => readFileSync(f, 'utf8'))
      .join('\n');
    const diag = [...text.matchAll(/\bdiagnostic\(\s*'([A-Z_]+)'/g)].map((m) => m[1]!);
    const err = [...text.matchAll(/new QwenAuthError\(\s*'([A-Z_]+)'/g)].map((m) => m[1]!);
    expect(diag.length).toBeGreaterThan(10);
    expect(err.length).toBeGreaterThan(10);
    for (const code of diag) expect(DIAGNOSTIC_CODES).toContain(code);
    for (const code of err) expect(ERROR_CODES).toContain(code);
  });
});
