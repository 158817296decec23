import { diagnostic } from '../diagnostics.js';
import type { Stats } from 'node:fs';
import { readFileSync, realpathNative } from '../internal/node.js';
import { join, resolve } from 'node:path';
import type { EnvRecord } from '../types.js';
import { errnoCode, statOrUndefined } from '../internal/fs.js';
import { jsonNestingDepth, locateJsonError, MAX_SETTINGS_DEPTH, stripJsonComments } from '../internal/jsonc.js';
import type { Diagnostic, QwenCodeVersion, SettingsScope } from '../types.js';
import { expandEnvReferences, neverExpanded024 } from './expand.js';
import { migrateV1Settings, type V1Migration } from './migrate-v1.js';
import { isPlainObject, schemas } from '../internal/schemas.js';

/** Settings files larger than this are reported and ignored. */
export const MAX_SETTINGS_FILE_BYTES = 4 * 1024 * 1024;

/** A settings file that parsed to a JSON object, migrated from v1 when it was v1, `$VAR` references expanded. */
export interface SettingsDocument {
  readonly scope: SettingsScope;
  readonly path: string;
  readonly data: Readonly<Record<string, unknown>>;
  /** The variable names its string values reference (`$NAME`, `${NAME}`), set or not. */
  readonly references: readonly string[];
}

/** `<qwenDir>/settings.json`. */
export function userSettingsPath(qwenDir: string): string {
  return join(qwenDir, 'settings.json');
}

/** `<cwd>/.qwen/settings.json`. */
export function workspaceSettingsPath(cwd: string): string {
  return join(cwd, '.qwen', 'settings.json');
}

/**
 * Reads one settings file. A missing file gives nothing; a file that is not
 * JSON with comments, or not an object, gives a diagnostic with its path,
 * line and column, and is otherwise ignored. A v1 (flat) file is migrated
 * to the nested shape first, in memory (settings-layers.md §5), then `$VAR`
 * references are expanded from `env`. Never writes.
 */
export async function readSettingsFile(
  path: string,
  scope: SettingsScope,
  env: EnvRecord,
  diagnostics: Diagnostic[],
  stat: Stats | undefined = statOrUndefined(path),
  dialect: QwenCodeVersion = '0.12',
): Promise<SettingsDocument | undefined> {
  const st = stat;
  if (!st?.isFile()) return undefined;
  if (st.size > MAX_SETTINGS_FILE_BYTES) {
    diagnostics.push(
      diagnostic('SETTINGS_TOO_LARGE', `${path} is ${st.size} bytes, over the ${MAX_SETTINGS_FILE_BYTES}-byte limit; it was ignored.`, { path }),
    );
    return undefined;
  }
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    diagnostics.push(diagnostic('SETTINGS_UNREADABLE', `${path} could not be read (${errnoCode(error) ?? 'error'}); it was ignored.`, { path }));
    return undefined;
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const stripped = stripJsonComments(text);
  const depth = jsonNestingDepth(stripped);
  if (depth > MAX_SETTINGS_DEPTH) {
    diagnostics.push(diagnostic('SETTINGS_TOO_DEEP', `${path} nests ${depth} levels deep, more than ${MAX_SETTINGS_DEPTH}; the file was ignored.`, { path }));
    return undefined;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(stripped);
  } catch (error) {
    const at = await locateJsonError(stripped, error);
    diagnostics.push(
      diagnostic('SETTINGS_INVALID_JSON', `${path}:${at.line}:${at.column} is not valid JSON (${at.reason}); the file was ignored.`, {
        path,
        line: at.line,
        column: at.column,
      }),
    );
    return undefined;
  }
  // JSON.parse gives a plain object or not one: the schema runs only to refuse.
  if (!isPlainObject(parsed) && schemas().settingObject(parsed)) {
    diagnostics.push(diagnostic('SETTINGS_NOT_OBJECT', `${path} does not hold a JSON object; the file was ignored.`, { path }));
    return undefined;
  }
  const v1 = migrateV1Settings(parsed as Record<string, unknown>, dialect);
  if (v1.migrated || v1.ignored.length > 0) noteLegacy(path, parsed as Record<string, unknown>, v1, diagnostics);
  const references = new Set<string>();
  const data = expandEnvReferences(v1.data, env, { names: references, ...(dialect === '0.24' && { keep: neverExpanded024 }) }) as Record<string, unknown>;
  return { scope, path, data, references: [...references] };
}

/** The diagnostic of a v1 file (migrated, or its flat keys ignored): its own function, off a v2 file's path. */
function noteLegacy(path: string, parsed: Record<string, unknown>, v1: V1Migration, diagnostics: Diagnostic[]): void {
  if (v1.migrated) {
    diagnostics.push(
      diagnostic(
        'SETTINGS_LEGACY_MIGRATED',
        `${path} is a v1 (flat) settings file; it was read as Qwen Code migrates it (selectedAuthType → security.auth.selectedType, …).`,
        { path },
      ),
    );
  } else if (v1.ignored.length > 0) {
    diagnostics.push(
      diagnostic(
        'SETTINGS_LEGACY_KEYS_IGNORED',
        `${path} has "$version" ${String(parsed.$version)} but flat v1 keys at the top level (${v1.ignored.join(', ')}); Qwen Code ignores them, and so does qwen-auth.`,
        { path },
      ),
    );
  }
}

/**
 * True when `cwd` is the home folder (then there is no workspace scope).
 * Compares real paths, as Qwen Code does, but only calls `realpath` when the
 * plain paths differ.
 */
export function isHomeFolder(cwd: string, homeDir: string): boolean {
  const a = resolve(cwd);
  const b = resolve(homeDir);
  if (a === b) return true;
  const real = (p: string): string => {
    try {
      return realpathNative(p);
    } catch {
      return p;
    }
  };
  return real(a) === real(b);
}
