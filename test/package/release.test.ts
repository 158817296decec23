/**
 * Ready to publish: package.json names its repository (provenance needs
 * it), SECURITY.md says how to report and what is in scope, and the release
 * workflow publishes from a tag with provenance, its notes the version's
 * CHANGELOG section.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without types
import { changelogSection } from '../../scripts/changelog-section.mjs';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const section = changelogSection as (changelog: string, version: string) => string | undefined;

describe('ready to publish', () => {
  it('package.json has repository, bugs and homepage, all naming one GitHub repository', () => {
    const pkg = JSON.parse(read('package.json')) as { repository: { type: string; url: string }; bugs: { url: string }; homepage: string };
    expect(pkg.repository).toEqual({ type: 'git', url: expect.stringMatching(/^git\+https:\/\/github\.com\/[\w.-]+\/[\w.-]+\.git$/) });
    const repo = pkg.repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
    expect(pkg.bugs.url).toBe(`${repo}/issues`);
    expect(pkg.homepage.startsWith(repo)).toBe(true);
    expect(read('SECURITY.md')).toContain(`${repo}/security/advisories/new`);
  });

  it('SECURITY.md: how to report, and the trust rule, the stores and redaction in scope', () => {
    const text = read('SECURITY.md');
    for (const words of ['## Reporting a vulnerability', '## What is in scope', 'Where credentials go', 'The stores', 'Redaction', 'qwen-auth serve']) {
      expect(text).toContain(words);
    }
  });

  it('the release workflow: on a v* tag, tests, npm publish --provenance with id-token: write, notes from CHANGELOG', () => {
    const wf = read('.github/workflows/release.yml');
    expect(wf).toMatch(/on:\n\s+push:\n\s+tags: \['v\*'\]/);
    expect(wf).toContain('id-token: write');
    expect(wf).toContain('npm ci');
    expect(wf).toContain('npm test');
    expect(wf).toContain('npm publish --provenance');
    expect(wf).toContain('node scripts/changelog-section.mjs "$GITHUB_REF_NAME"');
  });

  it('the release notes are the version’s CHANGELOG section, without its heading', () => {
    const changelog = read('CHANGELOG.md');
    const notes = section(changelog, 'v0.1.0')!;
    expect(notes.startsWith('First release.')).toBe(true);
    expect(notes).not.toMatch(/^## /m);
    expect(section(changelog, '0.1.0')).toBe(notes);
    expect(section(changelog, '9.9.9')).toBeUndefined();
    expect(section('## [1.0.0]\n\n## [0.9.0]\nx\n', '1.0.0')).toBeUndefined(); // an empty section is no notes
  });
});
