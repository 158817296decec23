import { join } from 'node:path';
import { QwenAuthError } from '../errors.js';
import { locateQwenHome, type QwenHomeOptions } from '../env/qwen-home.js';
import { parseCredentialsJson, toQwenJson } from './credentials-json.js';
import { createFileTokenStore, LOCK_FILE } from './file-store.js';
import { acquireFileLock, type FileLockOptions } from './lock.js';
import type { LockOptions, QwenCredentials, ReleaseLock, TokenStore } from './types.js';

/** The part of keytar's API the keychain store uses. */
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
  /** keytar itself, or a loader for it (default: `import('keytar')`, an optional peer dependency). */
  readonly keytar?: KeytarLike | (() => Promise<KeytarLike>);
  /** Qwen's home folder, for the lock and the default fallback (default: found as `resolveAuth` finds it). */
  readonly qwenDir?: string | undefined;
  /** Used when the keychain is unavailable (default: the file store in `qwenDir`). */
  readonly fallback?: TokenStore;
  /** Lock timings (the lock is `<qwenDir>/oauth_creds.lock`). */
  readonly lock?: FileLockOptions;
}

/** A store opened by {@link createKeychainTokenStore}: the keychain, or the fallback with its `fallbackReason`. */
export type OpenedKeychainStore = TokenStore;

async function loadKeytar(): Promise<KeytarLike> {
  // A variable specifier: keytar is an optional peer, absent at build time.
  const specifier = 'keytar';
  const mod = (await import(specifier)) as { default?: KeytarLike } & Partial<KeytarLike>;
  const api = (mod.default ?? mod) as Partial<KeytarLike>;
  if (typeof api.getPassword !== 'function' || typeof api.setPassword !== 'function') {
    throw new Error('the keytar module does not have the expected API');
  }
  return api as KeytarLike;
}

function reasonOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') return 'keytar is not installed';
  const message = error instanceof Error ? error.message : String(error);
  return `the keychain is unavailable (${message.split('\n')[0]!.slice(0, 200)})`;
}

/**
 * Opens the OS keychain through keytar (Secret Service on Linux, Keychain on
 * macOS, Credential Vault on Windows), loaded lazily. When keytar is missing
 * or the keychain does not answer, resolves to the fallback store instead
 * (the file store by default) and says why in `fallbackReason`.
 */
export async function createKeychainTokenStore(options: KeychainTokenStoreOptions = {}): Promise<OpenedKeychainStore> {
  const service = options.service ?? 'qwen-auth';
  const account = options.account ?? 'qwen-oauth';
  const { qwenDir } = locateQwenHome(options);
  const lockPath = join(qwenDir, LOCK_FILE);

  let keytar: KeytarLike;
  try {
    keytar =
      typeof options.keytar === 'function' ? await options.keytar() : (options.keytar ?? (await loadKeytar()));
    await keytar.getPassword(service, account); // probe: throws when no keychain answers
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
    lock(o: LockOptions = {}): Promise<ReleaseLock | undefined> {
      return acquireFileLock(lockPath, {
        ...options.lock,
        ...(o.signal && { signal: o.signal }),
        ...(o.shouldStop && { shouldStop: o.shouldStop }),
      });
    },
  };
}
