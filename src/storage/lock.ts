import type { FSWatcher } from 'node:fs';
import { fsp, watch } from '../internal/node.js';
import type { FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { QwenAuthError } from '../errors.js';
import { errnoCode, readRegularFile } from '../internal/fs.js';
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
  /**
   * The clock, epoch ms (default `Date.now`). Lock ages are compared with
   * file modification times, which the file system takes from the real
   * clock: change it in tests only.
   */
  readonly now?: () => number;
  /**
   * Waits between attempts (default: a timer that also ends when the lock's
   * folder changes, or rejects with ABORTED when `signal` aborts).
   */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** Jitter of the retry delay, a number in [0, 1) (default `Math.random`). */
  readonly random?: () => number;
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

/** A lock file holds a random id: anything longer is not one of ours or Qwen Code's. */
const MAX_LOCK_BYTES = 4096;

/**
 * Attempts in a row that may skip the sleep because something moved (the
 * lock was released, or a stale one was broken). After that, every attempt
 * sleeps and checks the deadline, whatever the lock path holds.
 */
const MAX_IMMEDIATE_RETRIES = 2;

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
      const timer = setTimeout(done, Math.max(0, ms));
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

function storeError(path: string, what: string, error: unknown): QwenAuthError<'STORE_ERROR'> {
  return new QwenAuthError('STORE_ERROR', `The lock ${path} could not be ${what} (${errnoCode(error) ?? 'error'}).`, {
    details: { store: 'file', operation: 'write' },
    cause: error,
  });
}

/** The id in a lock file; undefined for anything that is not a small regular file (never blocks on a FIFO). */
async function readLockId(path: string): Promise<string | undefined> {
  try {
    const r = await readRegularFile(path, MAX_LOCK_BYTES, { noFollow: true });
    return r.kind === 'text' ? r.text : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Takes a lock that looks stale. True when it was moved away for good (try
 * again at once); false when nothing changed or it turned out to be fresh.
 */
async function breakStale(path: string, staleMs: number, now: () => number): Promise<boolean> {
  const observed = await readLockId(path);
  if (observed === undefined) return false;
  const aside = `${path}.stale.${globalThis.crypto.randomUUID()}`;
  try {
    await fsp().rename(path, aside);
  } catch {
    return false; // someone else moved it first
  }
  const moved = await readLockId(aside);
  const st = await fsp()
    .lstat(aside)
    .catch(() => undefined);
  const fresh = moved !== observed || (st !== undefined && now() - st.mtimeMs <= staleMs);
  let putBack = false;
  if (fresh) {
    // We moved a lock another process had just taken: put it back unless a
    // newer one exists. `link` never replaces an existing file.
    putBack = await fsp()
      .link(aside, path)
      .then(
        () => true,
        () => false,
      );
  }
  await fsp()
    .unlink(aside)
    .catch(() => undefined);
  return !putBack;
}

/** Creates the lock file exclusively; undefined when something is already at the path. */
async function create(path: string, id: string): Promise<FileHandle | undefined> {
  for (let attempt = 0; ; attempt++) {
    let handle: FileHandle;
    try {
      // O_EXCL: an existing file, folder or symlink (even a dangling one) is never opened.
      handle = await fsp().open(path, 'wx', 0o600);
    } catch (error) {
      const code = errnoCode(error);
      if (code === 'EEXIST') return undefined;
      if (code === 'ENOENT' && attempt < 2) {
        await fsp()
          .mkdir(dirname(path), { recursive: true, mode: 0o700 })
          .catch((e: unknown) => {
            throw storeError(path, 'created', e);
          });
        continue;
      }
      throw storeError(path, 'created', error);
    }
    try {
      await handle.writeFile(id);
      return handle;
    } catch (error) {
      await handle.close().catch(() => undefined);
      await fsp()
        .unlink(path)
        .catch(() => undefined);
      throw storeError(path, 'written', error);
    }
  }
}

/**
 * Takes the lock at `path`. Resolves with its release, or with `undefined`
 * when `shouldStop` ended the wait. Fails with LOCK_TIMEOUT, ABORTED or
 * STORE_ERROR. Whatever is at the path (a folder, a symlink, a FIFO), every
 * wait sleeps and the deadline holds: only a regular file is ever taken for
 * a lock, and only a stale regular file is ever broken.
 */
export async function acquireFileLock(path: string, options: AcquireOptions = {}): Promise<ReleaseLock | undefined> {
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const heartbeatMs = options.heartbeatMs ?? 2_000;
  const maxRetryMs = options.maxRetryMs ?? 500;
  const now = options.now ?? Date.now;
  const random = options.random ?? Math.random;
  let delay = options.retryMs ?? 20;
  const id = globalThis.crypto.randomUUID();
  const started = now();
  let folder: FolderWatch | undefined;
  const sleep =
    options.sleep ??
    ((ms: number, signal?: AbortSignal): Promise<void> => {
      folder ??= new FolderWatch(dirname(path));
      return folder.sleep(ms, signal);
    });
  let immediate = 0;
  let notAFile = false;
  try {
    for (;;) {
      if (options.signal?.aborted) throw aborted();
      const handle = await create(path, id);
      if (handle) return holdLock(path, id, handle, heartbeatMs, now);
      const st = await fsp()
        .lstat(path)
        .catch(() => undefined);
      notAFile = st !== undefined && !st.isFile();
      // Released meanwhile, or a stale lock moved away: try again at once, a few times.
      const moved = st === undefined || (st.isFile() && now() - st.mtimeMs > staleMs && (await breakStale(path, staleMs, now)));
      if (moved && immediate < MAX_IMMEDIATE_RETRIES) {
        immediate++;
        continue;
      }
      immediate = 0;
      if (options.shouldStop && (await options.shouldStop())) return undefined;
      const waited = now() - started;
      if (waited >= timeoutMs) {
        const why = notAFile
          ? `is not a regular file (a folder, symlink or FIFO?), so it is never taken for a lock; waited ${timeoutMs} ms`
          : `was held by another process for more than ${timeoutMs} ms`;
        throw new QwenAuthError('LOCK_TIMEOUT', `The lock ${path} ${why}.`, { details: { path, waitedMs: waited } });
      }
      // Wait, but wake up at once when the lock's folder changes.
      await sleep(Math.min(delay * (0.75 + random() / 2), timeoutMs - waited), options.signal);
      delay = Math.min(delay * 1.5, maxRetryMs);
    }
  } finally {
    folder?.close();
  }
}

/**
 * Holds the lock: the heartbeat touches the file through the descriptor that
 * created it, so a lock that was replaced meanwhile (taken over, or moved
 * aside) is never touched; a lock given back after a mistaken takeover is the
 * same file and stays fresh.
 */
function holdLock(path: string, id: string, handle: FileHandle, heartbeatMs: number, now: () => number): ReleaseLock {
  const timer = setInterval(() => {
    const t = new Date(now());
    handle.utimes(t, t).catch(() => undefined);
  }, heartbeatMs);
  timer.unref();
  let released = false;
  return async () => {
    if (released) return;
    released = true;
    clearInterval(timer);
    await handle.close().catch(() => undefined);
    // Release only a lock that is still ours.
    if ((await readLockId(path)) === id)
      await fsp()
        .unlink(path)
        .catch(() => undefined);
  };
}
