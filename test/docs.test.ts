/** The docs cannot drift from the code: every error and diagnostic code is documented. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const read = (p: string) => readFileSync(new URL(p, import.meta.url), 'utf8');
const troubleshooting = read('../docs/troubleshooting.md');
const errors = read('../src/errors.ts');
const types = read('../src/types.ts');

const errorCodes = [...errors.matchAll(/^ {2}([A-Z_]+): /gm)].map((m) => m[1]!).filter((c, i, all) => all.indexOf(c) === i);
const diagnosticCodes = [...types.slice(types.indexOf('export type DiagnosticCode')).matchAll(/\| '([A-Z_]+)'/g)].map((m) => m[1]!);

describe('docs/troubleshooting.md', () => {
  it('finds the codes', () => {
    expect(errorCodes.length).toBeGreaterThanOrEqual(16);
    expect(diagnosticCodes.length).toBeGreaterThanOrEqual(16);
  });
  it.each(errorCodes)('documents the error code %s', (code) => {
    expect(troubleshooting).toContain(`\`${code}\``);
  });
  it.each(diagnosticCodes)('documents the diagnostic %s', (code) => {
    expect(troubleshooting).toContain(`\`${code}\``);
  });
});

describe('the code emits only declared diagnostic codes', () => {
  it('every `code:` in src is declared', async () => {
    const { readdirSync } = await import('node:fs');
    const { join } = await import('node:path');
    const root = new URL('../src/', import.meta.url).pathname;
    const walk = (d: string): string[] =>
      readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : [join(d, e.name)]));
    const used = walk(root).flatMap((f) => [...readFileSync(f, 'utf8').matchAll(/code: '([A-Z_]+)'/g)].map((m) => m[1]!));
    for (const code of used) expect([...diagnosticCodes, ...errorCodes]).toContain(code);
  });
});
