import { join } from 'node:path';
import { QwenAuthError } from '../errors.js';
import { locateQwenHome, type QwenHomeOptions } from '../env/qwen-home.js';
import { parseCredentialsJson, toQwenJson } from './credentials-json.js';
import { createFileTokenStore, LOCK_FILE } from './file-store.js';
import type { FileLockOptions } from './lock.js';
import type { LockOptions, QwenCredentials, ReleaseLock, TokenStore } from './types.js';

/**
 * The keychain API the store uses: keytar's own shape. `@napi-rs/keyring`
 * (preferred) is adapted to it; keytar is used as it is.
 */
export interface KeytarLike {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
}

export interface KeychainTokenStoreOptions extends QwenHomeOptions {
  /** Keychain service name (default `qwen-auth`). */
  readonly service?: string;
  /** Keychain account name (default `qwen-oauth`). */
  readonly account?: string;
  /**
   * The keychain module, or a loader for it (default: the optional peer
   * `@napi-rs/keyring`, pinned to the Secret Service on Linux, else `keytar`).
   */
  readonly keytar?: KeytarLike | (() => Promise<KeytarLike>);
  /** Time allowed for the set / get / delete round trip that decides whether the keychain is used, ms (default 5,000). */
  readonly probeTimeoutMs?: number;
  /** Qwen's home folder, for the lock and the default fallback (default: found as `resolveAuth` finds it). */
  readonly qwenDir?: string | undefined;
  /** Used when the keychain is unavailable (default: the file store in `qwenDir`). */
  readonly fallback?: TokenStore;
  /** Lock timings (the lock is `<qwenDir>/oauth_creds.lock`). */
  readonly lock?: FileLockOptions;
}

/** A store opened by {@link createKeychainTokenStore}: the keychain, or the fallback with its `fallbackReason`. */
export type OpenedKeychainStore = TokenStore;

/** A module that is not installed: the reason names it. */
class NotInstalled extends Error {}

const isModuleNotFound = (error: unknown): boolean => {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND';
};

/** The part of `@napi-rs/keyring` used here. */
interface NapiKeyring {
  AsyncEntry: new (
    service: string,
    account: string,
    options?: { linux?: { store?: 'secret-service' | 'keyutils' } },
  ) => {
    getPassword(): Promise<string | null | undefined>;
    setPassword(password: string): Promise<void>;
    deleteCredential(): Promise<boolean>;
  };
}

/**
 * `@napi-rs/keyring` in keytar's shape. On Linux it is pinned to the Secret
 * Service: keyring-rs would otherwise fall back to the kernel keyring, which
 * forgets everything at reboot.
 */
function fromNapiKeyring(mod: NapiKeyring): KeytarLike {
  const entry = (service: string, account: string) => new mod.AsyncEntry(service, account, { linux: { store: 'secret-service' } });
  return {
    getPassword: async (service, account) => (await entry(service, account).getPassword()) ?? null,
    setPassword: (service, account, password) => entry(service, account).setPassword(password),
    deletePassword: (service, account) => entry(service, account).deleteCredential(),
  };
}

/** The default keychain module: `@napi-rs/keyring` first, then `keytar` (both optional peers). */
async function loadKeychainModule(): Promise<KeytarLike> {
  // Variable specifiers: both are optional peers, absent at build time.
  const napi = '@napi-rs/keyring';
  try {
    const mod = (await import(napi)) as Partial<NapiKeyring> & { default?: Partial<NapiKeyring> };
    const api = mod.AsyncEntry ? mod : mod.default;
    if (typeof api?.AsyncEntry === 'function') return fromNapiKeyring(api as NapiKeyring);
  } catch (error) {
    if (!isModuleNotFound(error)) throw error;
  }
  const keytar = 'keytar';
  let mod: { default?: KeytarLike } & Partial<KeytarLike>;
  try {
    mod = (await import(keytar)) as typeof mod;
  } catch (error) {
    if (isModuleNotFound(error)) throw new NotInstalled('no keychain module is installed (@napi-rs/keyring, or keytar)');
    throw error;
  }
  const api = (mod.default ?? mod) as Partial<KeytarLike>;
  if (typeof api.getPassword !== 'function' || typeof api.setPassword !== 'function') {
    throw new Error('the keytar module does not have the expected API');
  }
  return api as KeytarLike;
}

