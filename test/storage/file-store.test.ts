import { existsSync, lstatSync, readFileSync, readdirSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileTokenStore } from '../../src/index.js';
import { makeTree, type Tree } from '../support/tree.js';

let tree: Tree | undefined;
afterEach(() => tree?.remove());

const CREDS = { accessToken: 'at-1', refreshToken: 'rt-1', tokenType: 'Bearer', resourceUrl: 'portal.qwen.ai', expiresAt: 1_900_000_000_000 };

describe('file store', () => {
  it("writes Qwen Code's exact JSON shape, 0600 in a 0700 folder", async () => {
    tree = makeTree();
    const store = createFileTokenStore({ qwenDir: tree.path('q') });
    await store.write(CREDS);
    const path = tree.path('q/oauth_creds.json');
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({
      access_token: 'at-1',
      token_type: 'Bearer',
      refresh_token: 'rt-1',
      resource_url: 'portal.qwen.ai',
      expiry_date: 1_900_000_000_000,
    });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(tree.path('q')).mode & 0o777).toBe(0o700);
    expect(await store.read()).toEqual(CREDS);
  });

  it('tightens an existing folder that others could read', async () => {
    tree = makeTree({ 'q/settings.json': '{}' });
    const { chmodSync } = await import('node:fs');
    chmodSync(tree.path('q'), 0o755);
    await createFileTokenStore({ qwenDir: tree.path('q') }).write(CREDS);
    expect(statSync(tree.path('q')).mode & 0o777).toBe(0o700);
  });

  it('reads what Qwen Code writes, and treats anything else as no login', async () => {
    tree = makeTree();
    const store = createFileTokenStore({ qwenDir: tree.path('q') });
    expect(await store.read()).toBeUndefined();
    for (const [text, expected] of [
      [
        '{"access_token":"a","refresh_token":"r","token_type":"Bearer","expiry_date":5}',
        { accessToken: 'a', refreshToken: 'r', tokenType: 'Bearer', expiresAt: 5 },
      ],
      ['{"access_token":"a"}', { accessToken: 'a', tokenType: 'Bearer' }],
      ['{"access_token":""}', undefined],
      ['not json', undefined],
      ['[]', undefined],
      ['{"access_token":"a","expiry_date":"soon"}', undefined],
    ] as const) {
      tree.write({ 'q/oauth_creds.json': text });
      expect(await store.read()).toEqual(expected);
    }
  });

  it('never follows a symlink planted at the target: it is replaced, the pointee untouched', async () => {
    tree = makeTree({ 'victim.txt': 'precious', 'q/.keep': '' });
    symlinkSync(tree.path('victim.txt'), tree.path('q/oauth_creds.json'));
    await createFileTokenStore({ qwenDir: tree.path('q') }).write(CREDS);
    expect(readFileSync(tree.path('victim.txt'), 'utf8')).toBe('precious');
    expect(lstatSync(tree.path('q/oauth_creds.json')).isSymbolicLink()).toBe(false);
  });

  it('writes atomically: a new inode each time, no temporary file left', async () => {
    tree = makeTree();
    const store = createFileTokenStore({ qwenDir: tree.path('q') });
    await store.write(CREDS);
    const v1 = await store.version();
    const ino = statSync(tree.path('q/oauth_creds.json')).ino;
    await store.write({ ...CREDS, accessToken: 'at-2' });
    expect(statSync(tree.path('q/oauth_creds.json')).ino).not.toBe(ino);
    expect(await store.version()).not.toBe(v1);
    expect(readdirSync(tree.path('q'))).toEqual(['oauth_creds.json']);
  });

  it('delete removes the file; deleting nothing is fine', async () => {
    tree = makeTree();
    const store = createFileTokenStore({ qwenDir: tree.path('q') });
    await store.delete();
    await store.write(CREDS);
    await store.delete();
    expect(existsSync(tree.path('q/oauth_creds.json'))).toBe(false);
    expect(await store.version()).toBeUndefined();
  });
});

describe('the lock (Qwen Code’s protocol, done better)', () => {
  it('is <dir>/oauth_creds.lock, holds a random id, and is removed on release', async () => {
    tree = makeTree();
    const store = createFileTokenStore({ qwenDir: tree.path('q') });
    const release = await store.lock();
    const lockPath = join(tree.path('q'), 'oauth_creds.lock');
    expect(readFileSync(lockPath, 'utf8')).toMatch(/^[0-9a-f-]{36}$/);
    await release!();
    expect(existsSync(lockPath)).toBe(false);
  });

  it('releases only a lock it owns', async () => {
    tree = makeTree();
    const store = createFileTokenStore({ qwenDir: tree.path('q') });
    const release = await store.lock();
    writeFileSync(tree.path('q/oauth_creds.lock'), 'someone-else'); // e.g. taken over after being stale
    await release!();
    expect(readFileSync(tree.path('q/oauth_creds.lock'), 'utf8')).toBe('someone-else');
  });

  it('breaks a stale lock (mtime older than 10 s)', async () => {
    tree = makeTree({ 'q/oauth_creds.lock': 'dead-process' });
    const old = new Date(Date.now() - 11_000);
    utimesSync(tree.path('q/oauth_creds.lock'), old, old);
    const t = Date.now();
    const release = await createFileTokenStore({ qwenDir: tree.path('q') }).lock();
    expect(Date.now() - t).toBeLessThan(2_000);
    await release!();
  });

  it('waits for a fresh lock, and fails with LOCK_TIMEOUT when it never frees', async () => {
    tree = makeTree({ 'q/oauth_creds.lock': 'busy' });
    const store = createFileTokenStore({ qwenDir: tree.path('q'), lock: { timeoutMs: 300 } });
    await expect(store.lock()).rejects.toMatchObject({ code: 'LOCK_TIMEOUT', details: { path: tree.path('q/oauth_creds.lock') } });
  });

  it('stops waiting when told to (another process refreshed meanwhile)', async () => {
    tree = makeTree({ 'q/oauth_creds.lock': 'busy' });
    let polls = 0;
    const release = await createFileTokenStore({ qwenDir: tree.path('q') }).lock({ shouldStop: async () => ++polls >= 3 });
    expect(release).toBeUndefined();
    expect(polls).toBe(3);
  });

  it('a holder keeps its lock fresh, so a slow refresh is never taken for stale', async () => {
    tree = makeTree();
    const fast = { staleMs: 300, heartbeatMs: 50, timeoutMs: 5_000 };
    const holder = createFileTokenStore({ qwenDir: tree.path('q'), lock: fast });
    const release = await holder.lock();
    const waiter = createFileTokenStore({ qwenDir: tree.path('q'), lock: fast });
    let acquired = false;
    const waiting = waiter.lock().then((r) => {
      acquired = true;
      return r;
    });
    await new Promise((r) => setTimeout(r, 1_000)); // > 3× staleMs
    expect(acquired).toBe(false);
    await release!();
    await (await waiting)!();
    expect(acquired).toBe(true);
  });

  it('an aborted wait rejects with ABORTED', async () => {
    tree = makeTree({ 'q/oauth_creds.lock': 'busy' });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    await expect(createFileTokenStore({ qwenDir: tree.path('q') }).lock({ signal: controller.signal })).rejects.toMatchObject({
      code: 'ABORTED',
    });
  });
});
