/**
 * Real processes sharing one login: the lock serialises them, the credentials
 * file carries the result, and no one is logged out.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startFakeQwenServer, type FakeQwenServer } from '../../src/testing/index.js';
import { run, STORE_CHILD, storeChild } from '../support/processes.js';
import { makeTree, type Tree } from '../support/tree.js';

let tree: Tree | undefined;
let server: FakeQwenServer | undefined;
afterEach(async () => {
  tree?.remove();
  await server?.close();
  server = undefined;
});

describe('the lock across processes', () => {
  it('8 processes × 25 locked increments lose no update', async () => {
    tree = makeTree({ counter: '0' });
    await Promise.all(Array.from({ length: 8 }, () => storeChild('counter', { qwenDir: tree!.path('q'), counter: tree!.path('counter'), iterations: 25 })));
    expect(readFileSync(tree.path('counter'), 'utf8')).toBe('200');
  });

  it('a holder killed with SIGKILL: the others continue once the lock is stale', async () => {
    tree = makeTree();
    const lock = { staleMs: 1_000, heartbeatMs: 200, timeoutMs: 20_000 };
    const holder = run(STORE_CHILD, ['hold', JSON.stringify({ qwenDir: tree.path('q'), ms: 60_000, lock })]);
    await holder.waitFor('locked');
    const killedAt = Date.now();
    holder.child.kill('SIGKILL');
    await holder.done;
    writeFileSync(tree.path('counter'), '0');
    await storeChild('counter', { qwenDir: tree.path('q'), counter: tree.path('counter'), iterations: 1, lock });
    const waited = Date.now() - killedAt;
    expect(readFileSync(tree.path('counter'), 'utf8')).toBe('1');
    expect(waited).toBeGreaterThanOrEqual(800); // not before it went stale…
    expect(waited).toBeLessThan(10_000); // …and promptly after
  });
});

describe('many processes on one expired login', () => {
  async function expiredLogin(options: Parameters<typeof startFakeQwenServer>[0] = {}) {
    server = await startFakeQwenServer(options);
    tree = makeTree();
    const creds = server.mintCredentials({ expiresInSeconds: -60 });
    writeFileSync(tree.path('oauth_creds.json'), JSON.stringify(creds));
    return { qwenDir: tree.path(), tokenEndpoint: server.tokenEndpoint, deviceEndpoint: server.deviceAuthorizationEndpoint };
  }

  it('16 processes at once: exactly one refresh reaches the server, all end with the same token', async () => {
    const o = await expiredLogin({ refreshLatencyMs: 300 });
    const startAt = Date.now() + 1_500; // let every process start, then go together
    const results = (await Promise.all(Array.from({ length: 16 }, () => storeChild('token', { ...o, startAt })))).flat();
    expect(server!.stats.refreshRequests).toBe(1);
    expect(results.every((r) => typeof r.token === 'string')).toBe(true);
    expect(new Set(results.map((r) => r.token)).size).toBe(1);
    expect(server!.isValidAccessToken(results[0]!.token as string)).toBe(true);
    const file = JSON.parse(readFileSync(tree!.path('oauth_creds.json'), 'utf8'));
    expect(file.access_token).toBe(results[0]!.token);
  });

  it('a refresher killed mid-refresh: the others refresh once the lock is stale, no one is logged out', async () => {
    const o = await expiredLogin({ refreshLatencyMs: 60_000 });
    const victim = run(STORE_CHILD, ['token', JSON.stringify(o)]);
    // Wait until its refresh request is in flight, then kill it.
    for (let i = 0; i < 200 && server!.stats.refreshRequests === 0; i++) await new Promise((r) => setTimeout(r, 25));
    victim.child.kill('SIGKILL');
    await victim.done;
    // The server answers quickly from now on.
    const fast = await startFakeQwenServer();
    const creds = fast.mintCredentials({ expiresInSeconds: -60 });
    writeFileSync(tree!.path('oauth_creds.json'), JSON.stringify(creds));
    const t = Date.now();
    const results = (await Promise.all(Array.from({ length: 4 }, () => storeChild('token', { ...o, tokenEndpoint: fast.tokenEndpoint })))).flat();
    expect(Date.now() - t).toBeGreaterThan(5_000); // the dead holder's lock had to go stale (10 s after its last touch)
    expect(new Set(results.map((r) => r.token)).size).toBe(1);
    expect(fast.stats.refreshRequests).toBe(1);
    await fast.close();
  }, 40_000);
});
