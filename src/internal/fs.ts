import { realpathSync, statSync, type Stats } from 'node:fs';

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

/** The real path of `path` (symlinks resolved), or `path` itself when it cannot be resolved. */
export function realPathOr(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    return path;
  }
}
