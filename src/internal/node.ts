/**
 * Node's own modules, taken when first used. An ES `import` of `node:fs`
 * builds the module's whole facade at import time, and with it the stream
 * modules (about twenty) and the `os` and `module` bindings: a cold start
 * pays for them although resolving needs a few `stat`s and reads. Taken
 * through `process.getBuiltinModule`, only what is called is loaded.
 * The wrappers keep the functions' own types.
 */
import type * as Fs from 'node:fs';
import type * as NodeModule from 'node:module';
import type * as Os from 'node:os';

type AnyFunction = (...args: never[]) => unknown;
const later = <F extends AnyFunction>(get: () => F): F => ((...args: never[]) => get()(...args)) as F;

let fsModule: typeof Fs | undefined;
/** `node:fs`, at first call (the module object, kept: its functions are still looked up at each call, so a patched `fs.statSync` is seen). */
export const nodeFs = (): typeof Fs => (fsModule ??= process.getBuiltinModule('node:fs'));
/** `node:os`, at call time. */
export const nodeOs = (): typeof Os => process.getBuiltinModule('node:os') as typeof Os;
/** `node:fs` promises, at call time. */
export const fsp = (): typeof Fs.promises => nodeFs().promises;

export const readFileSync: typeof Fs.readFileSync = later(() => nodeFs().readFileSync);
/** `realpathSync.native`: the system's realpath (one call, where the JS one stats each component). */
export const realpathNative = (path: string): string => nodeFs().realpathSync.native(path);
export const realpathSync: (path: string) => string = later(() => nodeFs().realpathSync as (path: string) => string);
export const statSync: typeof Fs.statSync = later(() => nodeFs().statSync);
const MISSING_IS_UNDEFINED = Object.freeze({ throwIfNoEntry: false as const });
/** `statSync(path, { throwIfNoEntry: false })` without the generic wrapper's rest arguments (the warm path calls it ~30 times). */
export const statIfAny = (path: string): Fs.Stats | undefined => nodeFs().statSync(path, MISSING_IS_UNDEFINED);
export const watch: typeof Fs.watch = later(() => nodeFs().watch);
export const homedir: typeof Os.homedir = later(() => nodeOs().homedir);
export const createRequire: typeof NodeModule.createRequire = later(
  () => (process.getBuiltinModule('node:module') as unknown as typeof NodeModule).createRequire,
);
