/**
 * The command's entry (dist/cli.js). On Node ≥ 22.1 it first turns on
 * Node's compile cache, so a start reuses the code V8 compiled in the last
 * one instead of compiling the command and the library again; then it loads
 * the command (./main.ts, dist/cli-main.js). On Node 20 it only loads it.
 *
 * The cache is a folder of the user's own, `$XDG_CACHE_HOME/qwen-auth/
 * node-compile-cache` (else `~/.cache/…`), never Node's default in the shared
 * temporary folder: what is read from it is run as code, so no other account
 * may be able to write it. `NODE_COMPILE_CACHE` (the user's own folder) and
 * `NODE_DISABLE_COMPILE_CACHE=1` are Node's, and win. The library itself
 * never turns the cache on (that is the program's choice, process-wide).
 */
// Builtins taken as they are (no ES facade to build for them), as the library does.
const { enableCompileCache } = process.getBuiltinModule('node:module') as { enableCompileCache?: (directory: string) => unknown };
const env = process.env;
if (enableCompileCache && env.NODE_COMPILE_CACHE === undefined && env.NODE_DISABLE_COMPILE_CACHE === undefined) {
  try {
    const { homedir } = process.getBuiltinModule('node:os');
    const { isAbsolute, join } = process.getBuiltinModule('node:path');
    const xdg = env.XDG_CACHE_HOME;
    // homedir() throws when neither HOME nor the user database names a home: then no cache.
    const base = xdg && isAbsolute(xdg) ? xdg : join(homedir(), '.cache');
    enableCompileCache(join(base, 'qwen-auth', 'node-compile-cache'));
  } catch {
    // A cache that cannot be used is no reason to fail: the command runs as on Node 20.
  }
}
await import('./main.js');
