// `npm run bench:docs`: puts the block the last `npm run bench` wrote
// (bench/results/latest.md) between the `<!-- bench:start -->` and
// `<!-- bench:end -->` markers of README.md and CHANGELOG.md, so the figures
// they quote are the ones the bench printed, never typed by hand.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));
const block = readFileSync(new URL('./results/latest.md', import.meta.url), 'utf8').trim();
const START = '<!-- bench:start -->';
const END = '<!-- bench:end -->';
for (const name of ['README.md', 'CHANGELOG.md']) {
  const path = `${repo}${name}`;
  const text = readFileSync(path, 'utf8');
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a === -1 || b < a) throw new Error(`${name} has no ${START} … ${END} markers`);
  writeFileSync(path, `${text.slice(0, a + START.length)}\n${block}\n${text.slice(b)}`);
  console.log(`${name}: bench block updated`);
}
