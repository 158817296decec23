import { homedir } from '../internal/node.js';
import { isAbsolute, join, resolve } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { type StatOf, statOrUndefined } from '../internal/fs.js';
import type { EnvRecord, QwenCodeVersion, ValueSource } from '../types.js';
import { type EnvFileFilter, type EnvFileSearch, findEnvFileWith, findQwenCode024EnvFiles, type FoundEnvFile } from './discover.js';
import { DEFAULT_MAX_ENV_FILE_BYTES, type LoadedEnvFile, loadEnvFiles, readEnvFileValues } from './load.js';

/**
 * Qwen's home folder for a `QWEN_HOME` value: `<homeDir>/.qwen` when it is
 * unset or blank. A leading `~` means the home folder; a relative path is
 * taken from `relativeTo` (the home folder, unless given: Qwen Code 0.24
 * takes it from the working folder).
 */
export function qwenDirFrom(qwenHome: string | undefined, homeDir: string, relativeTo: string = homeDir): string {
  const value = qwenHome?.trim();
  if (!value) return join(homeDir, '.qwen');
  if (value === '~') return homeDir;
  if (value.startsWith('~/')) return join(homeDir, value.slice(2));
  return isAbsolute(value) ? resolve(value) : resolve(relativeTo, value);
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
  /** Whose rule to follow (default `'0.12'`); see `ResolveAuthOptions.qwenCode`. */
  readonly qwenCode?: QwenCodeVersion | undefined;
  /** Folder trust's say on each existing file (see {@link EnvFileFilter}); default: every file may be used. */
  readonly canUse?: EnvFileFilter | undefined;
}

/** What resolution passes besides: how files are looked at (default: a `stat` each; resolution's asks once per path). */
export interface EnvReadInputs extends QwenHomeInputs {
  readonly statOf?: StatOf | undefined;
}

/** The `.env` files as resolution reads them, and the home folder they imply. */
export interface EnvFilesAndHome {
  /** The first file found (for 0.24: the project file, else the first home file) and every candidate checked. */
  readonly search: EnvFileSearch;
  /** Highest first: the file found, then the home-level files applied below it. */
  readonly files: readonly LoadedEnvFile[];
  readonly home: QwenHome;
  /**
   * Qwen Code 0.24 with `QWEN_HOME` exported empty: a home `.env` file of the
   * default folder filled it, so Qwen Code loaded the layers twice — first
   * from `~/.qwen` (these files, and that folder's settings.env), then from
   * the folder it moved to (`files`). The values of the first pass stay.
   */
  readonly before?: { readonly qwenDir: string; readonly files: readonly LoadedEnvFile[]; readonly searched: readonly string[] };
}

/** An explicit `qwenDir`, or a non-blank `QWEN_HOME` in the real environment. */
function explicitHome(inputs: QwenHomeInputs, env: EnvRecord, homeDir: string, relativeTo: string): QwenHome | undefined {
  if (inputs.qwenDir) return { qwenDir: resolve(inputs.qwenDir), source: { kind: 'override', key: 'qwenDir' } };
  const realHome = typeof env.QWEN_HOME === 'string' && env.QWEN_HOME.trim() !== '' ? env.QWEN_HOME : undefined;
  return realHome ? { qwenDir: qwenDirFrom(realHome, homeDir, relativeTo), source: { kind: 'env', name: 'QWEN_HOME' } } : undefined;
}

/**
 * Qwen Code 0.24 (spec 0.24 §1.2.6): before anything else, `QWEN_HOME` is
 * bootstrapped from `~/.qwen/.env`, then `~/.env`, unless the environment
 * defines it (even as an empty string: then the `.env` loading may still
 * fill it from a home file, and the layers load twice). Then its `.env` files
 * are found.
 */
