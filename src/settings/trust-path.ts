/**
 * Where the trusted-folders file of a mode is (`qwen-auth trust`, `trustFilePath()`):
 * the one `resolveAuth`'s folder-trust check reads. Apart from the writer
 * (trust-writer.ts), which loads on first use, so that asking for the path
 * loads no writing code.
 */
import { homedir } from '../internal/node.js';
import { join, resolve } from 'node:path';
import { locateQwenHome } from '../env/qwen-home.js';
import type { EnvRecord, QwenCodeVersion } from '../types.js';
import { trustedFoldersPath } from './trusted-folders.js';

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

/** The trusted-folders file a mode reads: the one `resolveAuth`'s folder-trust check reads too. */
export function trustFilePath(options: TrustFolderOptions = {}): string {
  const env = options.env ?? process.env;
  const homeDir = resolve(options.homeDir ?? homedir());
  const cwd = resolve(options.cwd ?? process.cwd());
  const qwenDir = options.qwenDir ?? (options.qwenCode === '0.24' ? locateQwenHome({ homeDir, env, cwd }).qwenDir : join(homeDir, '.qwen'));
  return trustedFoldersPath(qwenDir, env, cwd);
}
