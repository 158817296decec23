// Prints the CHANGELOG.md section of one version: the release notes of its
// tag. `node scripts/changelog-section.mjs 0.2.0` (or `v0.2.0`) prints what
// lies between `## [0.2.0]` and the next `## ` heading, without the heading.
// Exits 1 when the section is missing or empty: a release needs its notes.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The section of `version` in a Keep-a-Changelog text, or undefined. */
export function changelogSection(changelog, version) {
  const v = version.replace(/^v/, '');
  const lines = changelog.split('\n');
  const start = lines.findIndex((l) => new RegExp(`^## \\[?${v.replace(/[.+]/g, '\\$&')}\\]?(\\s|$)`).test(l));
  if (start === -1) return undefined;
  const rest = lines.slice(start + 1);
  const end = rest.findIndex((l) => /^## /.test(l));
  const body = (end === -1 ? rest : rest.slice(0, end)).join('\n').trim();
  return body === '' ? undefined : `${body}\n`;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const version = process.argv[2];
  if (!version) {
    console.error('usage: node scripts/changelog-section.mjs <version>');
    process.exit(2);
  }
  const text = readFileSync(new URL('../CHANGELOG.md', import.meta.url), 'utf8');
  const section = changelogSection(text, version);
  if (section === undefined) {
    console.error(`CHANGELOG.md has no section for ${version}`);
    process.exit(1);
  }
  process.stdout.write(section);
}
