/**
 * The keychain store: the real OS keychain (a Secret Service on Linux)
 * through @napi-rs/keyring (the default, a devDependency here) and, when it
 * is installed, keytar; and the fallback to the file store when the keychain
 * cannot be used: nothing installed, no session bus, a collection that reads
 * but does not write (locked), one that never answers. .ci/run runs the suite
 * inside a D-Bus session with an unlocked gnome-keyring; elsewhere the
 * real-keychain tests say visibly why they are skipped.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createKeychainTokenStore, createMemoryTokenStore, resolveAuth } from '../../src/index.js';
import type { KeytarLike } from '../../src/storage/keychain-store.js';
import { makeTree, type Tree } from '../support/tree.js';

let tree: Tree | undefined;
afterEach(() => tree?.remove());

const CREDS = { accessToken: 'at-keychain-0123456789', refreshToken: 'rt-keychain-0123456789', tokenType: 'Bearer', expiresAt: Date.parse('2099-01-01') };
const require = createRequire(import.meta.url);

function loadKeytar(): KeytarLike | undefined {
  try {
    return require('keytar') as KeytarLike;
  } catch {
    return undefined;
  }
}
const keytar = loadKeytar();

/** Why a real Secret Service cannot be used here, or undefined when it can (asked through @napi-rs/keyring). */
async function keychainUnavailable(): Promise<string | undefined> {
  if (!process.env.DBUS_SESSION_BUS_ADDRESS && process.platform === 'linux') {
    return 'no D-Bus session (run under dbus-run-session with gnome-keyring unlocked, as .ci/run does)';
  }
  try {
    const { Entry } = require('@napi-rs/keyring') as typeof import('@napi-rs/keyring');
    const entry = new Entry('qwen-auth-test-probe', 'probe', { linux: { store: 'secret-service' } });
    entry.setPassword('x');
    entry.deleteCredential();
    return undefined;
  } catch (error) {
    return `the keychain does not answer: ${(error as Error).message}`;
  }
}

const unavailable = await keychainUnavailable();
// .ci/run sets QWEN_AUTH_REQUIRE_KEYCHAIN: there, a missing keychain is a failure, not a skip.
const required = process.env.QWEN_AUTH_REQUIRE_KEYCHAIN === '1';
if (unavailable) console.warn(`[keychain] real Secret Service tests ${required ? 'REQUIRED but' : 'SKIPPED:'} ${unavailable}`);
if (!keytar) console.warn('[keychain] keytar tests SKIPPED: keytar is not installed (optional; node scripts/install-keytar.mjs installs it)');

it.runIf(required)('a real keychain is available (required by QWEN_AUTH_REQUIRE_KEYCHAIN)', () => {
  expect(unavailable).toBeUndefined();
});

