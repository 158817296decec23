import { homedir } from 'node:os';
import { isAbsolute, join, resolve } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import type { EnvRecord, ValueSource } from '../types.js';
import { type EnvFileSearch, findEnvFile } from './discover.js';
import { DEFAULT_MAX_ENV_FILE_BYTES, type LoadedEnvFile, loadEnvFiles } from './load.js';

/**
 * Qwen's home folder for a `QWEN_HOME` value: `<homeDir>/.qwen` when it is
 * unset or blank. A leading `~` means the home folder; a relative path is
 * taken from the home folder.
 */
export function qwenDirFrom(qwenHome: string | undefined, homeDir: string): string {
  const value = qwenHome?.trim();
  if (!value) return join(homeDir, '.qwen');
  if (value === '~') return homeDir;
  if (value.startsWith('~/')) return join(homeDir, value.slice(2));
  return isAbsolute(value) ? resolve(value) : resolve(homeDir, value);
}

/** Where Qwen's home folder is, and what decided it. */
export interface QwenHome {
  readonly qwenDir: string;
  /** `option` (an explicit `qwenDir`), `env` (`QWEN_HOME`), `env-file` (a home-level `.env`), or `default`. */
  readonly source: Pick<ValueSource, 'kind' | 'name' | 'path' | 'key'>;
}

/** The inputs every entry point takes to find Qwen's home folder. */
export interface QwenHomeInputs {
  /** An explicit folder: wins over everything. */
  readonly qwenDir?: string | undefined;
  /** The real environment (default `process.env`). */
  readonly env?: EnvRecord | undefined;
  /** Default `os.homedir()`, resolved by the caller. */
  readonly homeDir: string;
  /** The folder the `.env` search starts from (default `process.cwd()`, resolved by the caller). */
  readonly cwd: string;
  readonly envFile?: { readonly homeFallback?: boolean | undefined; readonly maxBytes?: number | undefined } | undefined;
}

/** The `.env` files as resolution reads them, and the home folder they imply. */
export interface EnvFilesAndHome {
  readonly search: EnvFileSearch;
  readonly files: readonly LoadedEnvFile[];
  readonly home: QwenHome;
}

/**
 * The one rule for Qwen's home folder (spec §1.7): an explicit `qwenDir` >
 * a non-blank `QWEN_HOME` in the real environment > `QWEN_HOME` from a
 * home-level `.env` file that resolution reads > `<homeDir>/.qwen`.
 * Reads the `.env` files once; resolution goes on with them.
 */
export function readEnvFilesAndHome(inputs: QwenHomeInputs, diagnostics: Diagnostic[] = []): EnvFilesAndHome {
  const env = inputs.env ?? process.env;
  const homeDir = resolve(inputs.homeDir);
  const realHome = typeof env.QWEN_HOME === 'string' && env.QWEN_HOME.trim() !== '' ? env.QWEN_HOME : undefined;
  const first: QwenHome = inputs.qwenDir
    ? { qwenDir: resolve(inputs.qwenDir), source: { kind: 'override', key: 'qwenDir' } }
    : realHome
      ? { qwenDir: qwenDirFrom(realHome, homeDir), source: { kind: 'env', name: 'QWEN_HOME' } }
      : { qwenDir: qwenDirFrom(undefined, homeDir), source: { kind: 'default' } };

  const search = findEnvFile({ cwd: resolve(inputs.cwd), homeDir, qwenDir: first.qwenDir });
  const files = loadEnvFiles(
    search.found,
    { homeDir, qwenDir: first.qwenDir },
    {
      homeFallback: inputs.envFile?.homeFallback === true,
      maxBytes: inputs.envFile?.maxBytes ?? DEFAULT_MAX_ENV_FILE_BYTES,
    },
    diagnostics,
  );
  if (first.source.kind !== 'default') return { search, files, home: first };
  const mover = files.find((f) => f.file.scope === 'home' && f.values?.QWEN_HOME?.trim());
  const home: QwenHome = mover
    ? { qwenDir: qwenDirFrom(mover.values!.QWEN_HOME, homeDir), source: { kind: 'env-file', name: 'QWEN_HOME', path: mover.file.path } }
    : first;
  return { search, files, home };
}

/** What the entry points other than `resolveAuth` take to find Qwen's folder; defaults read at call time. */
export interface QwenHomeOptions {
  /** Qwen's home folder; default: found as `resolveAuth` finds it. */
  readonly qwenDir?: string | undefined;
  /** The user's home folder (default `os.homedir()`). */
  readonly homeDir?: string | undefined;
  /** The environment, read for `QWEN_HOME` (default `process.env`). */
  readonly env?: EnvRecord | undefined;
  /** Where a `.env` search would start (default `process.cwd()`): a home-level `.env` applies only when no project file is found. */
  readonly cwd?: string | undefined;
}

/**
 * Qwen's home folder for these inputs: the folder `resolveAuth` uses given
 * the same ones (an explicit `qwenDir`, `QWEN_HOME`, a `QWEN_HOME` in a
 * home-level `.env` file, or `<homeDir>/.qwen`), with its source.
 */
export function locateQwenHome(options: QwenHomeOptions = {}): QwenHome {
  if (options.qwenDir) return { qwenDir: resolve(options.qwenDir), source: { kind: 'override', key: 'qwenDir' } };
  return readEnvFilesAndHome({
    env: options.env ?? process.env,
    homeDir: options.homeDir ?? homedir(),
    cwd: options.cwd ?? process.cwd(),
  }).home;
}
