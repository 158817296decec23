/**
 * The lock, timed on real processes: how long a dead holder's lock takes to
 * be taken over, that a live slow refresher is never robbed however long it
 * holds, and that an unreadable lock path ends in LOCK_TIMEOUT within its
 * timeout without burning the CPU.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { createFileTokenStore, isAuthError } from '../../src/index.js';
import { run, STORE_CHILD } from '../support/processes.js';
import { makeTree, type Tree } from '../support/tree.js';
import { Figures, REPLAY } from './harness.js';

const figures = new Figures('lock');
const trees: Tree[] = [];
afterAll(() => {
  for (const t of trees) t.remove();
  figures.print();
});
const tree = (): Tree => {
  const t = makeTree({ 'q/.keep': '' });
  trees.push(t);
  return t;
};

describe.skipIf(REPLAY)('the lock on real processes', () => {
  it('a dead holder: taken over once stale, never before', async () => {
    const lock = { staleMs: 1_000, heartbeatMs: 200, timeoutMs: 10_000 };
    const times: number[] = [];
    for (let trial = 0; trial < 3; trial++) {
      const t = tree();
      const holder = run(STORE_CHILD, ['hold', JSON.stringify({ qwenDir: t.path('q'), ms: 60_000, lock })]);
      await holder.waitFor('locked');
      await new Promise((r) => setTimeout(r, 300)); // a heartbeat or two
      const killedAt = Date.now();
      holder.child.kill('SIGKILL');
      await holder.done;
      const release = await createFileTokenStore({ qwenDir: t.path('q'), lock }).lock();
      times.push(Date.now() - killedAt);
      await release!();
      figures.add('takeovers');
    }
    figures.max('takeoverMsMax', Math.max(...times));
    figures.add('takeoverMsMin', Math.min(...times));
    // The last touch was at most a heartbeat before the kill: never earlier than stale minus that.
    expect(Math.min(...times)).toBeGreaterThanOrEqual(lock.staleMs - lock.heartbeatMs - 50);
  }, 30_000);

  it('a live slow holder (7× the stale age) is never robbed by 4 waiting processes', async () => {
    const t = tree();
    const lock = { staleMs: 400, heartbeatMs: 100, timeoutMs: 15_000 };
    const holder = run(STORE_CHILD, ['hold', JSON.stringify({ qwenDir: t.path('q'), ms: 2_800, lock })]);
    await holder.waitFor('locked');
    const heldSince = Date.now();
    writeFileSync(t.path('counter'), '0');
    const waiters = Array.from({ length: 4 }, () =>
      run(STORE_CHILD, ['counter', JSON.stringify({ qwenDir: t.path('q'), counter: t.path('counter'), iterations: 1, lock })]).done.then(() => Date.now()),
    );
    await holder.waitFor('released');
    const releasedAt = Date.now();
    const acquired = await Promise.all(waiters);
    figures.add('waiterTrials', acquired.length);
    const robbed = acquired.filter((at) => at < releasedAt - 50).length;
    figures.add('robbed', robbed);
    figures.max('heldMs', releasedAt - heldSince);
    expect(robbed).toBe(0);
  }, 30_000);

  it.each([
    ['a folder', (p: string) => mkdirSync(p)],
    ['a dangling symlink', (p: string) => symlinkSync(`${p}.nowhere`, p)],
    ['a FIFO', (p: string) => execFileSync('mkfifo', [p])],
    [
      'a symlink to a folder',
      (p: string) => {
        mkdirSync(`${p}.d`);
        symlinkSync(`${p}.d`, p);
      },
    ],
  ])(
    '%s at the lock path (old): LOCK_TIMEOUT within the timeout, the CPU idle meanwhile',
    async (_name, plant) => {
      for (let trial = 0; trial < 3; trial++) {
        const t = tree();
        const path = t.path('q/oauth_creds.lock');
        plant(path);
        try {
          const old = new Date(Date.now() - 60_000);
          utimesSync(path, old, old);
        } catch {
          /* a dangling symlink has no target to date */
        }
        const started = Date.now();
        const cpu = process.cpuUsage();
        const error = await createFileTokenStore({ qwenDir: t.path('q'), lock: { timeoutMs: 300 } })
          .lock()
          .catch((e: unknown) => e);
        const wall = Date.now() - started;
        const used = process.cpuUsage(cpu);
        figures.add('unreadableTrials');
        figures.max('unreadableWallMsMax', wall);
        figures.max('unreadableCpuMsMax', Math.round((used.user + used.system) / 1000));
        expect(isAuthError(error, 'LOCK_TIMEOUT'), String(error)).toBe(true);
        expect((error as { details: { waitedMs: number } }).details.waitedMs).toBeGreaterThanOrEqual(300);
        expect(wall).toBeLessThan(300 + 2_000);
        expect((used.user + used.system) / 1000).toBeLessThan(wall / 2);
      }
    },
    30_000,
  );
});
