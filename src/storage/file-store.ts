import { promises as fsp } from 'node:fs';
import { dirname, join } from 'node:path';
import { QwenAuthError } from '../errors.js';
import { writeFileAtomic } from '../internal/atomic-write.js';
import { errnoCode } from '../internal/fs.js';
import { locateQwenHome, type QwenHomeOptions } from '../env/qwen-home.js';
import { parseCredentialsJson, toQwenJson } from './credentials-json.js';
import { acquireFileLock, type FileLockOptions } from './lock.js';
import type { LockOptions, QwenCredentials, ReleaseLock, TokenStore } from './types.js';

/** The credentials file name Qwen Code uses. */
export const CREDENTIALS_FILE = 'oauth_creds.json';
/** The lock file name Qwen Code uses. */
export const LOCK_FILE = 'oauth_creds.lock';

export interface FileTokenStoreOptions extends QwenHomeOptions {
  /**
   * Qwen's home folder. Default: found as `resolveAuth` finds it from
   * `homeDir`, `env` and `cwd` (`QWEN_HOME`, also from a home-level `.env`,
   * else `~/.qwen`), when the store is created.
   */
  readonly qwenDir?: string | undefined;
  /** The credentials file (default `<qwenDir>/oauth_creds.json`). */
  readonly path?: string;
  /** The lock file (default `<qwenDir>/oauth_creds.lock`, shared with Qwen Code). */
  readonly lockPath?: string;
  /** Lock timings. */
  readonly lock?: FileLockOptions;
}

/** The file store: what Qwen Code itself uses, so both share one login. */
export interface FileTokenStore extends TokenStore {
  readonly kind: 'file';
  readonly path: string;
  readonly lockPath: string;
  version(): Promise<string | undefined>;
  lock(options?: LockOptions): Promise<ReleaseLock | undefined>;
}

function storeError(operation: 'read' | 'write' | 'delete', path: string, error: unknown): QwenAuthError<'STORE_ERROR'> {
  return new QwenAuthError('STORE_ERROR', `Could not ${operation} the credentials file ${path} (${errnoCode(error) ?? 'error'}).`, {
    details: { store: 'file', operation },
    cause: error,
  });
}

/**
 * Credentials in `<qwenDir>/oauth_creds.json`, Qwen Code's exact JSON shape,
 * written atomically with mode 0600 in a 0700 folder. A file that is not a
 * valid login reads as no credentials.
 */
export function createFileTokenStore(options: FileTokenStoreOptions = {}): FileTokenStore {
  const path = options.path ?? join(locateQwenHome(options).qwenDir, CREDENTIALS_FILE);
  const lockPath = options.lockPath ?? join(dirname(path), LOCK_FILE);
  const lockOptions = options.lock ?? {};

  return {
    kind: 'file',
    location: path,
    path,
    lockPath,
    async read(): Promise<QwenCredentials | undefined> {
      let text: string;
      try {
        text = await fsp.readFile(path, 'utf8');
      } catch (error) {
        const code = errnoCode(error);
        if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
        throw storeError('read', path, error);
      }
      return parseCredentialsJson(text);
    },
    async write(credentials: QwenCredentials): Promise<void> {
      try {
        await writeFileAtomic(path, toQwenJson(credentials), { mode: 0o600, dirMode: 0o700 });
        const dir = await fsp.stat(dirname(path));
        if ((dir.mode & 0o077) !== 0 && typeof process.getuid === 'function' && dir.uid === process.getuid()) {
          await fsp.chmod(dirname(path), 0o700);
        }
      } catch (error) {
        throw storeError('write', path, error);
      }
    },
    async delete(): Promise<void> {
      try {
        await fsp.unlink(path);
      } catch (error) {
        if (errnoCode(error) !== 'ENOENT') throw storeError('delete', path, error);
      }
    },
    async version(): Promise<string | undefined> {
      try {
        const st = await fsp.stat(path);
        return `${st.mtimeMs}:${st.ino}:${st.size}`;
      } catch {
        return undefined;
      }
    },
    lock(opts: LockOptions = {}): Promise<ReleaseLock | undefined> {
      return acquireFileLock(lockPath, {
        ...lockOptions,
        ...(opts.signal && { signal: opts.signal }),
        ...(opts.shouldStop && { shouldStop: opts.shouldStop }),
      });
    },
  };
}
