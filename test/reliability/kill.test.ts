/**
 * SIGKILL during saves and during refreshes, hundreds of times, with real
 * child processes on the built package: the credentials file always parses
 * and holds the old or the new login, 0600 in 0700, and no token-holding
 * temporary file survives the cleanup. A refresh killed after the server
 * rotated the token but before the save loses that login: inherent, counted
 * and printed ("lost").
 */
import { chmodSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createFileTokenStore, createQwenOAuthClient, isAuthError } from '../../src/index.js';
import { startFakeQwenServer } from '../../src/testing/index.js';
import { run } from '../support/processes.js';
import { makeTree, type Tree } from '../support/tree.js';
import { Figures, inputRng, pool, REPLAY } from './harness.js';

const CHILD = fileURLToPath(new URL('../fixtures/reliability-child.mjs', import.meta.url));
/** `RELIABILITY_KILLS=<n>` sets the number of kills (default 200: 130 during saves, 70 during refreshes). */
const KILLS = REPLAY ? 0 : Number(process.env.RELIABILITY_KILLS ?? 200);
const SAVE_KILLS = Math.round(KILLS * 0.65);
const REFRESH_KILLS = KILLS - SAVE_KILLS;
const figures = new Figures('kill');
const trees: Tree[] = [];
afterAll(() => {
  for (const t of trees) t.remove();
  figures.print();
});

const login = (n: number) => ({
  accessToken: `at-${n}-kill`,
  refreshToken: `rt-${n}-kill`,
  tokenType: 'Bearer',
  resourceUrl: 'portal.qwen.ai',
  expiresAt: 1_900_000_000_000 + n,
});

/** Temporary files next to the credentials that hold a token. */
function tokenLeftovers(dir: string): string[] {
  return readdirSync(dir).filter((f) => f !== 'oauth_creds.json' && /oauth_creds\.json/.test(f) && /access_token/.test(readFileSync(`${dir}/${f}`, 'utf8')));
}

/** Runs the child until it said ready, waits `delayMs`, kills it with SIGKILL. */
async function killAfter(args: string[], delayMs: number): Promise<void> {
  const child = run(CHILD, args);
  await child.waitFor('ready');
  await new Promise((r) => setTimeout(r, delayMs));
  child.child.kill('SIGKILL');
  await child.done;
  figures.add('kills');
}

