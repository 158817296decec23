/**
 * The command's output layer (issue 17, hole 2): on a terminal with colour,
 * only the command's own colour codes go out; text from files and servers
 * loses every escape sequence and control character; `--json` escapes what
 * JSON leaves raw (DEL, C1, bidirectional overrides) without changing values.
 */
import { describe, expect, it } from 'vitest';
import { clean, createOutput, safeJson } from '../../src/cli/output.js';

const HOSTILE = '\u001b]52;c;cHduZWQ=\u0007\u001b[1A\u001b[2K\u009b2J\u001bP1$r\u001b\\\r\u202ex';

function tty(): { stream: NodeJS.WriteStream; text: () => string } {
  let text = '';
  const stream = { isTTY: true, write: (s: string) => ((text += s), true) } as unknown as NodeJS.WriteStream;
  return { stream, text: () => text };
}

describe('output', () => {
  it('clean: sequences removed whole, other controls shown as U+FFFD, tab and newline kept', () => {
    expect(clean(`a${HOSTILE}b\tc\nd`)).toBe('a\ufffd\ufffdxb\tc\nd');
  });

  it('with colour, the command’s own colours survive and a hostile value’s sequences do not', () => {
    const out_ = tty();
    const err = tty();
    const out = createOutput(out_.stream, err.stream, {});
    expect(out.color).toBe(true);
    out.line(`${out.red('Error')}: ${HOSTILE}`);
    expect(out_.text()).toBe('\u001b[31mError\u001b[39m: \ufffd\ufffdx\n');
  });

  it('--json: values unchanged once parsed, no raw control character in the text', () => {
    const value = { model: `m${HOSTILE}\u007f\u2028` };
    const text = safeJson(value);
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u202e]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});
