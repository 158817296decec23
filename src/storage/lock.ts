import { type FSWatcher, watch, promises as fsp } from 'node:fs';
import { dirname } from 'node:path';
import { QwenAuthError } from '../errors.js';
import { errnoCode } from '../internal/fs.js';
import type { ReleaseLock } from './types.js';

/**
 * Qwen Code's cross-process lock, so that qwen-auth and Qwen Code serialise
 * refreshes against each other: a file created exclusively, holding a random
 * id, and considered stale when its mtime is more than 10 s old.
 *
 * Where Qwen Code is weak, this does better: only a lock whose content is
 * our id is ever released; the holder touches the file every few seconds so
 * a slow refresh is never taken for stale; a stale lock is taken by rename,
 * and given back if what was renamed turns out to be a fresh one; and no
 * process-wide handler is installed (a lock left by a killed process simply
 * goes stale).
 */
export interface FileLockOptions {
  /** Age after which a lock is stale (default 10,000 ms, as Qwen Code). */
  readonly staleMs?: number;
  /** How long to wait for the lock before failing (default 30,000 ms). */
  readonly timeoutMs?: number;
  /** How often the holder touches the lock (default 2,000 ms). */
  readonly heartbeatMs?: number;
  /** First retry delay; it grows 1.5× up to `maxRetryMs` (default 20 ms). */
  readonly retryMs?: number;
  /** Longest retry delay (default 500 ms). */
  readonly maxRetryMs?: number;
}

export interface AcquireOptions extends FileLockOptions {
  readonly signal?: AbortSignal;
  /**
   * Checked between attempts while waiting. When it resolves true, waiting
   * stops without the lock (e.g. another process already refreshed).
   */
  readonly shouldStop?: () => Promise<boolean>;
}

export const DEFAULT_STALE_MS = 10_000;

/**
 * Wakes waiters as soon as something changes in the lock's folder (the lock
 * released, the credentials rewritten), so a handover costs no polling delay.
 * A hint only: polling stays the rule, and a folder that cannot be watched
 * just means waiting for the next poll.
 */
class FolderWatch {
  readonly #wakers = new Set<() => void>();
  readonly #watcher: FSWatcher | undefined;

  constructor(dir: string) {
    try {
      this.#watcher = watch(dir, { persistent: false }, () => {
        for (const wake of this.#wakers) wake();
      });
      this.#watcher.on('error', () => undefined);
    } catch {
      this.#watcher = undefined;
    }
  }

  /** Sleeps `ms`, or less when the folder changes or `signal` aborts. */
  sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(aborted());
        return;
      }
      const done = (): void => {
        clearTimeout(timer);
        this.#wakers.delete(done);
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = (): void => {
        clearTimeout(timer);
        this.#wakers.delete(done);
        reject(aborted());
      };
      const timer = setTimeout(done, ms);
      this.#wakers.add(done);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  close(): void {
    this.#watcher?.close();
  }
}

function aborted(): QwenAuthError<'ABORTED'> {
  return new QwenAuthError('ABORTED', 'Waiting for the credentials lock was cancelled.', { details: {} });
}

async function readOrUndefined(path: string): Promise<string | undefined> {
  try {
    return await fsp.readFile(path, 'utf8');
  } catch {
    return undefined;
  }
}

/** Takes a lock that looks stale. Returns after one attempt, whatever happened. */
async function breakStale(path: string, staleMs: number): Promise<void> {
  const observed = await readOrUndefined(path);
  if (observed === undefined) return;
  const aside = `${path}.stale.${globalThis.crypto.randomUUID()}`;
  try {
    await fsp.rename(path, aside);
  } catch {
    return; // someone else moved it first
  }
  const moved = await readOrUndefined(aside);
  const st = await fsp.stat(aside).catch(() => undefined);
  const fresh = moved !== observed || (st !== undefined && Date.now() - st.mtimeMs <= staleMs);
  if (fresh) {
    // We moved a lock another process had just taken: put it back unless a
    // newer one exists. `link` never replaces an existing file.
    await fsp.link(aside, path).catch(() => undefined);
  }
  await fsp.unlink(aside).catch(() => undefined);
}

/**
 * Takes the lock at `path`. Resolves with its release, or with `undefined`
 * when `shouldStop` ended the wait. Fails with LOCK_TIMEOUT, ABORTED or
 * STORE_ERROR.
 */
export async function acquireFileLock(path: string, options: AcquireOptions = {}): Promise<ReleaseLock | undefined> {
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const heartbeatMs = options.heartbeatMs ?? 2_000;
  const maxRetryMs = options.maxRetryMs ?? 500;
  let delay = options.retryMs ?? 20;
  const id = globalThis.crypto.randomUUID();
  const started = Date.now();
  let folder: FolderWatch | undefined;
  try {
    for (;;) {
      if (options.signal?.aborted) throw aborted();
      try {
        await fsp.writeFile(path, id, { flag: 'wx', mode: 0o600 });
        return holdLock(path, id, heartbeatMs);
      } catch (error) {
        const code = errnoCode(error);
        if (code === 'ENOENT') {
          await fsp.mkdir(dirname(path), { recursive: true, mode: 0o700 });
          continue;
        }
        if (code !== 'EEXIST') {
          throw new QwenAuthError('STORE_ERROR', `The lock ${path} could not be created (${code ?? 'error'}).`, {
            details: { store: 'file', operation: 'write' },
            cause: error,
          });
        }
      }
      const st = await fsp.stat(path).catch(() => undefined);
      if (!st) continue; // released meanwhile: try again at once
      if (Date.now() - st.mtimeMs > staleMs) {
        await breakStale(path, staleMs);
        continue;
      }
      if (options.shouldStop && (await options.shouldStop())) return undefined;
      const waited = Date.now() - started;
      if (waited >= timeoutMs) {
        throw new QwenAuthError('LOCK_TIMEOUT', `The lock ${path} was held by another process for more than ${timeoutMs} ms.`, {
          details: { path, waitedMs: waited },
        });
      }
      // The lock is held: wait, but wake up at once when its folder changes.
      folder ??= new FolderWatch(dirname(path));
      await folder.sleep(Math.min(delay * (0.75 + Math.random() / 2), timeoutMs - waited), options.signal);
      delay = Math.min(delay * 1.5, maxRetryMs);
    }
  } finally {
    folder?.close();
  }
}

function holdLock(path: string, id: string, heartbeatMs: number): ReleaseLock {
  const timer = setInterval(() => {
    const now = new Date();
    fsp.utimes(path, now, now).catch(() => undefined);
  }, heartbeatMs);
  timer.unref();
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    clearInterval(timer);
    // Release only a lock that is still ours.
    if ((await readOrUndefined(path)) === id) await fsp.unlink(path).catch(() => undefined);
  };
}
