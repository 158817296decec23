import { describe, expect, it } from 'vitest';
import { createMemoryTokenStore, isAuthError, QwenAuthError } from '../../src/index.js';
import { type Refresher, type TokenGrant, TokenManager } from '../../src/oauth/token-manager.js';
import type { QwenCredentials, TokenStore } from '../../src/storage/types.js';

const T0 = 1_800_000_000_000;

/** A store that counts every call made to it. */
function counted(store: TokenStore) {
  const calls = { read: 0, write: 0, delete: 0, version: 0, lock: 0 };
  const wrapped: TokenStore = {
    kind: store.kind,
    location: store.location,
    read: () => (calls.read++, store.read()),
    write: (c) => (calls.write++, store.write(c)),
    delete: () => (calls.delete++, store.delete()),
    version: () => (calls.version++, store.version!()),
    lock: (o) => (calls.lock++, store.lock!(o)),
  };
  return { store: wrapped, calls };
}

function creds(n: number, expiresAt: number, extra: Partial<QwenCredentials> = {}): QwenCredentials {
  return { accessToken: `at-${n}`, refreshToken: `rt-${n}`, tokenType: 'Bearer', resourceUrl: 'portal.qwen.ai', expiresAt, ...extra };
}

/** A refresher that rotates tokens and counts its calls. */
function rotating(options: { omit?: readonly (keyof TokenGrant)[]; delayMs?: number } = {}) {
  let n = 100;
  const seen: string[] = [];
  const refresh: Refresher = async (rt) => {
    seen.push(rt);
    if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
    n++;
    const grant: Record<string, unknown> = {
      accessToken: `at-${n}`,
      refreshToken: `rt-${n}`,
      tokenType: 'Bearer',
      resourceUrl: 'portal.qwen.ai',
      expiresIn: 3600,
    };
    for (const key of options.omit ?? []) delete grant[key];
    return grant as unknown as TokenGrant;
  };
  return { refresh, seen };
}

function clock(start = T0) {
  let now = start;
  return { now: () => now, advance: (ms: number) => (now += ms) };
}

