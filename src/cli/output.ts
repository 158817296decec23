/**
 * Terminal output: colour only on a TTY and never with NO_COLOR, plain text
 * when piped, JSON when asked.
 */
import { fdSink, type Sink, streamSink } from './sink.js';

export interface Output {
  readonly color: boolean;
  readonly tty: boolean;
  /** Columns for text laid out to fit (help): the terminal's, 80 when stdout is not one. */
  readonly width: number;
  line(text?: string): void;
  error(text?: string): void;
  json(value: unknown): void;
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

/* eslint-disable no-control-regex */
/** Whole escape sequences: CSI (ESC [ or 0x9b), OSC (ESC ] or 0x9d, to BEL or ST), DCS/SOS/PM/APC, and two-character escapes. */
const SEQUENCES =
  /(?:\u001b\[|\u009b)[0-?]*[ -/]*[@-~]?|(?:\u001b\]|\u009d)[^\u0007\u001b\u009c]*(?:\u0007|\u001b\\|\u009c)?|(?:\u001b[PX^_]|[\u0090\u0098\u009e\u009f])[^\u001b\u009c]*(?:\u001b\\|\u009c)?|\u001b[\s\S]?/g;
/** What is left that a terminal acts on: C0 but tab and newline, DEL, C1, and the bidirectional overrides. */
const CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g;
/** Any character either of the above starts with: most text has none, and is returned as it is. */
const ANY_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
/* eslint-enable no-control-regex */

/**
 * Text from a file or a server, safe to print: escape sequences removed
 * whole (no clipboard writes, cursor moves or erased lines), other control
 * characters shown as U+FFFD. Tab and newline stay.
 */
export function clean(text: string): string {
  const s = String(text);
  return ANY_CONTROL.test(s) ? s.replace(SEQUENCES, '').replace(CONTROLS, '\ufffd') : s;
}

/** The colours this command paints, the only escape sequences it prints through {@link Output}. */
const OWN_SGR = /(\u001b\[(?:1|2|22|31|32|33|36|39)m)/;

/**
 * A line about to be printed: with colour, everything between the command's
 * own colour codes is cleaned; without, all of it.
 */
function safeLine(text: string, color: boolean): string {
  if (!color) return clean(text);
  return text
    .split(OWN_SGR)
    .map((part, i) => (i % 2 === 1 ? part : clean(part)))
    .join('');
}

/** JSON whose text holds no character a terminal acts on (JSON escapes C0 itself; C1, DEL and the overrides are escaped here). */
export function safeJson(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(
    /[\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/**
 * The command's output: by default descriptors 1 and 2 (see ./sink.ts; stderr is
 * looked at only when something is written to it); tests pass streams.
 */
export function createOutput(stdout?: NodeJS.WriteStream, stderr?: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): Output {
  const out = stdout ? streamSink(stdout) : fdSink(1, () => process.stdout);
  let err: Sink | undefined = stderr && streamSink(stderr);
  const errSink = (): Sink => (err ??= fdSink(2, () => process.stderr));
  const tty = out.tty;
  const color = tty && env.NO_COLOR === undefined && env.TERM !== 'dumb';
  const paint = (code: number, reset: number) => (text: string) => (color ? `\u001b[${code}m${text}\u001b[${reset}m` : text);
  return {
    color,
    tty,
    width: out.columns || 80,
    line: (text = '') => out.write(`${safeLine(text, color)}\n`),
    error: (text = '') => errSink().write(`${safeLine(text, color)}\n`),
    json: (value) => out.write(`${safeJson(value)}\n`),
    bold: paint(1, 22),
    dim: paint(2, 22),
    red: paint(31, 39),
    green: paint(32, 39),
    yellow: paint(33, 39),
    cyan: paint(36, 39),
  };
}

/** Where a block of text goes: stdout (`line`) or stderr (`error`). */
export type Stream = 'line' | 'error';

/** Aligns `label  value` rows; a row with an empty label continues the one above. */
export function rows(out: Output, entries: readonly (readonly [string, string])[], stream: Stream = 'line', indent = '  '): void {
  const width = Math.max(...entries.map(([label]) => label.length));
  for (const [label, value] of entries) out[stream](`${indent}${out.bold(label.padEnd(width))}  ${value}`);
}

/** A failure as the command reports it: `{ ok: false, error: { code, message, remedy } }` with --json. */
export interface Failure {
  readonly code: string;
  readonly message: string;
  readonly remedy: string;
  readonly [more: string]: unknown;
}

/** Prints a failure: JSON on stdout with --json, else the code, message and remedy on stderr. */
export function printFailure(out: Output, json: boolean, failure: Failure, extra: Record<string, unknown> = {}, label = 'Error'): void {
  if (json) {
    out.json({ ok: false, error: failure, ...extra });
    return;
  }
  out.error(`${out.red(label)}: ${out.bold(clean(failure.code))} — ${clean(failure.message)}`);
  out.error(`${out.bold('Remedy')}: ${clean(failure.remedy)}`);
}

/** `~/…` for paths under the home folder. */
export function tildify(path: string, home: string): string {
  return clean(home && (path === home || path.startsWith(`${home}/`)) ? `~${path.slice(home.length)}` : path);
}

/** mm:ss. */
export function clock(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