function readQwenCode024(inputs: EnvReadInputs, env: EnvRecord, diagnostics: Diagnostic[]): EnvFilesAndHome {
  const homeDir = resolve(inputs.homeDir);
  const cwd = resolve(inputs.cwd);
  const maxBytes = inputs.envFile?.maxBytes ?? DEFAULT_MAX_ENV_FILE_BYTES;
  const cache = new Map<string, LoadedEnvFile>();
  const read = (file: FoundEnvFile, report: boolean): LoadedEnvFile => {
    let r = cache.get(file.path);
    if (!r) {
      const out = readEnvFileValues(file, maxBytes);
      if (report) diagnostics.push(...out.diagnostics);
      r = { file, values: out.values };
      if (report) cache.set(file.path, r);
    }
    return r;
  };

  let home = explicitHome(inputs, env, homeDir, cwd);
  if (!home && !Object.hasOwn(env, 'QWEN_HOME')) {
    for (const path of [join(homeDir, '.qwen', '.env'), join(homeDir, '.env')]) {
      const st = (inputs.statOf ?? statOrUndefined)(path);
      if (!st?.isFile()) continue;
      const value = read({ path, size: st.size, scope: 'home' }, false).values?.QWEN_HOME;
      if (value) {
        home = { qwenDir: qwenDirFrom(value, homeDir, cwd), source: { kind: 'env-file', name: 'QWEN_HOME', path } };
        break;
      }
    }
  }
  const fallback: QwenHome = { qwenDir: qwenDirFrom(undefined, homeDir), source: { kind: 'default' } };
  const filesOf = (qwenDir: string) => {
    const found = findQwenCode024EnvFiles({ cwd, homeDir, qwenDir }, inputs.canUse, inputs.statOf);
    return { found, files: found.files.map((file) => read(file, true)) };
  };

  // QWEN_HOME exported empty: no bootstrap, but the .env loading fills it (empty means unset).
  if (!home && env.QWEN_HOME === '') {
    const first = filesOf(fallback.qwenDir);
    const mover = first.files.find((f) => f.file.scope === 'home' && f.values?.QWEN_HOME);
    if (mover) {
      const moved: QwenHome = {
        qwenDir: qwenDirFrom(mover.values!.QWEN_HOME, homeDir, cwd),
        source: { kind: 'env-file', name: 'QWEN_HOME', path: mover.file.path },
      };
      const second = filesOf(moved.qwenDir);
      return {
        search: { found: second.found.files[0] ?? null, searched: [...second.found.searched], ...(second.found.skipped && { skipped: second.found.skipped }) },
        files: second.files,
        home: moved,
        before: { qwenDir: fallback.qwenDir, files: first.files, searched: [...first.found.searched] },
      };
    }
  }
  home ??= fallback;
  const { found, files } = filesOf(home.qwenDir);
  return { search: { found: found.files[0] ?? null, searched: [...found.searched], ...(found.skipped && { skipped: found.skipped }) }, files, home };
}

/**
 * The one rule for Qwen's home folder (spec §1.7): an explicit `qwenDir` >
 * a non-blank `QWEN_HOME` in the real environment > `QWEN_HOME` from a
 * home-level `.env` file that resolution reads > `<homeDir>/.qwen`.
 * With `qwenCode: '0.24'`, Qwen Code 0.24's rule: `QWEN_HOME` from
 * `~/.qwen/.env` or `~/.env` (a relative value taken from `cwd`).
 * Reads the `.env` files once; resolution goes on with them.
 */
export function readEnvFilesAndHome(inputs: EnvReadInputs, diagnostics: Diagnostic[] = []): EnvFilesAndHome {
  const env = inputs.env ?? process.env;
  if (inputs.qwenCode === '0.24') return readQwenCode024(inputs, env, diagnostics);
  const homeDir = resolve(inputs.homeDir);
  const first: QwenHome = explicitHome(inputs, env, homeDir, homeDir) ?? {
    qwenDir: qwenDirFrom(undefined, homeDir),
    source: { kind: 'default' },
  };

  const search = findEnvFileWith({ cwd: resolve(inputs.cwd), homeDir, qwenDir: first.qwenDir }, inputs.canUse, inputs.statOf ?? statOrUndefined);
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
  /** Whose rule to follow (default `'0.12'`): `'0.24'` bootstraps `QWEN_HOME` from `~/.qwen/.env` and `~/.env` as Qwen Code 0.24 does. */
  readonly qwenCode?: QwenCodeVersion | undefined;
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
    qwenCode: options.qwenCode,
  }).home;
}