describe('TokenManager', () => {
  it('hot path: a valid token checked recently costs no store access at all', async () => {
    const { store, calls } = counted(createMemoryTokenStore(creds(1, T0 + 3_600_000)));
    const c = clock();
    const m = new TokenManager({ store, refresh: rotating().refresh, now: c.now });
    expect(await m.getAccessToken()).toBe('at-1');
    const after = { ...calls };
    for (let i = 0; i < 1000; i++) await m.getAccessToken();
    c.advance(4_999);
    await m.getAccessToken();
    expect(calls).toEqual(after);
  });

  it('checks the store at most every 5 s, and reads it only when its version changed', async () => {
    const memory = createMemoryTokenStore(creds(1, T0 + 3_600_000));
    const { store, calls } = counted(memory);
    const c = clock();
    const m = new TokenManager({ store, refresh: rotating().refresh, now: c.now });
    await m.getAccessToken();
    const reads = calls.read;
    c.advance(5_000);
    await m.getAccessToken();
    expect(calls.read).toBe(reads); // version unchanged: no read
    await memory.write(creds(2, T0 + 7_200_000)); // another process logs in again
    expect(await m.getAccessToken()).toBe('at-1'); // not noticed before the interval…
    c.advance(5_000);
    expect(await m.getAccessToken()).toBe('at-2'); // …then picked up
  });

  it('refreshes 30 s before expiry, not later', async () => {
    const r = rotating();
    const c = clock();
    const m = new TokenManager({ store: createMemoryTokenStore(creds(1, T0 + 31_000)), refresh: r.refresh, now: c.now });
    expect(await m.getAccessToken()).toBe('at-1');
    c.advance(1_001);
    expect(await m.getAccessToken()).toBe('at-101');
    expect(r.seen).toEqual(['rt-1']);
  });

  it('1,000 concurrent callers on an expired token share one refresh', async () => {
    const r = rotating({ delayMs: 20 });
    const m = new TokenManager({ store: createMemoryTokenStore(creds(1, T0 - 1)), refresh: r.refresh, now: () => T0 });
    const tokens = await Promise.all(Array.from({ length: 1000 }, () => m.getAccessToken()));
    expect(new Set(tokens)).toEqual(new Set(['at-101']));
    expect(r.seen).toHaveLength(1);
  });

  it('keeps the refresh token and resource_url a refresh leaves out (resource_url: Differs)', async () => {
    const store = createMemoryTokenStore(creds(1, T0 - 1, { resourceUrl: 'https://custom.qwen.example' }));
    const r = rotating({ omit: ['refreshToken', 'resourceUrl'] });
    const m = new TokenManager({ store, refresh: r.refresh, now: () => T0 });
    await m.getAccessToken();
    expect(await store.read()).toMatchObject({
      accessToken: 'at-101',
      refreshToken: 'rt-1',
      resourceUrl: 'https://custom.qwen.example',
      expiresAt: T0 + 3_600_000,
    });
  });

  it('under the lock, uses a token another process refreshed meanwhile, with no request', async () => {
    const store = createMemoryTokenStore(creds(1, T0 - 1));
    const r = rotating();
    const c = clock();
    const m = new TokenManager({ store, refresh: r.refresh, now: c.now });
    await expect(m.getCredentials()).resolves.toMatchObject({ accessToken: 'at-101' });
    // Simulate: our view goes stale, someone else refreshes, our token expires.
    await store.write(creds(7, T0 + 3_600_000));
    c.advance(1_000);
    const other = new TokenManager({ store, refresh: r.refresh, now: c.now });
    other.adopt(creds(1, T0 - 1), 'stale');
    expect(await other.getAccessToken()).toBe('at-7');
    expect(r.seen).toHaveLength(1);
  });

  describe('a rejected refresh (400/401)', () => {
    const rejecting: Refresher = async () => {
      throw new QwenAuthError('LOGIN_REQUIRED', 'rejected', { details: { reason: 'refresh-rejected' } });
    };

    it('keeps the login in the store (only a logout deletes), says to log in, and says the same at once on every later call', async () => {
      const store = createMemoryTokenStore(creds(1, T0 - 1));
      let asked = 0;
      const m = new TokenManager({ store, refresh: (t) => (asked++, rejecting(t)), now: () => T0 });
      const error = await m.getAccessToken().catch((e) => e);
      expect(isAuthError(error, 'LOGIN_REQUIRED')).toBe(true);
      expect(error.details.reason).toBe('refresh-rejected');
      expect(await store.read()).toMatchObject({ accessToken: 'at-1', refreshToken: 'rt-1' });
      // Later calls: the same reason, without asking the server again.
      for (let i = 0; i < 3; i++) {
        const again = await m.getAccessToken().catch((e) => e);
        expect(again).toMatchObject({ code: 'LOGIN_REQUIRED', details: { reason: 'refresh-rejected' } });
      }
      expect(asked).toBe(1);
      // A new run (a new manager over the same store) asks once and learns the same reason.
      const next = new TokenManager({ store, refresh: (t) => (asked++, rejecting(t)), now: () => T0 });
      expect(await next.getAccessToken().catch((e) => e)).toMatchObject({ code: 'LOGIN_REQUIRED', details: { reason: 'refresh-rejected' } });
      expect(asked).toBe(2);
    });

    it('a new login in the store after a dead one is used', async () => {
      const store = createMemoryTokenStore(creds(1, T0 - 1));
      let now = T0;
      const m = new TokenManager({ store, refresh: rejecting, now: () => now });
      await m.getAccessToken().catch(() => undefined);
      await store.write(creds(5, T0 + 3_600_000));
      now += 10_000; // past the check interval: the store is read again
      expect(await m.getAccessToken()).toBe('at-5');
    });

    it('keeps a login someone rotated meanwhile, and uses it', async () => {
      const store = createMemoryTokenStore(creds(1, T0 - 1));
      const refresh: Refresher = async () => {
        await store.write(creds(9, T0 + 3_600_000)); // another tool rotated the token while we asked
        return rejecting('');
      };
      const m = new TokenManager({ store, refresh, now: () => T0 });
      expect(await m.getAccessToken()).toBe('at-9');
      expect(await store.read()).toMatchObject({ accessToken: 'at-9' });
    });

    it('retries once with a rotated but expired token, deleting nothing it did not present', async () => {
      const store = createMemoryTokenStore(creds(1, T0 - 1));
      const seen: string[] = [];
      const refresh: Refresher = async (rt) => {
        seen.push(rt);
        if (rt === 'rt-1') {
          await store.write(creds(5, T0 - 1)); // rotated elsewhere, already expired
          return rejecting('');
        }
        return { accessToken: 'at-6', refreshToken: 'rt-6', expiresIn: 60 };
      };
      const m = new TokenManager({ store, refresh, now: () => T0 });
      expect(await m.getAccessToken()).toBe('at-6');
      expect(seen).toEqual(['rt-1', 'rt-5']);
    });
  });

  it('network failures keep the login and fail with the refresher’s code', async () => {
    const store = createMemoryTokenStore(creds(1, T0 - 1));
    const m = new TokenManager({
      store,
      now: () => T0,
      refresh: async () => {
        throw new QwenAuthError('NETWORK_ERROR', 'down', { details: { endpoint: 'https://x', attempts: 4 } });
      },
    });
    await expect(m.getAccessToken()).rejects.toMatchObject({ code: 'NETWORK_ERROR' });
    expect(await store.read()).toMatchObject({ accessToken: 'at-1', refreshToken: 'rt-1' });
  });

  it('no login: LOGIN_REQUIRED (no-credentials); no refresh token: LOGIN_REQUIRED (no-refresh-token)', async () => {
    const none = new TokenManager({ store: createMemoryTokenStore(), refresh: rotating().refresh, now: () => T0 });
    await expect(none.getAccessToken()).rejects.toMatchObject({ code: 'LOGIN_REQUIRED', details: { reason: 'no-credentials' } });
    const noRt = new TokenManager({
      store: createMemoryTokenStore({ accessToken: 'a', tokenType: 'Bearer', expiresAt: T0 - 1 }),
      refresh: rotating().refresh,
      now: () => T0,
    });
    await expect(noRt.getAccessToken()).rejects.toMatchObject({ code: 'LOGIN_REQUIRED', details: { reason: 'no-refresh-token' } });
  });

  it('force refreshes a valid token, once for concurrent callers', async () => {
    const r = rotating({ delayMs: 10 });
    const m = new TokenManager({ store: createMemoryTokenStore(creds(1, T0 + 3_600_000)), refresh: r.refresh, now: () => T0 });
    const [a, b] = await Promise.all([m.getCredentials({ force: true }), m.getCredentials({ force: true })]);
    expect(a.accessToken).toBe('at-101');
    expect(b.accessToken).toBe('at-101');
    expect(r.seen).toEqual(['rt-1']);
  });
});
