/**
 * Deeply nested settings (issue 10, finding 4): 2,010 nested arrays are a
 * 4 KB file. Reading reports SETTINGS_TOO_DEEP and ignores the file; the
 * writer refuses it with a typed error; nothing recurses without a bound.
 */
import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { inspectEnvironment, isAuthError, resolveAuth, setSelectedAuthType } from '../../src/index.js';
import { MAX_SETTINGS_DEPTH } from '../../src/internal/jsonc.js';
import { expandEnvReferences } from '../../src/settings/expand.js';
import { makeTree, type Tree } from '../support/tree.js';

let tree: Tree | undefined;
afterEach(() => tree?.remove());

const arrays = (n: number): string => `${'['.repeat(n)}${']'.repeat(n)}`;
const objects = (n: number): string => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`;
/** A settings object whose deepest point is `depth` levels down (the root object is level 1). */
const nested = (depth: number, inner: (n: number) => string = arrays, extra = ''): string => `{${extra}"x":${inner(depth - 1)}}`;

const SHAPES = {
  'arrays, 2,010 deep': nested(2_010),
  'objects, 2,010 deep': nested(2_010, objects),
  'arrays, 100,000 deep, unclosed': `{"x":${'['.repeat(100_000)}`,
  'arrays inside security, 3,000 deep': `{"security":{"auth":{"apiKey":"sk-deep"},"x":${arrays(3_000)}}}`,
  'just over the bound': nested(MAX_SETTINGS_DEPTH + 1),
};

describe('reading deep settings', () => {
  it.each(Object.entries(SHAPES))('%s: SETTINGS_TOO_DEEP, the file ignored, resolution goes on', async (_name, text) => {
    tree = makeTree({ 'home/.qwen/settings.json': text, 'w/.keep': '' });
    const auth = await resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: { OPENAI_API_KEY: 'sk-env-0123456789' } });
    expect(auth.type === 'openai' && auth.apiKey).toBe('sk-env-0123456789');
    const d = auth.diagnostics.find((x) => x.code === 'SETTINGS_TOO_DEEP');
    expect(d, JSON.stringify(auth.diagnostics)).toMatchObject({ level: 'error', path: tree.path('home/.qwen/settings.json') });
    const report = await inspectEnvironment({ cwd: tree.path('w'), homeDir: tree.path('home'), env: {} });
    expect(report.diagnostics.map((x) => x.code)).toContain('SETTINGS_TOO_DEEP');
  });

  it(`a file ${MAX_SETTINGS_DEPTH} levels deep is read`, async () => {
    tree = makeTree({ 'home/.qwen/settings.json': nested(MAX_SETTINGS_DEPTH, objects, '"security":{"auth":{"apiKey":"sk-deep-0123456789"}},'), 'w/.keep': '' });
    const auth = await resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: {} });
    expect(auth.type === 'openai' && auth.apiKey).toBe('sk-deep-0123456789');
    expect(auth.diagnostics.map((x) => x.code)).not.toContain('SETTINGS_TOO_DEEP');
  });

  it('brackets inside strings and comments do not count', async () => {
    const text = `{"security":{"auth":{"apiKey":"${'['.repeat(5_000)}"}} /* ${'{'.repeat(5_000)} */}`;
    tree = makeTree({ 'home/.qwen/settings.json': text, 'w/.keep': '' });
    const auth = await resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: {} });
    expect(auth.type === 'openai' && auth.apiKey).toBe('['.repeat(5_000));
  });

  it('$VAR expansion iterates: no stack overflow at any depth', () => {
    let deep: unknown = '$HOME_X';
    for (let i = 0; i < 200_000; i++) deep = i % 2 ? [deep] : { k: deep };
    let out = expandEnvReferences(deep, { HOME_X: 'expanded' });
    for (let i = 200_000 - 1; i >= 0; i--) out = i % 2 ? (out as unknown[])[0] : (out as { k: unknown }).k;
    expect(out).toBe('expanded');
  });
});

describe('writing deep settings', () => {
  it.each([
    ['arrays, 2,010 deep', nested(2_010)],
    ['objects, 4,000 deep', nested(4_000, objects)],
    ['objects, 100 deep', nested(100, objects)],
    ['arrays inside security, 3,000 deep', SHAPES['arrays inside security, 3,000 deep']],
  ])('%s: SETTINGS_WRITE_FAILED naming the nesting, file unchanged', async (_name, text) => {
    tree = makeTree({ 'home/.qwen/settings.json': text });
    const error = await setSelectedAuthType('qwen-oauth', { homeDir: tree.path('home'), env: {} }).catch((e: unknown) => e);
    expect(isAuthError(error, 'SETTINGS_WRITE_FAILED'), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/nested/);
    expect((error as Error).message).not.toMatch(/Cannot read properties|Maximum call stack/);
    expect(readFileSync(tree.path('home/.qwen/settings.json'), 'utf8')).toBe(text);
  });

  it.each([
    ['objects', objects],
    ['arrays', arrays],
  ])(`%s ${MAX_SETTINGS_DEPTH} levels deep: the key is added`, async (_name, inner) => {
    const text = nested(MAX_SETTINGS_DEPTH, inner);
    tree = makeTree({ 'home/.qwen/settings.json': text });
    const r = await setSelectedAuthType('qwen-oauth', { homeDir: tree.path('home'), env: {} });
    expect(r.changed).toBe(true);
    const after = JSON.parse(readFileSync(r.path, 'utf8'));
    expect(after.security.auth.selectedType).toBe('qwen-oauth');
    expect(after.x).toEqual(JSON.parse(text).x);
  });
});
