/**
 * What a start of the command loads (issue 18): the built dist/cli.js bundles
 * no command-line library, imports the library only as the file the
 * package's exports give an ES import of `qwen-auth`, and main.ts loads each
 * command's module (and help) only when that command runs. Runs on the build.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const CLI_MAIN = fileURLToPath(new URL('../../dist/cli-main.js', import.meta.url));
const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as {
  exports: { '.': { import: { default: string } } };
  bin: Record<string, string>;
  devDependencies: Record<string, string>;
  dependencies: Record<string, string>;
};
const MAIN = readFileSync(new URL('../../src/cli/main.ts', import.meta.url), 'utf8');

/** The static imports of an ES module's text, minified or not (not `import type`, which is erased; not `import()`): their specifiers. */
const staticImports = (text: string): string[] =>
  [...text.matchAll(/(?<![\w$.])import\s*(?:(?:\{[^}]*\}|\*\s*as\s*[\w$]+|[\w$]+)\s*from\s*)?["']([^"']+)["']/g)].map((m) => m[1]!);

describe('dist/cli.js, the launcher', () => {
  const text = readFileSync(CLI, 'utf8');

  it('imports nothing statically, and loads the command (dist/cli-main.js) once the compile cache is decided', () => {
    expect(pkg.bin['qwen-auth']).toBe('./dist/cli.js');
    expect(staticImports(text)).toEqual([]);
    expect(text).toMatch(/import\(["']\.\/cli-main\.js["']\)/);
    expect(Buffer.byteLength(text)).toBeLessThan(1_000);
  });
});

describe('dist/cli-main.js', () => {
  const text = readFileSync(CLI_MAIN, 'utf8');

  it('imports the library as the file `import("qwen-auth")` gives, next to it, and nothing else of ours', () => {
    expect(pkg.exports['.'].import.default).toBe('./dist/index.js');
    const ours = staticImports(text).filter((s) => s.startsWith('.') || s.startsWith('qwen-auth'));
    expect(ours).toEqual(['./index.js']);
    expect(staticImports(text).length).toBeGreaterThan(1); // the minified imports are all found
  });

  it('bundles no command-line parser library (commander is gone from the package)', () => {
    expect(text).not.toMatch(/CommanderError|commander/i);
    expect(pkg.devDependencies).not.toHaveProperty('commander');
    expect(pkg.dependencies).not.toHaveProperty('commander');
    // For scale: 110 KB with commander bundled, 63 KB with the QR code renderer (now dist/cli-qr.js).
    expect(Buffer.byteLength(text)).toBeLessThan(48_000);
    expect(text).toMatch(/import\(["']\.\/cli-qr\.js["']\)/);
  });
});

describe('src/cli/main.ts', () => {
  it("loads each command's module, and help, only when it runs (dynamic imports)", () => {
    const commandModules = ['status', 'env', 'providers', 'use', 'login', 'token', 'exec', 'serve', 'trust', 'help'];
    const statics = staticImports(MAIN).map((s) => s.replace(/^\.\/|\.js$/g, ''));
    for (const m of commandModules) {
      expect(statics, m).not.toContain(m);
      expect(MAIN).toContain(`import('./${m}.js')`);
    }
  });
});
