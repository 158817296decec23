/**
 * The few things that should never be true (docs: ../shared/spec/architecture.md):
 * checked on the sources' import graph and on the built package at run time.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
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

/**
 * Writes into `dir` a module hook that appends the URL of every module a process
 * resolves to `dir/<name>`; run the process with `--import dir/register.mjs`.
 * Returns the log's path.
 */
function logModuleLoads(dir: string, name: string): string {
  const log = join(dir, name);
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
  return log;
}

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
    expect(cycles).toEqual([]);
  });

  it('requests/ is a leaf: it imports neither oauth/, storage/ nor resolve/ (the OAuth provider plugs into its interface)', () => {
    const bad = imports.filter((i) => area(i.file) === 'requests' && /^(oauth|storage|resolve)\//.test(target(i)));
    expect(bad).toEqual([]);
    expect(imports.some((i) => area(i.file) === 'requests')).toBe(true);
  });

  it('the base files (src/*.ts) import no feature folder, and none imports one above it', () => {
    const base = imports.filter((i) => !i.file.includes('/') && i.file !== 'index.ts' && i.specifier.startsWith('.'));
    expect(base.length).toBeGreaterThan(3);
    expect(base.filter((i) => target(i).includes('/') && !target(i).startsWith('internal/'))).toEqual([]);
    // Lowest first: a base file imports only files before it.
    const order = ['redact', 'diagnostics', 'override-flags', 'errors', 'types', 'flags', 'find-auth-error'];
    const sources = readdirSync(SRC)
      .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
      .map((f) => f.replace(/\.ts$/, ''));
    expect(sources.sort(), 'every base file has its place in the order').toEqual([...order].sort());
    const upward = base.filter((i) => !target(i).includes('/') && order.indexOf(target(i)) >= order.indexOf(i.file.replace(/\.ts$/, '')));
    expect(upward).toEqual([]);
  });

  it('no import runs back up a layer', () => {
    // base (src/*.ts, internal/) < env, settings, providers, storage < requests < oauth < resolve < the entries.
    const layer = (file: string): number => {
      const a = area(file.endsWith('.ts') ? file : `${file}.ts`);
      if (!file.includes('/')) return file.replace(/\.ts$/, '') === 'index' ? 6 : 0;
      return { internal: 0, env: 1, settings: 1, providers: 1, storage: 1, requests: 2, oauth: 3, resolve: 4, testing: 6, cli: 6 }[a] ?? 9;
    };
    const up = imports.filter((i) => i.specifier.startsWith('.') && area(i.file) !== area(`${target(i)}.ts`) && layer(target(i)) > layer(i.file));
    expect(up.map((i) => `${i.file} → ${target(i)}`)).toEqual([]);
  });

  it('Node modules whose ES facade loads others (fs, os, module, child_process, crypto, http) are taken when called, not imported', () => {
    // An ES import of node:fs builds its whole facade: the stream and readline modules load at import.
    const heavy = /^(node:)?(fs|fs\/promises|os|module|child_process|crypto|http|https)$/;
    const eager = imports.filter((i) => heavy.test(i.specifier) && !i.typeOnly && !i.dynamic && area(i.file) !== 'testing');
    expect(eager.map((i) => `${i.file} → ${i.specifier}`)).toEqual([]);
  });

  it('internal/ imports no feature folder', () => {
    const features = /^(env|settings|providers|resolve|oauth|storage|cli|testing)\//;
    const bad = imports.filter((i) => area(i.file) === 'internal' && i.specifier.startsWith('.') && features.test(target(i)));
    expect(bad).toEqual([]);
  });

  it('the OAuth branch of resolution is only ever imported lazily', () => {
    // resolve/oauth-parts gathers it (with the client and the stores) into one chunk; it alone imports qwen-oauth.
    const eager = imports.filter(
      (i) => /^resolve\/(qwen-oauth|oauth-parts)$/.test(target(i)) && !i.dynamic && !i.typeOnly && i.file !== 'resolve/oauth-parts.ts',
    );
    expect(eager).toEqual([]);
    const implementations = imports.filter((i) => /^(oauth\/client|storage\/(file|keychain)-store)$/.test(target(i)) && !i.dynamic && !i.typeOnly);
    expect([...new Set(implementations.map((i) => area(i.file)))].sort(), 'only the OAuth side and its lazy parts import the implementations').toEqual([
      'oauth',
      'resolve',
      'storage',
    ]);
  });

  it('the authenticated fetch is only ever imported lazily (requests/fetch-parts, on the first request)', () => {
    const eager = imports.filter(
      (i) =>
        /^requests\/(authenticated-fetch|fetch-parts|give-up)$/.test(target(i)) &&
        !i.dynamic &&
        !i.typeOnly &&
        !/^requests\/(fetch-parts|authenticated-fetch)\.ts$/.test(i.file),
    );
    expect(eager).toEqual([]);
  });

  it('openid-client, undici, jsonc-parser, dotenv, keytar and @napi-rs/keyring are only ever loaded lazily', () => {
    const heavy = /^(openid-client|undici|jsonc-parser|dotenv|keytar|@napi-rs\/keyring)$/;
    const eager = imports.filter((i) => heavy.test(i.specifier) && !i.typeOnly && !i.dynamic && i.file !== 'oauth/protocol.ts');
    expect(eager).toEqual([]);
    // protocol.ts holds openid-client; it is itself only imported dynamically.
    expect(imports.filter((i) => target(i) === 'oauth/protocol' && !i.dynamic && !i.typeOnly)).toEqual([]);
  });

  it('zod is the one validator: only internal/zod-mini.ts imports it, and nothing imports that file but its types', () => {
    const zod = imports.filter((i) => /^zod(\/|$)/.test(i.specifier) && !i.typeOnly);
    expect(zod.map((i) => `${i.file} → ${i.specifier}`)).toEqual(['internal/zod-mini.ts → zod/mini']);
    expect(imports.filter((i) => target(i) === 'internal/zod-mini' && !i.typeOnly)).toEqual([]);
    // internal/schemas.ts requires it when first called (the build points QWEN_AUTH_ZOD at dist/zod-mini.cjs).
    expect(readFileSync(join(SRC, 'internal', 'schemas.ts'), 'utf8')).toMatch(/createRequire\(import\.meta\.url\)\(typeof QWEN_AUTH_ZOD/);
    expect(
      files(SRC).map((f) => relative(SRC, f)),
      'no second, hand-written validator',
    ).not.toContain(join('internal', 'shape.ts'));
  });
});

