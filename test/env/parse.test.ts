/**
 * `.env` parsing in linear time (issue 10, finding 3): dotenv's pattern is
 * quadratic on runs of blank lines, so long runs are shortened first — and
 * that must change nothing dotenv returns. Proved against dotenv itself on
 * generated real-looking files and on random token soup (seeded).
 */
import { parse as dotenvParse } from 'dotenv';
import { describe, expect, it } from 'vitest';
import { parseEnvText, shortenBlankRuns } from '../../src/env/parse.js';
import { rng, type Rng } from '../fidelity/generate.js';

const SEED = Number(process.env.ENV_PARSE_SEED ?? 20_261_010);

/** The most line starts any white-space run holds (what dotenv's cost grows with). */
function longestRunBreaks(text: string): number {
  let most = 0;
  for (const m of text.replace(/\r\n?/g, '\n').matchAll(/\s+/g)) most = Math.max(most, (m[0].match(/[\n\u2028\u2029]/g) ?? []).length);
  return most;
}

const blank = (r: Rng, n: number): string => Array.from({ length: n }, () => r.pick(['', '', '', ' ', '\t', '   ', ' \t '])).join(r.pick(['\n', '\n', '\r\n']));

function realLookingFile(r: Rng): string {
  const lines: string[] = [];
  const key = (): string => r.pick(['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OPENAI_MODEL', 'QWEN_HOME', 'DEBUG', 'A', 'my.var', 'X-1', 'PATH_2']);
  const plain = (): string =>
    r.pick([
      'sk-sp-0123456789abcdef',
      'https://coding.dashscope.aliyuncs.com/v1',
      'qwen3-coder-plus',
      'a b c',
      "it's",
      'x#y',
      'x # y',
      '',
      '=eq',
      'ünïcødé',
      '😀',
    ]);
  for (let i = 0, n = 1 + r.int(25); i < n; i++) {
    switch (r.int(12)) {
      case 0:
        lines.push(`# ${plain()}`);
        break;
      case 1:
        lines.push(blank(r, r.chance(0.3) ? 9 + r.int(60) : r.int(4)));
        break;
      case 2:
        lines.push(`export ${key()}=${plain()}`);
        break;
      case 3:
        lines.push(`${key()}="${plain()}\\n${plain()}"`);
        break;
      case 4:
        // A quoted value spanning lines, blank runs inside it included.
        lines.push(
          `${key()}=${r.pick(['"', "'", '`'])}${plain()}\n${blank(r, r.chance(0.5) ? 9 + r.int(40) : r.int(3))}\n${plain()}${r.pick(['"', "'", '`'])}`,
        );
        break;
      case 5:
        lines.push(`${key()}: ${plain()}`);
        break;
      case 6:
        lines.push(`  ${key()} = ${plain()}  # trailing`);
        break;
      case 7:
        lines.push(`${key()}='${plain()}'`);
        break;
      case 8:
        lines.push(`${key()}=${plain()}${r.pick(['\u2028', '\u2029', '\u00a0', ''])}${blank(r, r.int(12))}`);
        break;
      case 9:
        lines.push(`${key()}="unclosed ${plain()}`);
        break;
      default:
        lines.push(`${key()}=${plain()}`);
    }
  }
  return lines.join(r.pick(['\n', '\n', '\r\n'])) + r.pick(['', '\n', '\n\n\n']);
}

const SOUP = [
  'A',
  'B_1',
  '=',
  ':',
  ' ',
  '\t',
  '\n',
  '\n',
  '\n',
  '\r',
  '\r\n',
  '"',
  "'",
  '`',
  '#',
  '\\',
  '\\n',
  'export ',
  'x',
  '\u2028',
  '\u2029',
  '\u00a0',
  '\u2007',
  '\ufeff',
  '\v',
];

function soup(r: Rng): string {
  let s = '';
  for (let i = 0, n = r.int(120); i < n; i++) {
    const t = r.pick(SOUP);
    s += t === '\n' && r.chance(0.2) ? '\n'.repeat(9 + r.int(30)) : t;
  }
  return s;
}

describe('parseEnvText returns exactly what dotenv.parse returns', () => {
  it('on 3,000 generated real-looking files', () => {
    const r = rng(SEED);
    let shortened = 0;
    for (let i = 0; i < 3_000; i++) {
      const text = realLookingFile(r);
      if (shortenBlankRuns(text)) shortened++;
      expect(parseEnvText(text), `seed ${SEED}, file ${i}: ${JSON.stringify(text)}`).toEqual(dotenvParse(text));
    }
    expect(shortened).toBeGreaterThan(300); // the shortening itself was exercised
  });

  it('on 5,000 random token soups (quotes, escapes, line separators, markers)', () => {
    const r = rng(SEED + 1);
    for (let i = 0; i < 5_000; i++) {
      const text = soup(r);
      expect(parseEnvText(text), `seed ${SEED + 1}, soup ${i}: ${JSON.stringify(text)}`).toEqual(dotenvParse(text));
    }
  });

  it('when the file already holds every marker character', () => {
    const markers = '\u2007\u2008\u2009\u200a\u2002\u2003\u2004\u2005\u2006\u2000\u2001\u202f\u205f\u3000\u1680\u00a0\ufeff\v\f';
    const text = `A="x${markers}\n${'\n'.repeat(50)}y"\nB=${markers}z${'\n'.repeat(40)}!\nC=1`;
    expect(parseEnvText(text)).toEqual(dotenvParse(text));
  });
});

describe('the text dotenv sees has no long blank runs', () => {
  it.each([
    ['150,000 newlines', '\n'.repeat(150_000)],
    ['newlines then junk', `${'\n'.repeat(100_000)}!`],
    ['CRLF', '\r\n'.repeat(100_000)],
    ['lone CR', '\r'.repeat(100_000)],
    ['spaces and newlines', ' \n'.repeat(100_000)],
    ['line separators', `A${'\u2028'.repeat(100_000)}!`],
    ['runs between keys', Array.from({ length: 2_000 }, (_, i) => `K${i}=v${'\n'.repeat(50)}`).join('')],
    ['inside a quoted value', `A="${'\n'.repeat(100_000)}"`],
  ])('%s: at most 3 line starts per run', (_name, text) => {
    expect(longestRunBreaks(text)).toBeGreaterThan(8);
    const short = shortenBlankRuns(text)!;
    expect(longestRunBreaks(short.text)).toBeLessThanOrEqual(3);
  });

  it('a quoted value keeps its 100,000 blank lines', () => {
    expect(parseEnvText(`A="x${'\n'.repeat(100_000)}y"\nB=2`)).toEqual({ A: `x${'\n'.repeat(100_000)}y`, B: '2' });
  });

  it('files without long runs are handed to dotenv unchanged', () => {
    expect(shortenBlankRuns('A=1\n\n\n\nB=2\n')).toBeUndefined();
  });
});
