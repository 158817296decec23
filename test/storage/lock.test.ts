/**
 * The lock under paths it cannot read or own (issue 10, finding 1): a folder,
 * a dangling symlink, a FIFO or a symlink at `oauth_creds.lock` must end in
 * LOCK_TIMEOUT within the timeout, sleeping between attempts; and a holder
 * whose lock was replaced never touches the new owner's lock.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, statSync, symlinkSync, unlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { isAuthError } from '../../src/index.js';
import { acquireFileLock } from '../../src/storage/lock.js';
import { makeTree, type Tree } from '../support/tree.js';

let tree: Tree | undefined;
afterEach(() => tree?.remove());

/** A clock that moves only when the lock sleeps; it refuses to be read forever (a spin). */
function fakeTime(start = Date.now()) {
  let t = start;
  let reads = 0;
  let sleeps = 0;
  return {
    now: () => {
      if (++reads > 100_000) throw new Error('the lock read the clock 100,000 times: it spins');
      return t;
    },
    sleep: async (ms: number) => {
      sleeps++;
      t += Math.max(ms, 0);
      await new Promise((r) => setImmediate(r));
    },
    random: () => 0.5,
    get sleeps() {
      return sleeps;
    },
    get elapsed() {
      return t - start;
    },
  };
}

/** Races a promise against a real-time bound, so a spinning loop fails instead of hanging. */
async function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([p, bound]);
  } finally {
    clearTimeout(timer);
  }
}

const OLD = new Date(Date.now() - 60_000);

const unreadable: Record<string, (path: string, t: Tree) => void> = {
  'a folder': (path) => {
    mkdirSync(path);
    utimesSync(path, OLD, OLD);
  },
  'a dangling symlink': (path, t) => symlinkSync(t.path('nowhere'), path),
  'a symlink to a file': (path, t) => {
    writeFileSync(t.path('elsewhere'), 'x');
    utimesSync(t.path('elsewhere'), OLD, OLD);
    symlinkSync(t.path('elsewhere'), path);
  },
  'a FIFO': (path) => {
    execFileSync('mkfifo', [path]);
    utimesSync(path, OLD, OLD);
  },
};

describe('a lock path that cannot be read or owned', () => {
  it.each(Object.keys(unreadable))('%s: LOCK_TIMEOUT once the timeout has passed, sleeping in between', async (name) => {
    tree = makeTree({ 'q/.keep': '' });
    const path = tree.path('q/oauth_creds.lock');
    unreadable[name]!(path, tree);
    const clock = fakeTime();
    const error = await within(5_000, acquireFileLock(path, { timeoutMs: 1_000, staleMs: 10_000, ...clock })).catch((e: unknown) => e);
    expect(isAuthError(error, 'LOCK_TIMEOUT'), String(error)).toBe(true);
    expect(clock.elapsed).toBeGreaterThanOrEqual(1_000);
    expect(clock.elapsed).toBeLessThan(1_000 + 600);
    // Bounded work: the retry delay grows to 500 ms, so a second of waiting is a handful of sleeps.
    expect(clock.sleeps).toBeGreaterThan(0);
    expect(clock.sleeps).toBeLessThan(50);
    // Not ours: left in place.
    expect(() => (name === 'a dangling symlink' ? true : statSync(path))).not.toThrow();
  });

  it('a folder at the lock path, real clock: LOCK_TIMEOUT, not a spin', async () => {
    tree = makeTree({ 'q/.keep': '' });
    const path = tree.path('q/oauth_creds.lock');
    unreadable['a folder']!(path, tree);
    const cpu = process.cpuUsage();
    const error = await within(5_000, acquireFileLock(path, { timeoutMs: 300 })).catch((e: unknown) => e);
    expect(isAuthError(error, 'LOCK_TIMEOUT'), String(error)).toBe(true);
    const used = process.cpuUsage(cpu);
    // A spin burns the whole wait on the CPU; sleeping costs a few milliseconds.
    expect((used.user + used.system) / 1000).toBeLessThan(250);
  });
});

describe('heartbeats touch only a lock that is still ours', () => {
  it('after its lock was replaced, the old holder leaves the new owner’s lock alone', async () => {
    tree = makeTree({ 'q/.keep': '' });
    const path = tree.path('q/oauth_creds.lock');
    const release = await acquireFileLock(path, { heartbeatMs: 10 });
    // Someone took it over (e.g. after this process was suspended past the stale age).
    unlinkSync(path);
    writeFileSync(path, 'new-owner');
    utimesSync(path, OLD, OLD);
    await new Promise((r) => setTimeout(r, 120));
    expect(Math.abs(statSync(path).mtimeMs - OLD.getTime())).toBeLessThan(1_000);
    await release!();
    expect(readFileSync(path, 'utf8')).toBe('new-owner');
  });

  it('a lock moved aside and given back is still kept fresh by its holder', async () => {
    tree = makeTree({ 'q/.keep': '' });
    const path = tree.path('q/oauth_creds.lock');
    const release = await acquireFileLock(path, { heartbeatMs: 10 });
    utimesSync(path, OLD, OLD);
    await new Promise((r) => setTimeout(r, 120));
    expect(Date.now() - statSync(path).mtimeMs).toBeLessThan(5_000);
    await release!();
  });
});
