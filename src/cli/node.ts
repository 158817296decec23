/**
 * The few Node functions the command uses, taken when called: an ES `import`
 * of `node:fs` or `node:os` builds the whole module facade (and, for fs, the
 * stream and readline modules) before the command has parsed its flags.
 */
import type * as Fs from 'node:fs';
import type * as Os from 'node:os';

const fs = (): typeof Fs => process.getBuiltinModule('node:fs');

export const existsSync = (path: string): boolean => fs().existsSync(path);
export const statSync = (path: string): Fs.Stats => fs().statSync(path);
export const homedir = (): string => (process.getBuiltinModule('node:os') as typeof Os).homedir();
