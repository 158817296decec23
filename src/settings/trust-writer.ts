/**
 * The writer of Qwen Code's trusted-folders file (`qwen-auth trust [dir]`):
 * adds `{ "<folder>": "TRUST_FOLDER" }`, in Qwen Code's format, keeping every
 * other rule; writes atomically with mode 0600. The reader is trusted-folders.ts.
 */
import { fsp } from '../internal/node.js';
import { resolve } from 'node:path';
import { QwenAuthError } from '../errors.js';
import { writeFileAtomic } from '../internal/atomic-write.js';
import { errnoCode } from '../internal/fs.js';
import { stripJsonComments } from '../internal/jsonc.js';
import { folderTrustOf, readTrustRules, type TrustLevel } from './trusted-folders.js';
import { type TrustFolderOptions, trustFilePath } from './trust-path.js';

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

/** trustFolder(), as settings/on-first-use.ts exports it (its documentation is there). */
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