describe('SIGKILL', () => {
  it(`during saves (${SAVE_KILLS} kills)`, async () => {
    const lanes = [0, 1].map(() => {
      const tree = makeTree({ 'q/.keep': '' });
      trees.push(tree);
      return { dir: tree.path('q'), n: 0 };
    });
    for (const lane of lanes) await createFileTokenStore({ qwenDir: lane.dir }).write(login(0));
    const trials = Array.from({ length: SAVE_KILLS }, (_, i) => i);
    await pool(trials, 2, async (i, worker) => {
      const lane = lanes[worker]!;
      const r = inputRng('kill-save', i);
      chmodSync(lane.dir, 0o755); // a careless folder: the save must tighten it before its file lands
      await killAfter(['save', JSON.stringify({ qwenDir: lane.dir, from: lane.n + 1 })], r.int(25));
      figures.add('saveTrials');
      const path = `${lane.dir}/oauth_creds.json`;
      let n = -1;
      try {
        const file = JSON.parse(readFileSync(path, 'utf8'));
        n = Number(/^at-(\d+)-kill$/.exec(file.access_token)?.[1] ?? -1);
        const whole = file.refresh_token === `rt-${n}-kill` && file.expiry_date === 1_900_000_000_000 + n && file.resource_url === 'portal.qwen.ai';
        if (!whole || n < lane.n) figures.problem(`save ${i}: the file holds neither the old nor a new login (${JSON.stringify(file).slice(0, 120)})`);
      } catch (error) {
        figures.add('tornFiles');
        figures.problem(`save ${i}: the file does not parse (${String(error)})`);
      }
      if (n > lane.n) figures.add('savesLanded');
      if ((statSync(path).mode & 0o777) !== 0o600) figures.problem(`save ${i}: file mode ${(statSync(path).mode & 0o777).toString(8)}`);
      if (n > lane.n && (statSync(lane.dir).mode & 0o777) !== 0o700) {
        figures.add('openFolderAfterSave');
        figures.problem(`save ${i}: a save landed but the folder is still ${(statSync(lane.dir).mode & 0o777).toString(8)}`);
      }
      figures.add('leftoversAfterKill', tokenLeftovers(lane.dir).length);
      lane.n = Math.max(lane.n, n);
    });
    // Cleanup: the next write by anyone (here: one more save), then a logout.
    for (const lane of lanes) {
      await createFileTokenStore({ qwenDir: lane.dir }).write(login(lane.n + 1));
      figures.add('leftoversAfterCleanup', tokenLeftovers(lane.dir).length);
      await createQwenOAuthClient({ store: createFileTokenStore({ qwenDir: lane.dir }), env: {} }).logout();
      figures.add('leftoversAfterLogout', readdirSync(lane.dir).filter((f) => /oauth_creds\.json/.test(f)).length);
    }
    figures.add('leftoversAfterCleanup', 0);
    figures.add('openFolderAfterSave', 0);
    figures.add('tornFiles', 0);
    expect(figures.counts.saveTrials).toBe(SAVE_KILLS);
    expect(figures.counts.leftoversAfterCleanup).toBe(0);
    expect(figures.counts.leftoversAfterLogout).toBe(0);
  }, 60_000);

  it(`during refreshes (${REFRESH_KILLS} kills)`, async () => {
    const server = await startFakeQwenServer();
    try {
      const lanes = [0, 1].map(() => {
        const tree = makeTree({ 'q/.keep': '' });
        trees.push(tree);
        return { dir: tree.path('q') };
      });
      const mint = (dir: string) =>
        writeFileSync(`${dir}/oauth_creds.json`, JSON.stringify(server.mintCredentials({ expiresInSeconds: 3600 })), { mode: 0o600 });
      for (const lane of lanes) mint(lane.dir);
      const trials = Array.from({ length: REFRESH_KILLS }, (_, i) => i);
      await pool(trials, 2, async (i, worker) => {
        const lane = lanes[worker]!;
        const r = inputRng('kill-refresh', i);
        const before = JSON.parse(readFileSync(`${lane.dir}/oauth_creds.json`, 'utf8')).access_token;
        chmodSync(lane.dir, 0o755); // as for saves: a refresh that lands must leave 0700
        await killAfter(['refresh', JSON.stringify({ qwenDir: lane.dir, tokenEndpoint: server.tokenEndpoint })], r.int(40));
        figures.add('refreshTrials');
        // The dead holder's lock would go stale in 2 s; remove it (stale takeover is the lock suite's).
        rmSync(`${lane.dir}/oauth_creds.lock`, { force: true });
        const path = `${lane.dir}/oauth_creds.json`;
        let file: Record<string, unknown> | undefined;
        try {
          file = JSON.parse(readFileSync(path, 'utf8'));
        } catch (error) {
          figures.add('tornFiles');
          figures.problem(`refresh ${i}: the file does not parse (${String(error)})`);
        }
        if (file && !server.isValidAccessToken(String(file.access_token))) figures.problem(`refresh ${i}: the file holds a token the server never issued`);
        const landed = file !== undefined && file.access_token !== before;
        if (landed) figures.add('refreshesLanded');
        if ((statSync(path).mode & 0o777) !== 0o600) figures.problem(`refresh ${i}: file mode ${(statSync(path).mode & 0o777).toString(8)}`);
        if (landed && (statSync(lane.dir).mode & 0o777) !== 0o700) {
          figures.add('openFolderAfterSave');
          figures.problem(`refresh ${i}: a refresh landed but the folder is still ${(statSync(lane.dir).mode & 0o777).toString(8)}`);
        }
        figures.add('leftoversAfterKill', tokenLeftovers(lane.dir).length);
        // Does the login survive? The next process refreshes it.
        const client = createQwenOAuthClient({
          store: createFileTokenStore({ qwenDir: lane.dir }),
          env: {},
          tokenEndpoint: server.tokenEndpoint,
          refreshRetry: { attempts: 1 },
        });
        const next = await client.refresh().catch((e: unknown) => e);
        if (isAuthError(next, 'LOGIN_REQUIRED')) {
          figures.add('lost'); // killed between the server's rotation and the save: inherent
          // The login stays in its file (a rejected refresh never deletes it); the next login's write cleans up.
          await createFileTokenStore({ qwenDir: lane.dir }).write(server.mintStoreCredentials({ expiresInSeconds: 3600 }));
        } else if (isAuthError(next)) figures.problem(`refresh ${i}: the next refresh failed with ${next.code}`);
        figures.add('leftoversAfterCleanup', tokenLeftovers(lane.dir).length);
      });
      figures.add('lost', 0);
      figures.add('serverRefreshes', server.stats.refreshesGranted);
    } finally {
      await server.close();
    }
    expect(figures.counts.refreshTrials).toBe(REFRESH_KILLS);
  }, 60_000);

  it('holds: no torn file, old or new login, 0600 in 0700, no token-holding leftover after cleanup', () => {
    expect(figures.problems, figures.problems.join('\n')).toEqual([]);
    expect(figures.counts.leftoversAfterCleanup ?? 0).toBe(0);
  });
});
