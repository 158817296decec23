// The compile-free floor of a cold process (an experiment of the bench only; the
// package itself never writes a code cache): the API-key case of cjs.cjs, but
// <dist>/index.cjs is compiled through vm.Script with a V8 code cache, so every
// function the resolve runs arrives precompiled.
// Usage: node code-cache.cjs <dist folder> <cwd> <home> <cache file> [--write]
//   --write: compile without a cache, and after the resolve (when the lazily
//            compiled functions exist) write script.createCachedData() to <cache file>.
//   otherwise: read <cache file>; exit 5 when V8 rejects it.
const { readFileSync, writeFileSync } = require('node:fs');
const { createRequire, wrap } = require('node:module');
const { dirname, join } = require('node:path');
const { Script } = require('node:vm');

const [dist, cwd, homeDir, cacheFile, flag] = process.argv.slice(2);
const write = flag === '--write';
const filename = join(dist, 'index.cjs');
const script = new Script(wrap(readFileSync(filename, 'utf8')), { filename, cachedData: write ? undefined : readFileSync(cacheFile) });
if (!write && script.cachedDataRejected !== false) process.exit(5);
const mod = { exports: {}, filename, id: filename, loaded: false };
script.runInThisContext()(mod.exports, createRequire(filename), mod, filename, dirname(filename));
mod.loaded = true;
mod.exports.resolveAuth({ cwd, homeDir, env: { OPENAI_API_KEY: 'sk-bench-0000000000000000' } }).then((auth) => {
  if (auth.type !== 'openai') process.exit(3);
  if (write) writeFileSync(cacheFile, script.createCachedData());
});
