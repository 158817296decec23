/**
 * Where the command's output goes. Node's `process.stdout` is built on first
 * use, and building it loads the whole stream machinery (for a pipe, the
 * network modules too): more than some commands cost. When the descriptor is
 * surely not a terminal (a file, a pipe, a socket, /dev/null), the text is
 * written to it directly — as Node itself does there on Linux, synchronously.
 * A terminal, Windows, or anything unsure gets Node's stream.
 */
import { nodeFs } from './node.js';

/** One output stream of the command. */
export interface Sink {
  /** A terminal (then colours, progress lines and QR codes make sense). */
  readonly tty: boolean;
  /** The terminal's width, when it is one. */
  readonly columns: number | undefined;
  write(text: string): void;
}

/** A stream as a sink (as given: a test's stand-in, or Node's own, see {@link fdSink}). */
export function streamSink(stream: NodeJS.WriteStream): Sink {
  return { tty: stream.isTTY === true, columns: stream.isTTY ? stream.columns : undefined, write: (text) => void stream.write(text) };
}

/** Node's stream for a descriptor, stopping the command quietly when the reader goes away (`… | head`). */
function nodeStream(stream: () => NodeJS.WriteStream): NodeJS.WriteStream {
  const s = stream();
  s.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
  return s;
}

/** True when `fd` is a file, a pipe, a socket or /dev/null: no terminal behind it. */
function surelyNotTerminal(fd: 1 | 2): boolean {
  if (process.platform === 'win32') return false;
  try {
    const fs = nodeFs();
    const s = fs.fstatSync(fd);
    if (s.isFile() || s.isFIFO() || s.isSocket()) return true;
    return s.isCharacterDevice() && s.rdev === fs.statSync('/dev/null').rdev;
  } catch {
    return false;
  }
}

/** Text written to descriptors 1 and 2 and not yet handed to the system, in order. */
const pending: { fd: 1 | 2; text: string }[] = [];
let flushing = false;

/**
 * Hands the pending text to the system: one write per run of text for the
 * same descriptor, in the order it was written (stdout and stderr stay
 * interleaved as printed).
 */
function flush(): void {
  flushing = false;
  while (pending.length > 0) {
    const { fd } = pending[0]!;
    let text = '';
    while (pending[0]?.fd === fd) text += pending.shift()!.text;
    writeAll(fd, text);
  }
}

/** Node's streams, once a descriptor turned out to need one (EAGAIN). */
const fallbacks = new Map<1 | 2, NodeJS.WriteStream>();

function writeAll(fd: 1 | 2, text: string): void {
  const fallback = fallbacks.get(fd);
  if (fallback) return void fallback.write(text);
  const bytes = Buffer.from(text);
  let written = 0;
  while (written < bytes.length) {
    try {
      written += nodeFs().writeSync(fd, bytes, written);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // The reader went away: stop quietly, as with Node's stream.
      if (code === 'EPIPE') process.exit(process.exitCode ?? 0);
      if (code !== 'EAGAIN') throw error;
      // A non-blocking descriptor that is full: Node's stream waits for it, for this and what follows.
      const stream = nodeStream(() => (fd === 1 ? process.stdout : process.stderr));
      fallbacks.set(fd, stream);
      stream.write(bytes.subarray(written));
      return;
    }
  }
}

/**
 * The sink of descriptor 1 or 2 (`stream` gives Node's stream for it, built
 * only when needed). Text written in one turn of the event loop goes out in
 * one system call, after the code that printed it (a status is one write).
 */
export function fdSink(fd: 1 | 2, stream: () => NodeJS.WriteStream): Sink {
  if (!surelyNotTerminal(fd)) return streamSink(nodeStream(stream));
  return {
    tty: false,
    columns: undefined,
    write(text) {
      pending.push({ fd, text });
      if (flushing) return;
      flushing = true;
      queueMicrotask(flush);
    },
  };
}
