/**
 * The README's code examples run, against the built package, in a temporary
 * project whose .env holds a key (so the quick start resolves).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
import { makeTree, type Tree } from './support/tree.js';

const README = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
const DIST = fileURLToPath(new URL('../dist/', import.meta.url));
const blocks = [...README.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

let tree: Tree | undefined;
afterEach(() => tree?.remove());

describe('README examples', () => {
  it('has examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(2);
  });

  it.each(blocks.map((code, i) => [i + 1, code] as const))('example %i runs', (_n, code) => {
    tree = makeTree({ 'home/.keep': '', 'project/.qwen/.env': 'OPENAI_API_KEY=sk-sp-readme00000000000000000042\n' });
    const js = ts
      .transpileModule(code, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } })
      .outputText.replaceAll("'qwen-auth/testing'", JSON.stringify(`${DIST}testing.js`))
      .replaceAll("'qwen-auth'", JSON.stringify(`${DIST}index.js`));
    const file = tree.path('project/example.mjs');
    writeFileSync(file, js);
    const out = execFileSync(process.execPath, [file], {
      cwd: tree.path('project'),
      env: { PATH: process.env.PATH, HOME: tree.path('home') },
      encoding: 'utf8',
    });
    expect(out).not.toContain('sk-sp-readme00000000000000000042'); // printed results are redacted
  });
});
