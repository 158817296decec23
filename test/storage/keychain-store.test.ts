/**
 * The keychain store: the real OS keychain (Secret Service via keytar) when
 * this machine has one, and the fallback to the file store when it does not.
 * .ci/run installs keytar and runs the suite inside a D-Bus session with an
 * unlocked gnome-keyring; elsewhere the real-keychain tests say visibly why
 * they are skipped.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import { createKeychainTokenStore, createMemoryTokenStore, resolveAuth } from '../../src/index.js';
import type { KeytarLike } from '../../src/storage/keychain-store.js';
import { makeTree, type Tree } from '../support/tree.js';

let tree: Tree | undefined;
afterEach(() => tree?.remove());

const CREDS = { accessToken: 'at-keychain-0123456789', refreshToken: 'rt-keychain-0123456789', tokenType: 'Bearer', expiresAt: Date.parse('2099-01-01') };

/** Why the real keychain cannot be used here, or undefined when it can. */
async function keychainUnavailable(): Promise<string | undefined> {
  let keytar: KeytarLike;
  try {
    keytar = createRequire(import.meta.url)('keytar') as KeytarLike;
  } catch {
    return 'keytar is not installed (node scripts/install-keytar.mjs installs it)';
  }
  if (!process.env.DBUS_SESSION_BUS_ADDRESS && process.platform === 'linux') {
    return 'no D-Bus session (run under dbus-run-session with gnome-keyring unlocked, as .ci/run does)';
  }
  try {
    await keytar.setPassword('qwen-auth-test-probe', 'probe', 'x');
    await keytar.deletePassword('qwen-auth-test-probe', 'probe');
    return undefined;
  } catch (error) {
    return `the keychain does not answer: ${(error as Error).message}`;
  }
}

const unavailable = await keychainUnavailable();
// .ci/run sets QWEN_AUTH_REQUIRE_KEYCHAIN: there, a missing keychain is a failure, not a skip.
const required = process.env.QWEN_AUTH_REQUIRE_KEYCHAIN === '1';
if (unavailable) console.warn(`[keychain] real Secret Service tests ${required ? 'REQUIRED but' : 'SKIPPED:'} ${unavailable}`);

it.runIf(required)('a real keychain is available (required by QWEN_AUTH_REQUIRE_KEYCHAIN)', () => {
  expect(unavailable).toBeUndefined();
});

describe.skipIf(unavailable !== undefined)(`the real OS keychain${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  const service = `qwen-auth-test-${process.pid}`;

  it('stores, reads and deletes a login through keytar, loaded lazily by default', async () => {
    tree = makeTree();
    const store = await createKeychainTokenStore({ service, qwenDir: tree.path('q') });
    expect(store.kind).toBe('keychain');
    expect(store.fallbackReason).toBeUndefined();
    await store.write(CREDS);
    expect(await store.read()).toEqual(CREDS);
    // Nothing secret lands on disk (only the lock folder may exist).
    expect(existsSync(tree.path('q/oauth_creds.json'))).toBe(false);
    await store.delete();
    expect(await store.read()).toBeUndefined();
  });

  it('serves resolveAuth: the result says the keychain is in use', async () => {
    tree = makeTree({ 'home/.keep': '', 'w/.keep': '' });
    const store = await createKeychainTokenStore({ service, qwenDir: tree.path('home/.qwen') });
    await store.write(CREDS);
    try {
      const auth = await resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: {}, oauth: { store } });
      expect(auth.type).toBe('qwen-oauth');
      if (auth.type !== 'qwen-oauth') return;
      expect(auth.credentials.store).toBe('keychain');
      expect(await auth.getAccessToken()).toBe(CREDS.accessToken);
    } finally {
      await store.delete();
    }
  });
});

describe('falling back to the file store', () => {
  it('when keytar cannot be loaded, says so and uses the file store', async () => {
    tree = makeTree();
    const store = await createKeychainTokenStore({
      qwenDir: tree.path('q'),
      keytar: async () => {
        throw Object.assign(new Error("Cannot find package 'keytar'"), { code: 'ERR_MODULE_NOT_FOUND' });
      },
    });
    expect(store.kind).toBe('file');
    expect(store.fallbackReason).toBe('keytar is not installed');
    await store.write(CREDS);
    expect(existsSync(tree.path('q/oauth_creds.json'))).toBe(true);
  });

  it('when the keychain does not answer, says why', async () => {
    tree = makeTree();
    const broken: KeytarLike = {
      getPassword: async () => {
        throw new Error('Cannot autolaunch D-Bus without X11 $DISPLAY');
      },
      setPassword: async () => undefined,
      deletePassword: async () => false,
    };
    const store = await createKeychainTokenStore({ qwenDir: tree.path('q'), keytar: broken });
    expect(store.kind).toBe('file');
    expect(store.fallbackReason).toMatch(/unavailable \(Cannot autolaunch D-Bus/);
  });

  it('uses a given fallback, and resolveAuth reports KEYCHAIN_UNAVAILABLE', async () => {
    tree = makeTree({ 'home/.keep': '', 'w/.keep': '' });
    const fallback = createMemoryTokenStore(CREDS);
    const store = await createKeychainTokenStore({ fallback, keytar: async () => Promise.reject(new Error('nope')) });
    expect(store.kind).toBe('memory');
    const auth = await resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: {}, oauth: { store } });
    expect(auth.diagnostics.map((d) => d.code)).toContain('KEYCHAIN_UNAVAILABLE');
    expect(auth.type === 'qwen-oauth' && auth.credentials.store).toBe('memory');
  });

  it('uses the real default loader, whatever this machine has', async () => {
    tree = makeTree();
    const store = await createKeychainTokenStore({ qwenDir: tree.path('q'), service: `qwen-auth-probe-${process.pid}` });
    expect(store.kind === 'keychain' || store.fallbackReason !== undefined).toBe(true);
  });
});
