/**
 * The token lifecycle the request side relies on: `getToken({ forceRefresh })`
 * under the shared lock, `invalidate(token)` for a token a server rejected
 * early, and `signal`. Two managers on one store stand for two processes.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileTokenStore, createMemoryTokenStore, createQwenOAuthClient, isAuthError } from '../../src/index.js';
import { type Refresher, TokenManager } from '../../src/oauth/token-manager.js';
import type { QwenCredentials, TokenStore } from '../../src/storage/types.js';
import { type FakeQwenServer, startFakeQwenServer } from '../../src/testing/index.js';
import { makeTree, type Tree } from '../support/tree.js';

const T0 = 1_800_000_000_000;
const creds = (n: number, expiresAt = T0 + 3_600_000): QwenCredentials => ({
  accessToken: `at-${n}`,
  refreshToken: `rt-${n}`,
  tokenType: 'Bearer',
  expiresAt,
});

function rotating(delayMs = 0) {
  let n = 100;
  const calls: string[] = [];
  const refresh: Refresher = async (rt) => {
    calls.push(rt);
    if (delayMs) await new Promise((r) => setTimeout(r, delayMs));
    n++;
    return { accessToken: `at-${n}`, refreshToken: `rt-${n}`, expiresIn: 3600 };
  };
  return { refresh, calls };
}

const manager = (store: TokenStore, refresh: Refresher) => new TokenManager({ store, refresh, now: () => T0 });

describe('forceRefresh', () => {
  it('refreshes a valid token now, under the lock', async () => {
    const store = createMemoryTokenStore(creds(1));
    let locks = 0;
    const counted: TokenStore = { ...store, lock: (o) => (locks++, store.lock(o)) };
    const r = rotating();
    const m = manager(counted, r.refresh);
    expect(await m.getAccessToken()).toBe('at-1');
    expect(await m.getAccessToken({ force: true })).toBe('at-101');
    expect(r.calls).toEqual(['rt-1']);
    expect(locks).toBe(1);
    expect((await store.read())?.accessToken).toBe('at-101');
  });

  it('does not refresh when the store already holds a newer token than this manager last saw', async () => {
    const store = createMemoryTokenStore(creds(1));
    const a = rotating();
    const b = rotating();
    const first = manager(store, a.refresh);
    const second = manager(store, b.refresh);
    expect(await first.getAccessToken()).toBe('at-1');
    expect(await second.getAccessToken({ force: true })).toBe('at-101'); // "another process" renews
    expect(await first.getAccessToken({ force: true })).toBe('at-101');
    expect(a.calls).toEqual([]);
    expect(b.calls).toEqual(['rt-1']);
  });

  it('concurrent forced calls share one refresh', async () => {
    const r = rotating(20);
    const m = manager(createMemoryTokenStore(creds(1)), r.refresh);
    await m.getAccessToken();
    const tokens = await Promise.all(Array.from({ length: 25 }, () => m.getAccessToken({ force: true })));
    expect(new Set(tokens)).toEqual(new Set(['at-101']));
    expect(r.calls.length).toBe(1);
  });
});

describe('invalidate', () => {
  it('the next call refreshes once, for every caller', async () => {
    const r = rotating(10);
    const m = manager(createMemoryTokenStore(creds(1)), r.refresh);
    const t = await m.getAccessToken();
    m.invalidate(t);
    const tokens = await Promise.all(Array.from({ length: 10 }, () => m.getAccessToken()));
    expect(new Set(tokens)).toEqual(new Set(['at-101']));
    expect(r.calls).toEqual(['rt-1']);
    // Invalidated once: later calls are the hot path again.
    expect(await m.getAccessToken()).toBe('at-101');
    expect(r.calls.length).toBe(1);
  });

  it('a token that is not the current one is ignored (a late 401 costs nothing)', async () => {
    const r = rotating();
    const m = manager(createMemoryTokenStore(creds(1)), r.refresh);
    const old = await m.getAccessToken();
    await m.getAccessToken({ force: true });
    m.invalidate(old);
    m.invalidate('never-issued');
    expect(await m.getAccessToken()).toBe('at-101');
    expect(r.calls.length).toBe(1);
  });

  it('before any token was handed out, there is nothing to invalidate', async () => {
    const r = rotating();
    const m = manager(createMemoryTokenStore(creds(1)), r.refresh);
    m.invalidate('at-1');
    expect(await m.getAccessToken()).toBe('at-1');
    expect(r.calls).toEqual([]);
  });

  it('another process that refreshed meanwhile is used instead of a second refresh', async () => {
    const store = createMemoryTokenStore(creds(1));
    const a = rotating();
    const b = rotating();
    const first = manager(store, a.refresh);
    const second = manager(store, b.refresh);
    const t = await first.getAccessToken();
    await second.getAccessToken({ force: true });
    first.invalidate(t);
    expect(await first.getAccessToken()).toBe('at-101');
    expect(a.calls).toEqual([]);
  });
});

describe('signal', () => {
  it('ends one caller’s wait with ABORTED; the shared refresh completes for the others', async () => {
    const r = rotating(50);
    const m = manager(createMemoryTokenStore(creds(1)), r.refresh);
    await m.getAccessToken();
    const controller = new AbortController();
    const waiting = m.getAccessToken({ force: true, signal: controller.signal });
    const other = m.getAccessToken({ force: true });
    controller.abort();
    const error = await waiting.catch((e: unknown) => e);
    expect(isAuthError(error, 'ABORTED')).toBe(true);
    expect(await other).toBe('at-101');
    expect(r.calls.length).toBe(1);
  });

  it('an aborted signal rejects at once', async () => {
    const m = manager(createMemoryTokenStore(creds(1)), rotating().refresh);
    await expect(m.getAccessToken({ signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'ABORTED' });
  });
});

describe('the client, on a real credentials file and the Qwen-shaped server', () => {
  let server: FakeQwenServer | undefined;
  let tree: Tree | undefined;
  afterEach(async () => {
    await server?.close();
    tree?.remove();
    server = tree = undefined;
  });

  it('getToken({ forceRefresh }) rotates the file; invalidate() makes the next getToken() refresh; getAccessToken() stays', async () => {
    server = await startFakeQwenServer();
    tree = makeTree({ 'q/.keep': '' });
    writeFileSync(join(tree.path('q'), 'oauth_creds.json'), JSON.stringify(server.mintCredentials()));
    const client = createQwenOAuthClient({ ...server.oauthOptions, store: createFileTokenStore({ qwenDir: tree.path('q') }), env: {} });
    const t1 = await client.getToken();
    expect(await client.getAccessToken()).toBe(t1);
    const t2 = await client.getToken({ forceRefresh: true });
    expect(t2).not.toBe(t1);
    expect(server.stats.refreshRequests).toBe(1);
    client.invalidate(t1); // stale: ignored
    expect(await client.getToken()).toBe(t2);
    client.invalidate(t2);
    const t3 = await client.getToken();
    expect(t3).not.toBe(t2);
    expect(server.stats.refreshRequests).toBe(2);
    expect(server.isValidAccessToken(t3)).toBe(true);
  });
});
