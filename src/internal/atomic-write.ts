import { fsp, nodeFs, nodeOs } from './node.js';
import { basename, dirname, join } from 'node:path';
import { errnoCode } from './fs.js';

export interface AtomicWriteOptions {
  /** File mode (default 0o600). */
  readonly mode?: number;
  /** Mode of folders created on the way (default 0o700). Existing folders are left as they are. */
  readonly dirMode?: number;
}

/** Temporary files of this process that a write is using right now: never cleaned. */
const inFlight = new Set<string>();

let namespaceId: string | undefined;

/**
 * Eight hex digits naming where this process's pid means something: the
 * host name and, on Linux, the PID namespace (`/proc/self/ns/pid`). A
 * container and its host (or two machines) sharing `~/.qwen` get different
 * ids, so neither reads the other's pids as its own. Read on first use.
 */
export function pidNamespace(): string {
  if (namespaceId !== undefined) return namespaceId;
  let ns = '';
  try {
    ns = nodeFs().readlinkSync('/proc/self/ns/pid');
  } catch {
    /* no /proc (macOS, Windows): the host name alone */
  }
  let host = '';
  try {
    host = nodeOs().hostname();
  } catch {
    /* none */
  }
  // FNV-1a: a name, not a secret (and node:crypto stays off the cold path).
  let h = 0x811c9dc5;
  for (const ch of `${host}\0${ns}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  namespaceId = h.toString(16).padStart(8, '0');
  return namespaceId;
}

/** `.<name>.<pid>-<namespace>.<random>.tmp`: the writer's pid, and where that pid is meaningful. */
function tempName(path: string): string {
  return join(dirname(path), `.${basename(path)}.${process.pid}-${pidNamespace()}.${globalThis.crypto.randomUUID().slice(0, 12)}.tmp`);
}

/** How many times a write starts over when its temporary file vanished before the rename (a cleaner elsewhere). */
const ATTEMPTS = 3;

/**
 * Writes a file so that readers see either the old or the new content, never
 * a mix: a fresh temporary file in the same folder (created exclusively, so a
 * planted symlink is never followed), written, renamed over the target (which
 * replaces a symlink at the target rather than writing through it), then
 * fsync of the file and of the folder. The rename comes before the fsyncs:
 * a process killed (SIGKILL, or Ctrl-C in a tool with no handler) at any
 * point leaves the old or the new file, and the time from "data in hand" to
 * "file in place" — the time in which a refresh killed after the server
 * rotated its token loses the login — is the write alone, not a disk flush.
 * A writer killed half-way leaves its temporary file; {@link cleanTempFiles}
 * removes it once the writer is gone.
 */
export async function writeFileAtomic(path: string, data: string, options: AtomicWriteOptions = {}): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await writeOnce(path, data, options);
    } catch (error) {
      // The temporary file was removed under us (by an older cleaner that took it for a dead writer's): start over.
      if (!(error instanceof TempFileVanished) || attempt >= ATTEMPTS) throw error instanceof TempFileVanished ? error.cause : error;
    }
  }
}

class TempFileVanished extends Error {}

async function writeOnce(path: string, data: string, options: AtomicWriteOptions): Promise<void> {
  const dir = dirname(path);
  const temp = tempName(path);
  const mode = options.mode ?? 0o600;
  const flags = nodeFs().constants.O_WRONLY | nodeFs().constants.O_CREAT | nodeFs().constants.O_EXCL | (nodeFs().constants.O_NOFOLLOW ?? 0);
  inFlight.add(temp);
  try {
    // The umask can only take bits away: the file is `mode` or stricter.
    const handle = await fsp()
      .open(temp, flags, mode)
      .catch(async (error: unknown) => {
        if (errnoCode(error) !== 'ENOENT') throw error;
        await fsp().mkdir(dir, { recursive: true, mode: options.dirMode ?? 0o700 });
        return fsp().open(temp, flags, mode);
      });
    try {
      await handle.writeFile(data, 'utf8');
      await fsp().rename(temp, path);
    } catch (error) {
      await handle.close().catch(() => undefined);
      await fsp()
        .unlink(temp)
        .catch(() => undefined);
      throw errnoCode(error) === 'ENOENT' &&
        (await fsp()
          .stat(dir)
          .then(
            () => true,
            () => false,
          ))
        ? new TempFileVanished('gone', { cause: error })
        : error;
    }
    // Durable once flushed; readers already see the whole new file.
    await handle.sync().catch(() => undefined);
    await handle.close();
  } finally {
    inFlight.delete(temp);
  }
  // Make the rename itself durable; not every platform can open a folder.
  try {
    const d = await fsp().open(dir, nodeFs().constants.O_RDONLY);
    try {
      await d.sync();
    } finally {
      await d.close();
    }
  } catch {
    /* best effort */
  }
}

/** How long another live process's temporary file is presumed in use (a write takes milliseconds). */
export const LIVE_TEMP_MS = 10 * 60_000;
/** How long a temporary file without a writer's pid (older versions, Qwen Code) is presumed in use. */
export const FOREIGN_TEMP_MS = 60_000;

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errnoCode(error) === 'EPERM'; // alive, someone else's
  }
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export interface CleanTempOptions {
  /** The clock, epoch ms (default `Date.now`). */
  readonly now?: () => number;
  /** Also remove temporary files of unknown writers however young (logout: the login is going anyway). */
  readonly all?: boolean;
}

/**
 * Removes the temporary files that writes of `path` left behind when their
 * writer died: ours (`.<name>.<pid>-<namespace>.<hex>.tmp`) of this PID
 * namespace once that process is gone (this very pid: after
 * {@link FOREIGN_TEMP_MS}, since another copy of the library in this
 * process may be writing), or after {@link LIVE_TEMP_MS}; those of another
 * namespace (a container sharing the folder, another machine) only after
 * {@link LIVE_TEMP_MS}, their pid meaning nothing here. Files without a
 * namespace (older versions: `.<name>.<pid>.<hex>.tmp`, `.<name>.<hex>.tmp`)
 * and Qwen Code's (`<name>.tmp.<uuid>`) go after {@link FOREIGN_TEMP_MS}
 * (at once with `all`). A write of this process in progress is never
 * touched. Best effort: returns how many were removed.
 */
export async function cleanTempFiles(path: string, options: CleanTempOptions = {}): Promise<number> {
  const dir = dirname(path);
  const name = escapeRegExp(basename(path));
  const ours = new RegExp(`^\\.${name}\\.(\\d+)-([0-9a-f]{8})\\.[0-9a-f-]{12}\\.tmp$`);
  const foreign = new RegExp(`^(?:\\.${name}\\.(?:\\d+\\.)?[0-9a-f-]{12}\\.tmp|${name}\\.tmp\\.[0-9a-f-]{36})$`);
  const now = (options.now ?? Date.now)();
  let entries: string[];
  try {
    entries = await fsp().readdir(dir);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const entry of entries) {
    const m = ours.exec(entry);
    if (!m && !foreign.test(entry)) continue;
    const full = join(dir, entry);
    if (inFlight.has(full)) continue;
    const st = await fsp()
      .lstat(full)
      .catch(() => undefined);
    if (!st?.isFile()) continue;
    const age = now - st.mtimeMs;
    const pid = m && m[2] === pidNamespace() ? Number(m[1]) : undefined;
    const gone = m
      ? age > LIVE_TEMP_MS || (pid !== undefined && (pid === process.pid ? age > FOREIGN_TEMP_MS : !isAlive(pid)))
      : options.all === true || age > FOREIGN_TEMP_MS;
    if (
      gone &&
      (await fsp()
        .unlink(full)
        .then(
          () => true,
          () => false,
        ))
    )
      removed++;
  }
  return removed;
}
