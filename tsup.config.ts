import { readFileSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

/** A bundle in one file, compacted (whitespace and syntax; names kept for readable stack traces). */
const oneFile = {
  target: 'node20',
  platform: 'node',
  dts: false,
  splitting: false,
  clean: false,
  treeshake: true,
  esbuildOptions(options) {
    options.minifyWhitespace = true;
    options.minifySyntax = true;
  },
} satisfies Options;

/** One package bundled into a file of its own, loaded by whoever needs it. */
const packageInAFile = (name: string, entry: string, pkg: string, format: 'cjs' | 'esm'): Options => ({
  ...oneFile,
  entry: { [name]: entry },
  format: [format],
  noExternal: [pkg],
});

// Two builds.
//
// The library (`qwen-auth`, `qwen-auth/testing`) ships as ESM and CJS with types.
// `splitting: true` keeps shared code (the error class above all) in common
// chunks so both entries see one class. openid-client, undici, dotenv and
// jsonc-parser stay external and are loaded only by the paths that need them.
// zod is not a dependency: the parts of zod/mini that src/internal/schemas.ts
// uses are bundled into one file of their own, dist/zod-mini.cjs (the third
// build), which schemas.ts requires only when outside data is not obviously
// valid (its quick accepts pass well-formed data without zod; QWEN_AUTH_ZOD
// names the file); no chunk of the library holds zod. scripts/one-file.mjs
// then makes index.js and index.cjs one file each.
//
// The command (`bin: qwen-auth`) is ESM only and imports the library through
// its public name, so it uses exactly what users get and never a second copy.
export default defineConfig([
  {
    entry: { index: 'src/index.ts', testing: 'src/testing/index.ts' },
    format: ['esm', 'cjs'],
    target: 'node20',
    platform: 'node',
    dts: true,
    splitting: true,
    clean: false,
    treeshake: true,
    // import.meta.url in the CJS build (src/env/parse.ts loads dotenv synchronously on first
    // use): each file's own URL from __filename, not a shared shim chunk to load.
    define: { QWEN_AUTH_ZOD: JSON.stringify('./zod-mini.cjs') },
    esbuildOptions(options, context) {
      if (context.format === 'cjs') options.define = { ...options.define, 'import.meta.url': '__qwenAuthFileUrl' };
    },
    banner: ({ format }) => (format === 'cjs' ? { js: "const __qwenAuthFileUrl = require('url').pathToFileURL(__filename).href;" } : {}),
  },
  // zod/mini for the boundary checks, one CommonJS file required by both builds (one copy, taken
  // synchronously so createProviderRegistry() stays synchronous), loaded only when data is checked.
  packageInAFile('zod-mini', 'src/internal/zod-mini.ts', 'zod', 'cjs'),
  {
    // dist/cli.js is the launcher (./launch.ts: Node's compile cache on ≥ 22.1), dist/cli-main.js the command.
    entry: { cli: 'src/cli/launch.ts', 'cli-main': 'src/cli/main.ts' },
    // One file: each command's module (and help) is imported dynamically, so its code sits in a
    // function compiled on first use; a chunk of its own would add a module to load. The QR code
    // renderer (17 KB, for a login only) is the exception: a file of its own, cli-qr.js.
    ...oneFile,
    format: ['esm'],
    external: ['qwen-auth/testing'],
    // The sources import the library by its public name; the bundle imports the very file that
    // name gives an ES import (package.json exports["."].import: ./index.js, next to cli.js), so
    // a start skips the package lookup (reading package.json, matching the exports) and still
    // loads the one copy every user of the package gets. test/package checks the two agree.
    esbuildPlugins: [
      {
        name: 'qwen-auth-next-door',
        setup(build) {
          build.onResolve({ filter: /^qwen-auth$/ }, () => ({ path: './index.js', external: true }));
          // The QR code renderer is the file of its own built below, loaded by a login that shows a code.
          build.onResolve({ filter: /^\.\/qr\.js$/ }, () => ({ path: './cli-qr.js', external: true }));
          // The launcher loads the command once the compile cache is on: the entry of its own built beside it.
          build.onResolve({ filter: /^\.\/main\.js$/ }, (args) =>
            args.importer.endsWith('launch.ts') ? { path: './cli-main.js', external: true } : undefined,
          );
        },
      },
    ],
    define: { QWEN_AUTH_VERSION: JSON.stringify(version) },
    banner: { js: '#!/usr/bin/env node' },
  },
  // uqr for `qwen-auth login`'s QR code, bundled into a file of its own (dist/cli-qr.js): 17 KB that
  // no other command compiles at start.
  packageInAFile('cli-qr', 'src/cli/qr.ts', 'uqr', 'esm'),
]);
