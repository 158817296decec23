/**
 * The settings writers as the main entry exports them: each loads its
 * implementation (settings/writers.ts, one chunk with the atomic writes) on
 * its first call, so a start that only resolves never compiles them.
 */
import type { AuthType, QwenCodeAuthType } from '../types.js';
import type { TrustFolderOptions } from './trust-path.js';
import type { TrustFolderResult } from './trust-writer.js';
import type { SetSelectedAuthTypeOptions, SetSelectedAuthTypeResult } from './writer.js';

/**
 * Switches the auth method without a restart, as Qwen Code's `/auth` does:
 * changes only `security.auth.selectedType` (in a v1 file that Qwen Code
 * migrates on load, the flat `selectedAuthType`) in the chosen settings file,
 * keeping every other value, the comments and the formatting, and writes
 * atomically. A file that is not valid JSON with comments is left untouched
 * (SETTINGS_INVALID, with line and column).
 */
export async function setSelectedAuthType(type: AuthType | QwenCodeAuthType, options: SetSelectedAuthTypeOptions = {}): Promise<SetSelectedAuthTypeResult> {
  return (await import('./writers.js')).setSelectedAuthType(type, options);
}

/**
 * Trusts a folder for Qwen Code (and for qwen-auth's destination rule): adds
 * `"<folder>": "TRUST_FOLDER"` to the trusted-folders file, keeping every
 * other rule, and writes it atomically (mode 0600). A `DO_NOT_TRUST` on the
 * same path is replaced. Nothing is written when a rule already trusts it.
 * A file that is not one JSON object is left untouched (SETTINGS_INVALID).
 */
export async function trustFolder(folder: string, options: TrustFolderOptions = {}): Promise<TrustFolderResult> {
  return (await import('./writers.js')).trustFolder(folder, options);
}