/** Why the keychain cannot be used, in words a person can act on. */
function reasonOf(error: unknown): string {
  if (error instanceof NotInstalled) return error.message;
  if (isModuleNotFound(error)) return 'keytar is not installed';
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0]!.slice(0, 200);
  if (/DBUS_SESSION_BUS_ADDRESS|autolaunch|org\.freedesktop\.DBus|D-?Bus/i.test(message)) {
    return `the keychain is unavailable: no D-Bus session bus, through which the Secret Service is reached (${message})`;
  }
  if (/\blocked\b|prompt|dismissed|unlock/i.test(message)) return `the keychain is unavailable: its collection is locked (${message})`;
  return `the keychain is unavailable (${message})`;
}

/** Rejects after `ms` (the timer never keeps the process alive). */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms (a locked collection waiting for a password?)`)), ms);
    timer.unref?.();
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * A set / get / delete round trip on a sentinel entry: a keychain that can
 * be read but not written (no session bus, a locked collection) is not used.
 */
async function roundTrip(keytar: KeytarLike, service: string, account: string): Promise<void> {
  const sentinel = `${account}.probe`;
  const value = `probe-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`;
  await keytar.setPassword(service, sentinel, value);
  const read = await keytar.getPassword(service, sentinel);
  await keytar.deletePassword(service, sentinel);
  if (read !== value) throw new Error('the keychain did not keep a test entry');
}

/**
 * Opens the OS keychain (Secret Service on Linux, Keychain on macOS,
 * Credential Manager on Windows) through `@napi-rs/keyring` or `keytar`,
 * loaded lazily, after a round trip on a sentinel entry under a timeout.
 * When no module is installed or the keychain does not work, resolves to
 * the fallback store instead (the file store by default) and says why in
 * `fallbackReason`.
 */
export async function createKeychainTokenStore(options: KeychainTokenStoreOptions = {}): Promise<OpenedKeychainStore> {
  const service = options.service ?? 'qwen-auth';
  const account = options.account ?? 'qwen-oauth';
  const { qwenDir } = locateQwenHome(options);
  const lockPath = join(qwenDir, LOCK_FILE);

  let keytar: KeytarLike;
  try {
    keytar = typeof options.keytar === 'function' ? await options.keytar() : (options.keytar ?? (await loadKeychainModule()));
    await within(roundTrip(keytar, service, account), options.probeTimeoutMs ?? 5_000, 'The keychain');
  } catch (error) {
    const fallback = options.fallback ?? createFileTokenStore({ qwenDir, ...(options.lock && { lock: options.lock }) });
    const fallbackReason = reasonOf(error);
    const opened: OpenedKeychainStore = {
      kind: fallback.kind,
      location: fallback.location,
      fallbackReason,
      read: () => fallback.read(),
      write: (c) => fallback.write(c),
      delete: () => fallback.delete(),
      ...(fallback.version && { version: () => fallback.version!() }),
      ...(fallback.lock && { lock: (o?: LockOptions) => fallback.lock!(o) }),
    };
    return opened;
  }

  const fail = (operation: 'read' | 'write' | 'delete', error: unknown): QwenAuthError<'STORE_ERROR'> =>
    new QwenAuthError('STORE_ERROR', `The keychain could not ${operation} the credentials (${reasonOf(error)}).`, {
      details: { store: 'keychain', operation },
      cause: error,
    });

  return {
    kind: 'keychain',
    location: `keychain service "${service}", account "${account}"`,
    async read(): Promise<QwenCredentials | undefined> {
      let text: string | null;
      try {
        text = await keytar.getPassword(service, account);
      } catch (error) {
        throw fail('read', error);
      }
      return text ? parseCredentialsJson(text) : undefined;
    },
    async write(credentials: QwenCredentials): Promise<void> {
      try {
        await keytar.setPassword(service, account, toQwenJson(credentials));
      } catch (error) {
        throw fail('write', error);
      }
    },
    async delete(): Promise<void> {
      try {
        await keytar.deletePassword(service, account);
      } catch (error) {
        throw fail('delete', error);
      }
    },
    // The lock loads on the first write or refresh (as the file store's).
    async lock(o: LockOptions = {}): Promise<ReleaseLock | undefined> {
      const { acquireFileLock } = await import('./lock.js');
      return acquireFileLock(lockPath, {
        ...options.lock,
        ...(o.signal && { signal: o.signal }),
        ...(o.shouldStop && { shouldStop: o.shouldStop }),
      });
    },
  };
}
