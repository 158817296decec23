/**
 * The package as users get it: lint (publint --strict, arethetypeswrong node16),
 * the API reference builds without a warning, and the packed tarball installs
 * into fresh ESM and CJS projects where every public entry imports and the
 * bin runs. Needs the npm registry for the dependencies.
 */
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTree, type Tree } from '../support/tree.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);
const run = (cmd: string, args: string[], cwd: string) =>
  execFileSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1', npm_config_update_notifier: 'false' } });

describe('lint', () => {
  it('publint --strict passes', () => {
    const out = run(bin('publint'), ['--strict'], ROOT);
    expect(out).toContain('All good');
  }, 120_000);

  it('arethetypeswrong (node16 profile) passes', () => {
    // Exits non-zero on any problem.
    run(bin('attw'), ['--pack', '.', '--profile', 'node16', '--format', 'ascii'], ROOT);
  }, 120_000);

  it('the API reference builds from the TSDoc with warnings as errors', () => {
    run(bin('typedoc'), ['--emit', 'none', '--treatWarningsAsErrors'], ROOT);
  }, 120_000);
});

describe('the packed tarball in fresh projects', () => {
  let tree: Tree;
  let tarball: string;

  beforeAll(() => {
    tree = makeTree({ 'esm/.keep': '', 'cjs/.keep': '', 'home/.keep': '' });
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', tree.root], ROOT)) as {
      filename: string;
      unpackedSize: number;
      entryCount: number;
    }[];
    tarball = join(tree.root, packed[0]!.filename);
    console.log(`[package] ${packed[0]!.filename}: ${packed[0]!.entryCount} files, unpacked ${(packed[0]!.unpackedSize / 1024).toFixed(1)} KiB`);
    for (const kind of ['esm', 'cjs']) {
      writeFileSync(tree.path(`${kind}/package.json`), JSON.stringify({ name: `smoke-${kind}`, private: true, type: kind === 'esm' ? 'module' : 'commonjs' }));
      run('npm', ['install', '--no-audit', '--no-fund', '--omit=dev', tarball], tree.path(kind));
    }
  }, 300_000);
  afterAll(() => tree?.remove());

  it('ships only what users need', () => {
    const listing = run('tar', ['-tzf', tarball], tree.root).split('\n').filter(Boolean);
    expect(listing.every((f) => /^package\/(dist\/|docs\/[^/]+\.md$|README\.md$|CHANGELOG\.md$|LICENSE$|package\.json$)/.test(f))).toBe(true);
    expect(listing.some((f) => f.endsWith('.map'))).toBe(false);
    expect(listing).toEqual(
      expect.arrayContaining(['package/LICENSE', 'package/CHANGELOG.md', 'package/dist/cli.js', 'package/dist/cli-main.js', 'package/dist/cli-qr.js']),
    );
  });

  it('installs few dependencies, none of them zod or keytar', () => {
    const installed = readdirSync(tree.path('esm/node_modules'), { withFileTypes: true })
      .filter((e) => e.isDirectory() && !e.name.startsWith('.'))
      .flatMap((e) => (e.name.startsWith('@') ? readdirSync(tree.path(`esm/node_modules/${e.name}`)).map((n) => `${e.name}/${n}`) : [e.name]))
      .filter((n) => n !== 'qwen-auth');
    console.log(`[package] installed dependencies (${installed.length}): ${installed.join(', ')}`);
    expect(installed).not.toContain('zod');
    expect(installed).not.toContain('keytar');
    expect(installed).not.toContain('@napi-rs/keyring');
    expect(installed.length).toBeLessThanOrEqual(8);
  });

  it('ESM: every public entry imports; resolve and a device login work', () => {
    writeFileSync(
      tree.path('esm/main.mjs'),
      `import * as lib from 'qwen-auth';
       import { startFakeQwenServer } from 'qwen-auth/testing';
       import pkg from 'qwen-auth/package.json' with { type: 'json' };
       const a = await lib.resolveAuth({ cwd: process.cwd(), homeDir: process.cwd(), env: { OPENAI_API_KEY: 'sk-sp-smoke0000000000000000' } });
       const server = await startFakeQwenServer({ autoApproveAfterPolls: 1 });
       const client = lib.createQwenOAuthClient({ ...server.oauthOptions, store: lib.createMemoryTokenStore(), env: {} });
       await client.authorizeDevice({ onVerification: () => {} });
       const ok = server.isValidAccessToken(await client.getAccessToken());
       await server.close();
       const e = new lib.QwenAuthError('ABORTED', 'x', { details: {} });
       console.log(JSON.stringify({ name: pkg.name, type: a.type, baseUrl: a.baseUrl, ok, brand: lib.isAuthError(e), exports: Object.keys(lib).sort() }));`,
    );
    const out = JSON.parse(run(process.execPath, ['main.mjs'], tree.path('esm')));
    expect(out).toMatchObject({ name: 'qwen-auth', type: 'openai', baseUrl: 'https://coding.dashscope.aliyuncs.com/v1', ok: true, brand: true });
    // Exactly the value exports that src/index.ts names.
    const index = readFileSync(join(ROOT, 'src/index.ts'), 'utf8');
    const named = [...index.matchAll(/^export \{([^}]+)\} from/gm)].flatMap((m) =>
      m[1]!
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean),
    );
    expect(out.exports).toEqual([...named].sort());
    expect(out.exports).toEqual(expect.arrayContaining(['resolveAuth', 'inspectEnvironment', 'isAuthError', 'redact', 'createQwenOAuthClient']));
  });

  it('CJS: require works, openid-client included (require(esm)); errors are one class across ESM and CJS', () => {
    writeFileSync(
      tree.path('cjs/main.js'),
      `const lib = require('qwen-auth');
       const { startFakeQwenServer } = require('qwen-auth/testing');
       (async () => {
         const server = await startFakeQwenServer({ autoApproveAfterPolls: 1 });
         const client = lib.createQwenOAuthClient({ ...server.oauthOptions, store: lib.createMemoryTokenStore(), env: {} });
         await client.authorizeDevice({ onVerification: () => {} });
         const refreshed = await client.refresh();
         await server.close();
         const esm = await import('qwen-auth');
         const e = new esm.QwenAuthError('ABORTED', 'x', { details: {} });
         console.log(JSON.stringify({ refreshed: typeof refreshed.accessToken, crossBrand: lib.isAuthError(e), sameInstanceofWithinFormat: e instanceof esm.QwenAuthError }));
       })().catch((e) => { console.error(e); process.exit(1); });`,
    );
    const out = JSON.parse(run(process.execPath, ['main.js'], tree.path('cjs')));
    expect(out).toEqual({ refreshed: 'string', crossBrand: true, sameInstanceofWithinFormat: true });
  });

  it('the bin runs', () => {
    const out = run(join(tree.path('esm'), 'node_modules', '.bin', 'qwen-auth'), ['providers', '--json'], tree.path('esm'));
    expect(JSON.parse(out).length).toBeGreaterThan(10);
    const version = run(join(tree.path('esm'), 'node_modules', '.bin', 'qwen-auth'), ['--version'], tree.path('esm'));
    expect(version.trim()).toBe(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version);
  });
});
