import { diagnostic } from '../diagnostics.js';
import { readFileSync } from '../internal/node.js';
import { basename, dirname } from 'node:path';
import { errnoCode, statOrUndefined } from '../internal/fs.js';
import type { Diagnostic, EnvFileLayer } from '../types.js';
import { type FoundEnvFile, homeLevelEnvFiles } from './discover.js';
import type { LayeredEnv } from './layered-env.js';
import { parseEnvText } from './parse.js';

/** Variables dropped from project `.env` files unless configured otherwise. */
export const DEFAULT_EXCLUDED_ENV_VARS: readonly string[] = Object.freeze(['DEBUG', 'DEBUG_MODE']);

/** Variables that only home-level `.env` files may set. */
export const HOME_ONLY_ENV_VARS: readonly string[] = Object.freeze(['QWEN_HOME', 'QWEN_RUNTIME_DIR']);

/** Default ceiling for a `.env` file: larger files are reported and skipped. */
export const DEFAULT_MAX_ENV_FILE_BYTES = 1024 * 1024;

export interface EnvFileValues {
  /** Parsed key/value pairs, or undefined when the file could not be used. */
  readonly values: Readonly<Record<string, string>> | undefined;
  readonly diagnostics: Diagnostic[];
}

/**
 * Reads and parses one `.env` file with `dotenv.parse` (no expansion, no
 * command substitution, nothing written anywhere). An unreadable or oversized
 * file yields a diagnostic and no values, and resolution goes on, as Qwen Code
 * does.
 */
export function readEnvFileValues(file: FoundEnvFile, maxBytes: number): EnvFileValues {
  if (file.size > maxBytes) {
    return {
      values: undefined,
      diagnostics: [
        diagnostic('ENV_FILE_TOO_LARGE', `${file.path} is ${file.size} bytes, over the ${maxBytes}-byte limit; it was not loaded.`, { path: file.path }),
      ],
    };
  }
  let text: string;
  try {
    text = readFileSync(file.path, 'utf8');
  } catch (error) {
    return {
      values: undefined,
      diagnostics: [
        diagnostic('ENV_FILE_UNREADABLE', `${file.path} could not be read (${errnoCode(error) ?? 'error'}); it was not loaded and no other file was tried.`, {
          path: file.path,
        }),
      ],
    };
  }
  return { values: parseEnvText(text), diagnostics: [] };
}

/** True for a file whose parent folder is named `.qwen` (e.g. `<project>/.qwen/.env`). */
export function isInQwenFolder(path: string): boolean {
  return basename(dirname(path)) === '.qwen';
}

/** The names a dialect keeps out of `.env` files, beyond the excluded list of project files. */
export interface EnvFileGuards {
  /** Names only a home-level file may set. */
  readonly homeOnly: (name: string) => boolean;
  /** Names no file may set (Qwen Code 0.24's loader variables). */
  readonly never?: (name: string) => boolean;
}

/** Qwen Code 0.12's guards: `QWEN_HOME` and `QWEN_RUNTIME_DIR` from home-level files only. */
export const HOME_ONLY_GUARDS: EnvFileGuards = { homeOnly: (name) => HOME_ONLY_ENV_VARS.includes(name) };

/**
 * Offers the keys of one parsed file to the environment, applying the rules:
 * excluded names are dropped from project files (not home-level, not directly
 * in a `.qwen` folder), home-only names from anything that is not home-level,
 * the dialect's forbidden names from every file, and names already set are
 * shadowed (what "set" means is the layers' `emptyIsUnset`).
 */
export function applyEnvFile(
  env: LayeredEnv,
  file: { readonly path: string; readonly scope: 'project' | 'home' },
  values: Readonly<Record<string, string>>,
  excluded: readonly string[],
  guards: EnvFileGuards = HOME_ONLY_GUARDS,
): EnvFileLayer {
  const home = file.scope === 'home';
  const isProjectFile = !home && !isInQwenFolder(file.path);
  const applied: string[] = [];
  const dropped: string[] = [];
  const shadowed: string[] = [];
  for (const name of Object.keys(values)) {
    if (guards.never?.(name) || (!home && guards.homeOnly(name)) || (isProjectFile && excluded.includes(name))) {
      dropped.push(name);
      continue;
    }
    const taken = env.offer(name, {
      value: values[name]!,
      source: { kind: 'env-file', name, path: file.path, scope: file.scope === 'home' ? 'user' : 'workspace' },
    });
    (taken ? applied : shadowed).push(name);
  }
  return { path: file.path, applied, excluded: dropped, shadowed };
}

/** A `.env` file read for applying: its values, or undefined when it could not be used. */
export interface LoadedEnvFile {
  readonly file: FoundEnvFile;
  readonly values: Readonly<Record<string, string>> | undefined;
}

/**
 * Reads the file found by discovery and, with `homeFallback` (Qwen Code
 * ≥ 0.2x), the home-level files below it: `<qwenDir>/.env` and `~/.env`
 * below a project file, `~/.env` below `<qwenDir>/.env`. Highest first.
 */
export function loadEnvFiles(
  found: FoundEnvFile | null,
  roots: { readonly homeDir: string; readonly qwenDir: string },
  options: { readonly homeFallback: boolean; readonly maxBytes: number },
  diagnostics: Diagnostic[],
): LoadedEnvFile[] {
  if (!found) return [];
  const files: LoadedEnvFile[] = [];
  const read = (file: FoundEnvFile): void => {
    const r = readEnvFileValues(file, options.maxBytes);
    diagnostics.push(...r.diagnostics);
    files.push({ file, values: r.values });
  };
  read(found);
  if (options.homeFallback) {
    const [qwenEnv, , homeEnv] = homeLevelEnvFiles(roots);
    const below = found.path === homeEnv ? [] : [qwenEnv!, homeEnv!].filter((p) => p !== found.path);
    for (const path of below) {
      const st = statOrUndefined(path);
      if (st?.isFile()) read({ path, size: st.size, scope: 'home' });
    }
  }
  return files;
}
