/**
 * The few things that should never be true (docs: ../shared/spec/architecture.md):
 * checked on the sources' import graph and on the built package at run time.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../src/', import.meta.url));
const DIST = fileURLToPath(new URL('../dist/', import.meta.url));

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

interface Import {
  readonly file: string;
  readonly specifier: string;
  readonly typeOnly: boolean;
  readonly dynamic: boolean;
}

const imports: Import[] = files(SRC).flatMap((file) => {
  const text = readFileSync(file, 'utf8');
  const rel = relative(SRC, file);
  const found: Import[] = [];
  for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^'"`;]*?from\s+'([^']+)'/gm)) {
    found.push({ file: rel, specifier: m[3]!, typeOnly: m[2] !== undefined, dynamic: false });
  }
  for (const m of text.matchAll(/\bimport\(\s*'([^']+)'\s*\)/g)) {
    found.push({ file: rel, specifier: m[1]!, typeOnly: text.slice(Math.max(0, m.index! - 7), m.index).includes('typeof'), dynamic: true });
  }
  return found;
});

const area = (file: string): string => (file.includes('/') ? file.split('/')[0]! : file);
const target = (imp: Import): string => {
  if (!imp.specifier.startsWith('.')) return imp.specifier;
  return relative(SRC, join(SRC, imp.file, '..', imp.specifier)).replace(/\.js$/, '');
};

describe('the import graph', () => {
  it('finds the imports it checks', () => {
    expect(imports.length).toBeGreaterThan(80);
  });

  it('env/, settings/ and providers/ never import oauth/, storage/, openid-client or undici', () => {
    const bad = imports.filter(
      (i) => ['env', 'settings', 'providers'].includes(area(i.file)) && /^(oauth|storage)\/|^(openid-client|undici|keytar)$/.test(target(i)),
    );
    expect(bad).toEqual([]);
  });

  it('providers/ is data and pure functions: no file system, network, process or OS', () => {
    const bad = imports.filter((i) => area(i.file) === 'providers' && /^(node:)?(fs|fs\/promises|http|https|net|os|child_process)$/.test(i.specifier));
    expect(bad).toEqual([]);
    for (const f of files(join(SRC, 'providers'))) expect(readFileSync(f, 'utf8')).not.toMatch(/process\.env|Date\.now|homedir/);
  });

  it('nothing in the library imports testing/ or cli/', () => {
    const bad = imports.filter((i) => !['testing', 'cli'].includes(area(i.file)) && /^(testing|cli)\//.test(target(i)));
    expect(bad).toEqual([]);
  });

  it('testing/ imports nothing of the core but types', () => {
    const bad = imports.filter((i) => area(i.file) === 'testing' && i.specifier.startsWith('..') && !i.typeOnly);
    expect(bad).toEqual([]);
  });

  it('cli/ uses only the public face (qwen-auth), never the sources', () => {
    const bad = imports.filter((i) => area(i.file) === 'cli' && i.specifier.startsWith('..'));
    expect(bad).toEqual([]);
    expect(imports.some((i) => area(i.file) === 'cli' && i.specifier === 'qwen-auth')).toBe(true);
  });

  it('child_process is only ever loaded lazily, by the browser opener and the git check; the git check itself lazily too', () => {
    const cp = imports.filter((i) => /^(node:)?child_process$/.test(i.specifier) && !i.typeOnly && area(i.file) !== 'cli');
    expect(cp.filter((i) => !i.dynamic)).toEqual([]);
    expect([...new Set(cp.map((i) => i.file))].sort()).toEqual(['env/git-check.ts', 'oauth/browser.ts']);
    expect(imports.filter((i) => target(i) === 'env/git-check' && !i.dynamic && !i.typeOnly)).toEqual([]);
  });

  it('has no import cycle (type-only imports included)', () => {
    const graph = new Map<string, Set<string>>();
    for (const i of imports) {
      if (!i.specifier.startsWith('.')) continue;
      const from = i.file.replace(/\.ts$/, '');
      if (!graph.has(from)) graph.set(from, new Set());
      graph.get(from)!.add(target(i));
    }
    const cycles: string[] = [];
    const state = new Map<string, 'open' | 'done'>();
    const visit = (node: string, path: string[]): void => {
      if (state.get(node) === 'done') return;
      if (state.get(node) === 'open') {
        cycles.push([...path.slice(path.indexOf(node)), node].join(' → '));
        return;
      }
      state.set(node, 'open');
      for (const next of graph.get(node) ?? []) visit(next, [...path, node]);
      state.set(node, 'done');
    };
    for (const node of graph.keys()) visit(node, []);
    // types.ts ↔ diagnostics.ts / storage/types.ts are type-only shape references, allowed.
    const typeOnly = (c: string) => c.split(' → ').every((n) => ['types', 'diagnostics', 'storage/types'].includes(n));
    expect(cycles.filter((c) => !typeOnly(c))).toEqual([]);
  });

  it('internal/ imports no feature folder', () => {
    const features = /^(env|settings|providers|resolve|oauth|storage|cli|testing)\//;
    const bad = imports.filter((i) => area(i.file) === 'internal' && i.specifier.startsWith('.') && features.test(target(i)));
    expect(bad).toEqual([]);
  });

  it('the OAuth branch of resolution is only ever imported lazily', () => {
    const eager = imports.filter((i) => target(i) === 'resolve/qwen-oauth' && !i.dynamic && !i.typeOnly);
    expect(eager).toEqual([]);
  });

  it('openid-client, undici, jsonc-parser, dotenv, keytar and @napi-rs/keyring are only ever loaded lazily', () => {
    const heavy = /^(openid-client|undici|jsonc-parser|dotenv|keytar|@napi-rs\/keyring)$/;
    const eager = imports.filter((i) => heavy.test(i.specifier) && !i.typeOnly && !i.dynamic && i.file !== 'oauth/protocol.ts');
    expect(eager).toEqual([]);
    // protocol.ts holds openid-client; it is itself only imported dynamically.
    expect(imports.filter((i) => target(i) === 'oauth/protocol' && !i.dynamic && !i.typeOnly)).toEqual([]);
  });
});

describe('the built package at run time', () => {
  it('reads no environment, home folder or clock, and installs no handler, when imported', () => {
    // Only accesses made from the package count (Node's own ESM loader reads process.env).
    const script = `
      const os = require('node:os');
      const seen = [];
      const ours = () => new Error().stack.split('\\n').slice(2).some((l) => l.includes(${JSON.stringify(DIST)}));
      const note = (what) => { if (ours()) seen.push(what); };
      const realEnv = process.env;
      Object.defineProperty(process, 'env', { get() { note('process.env'); return realEnv; } });
      os.homedir = () => { note('os.homedir'); return '/nowhere'; };
      const now = Date.now; Date.now = () => { note('Date.now'); return now(); };
      const on = process.on.bind(process);
      process.on = process.once = process.addListener = (event, fn) => { note('process.on:' + String(event)); return on(event, fn); };
      require(${JSON.stringify(join(DIST, 'index.cjs'))});
      require(${JSON.stringify(join(DIST, 'testing.cjs'))});
      import(${JSON.stringify(join(DIST, 'index.js'))}).then(() => import(${JSON.stringify(join(DIST, 'testing.js'))})).then(() => {
        process.stdout.write(JSON.stringify(seen));
      });`;
    const out = execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual([]);
  });

  it('the API-key path loads neither the OAuth machinery nor a proxy agent', () => {
    const dir = mkdtempSync(join(tmpdir(), 'qwen-auth-arch-'));
    try {
      const log = join(dir, 'loaded.txt');
      writeFileSync(
        join(dir, 'hooks.mjs'),
        `import { appendFileSync } from 'node:fs';
         export async function resolve(specifier, context, next) {
           const r = await next(specifier, context);
           appendFileSync(${JSON.stringify(log)}, r.url + '\\n');
           return r;
         }`,
      );
      writeFileSync(join(dir, 'register.mjs'), `import { register } from 'node:module'; register(${JSON.stringify(`file://${join(dir, 'hooks.mjs')}`)});`);
      // In `project`, a .env file holding a key: only gitCheck may start git about it.
      mkdirSync(join(dir, 'project'));
      writeFileSync(join(dir, 'project', '.env'), 'OPENAI_API_KEY=sk-x\n');
      const main = (options: string) =>
        `import { resolveAuth } from ${JSON.stringify(join(DIST, 'index.js'))};
         const a = await resolveAuth({ cwd: ${JSON.stringify(dir)}, homeDir: ${JSON.stringify(dir)}, env: { OPENAI_API_KEY: 'sk-x', PATH: process.env.PATH }${options} });
         if (a.type !== 'openai') process.exit(3);
         process.stdout.write(JSON.stringify(process.moduleLoadList.filter((m) => /^NativeModule (child_process|crypto)$/.test(m))));`;
      writeFileSync(join(dir, 'main.mjs'), main(''));
      writeFileSync(join(dir, 'git-check.mjs'), main(`, gitCheck: true, cwd: ${JSON.stringify(join(dir, 'project'))}`));
      const builtins = execFileSync(process.execPath, ['--import', join(dir, 'register.mjs'), join(dir, 'main.mjs')], { encoding: 'utf8' });
      expect(JSON.parse(builtins), 'child_process and crypto stay unloaded').toEqual([]);
      // The same run with the git check does load it: the probe sees it.
      const withCheck = execFileSync(process.execPath, [join(dir, 'git-check.mjs')], { encoding: 'utf8' });
      expect(JSON.parse(withCheck)).toContain('NativeModule child_process');
      const loaded = readFileSync(log, 'utf8');
      expect(loaded).toContain('dist/index.js');
      for (const heavy of ['openid-client', 'oauth4webapi', 'jose', 'undici', 'jsonc-parser', 'keytar', '@napi-rs/keyring', 'protocol-', '/qwen-oauth-', '/git-check-']) {
        expect(loaded, heavy).not.toContain(heavy);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
