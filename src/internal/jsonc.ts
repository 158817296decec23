import type { ParseError } from 'jsonc-parser';

/**
 * JSON with comments, read the way Qwen Code reads settings: comments are
 * blanked out (each character becomes a space, newlines stay) and the rest
 * must be strict JSON. Offsets are preserved, so an error position in the
 * stripped text is the position in the file.
 */

/** Replaces `//` and `/* *\/` comments outside strings with spaces, keeping newlines. */
export function stripJsonComments(text: string): string {
  let out = '';
  let last = 0;
  let i = 0;
  const n = text.length;
  const blank = (from: number, to: number): string => text.slice(from, to).replace(/[^\r\n]/g, ' ');
  while (i < n) {
    const ch = text.charCodeAt(i);
    if (ch === 34 /* " */) {
      i++;
      while (i < n) {
        const c = text.charCodeAt(i);
        if (c === 92 /* \ */) i += 2;
        else if (c === 34) {
          i++;
          break;
        } else i++;
      }
      continue;
    }
    if (ch === 47 /* / */ && i + 1 < n) {
      const next = text.charCodeAt(i + 1);
      if (next === 47) {
        let end = i + 2;
        while (end < n && text.charCodeAt(end) !== 10 && text.charCodeAt(end) !== 13) end++;
        out += text.slice(last, i) + blank(i, end);
        last = i = end;
        continue;
      }
      if (next === 42 /* * */) {
        const close = text.indexOf('*/', i + 2);
        const end = close === -1 ? n : close + 2;
        out += text.slice(last, i) + blank(i, end);
        last = i = end;
        continue;
      }
    }
    i++;
  }
  return last === 0 ? text : out + text.slice(last);
}

export interface JsonErrorLocation {
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  /** A short description that never quotes the file's content. */
  readonly reason: string;
}

/** 1-based line and column of an offset in a text. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: end - lineStart + 1 };
}

/**
 * Finds where strict JSON parsing of `stripped` fails. Uses jsonc-parser,
 * loaded only on this error path, and falls back to the position V8 reports.
 * The engine's own message is never returned: it can quote the file.
 */
export async function locateJsonError(stripped: string, error: unknown): Promise<JsonErrorLocation> {
  const { parse, printParseErrorCode } = await import('jsonc-parser');
  const errors: ParseError[] = [];
  parse(stripped, errors, { allowTrailingComma: false, disallowComments: false, allowEmptyContent: false });
  const first = errors[0];
  if (first) {
    return { ...lineColumn(stripped, first.offset), reason: printParseErrorCode(first.error) };
  }
  const message = error instanceof Error ? error.message : '';
  const m = /at position (\d+)/.exec(message);
  const offset = m ? Number(m[1]) : stripped.length;
  return { ...lineColumn(stripped, offset), reason: 'InvalidJSON' };
}
