import { createRequire } from '../internal/node.js';

type Parse = (src: string) => Record<string, string>;
let dotenvParse: Parse | undefined;

/**
 * dotenv's line pattern tries every line start inside a run of white space
 * and scans the rest of the run from each: quadratic (40,000 blank lines
 * take seconds, synchronously). Runs with more line breaks than this are
 * shortened before parsing.
 */
const MAX_LINE_BREAKS_PER_RUN = 8;

/** A line terminator as JavaScript's `^`/`$` see them (dotenv has turned `\r` into `\n`). */
const isLineBreak = (code: number): boolean => code === 10 || code === 0x2028 || code === 0x2029;

/**
 * White space that is not a line terminator, to mark a shortened run: the
 * first one absent from the file is used, so a marker can only come from us.
 */
const MARKER_CHARS = [
  '\u2007',
  '\u2008',
  '\u2009',
  '\u200a',
  '\u2002',
  '\u2003',
  '\u2004',
  '\u2005',
  '\u2006',
  '\u2000',
  '\u2001',
  '\u202f',
  '\u205f',
  '\u3000',
  '\u1680',
  '\u00a0',
  '\ufeff',
  '\v',
  '\f',
];

interface Shortened {
  /** What the marker stands for: the run's middle, and the line break added after it. */
  readonly middle: string;
  readonly added: string;
}

/** A marker (one or more white-space characters) that does not occur in `text`. */
function markerFor(text: string): string {
  for (const c of MARKER_CHARS) if (!text.includes(c)) return c;
  // Every candidate occurs: pick a longer sequence that does not (19^6 choices, a file is at most a few MiB).
  let x = 0x9e3779b9;
  for (;;) {
    let m = '';
    for (let i = 0; i < 6; i++) {
      x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
      m += MARKER_CHARS[x % MARKER_CHARS.length];
    }
    if (!text.includes(m)) return m;
  }
}

/**
 * The text handed to dotenv, with every white-space run of more than
 * {@link MAX_LINE_BREAKS_PER_RUN} line breaks shortened, and how to put the
 * runs back into the values that hold them. A run `A t1 M tk B` (`t1`, `tk`
 * its first and last line break) becomes `A t1 ‹marker i marker› [\n] tk B`:
 * still white space with its first and last line breaks where they were, a
 * `\n` kept when `M` had one (where an unquoted value stops), and at most
 * three line starts. Outside quoted values the length of a white-space run
 * does not matter to dotenv's pattern; inside one (a multi-line quoted value)
 * the marker is replaced by the original middle afterwards. Undefined when no
 * run needs it.
 */
export function shortenBlankRuns(text: string): { readonly text: string; restore(value: string): string } | undefined {
  // dotenv's own first step, done here so that runs are seen as dotenv sees them (idempotent).
  const normal = text.replace(/\r\n?/g, '\n');
  const long: { start: number; end: number }[] = [];
  for (const m of normal.matchAll(/\s+/g)) {
    let breaks = 0;
    const run = m[0];
    for (let i = 0; i < run.length && breaks <= MAX_LINE_BREAKS_PER_RUN; i++) if (isLineBreak(run.charCodeAt(i))) breaks++;
    if (breaks > MAX_LINE_BREAKS_PER_RUN) long.push({ start: m.index, end: m.index + m[0].length });
  }
  if (long.length === 0) return undefined;
  const marker = markerFor(normal);
  const runs: Shortened[] = [];
  let out = '';
  let last = 0;
  for (const { start, end } of long) {
    const run = normal.slice(start, end);
    let first = -1;
    let final = -1;
    for (let i = 0; i < run.length; i++) {
      if (isLineBreak(run.charCodeAt(i))) {
        if (first === -1) first = i;
        final = i;
      }
    }
    const middle = run.slice(first + 1, final);
    const added = run[first] !== '\n' && middle.includes('\n') ? '\n' : '';
    const code = runs.length.toString(2).replace(/0/g, ' ').replace(/1/g, '\t');
    runs.push({ middle, added });
    out += `${normal.slice(last, start)}${run.slice(0, first + 1)}${marker}${code}${marker}${added}${run.slice(final)}`;
    last = end;
  }
  out += normal.slice(last);

  const restore = (value: string): string => {
    if (!value.includes(marker)) return value;
    let result = '';
    let pos = 0;
    for (;;) {
      const at = value.indexOf(marker, pos);
      if (at === -1) break;
      const close = value.indexOf(marker, at + marker.length);
      const code = close === -1 ? '' : value.slice(at + marker.length, close);
      const run = /^[ \t]+$/.test(code) ? runs[parseInt(code.replace(/ /g, '0').replace(/\t/g, '1'), 2)] : undefined;
      if (!run || !value.startsWith(run.added, close + marker.length)) break;
      result += value.slice(pos, at) + run.middle;
      pos = close + marker.length + run.added.length;
    }
    return result + value.slice(pos);
  };
  return { text: out, restore };
}

/**
 * Parses the text of a `.env` file exactly as `dotenv.parse` does (no
 * expansion, no command substitution, nothing written anywhere), in linear
 * time: long runs of blank lines are shortened first (see
 * {@link shortenBlankRuns}), which changes no value. dotenv is loaded on the
 * first call, never at import.
 */
export function parseEnvText(text: string): Record<string, string> {
  dotenvParse ??= (createRequire(import.meta.url)('dotenv') as { parse: Parse }).parse;
  const short = shortenBlankRuns(text);
  if (!short) return dotenvParse(text);
  const values = dotenvParse(short.text);
  for (const key of Object.keys(values)) values[key] = short.restore(values[key]!);
  return values;
}
