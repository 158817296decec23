import type { Stats } from 'node:fs';
import { nodeFs, realpathNative, statSync } from './node.js';

/**
 * `stat` that answers `undefined` instead of throwing for a path that does not
 * exist or cannot be reached (ENOENT, ENOTDIR, EACCES on a parent, a name too
 * long). One system call, no exception on the common "not there" path.
 */
export function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

/** The `code` of a Node.js system error, or undefined. */
export function errnoCode(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error) {
    const code = (error as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/** What {@link readRegularFile} found. */
export type RegularRead =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'not-regular' }
  | { readonly kind: 'too-large'; readonly size: number };

/**
 * Reads a file only when it is a regular file of at most `maxBytes`. Opened
 * non-blocking, so a FIFO or a device at the path never hangs the caller;
 * `noFollow` also refuses a symlink. Errors of `open` (ENOENT, EACCES…)
 * are thrown as they are.
 */
export async function readRegularFile(path: string, maxBytes: number, options: { readonly noFollow?: boolean } = {}): Promise<RegularRead> {
  const { constants, promises: fsp } = nodeFs();
  let handle: import('node:fs/promises').FileHandle;
  try {
    handle = await fsp.open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (options.noFollow ? (constants.O_NOFOLLOW ?? 0) : 0));
  } catch (error) {
    if (options.noFollow && errnoCode(error) === 'ELOOP') return { kind: 'not-regular' };
    throw error;
  }
  try {
    const st = await handle.stat();
    if (!st.isFile()) return { kind: 'not-regular' };
    if (st.size > maxBytes) return { kind: 'too-large', size: st.size };
    // Read at most one byte past the bound: a file growing meanwhile is still bounded.
    const buffer = Buffer.alloc(Math.min(maxBytes, st.size) + 1);
    let length = 0;
    for (;;) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, null);
      if (bytesRead === 0) break;
      length += bytesRead;
      if (length === buffer.length) return { kind: 'too-large', size: length };
    }
    return { kind: 'text', text: buffer.toString('utf8', 0, length) };
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** The real path of `path` (symlinks resolved), or `path` itself when it cannot be resolved. */
export function realPathOr(path: string): string {
  try {
    return realpathNative(path);
  } catch {
    return path;
  }
}