describe.skipIf(unavailable !== undefined)(`the real OS keychain${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  const service = `qwen-auth-test-${process.pid}`;

  it('stores, reads and deletes a login through @napi-rs/keyring, loaded lazily by default', async () => {
    tree = makeTree();
    const store = await createKeychainTokenStore({ service, qwenDir: tree.path('q') });
    expect(store.fallbackReason).toBeUndefined();
    expect(store.kind).toBe('keychain');
    await store.write(CREDS);
    expect(await store.read()).toEqual(CREDS);
    // Nothing secret lands on disk (only the lock folder may exist).
    expect(existsSync(tree.path('q/oauth_creds.json'))).toBe(false);
    // The probe's sentinel entry is gone; the login is in the Secret Service, where another process finds it.
    const { Entry } = require('@napi-rs/keyring') as typeof import('@napi-rs/keyring');
    expect(new Entry(service, 'qwen-oauth.probe', { linux: { store: 'secret-service' } }).getPassword()).toBeNull();
    const script = `const { Entry } = require('@napi-rs/keyring'); process.stdout.write(new Entry(${JSON.stringify(service)}, 'qwen-oauth', { linux: { store: 'secret-service' } }).getPassword() ?? 'none')`;
    const seen = execFileSync(process.execPath, ['-e', script], { cwd: fileURLToPath(new URL('../..', import.meta.url)), encoding: 'utf8' });
    expect(JSON.parse(seen)).toMatchObject({ access_token: CREDS.accessToken });
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

  it.skipIf(!keytar)('keytar is still accepted when it is the module given', async () => {
    tree = makeTree();
    const store = await createKeychainTokenStore({ service: `${service}-keytar`, qwenDir: tree.path('q'), keytar: keytar! });
    expect(store.kind).toBe('keychain');
    await store.write(CREDS);
    expect(await store.read()).toEqual(CREDS);
    await store.delete();
    expect(await store.read()).toBeUndefined();
  });
});

describe('falling back to the file store', () => {
  it('when the keychain module cannot be loaded, says so and uses the file store', async () => {
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

  it('with no session bus (the real module, no DBUS_SESSION_BUS_ADDRESS): says so', { skip: process.platform !== 'linux' }, () => {
    tree = makeTree();
    const index = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
    const script = `import(${JSON.stringify(index)}).then(async (m) => { const s = await m.createKeychainTokenStore({ qwenDir: ${JSON.stringify(tree.path('q'))} }); process.stdout.write(JSON.stringify({ kind: s.kind, reason: s.fallbackReason })) })`;
    const env = { ...process.env };
    delete env.DBUS_SESSION_BUS_ADDRESS;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { env, encoding: 'utf8' })) as { kind: string; reason: string };
    expect(out.kind).toBe('file');
    expect(out.reason).toMatch(/^the keychain is unavailable: no D-Bus session bus/);
  });

  it('a keychain that reads but cannot write (a locked collection): not used, the reason says why', async () => {
    tree = makeTree();
    // The old probe (one read) let this through, and every write then failed with STORE_ERROR.
    const locked: KeytarLike = {
      getPassword: async () => null,
      setPassword: async () => {
        throw new Error('Cannot create an item in a locked collection');
      },
      deletePassword: async () => false,
    };
    const store = await createKeychainTokenStore({ qwenDir: tree.path('q'), keytar: locked });
    expect(store.kind).toBe('file');
    expect(store.fallbackReason).toMatch(/^the keychain is unavailable: its collection is locked \(Cannot create an item in a locked collection\)/);
  });

  it('a keychain that forgets what it was given: not used', async () => {
    tree = makeTree();
    const forgetful: KeytarLike = { getPassword: async () => null, setPassword: async () => undefined, deletePassword: async () => false };
    const store = await createKeychainTokenStore({ qwenDir: tree.path('q'), keytar: forgetful });
    expect(store.fallbackReason).toBe('the keychain is unavailable (the keychain did not keep a test entry)');
  });

  it('a keychain that never answers: given up after the probe timeout', async () => {
    tree = makeTree();
    const stuck: KeytarLike = {
      getPassword: () => new Promise(() => {}),
      setPassword: () => new Promise(() => {}),
      deletePassword: () => new Promise(() => {}),
    };
    const store = await createKeychainTokenStore({ qwenDir: tree.path('q'), keytar: stuck, probeTimeoutMs: 50 });
    expect(store.kind).toBe('file');
    expect(store.fallbackReason).toMatch(/did not answer within 50 ms/);
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
    expect(store.fallbackReason).toMatch(/no D-Bus session bus.*\(Cannot autolaunch D-Bus/);
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

/** gnome-keyring and dbus-run-session, to start a real Secret Service of our own. */
const gnomeKeyring = process.platform === 'linux' && ['/usr/bin/gnome-keyring-daemon', '/usr/bin/dbus-run-session'].every((p) => existsSync(p));
if (!gnomeKeyring) console.warn('[keychain] real locked-collection tests SKIPPED: gnome-keyring-daemon or dbus-run-session is not installed');

describe.skipIf(!gnomeKeyring)('a real Secret Service of our own (gnome-keyring under dbus-run-session)', () => {
  const index = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
  /** Opens the store in a fresh D-Bus session whose keyring daemon is started by `start`. */
  const open = (dataHome: string, start: string) => {
    const script = `import(${JSON.stringify(index)}).then(async (m) => { const s = await m.createKeychainTokenStore({ qwenDir: ${JSON.stringify(join(dataHome, 'q'))} }); process.stdout.write(JSON.stringify({ kind: s.kind, reason: s.fallbackReason ?? null })) })`;
    const out = execFileSync('/usr/bin/dbus-run-session', ['--', 'sh', '-c', `${start} >/dev/null 2>&1; exec "$0" -e "$1"`, process.execPath, script], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: dataHome, XDG_DATA_HOME: dataHome },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    return JSON.parse(out) as { kind: string; reason: string | null };
  };

  it('unlocked: the keychain is used; the same keyring locked (no one to type the password): the file store, "its collection is locked"', () => {
    const dataHome = mkdtempSync(join(tmpdir(), 'qwen-auth-keyring-'));
    try {
      expect(open(dataHome, 'echo -n pw | gnome-keyring-daemon --unlock --components=secrets')).toEqual({ kind: 'keychain', reason: null });
      const locked = open(dataHome, 'gnome-keyring-daemon --start --components=secrets');
      expect(locked.kind).toBe('file');
      expect(locked.reason).toMatch(/^the keychain is unavailable: its collection is locked/);
    } finally {
      rmSync(dataHome, { recursive: true, force: true });
    }
  });
});
