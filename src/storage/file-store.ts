import { fsp } from '../internal/node.js';
import { dirname } from 'node:path';
import { QwenAuthError } from '../errors.js';
import { errnoCode, readRegularFile, statOrUndefined } from '../internal/fs.js';
import type { QwenHomeOptions } from '../env/qwen-home.js';
import { parseCredentialsJson, toQwenJson } from './credentials-json.js';
import type { FileLockOptions } from './lock.js';
import type { LockOptions, QwenCredentials, ReleaseLock, TokenStore } from './types.js';

import { fileStorePaths } from './paths.js';

export { CREDENTIALS_FILE, LOCK_FILE } from './paths.js';

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
  /** The clock for lock ages and leftovers, epoch ms (default `Date.now`; compared with file times: tests only). */
  readonly now?: () => number;
}

/** The file store: what Qwen Code itself uses, so both share one login. */
export interface FileTokenStore extends TokenStore {
  readonly kind: 'file';
  readonly path: string;
  readonly lockPath: string;
  version(): Promise<string | undefined>;
  lock(options?: LockOptions): Promise<ReleaseLock | undefined>;
}

/** A credentials file is a few hundred bytes; a larger one is not a login. */
export const MAX_CREDENTIALS_BYTES = 1024 * 1024;

/**
 * The credentials file and its folder when others than the owner may use
 * them (mode bits in 0o077), on systems with POSIX modes.
 */
export function looseModes(path: string): { readonly path: string; readonly mode: number; readonly kind: 'file' | 'folder' }[] {
  if (process.platform === 'win32') return [];
  const out: { path: string; mode: number; kind: 'file' | 'folder' }[] = [];
  const file = statOrUndefined(path);
  if (!file?.isFile()) return out;
  if ((file.mode & 0o077) !== 0) out.push({ path, mode: file.mode & 0o777, kind: 'file' });
  const dir = statOrUndefined(dirname(path));
  if (dir && (dir.mode & 0o077) !== 0) out.push({ path: dirname(path), mode: dir.mode & 0o777, kind: 'folder' });
  return out;
}

/**
 * Creates the folder (0700), or gives it 0700 if it is ours and others may
 * use it. Done before a new file lands in it.
 */
async function prepareFolder(dir: string): Promise<void> {
  const st = await fsp()
    .stat(dir)
    .catch((error: unknown) => {
      if (errnoCode(error) === 'ENOENT') return undefined;
      throw error;
    });
  if (!st) await fsp().mkdir(dir, { recursive: true, mode: 0o700 });
  else if ((st.mode & 0o077) !== 0 && typeof process.getuid === 'function' && st.uid === process.getuid()) await fsp().chmod(dir, 0o700);
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
  const { path, lockPath } = fileStorePaths(options);
  const now = options.now ?? Date.now;
  const lockOptions: FileLockOptions = { now, ...options.lock };

  return {
    kind: 'file',
    location: path,
    path,
    lockPath,
    async read(): Promise<QwenCredentials | undefined> {
      let read: Awaited<ReturnType<typeof readRegularFile>>;
      try {
        // Non-blocking and bounded: a FIFO or a device at the path never hangs the caller.
        read = await readRegularFile(path, MAX_CREDENTIALS_BYTES);
      } catch (error) {
        const code = errnoCode(error);
        if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
        throw storeError('read', path, error);
      }
      if (read.kind === 'not-regular') {
        throw new QwenAuthError('STORE_ERROR', `The credentials file ${path} is not a regular file; it was not read.`, {
          details: { store: 'file', operation: 'read' },
        });
      }
      return read.kind === 'text' ? parseCredentialsJson(read.text) : undefined;
    },
    async write(credentials: QwenCredentials): Promise<void> {
      // Atomic writes (shared with the settings writers) load on the first write, not to read a login.
      const { cleanTempFiles, writeFileAtomic } = await import('../internal/atomic-write.js');
      try {
        // The folder first: a writer killed right after the rename leaves no open folder behind.
        await prepareFolder(dirname(path));
        await writeFileAtomic(path, toQwenJson(credentials), { mode: 0o600, dirMode: 0o700 });
      } catch (error) {
        throw storeError('write', path, error);
      }
      // After the new login landed, never before: a refresh killed in between loses the
      // login the server just rotated, so nothing but the write itself sits in that window.
      await cleanTempFiles(path, { now });
    },
    async delete(): Promise<void> {
      try {
        await fsp().unlink(path);
      } catch (error) {
        if (errnoCode(error) !== 'ENOENT') throw storeError('delete', path, error);
      }
      // Copies a killed writer left behind hold the login too.
      const { cleanTempFiles } = await import('../internal/atomic-write.js');
      await cleanTempFiles(path, { now, all: true });
    },
    async version(): Promise<string | undefined> {
      try {
        const st = await fsp().stat(path);
        return `${st.mtimeMs}:${st.ino}:${st.size}`;
      } catch {
        return undefined;
      }
    },
    // The lock (its files, staleness and waiting) loads on the first write or refresh, not to read a login.
    async lock(opts: LockOptions = {}): Promise<ReleaseLock | undefined> {
      const { acquireFileLock } = await import('./lock.js');
      return acquireFileLock(lockPath, {
        ...lockOptions,
        ...(opts.signal && { signal: opts.signal }),
        ...(opts.shouldStop && { shouldStop: opts.shouldStop }),
      });
    },
  };
}
