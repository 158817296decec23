// Prints (or, with --write, rewrites) the two code tables of docs/troubleshooting.md
// from the built package: code, the existing "cause"/"meaning" text, and the
// exact level and remedy from the code's tables. Run `npm run build` first.
import { readFileSync, writeFileSync } from 'node:fs';
import { DIAGNOSTIC_CODES, diagnosticInfo, ERROR_CODES, remedyFor } from '../dist/index.js';

const path = new URL('../docs/troubleshooting.md', import.meta.url);
const text = readFileSync(path, 'utf8');
const cell = (s) => s.replaceAll('|', '\\|');
const known = (heading, index) => {
  const start = text.indexOf(heading);
  const end = text.indexOf('\n## ', start + heading.length);
  const out = new Map();
  for (const line of text.slice(start, end === -1 ? undefined : end).split('\n')) {
    const m = /^\| `([A-Z_]+)` \|(.*)\|$/.exec(line);
    if (m) out.set(m[1], m[2].split(' | ').map((c) => c.trim())[index] ?? '');
  }
  return out;
};
const causes = known('## Error codes', 0);
const meanings = known('## Diagnostics', 1);
const errors = [
  '| code | cause | remedy |',
  '| --- | --- | --- |',
  ...ERROR_CODES.map((c) => `| \`${c}\` | ${causes.get(c) || 'TODO'} | ${cell(remedyFor(c))} |`),
];
const diags = [
  '| code | level | meaning | remedy |',
  '| --- | --- | --- | --- |',
  ...DIAGNOSTIC_CODES.map((c) => `| \`${c}\` | ${diagnosticInfo(c).level} | ${meanings.get(c) || 'TODO'} | ${cell(diagnosticInfo(c).remedy)} |`),
];
const replaceTable = (src, heading, lines) => {
  const start = src.indexOf('| code |', src.indexOf(heading));
  let end = start;
  while (end < src.length && src.startsWith('|', end)) end = src.indexOf('\n', end) + 1 || src.length;
  return `${src.slice(0, start) + lines.join('\n')}\n${src.slice(end)}`;
};
const next = replaceTable(replaceTable(text, '## Error codes', errors), '## Diagnostics', diags);
if (process.argv.includes('--write')) writeFileSync(path, next);
else process.stdout.write(`${errors.join('\n')}\n\n${diags.join('\n')}\n`);
