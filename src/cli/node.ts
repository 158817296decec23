/**
 * Node's own modules for the command, taken when called: an ES `import` of
 * `node:fs` builds the whole module facade (and with it the stream and
 * readline modules), and `child_process`, `http` and `crypto` pull in
 * dozens more — all before the command has parsed its flags, for every
 * command. Each command takes only what it runs.
 */
import type * as ChildProcess from 'node:child_process';
import type * as Crypto from 'node:crypto';
import type * as Fs from 'node:fs';
import type * as Http from 'node:http';
import type * as Os from 'node:os';
import type * as Util from 'node:util';

export const nodeFs = (): typeof Fs => process.getBuiltinModule('node:fs');
export const nodeOs = (): typeof Os => process.getBuiltinModule('node:os') as typeof Os;
export const nodeChildProcess = (): typeof ChildProcess => process.getBuiltinModule('node:child_process') as typeof ChildProcess;
export const nodeCrypto = (): typeof Crypto => process.getBuiltinModule('node:crypto') as typeof Crypto;
export const nodeUtil = (): typeof Util => process.getBuiltinModule('node:util') as typeof Util;
export const nodeHttp = (): typeof Http => process.getBuiltinModule('node:http') as typeof Http;

export const existsSync = (path: string): boolean => nodeFs().existsSync(path);
export const statSync = (path: string): Fs.Stats => nodeFs().statSync(path);
export const homedir = (): string => nodeOs().homedir();
