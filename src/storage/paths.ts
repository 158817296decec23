import { dirname, join } from 'node:path';
import { locateQwenHome, type QwenHomeOptions } from '../env/qwen-home.js';

/** The credentials file name Qwen Code uses. */
export const CREDENTIALS_FILE = 'oauth_creds.json';
/** The lock file name Qwen Code uses. */
export const LOCK_FILE = 'oauth_creds.lock';

/** Where a file store keeps the login and its lock (the store's options decide; see `FileTokenStoreOptions`). */
export function fileStorePaths(options: QwenHomeOptions & { readonly qwenDir?: string | undefined; readonly path?: string; readonly lockPath?: string }): {
  readonly path: string;
  readonly lockPath: string;
} {
  const path = options.path ?? join(locateQwenHome(options).qwenDir, CREDENTIALS_FILE);
  return { path, lockPath: options.lockPath ?? join(dirname(path), LOCK_FILE) };
}