describe('the built package at run time', () => {
  it("import('qwen-auth'), an API-key resolution and a cached login never load zod when the files are well-formed; a wrong value does", () => {
    // zod is bundled into dist/zod-mini.cjs alone, required when first needed: no other file holds its code.
    expect(readFileSync(join(DIST, 'zod-mini.cjs'), 'utf8')).toMatch(/ZodError/);
    for (const f of readdirSync(DIST).filter((n) => /\.(c?js)$/.test(n) && n !== 'zod-mini.cjs')) {
      expect(readFileSync(join(DIST, f), 'utf8'), f).not.toMatch(/\$ZodType|_zod\b|ZodError/);
    }
    for (const f of readdirSync(DIST).filter((n) => n.endsWith('.d.ts') || n.endsWith('.d.cts'))) {
      expect(readFileSync(join(DIST, f), 'utf8'), `${f}: no zod type in the public types`).not.toMatch(/zod/i);
    }
    const dir = mkdtempSync(join(tmpdir(), 'qwen-auth-zod-'));
    try {
      const log = logModuleLoads(dir, 'resolved.txt');
      const home = join(dir, 'home');
      const withSettings = join(dir, 'with-settings');
      const wellFormed = join(dir, 'well-formed');
      mkdirSync(home);
      mkdirSync(join(withSettings, '.qwen'), { recursive: true });
      writeFileSync(join(withSettings, '.qwen', 'settings.json'), JSON.stringify({ model: { name: 5 } }));
      // The cold path: a user settings file with a comment, env and a model provider, and a cached Qwen OAuth login.
      mkdirSync(join(wellFormed, '.qwen'), { recursive: true });
      writeFileSync(
        join(wellFormed, '.qwen', 'settings.json'),
        '{\n  // user settings\n  "model": { "name": "qwen3-coder-plus" },\n  "env": { "X_SETTING": "1" },\n  "advanced": { "excludedEnvVars": ["DEBUG"] },\n  "modelProviders": { "openai": [{ "id": "qwen3-coder-plus", "baseUrl": "https://dashscope.aliyuncs.com/compatible-mode/v1" }] }\n}\n',
      );
      const login = {
        access_token: 'at-0000',
        refresh_token: 'rt-0000',
        token_type: 'Bearer',
        resource_url: 'portal.qwen.ai',
        expiry_date: Date.now() + 3_600_000,
      };
      writeFileSync(join(wellFormed, '.qwen', 'oauth_creds.json'), JSON.stringify(login));
      // Both builds; the CJS module cache holds every file require() took (dist/zod-mini.cjs included).
      // node_modules/zod (a development dependency) is never taken by the built package.
      const run = (
        entry: string,
        homeDir: string,
        env: Record<string, string> = { OPENAI_API_KEY: 'sk-x' },
      ): { type: string; zod: string[]; diagnostics: string[] } => {
        const main = `import { createRequire } from 'node:module';
          const { resolveAuth } = await import(${JSON.stringify(join(DIST, entry))});
          const imported = Object.keys(createRequire(import.meta.url).cache).filter((k) => (k.includes('/node_modules/zod/') || k.endsWith('/dist/zod-mini.cjs')));
          const a = await resolveAuth({ cwd: ${JSON.stringify(homeDir)}, homeDir: ${JSON.stringify(homeDir)}, env: { ...${JSON.stringify(env)}, PATH: process.env.PATH } });
          if (a.type === 'qwen-oauth' && !(await a.getAccessToken())) throw new Error('no token');
          const zod = Object.keys(createRequire(import.meta.url).cache).filter((k) => (k.includes('/node_modules/zod/') || k.endsWith('/dist/zod-mini.cjs')));
          if (imported.length) zod.unshift('at import: ' + imported[0]);
          process.stdout.write(JSON.stringify({ type: a.type, zod, diagnostics: a.diagnostics.map((d) => d.message) }));`;
        writeFileSync(join(dir, 'main.mjs'), main);
        return JSON.parse(execFileSync(process.execPath, ['--import', join(dir, 'register.mjs'), join(dir, 'main.mjs')], { encoding: 'utf8' }));
      };
      for (const entry of ['index.js', 'index.cjs']) {
        const bare = run(entry, home);
        expect(bare.type).toBe('openai');
        expect(bare.zod, `${entry}: no zod without outside data`).toEqual([]);
        expect(readFileSync(log, 'utf8')).not.toMatch(/node_modules\/zod\//);
        // Well-formed outside data passes the quick accepts beside the schemas: zod stays unloaded.
        writeFileSync(log, '');
        const apiKey = run(entry, wellFormed);
        expect([apiKey.type, apiKey.diagnostics], entry).toEqual(['openai', []]);
        expect(apiKey.zod, `${entry}: a well-formed settings file needs no zod`).toEqual([]);
        const oauth = run(entry, wellFormed, {});
        expect(oauth.type, entry).toBe('qwen-oauth');
        expect(oauth.zod, `${entry}: a well-formed cached login needs no zod`).toEqual([]);
        if (entry === 'index.js') {
          // The cold paths load index.js and, for the login, the Qwen OAuth chunk: no writer, lock, browser opener or check.
          const ours = pathToFileURL(DIST).href;
          const loaded = [
            ...new Set(
              readFileSync(log, 'utf8')
                .split('\n')
                .filter((u) => u.startsWith(ours)),
            ),
          ].map((u) => u.slice(ours.length).replace(/-[A-Z0-9]{8}\.js$/, '.js'));
          expect(loaded.sort()).toEqual(['index.js', 'oauth-parts.js']);
        }
        // The positive control: a settings file is outside data, checked by zod, worded as before.
        const checked = run(entry, withSettings);
        expect(checked.zod, `${entry}: the bundled zod checks the settings file`).toEqual([join(DIST, 'zod-mini.cjs')]);
        expect(checked.diagnostics.join('\n')).toContain('model.name has expected string');
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

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
      const log = logModuleLoads(dir, 'loaded.txt');
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
      for (const heavy of [
        'openid-client',
        'oauth4webapi',
        'jose',
        'undici',
        'jsonc-parser',
        'keytar',
        '@napi-rs/keyring',
        'protocol-',
        '/qwen-oauth-',
        '/git-check-',
      ]) {
        expect(loaded, heavy).not.toContain(heavy);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
