/**
 * The writer of Qwen Code's trusted-folders file (`qwen-auth trust [dir]`):
 * adds `{ "<folder>": "TRUST_FOLDER" }`, in Qwen Code's format, keeping every
 * other rule; writes atomically with mode 0600. The reader is trusted-folders.ts.
 */
import { fsp, homedir } from '../internal/node.js';
import { join, resolve } from 'node:path';
import { locateQwenHome } from '../env/qwen-home.js';
import { QwenAuthError } from '../errors.js';
import { writeFileAtomic } from '../internal/atomic-write.js';
import { errnoCode } from '../internal/fs.js';
import { stripJsonComments } from '../internal/jsonc.js';
import type { EnvRecord, QwenCodeVersion } from '../types.js';
import { folderTrustOf, readTrustRules, type TrustLevel, trustedFoldersPath } from './trusted-folders.js';

export interface TrustFolderOptions {
  /** Folder a relative `folder` is taken from (default `process.cwd()`). */
  readonly cwd?: string;
  readonly homeDir?: string;
  /** Read for `QWEN_HOME` and `QWEN_CODE_TRUSTED_FOLDERS_PATH` (default `process.env`). */
  readonly env?: EnvRecord;
  /** Qwen's home folder (default as `resolveAuth` finds it for the mode). */
  readonly qwenDir?: string;
  /**
   * Whose file: `'0.12'` (default) reads and writes `~/.qwen/trustedFolders.json`
   * (Qwen Code 0.12 never followed `QWEN_HOME` there); `'0.24'` the one in
   * Qwen's home folder. `QWEN_CODE_TRUSTED_FOLDERS_PATH` moves both.
   */
  readonly qwenCode?: QwenCodeVersion;
}

export interface TrustFolderResult {
  /** The rules file written (or that already trusted the folder). */
  readonly path: string;
  /** The folder, absolute. */
  readonly folder: string;
  /** The level the folder had before in the file, if any. */
  readonly previous: TrustLevel | undefined;
  /** False when a rule already trusted the folder (nothing was written). */
  readonly changed: boolean;
}

/** The trusted-folders file a mode reads: the one `resolveAuth`'s folder-trust check reads too. */
export function trustFilePath(options: TrustFolderOptions = {}): string {
  const env = options.env ?? process.env;
  const homeDir = resolve(options.homeDir ?? homedir());
  const cwd = resolve(options.cwd ?? process.cwd());
  const qwenDir = options.qwenDir ?? (options.qwenCode === '0.24' ? locateQwenHome({ homeDir, env, cwd }).qwenDir : join(homeDir, '.qwen'));
  return trustedFoldersPath(qwenDir, env, cwd);
}

/**
 * Trusts a folder for Qwen Code (and for qwen-auth's destination rule): adds
 * `"<folder>": "TRUST_FOLDER"` to the trusted-folders file, keeping every
 * other rule, and writes it atomically (mode 0600). A `DO_NOT_TRUST` on the
 * same path is replaced. Nothing is written when a rule already trusts it.
 * A file that is not one JSON object is left untouched (SETTINGS_INVALID).
 */
export async function trustFolder(folder: string, options: TrustFolderOptions = {}): Promise<TrustFolderResult> {
  if (typeof folder !== 'string' || folder === '' || folder.includes('\0')) {
    throw new QwenAuthError('INVALID_OPTION', 'The folder to trust must be a non-empty path.', { details: { option: 'folder' } });
  }
  const dir = resolve(options.cwd ?? process.cwd(), folder);
  const st = await fsp()
    .stat(dir)
    .catch(() => undefined);
  if (!st?.isDirectory()) {
    throw new QwenAuthError('INVALID_OPTION', `${dir} ${st ? 'is not a folder' : 'does not exist'}.`, { details: { option: 'folder' } });
  }
  let path = trustFilePath(options);
  // Write through a symlinked rules file (dotfile managers) instead of replacing the link.
  path = await fsp()
    .realpath(path)
    .catch(() => path);
  const file = readTrustRules(path);
  if (file.problem) {
    throw new QwenAuthError('SETTINGS_INVALID', `${path} is not a trusted-folders file (${file.problem.message}); it was not changed.`, {
      details: { path, line: 0, column: 0 },
      remedy: 'Make the file one JSON object from folder path to TRUST_FOLDER, TRUST_PARENT or DO_NOT_TRUST (or remove it), then retry.',
    });
  }
  const previous = file.rules.find((r) => resolve(r.path) === dir)?.level;
  // Already trusted by its own rule, or by a covering one in both dialects: nothing to do.
  const trusted = (['0.12', '0.24'] as const).every((d) => folderTrustOf(file.rules, dir, d).verdict === 'trusted');
  if (trusted) return { path, folder: dir, previous, changed: false };

  let data: Record<string, unknown> = {};
  if (file.exists) {
    try {
      data = JSON.parse(stripJsonComments((await fsp().readFile(path, 'utf8')).replace(/^\uFEFF/, ''))) as Record<string, unknown>;
    } catch (error) {
      throw new QwenAuthError('SETTINGS_WRITE_FAILED', `${path} could not be read (${errnoCode(error) ?? 'error'}).`, { details: { path }, cause: error });
    }
  }
  const next: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(data)) if (resolve(k) !== dir) next[k] = v;
  next[dir] = 'TRUST_FOLDER';
  try {
    await writeFileAtomic(path, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
  } catch (error) {
    throw new QwenAuthError('SETTINGS_WRITE_FAILED', `${path} could not be written (${errnoCode(error) ?? 'error'}).`, { details: { path }, cause: error });
  }
  return { path, folder: dir, previous, changed: true };
}
