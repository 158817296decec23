import { constants, promises as fsp } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface AtomicWriteOptions {
  /** File mode (default 0o600). */
  readonly mode?: number;
  /** Mode of folders created on the way (default 0o700). Existing folders are left as they are. */
  readonly dirMode?: number;
}

/**
 * Writes a file so that readers see either the old or the new content, never
 * a mix: a fresh temporary file in the same folder (created exclusively, so a
 * planted symlink is never followed), fsync, rename over the target (which
 * replaces a symlink at the target rather than writing through it), then
 * fsync of the folder.
 */
export async function writeFileAtomic(path: string, data: string, options: AtomicWriteOptions = {}): Promise<void> {
  const dir = dirname(path);
  await fsp.mkdir(dir, { recursive: true, mode: options.dirMode ?? 0o700 });
  const temp = join(dir, `.${basename(path)}.${globalThis.crypto.randomUUID().slice(0, 12)}.tmp`);
  const handle = await fsp.open(
    temp,
    constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0),
    options.mode ?? 0o600,
  );
  try {
    await handle.writeFile(data, 'utf8');
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    await fsp.unlink(temp).catch(() => undefined);
    throw error;
  }
  await handle.close();
  try {
    await fsp.rename(temp, path);
  } catch (error) {
    await fsp.unlink(temp).catch(() => undefined);
    throw error;
  }
  // Make the rename itself durable; not every platform can open a folder.
  try {
    const d = await fsp.open(dir, constants.O_RDONLY);
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    /* best effort */
  }
}
