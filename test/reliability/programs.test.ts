/**
 * Programs run from the repository (issue 17, hole 1): a hostile repository
 * ships its own `git` and `xdg-open` next to the files the library looks at.
 * With a PATH holding an empty entry, `.` or a relative entry (a stray `:`),
 * neither may ever run: the git check and the browser opener find programs
 * on absolute PATH entries only and never start from a repository folder.
 * The real git still answers the check.
 */
import { chmodSync, existsSync } from 'node:fs';
import { dirname } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveAuth } from '../../src/index.js';
import { startFakeQwenServer, type FakeQwenServer } from '../../src/testing/index.js';
import { runCli } from '../support/cli.js';
import { GIT, gitInit } from '../support/git.js';
import { makeTree, type Tree } from '../support/tree.js';

const KEY = 'sk-prog0000000000000000000c0ffee42';
let tree: Tree | undefined;
let server: FakeQwenServer | undefined;
afterEach(async () => {
  tree?.remove();
  tree = undefined;
  await server?.close();
  server = undefined;
});

/** A program that only leaves a marker file behind when it runs. */
const planted = (marker: string): string => `#!/bin/sh\necho ran >> '${marker}'\nexit 0\n`;
const REAL = dirname(GIT);
/** PATH shapes with a repository-controlled entry before the real one. */
const PATHS: Record<string, (bin: string) => string> = {
  'an empty entry first': () => `:${REAL}:/usr/bin:/bin`,
  'an empty entry last': () => `${REAL}:/usr/bin:/bin:`,
  'a double colon': () => `${REAL.split('/').slice(0, 2).join('/') || '/usr'}/nowhere::${REAL}:/usr/bin:/bin`,
  '. first': () => `.:${REAL}:/usr/bin:/bin`,
  'a relative bin folder': () => `bin:${REAL}:/usr/bin:/bin`,
};

describe.skipIf(process.platform === 'win32')('git from the repository', () => {
  for (const [name, path] of Object.entries(PATHS)) {
    it(`PATH with ${name}: the repository's git never runs, the real one answers`, async () => {
      tree = makeTree({ 'home/.keep': '', 'repo/.qwen/.env': `OPENAI_API_KEY=${KEY}\n`, 'repo/.qwen/bin/.keep': '' });
      gitInit(tree.path('repo'), tree.path('home'));
      const marker = tree.path('marker');
      for (const where of ['repo/.qwen/git', 'repo/git', 'repo/.qwen/bin/git']) {
        tree.write({ [where]: planted(marker) });
        chmodSync(tree.path(where), 0o755);
      }
      const r = await resolveAuth({ cwd: tree.path('repo'), homeDir: tree.path('home'), env: { PATH: path(tree.path('repo')) }, gitCheck: true });
      expect(existsSync(marker), 'a git shipped in the repository ran').toBe(false);
      expect(r.diagnostics.map((d) => d.code)).toContain('SECRET_FILE_NOT_IGNORED');
    });
  }
});

describe.skipIf(process.platform !== 'linux')('the browser opener from the working folder', () => {
  it('`login` with PATH=".:" never starts an xdg-open the working folder ships', async () => {
    server = await startFakeQwenServer({ autoApproveAfterPolls: 1 });
    tree = makeTree({ 'home/.keep': '', 'work/xdg-open': '' });
    const marker = tree.path('marker');
    tree.write({ 'work/xdg-open': planted(marker) });
    chmodSync(tree.path('work/xdg-open'), 0o755);
    const r = await runCli(['login', '--no-qr', '--device-endpoint', server.deviceAuthorizationEndpoint, '--token-endpoint', server.tokenEndpoint], {
      cwd: tree.path('work'),
      home: tree.path('home'),
      env: { PATH: '.:', DISPLAY: ':99' },
    });
    expect(r.stdout).toContain('Logged in.');
    // Started, the opener would have been reported; its marker may land after the command exits.
    expect(r.stdout).not.toContain('a browser was opened');
    expect(existsSync(marker)).toBe(false);
  });
});
