/**
 * Terminal output: colour only on a TTY and never with NO_COLOR, plain text
 * when piped, JSON when asked.
 */
export interface Output {
  readonly color: boolean;
  readonly tty: boolean;
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

export function createOutput(stdout?: NodeJS.WriteStream, stderr?: NodeJS.WriteStream, env: NodeJS.ProcessEnv = process.env): Output {
  // process.stdout and process.stderr are built when first touched (a pipe is a socket, with the
  // net module behind it): only when something is written, and stderr only for an error.
  const tty = stdout ? stdout.isTTY === true : (process.getBuiltinModule('node:tty') as typeof import('node:tty')).isatty(1);
  const color = tty && env.NO_COLOR === undefined && env.TERM !== 'dumb';
  const paint = (code: number, reset: number) => (text: string) => (color ? `\u001b[${code}m${text}\u001b[${reset}m` : text);
  return {
    color,
    tty,
    line: (text = '') => void (stdout ?? process.stdout).write(`${text}\n`),
    error: (text = '') => void (stderr ?? process.stderr).write(`${text}\n`),
    json: (value) => void (stdout ?? process.stdout).write(`${JSON.stringify(value, null, 2)}\n`),
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
  out.error(`${out.red(label)}: ${out.bold(failure.code)} — ${failure.message}`);
  out.error(`${out.bold('Remedy')}: ${failure.remedy}`);
}

/** `~/…` for paths under the home folder. */
export function tildify(path: string, home: string): string {
  return home && (path === home || path.startsWith(`${home}/`)) ? `~${path.slice(home.length)}` : path;
}

/** mm:ss. */
export function clock(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return `${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}
