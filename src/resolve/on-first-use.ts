/**
 * The OAuth side's public factories as the main entry exports them. They
 * check their options and work out their paths now, as the implementations
 * do, and load the implementation (the client and its token manager, the
 * file store with its lock and atomic writes, the keychain store) on the
 * first call that needs it (one chunk, `oauth-parts.ts`): `import('qwen-auth')`
 * for an API key never compiles any of it. Resolution builds its Qwen OAuth
 * results from the implementations directly.
 */
import type { FileTokenStore, FileTokenStoreOptions } from '../storage/file-store.js';
import type { KeychainTokenStoreOptions, OpenedKeychainStore } from '../storage/keychain-store.js';
import { fileStorePaths } from '../storage/paths.js';
import type { QwenOAuthClient, QwenOAuthClientOptions } from '../oauth/client.js';
import { resolveEndpoints } from '../oauth/endpoints.js';

/** `load()` gives the implementation, loading it once; a failed load is tried again next time. */
function onFirstUse<T>(make: () => Promise<T>): { load(): Promise<T>; now(): T | undefined } {
  let ready: T | undefined;
  let loading: Promise<T> | undefined;
  return {
    now: () => ready,
    load() {
      if (ready !== undefined) return Promise.resolve(ready);
      loading ??= make().then(
        (value) => (ready = value),
        (error: unknown) => {
          loading = undefined;
          throw error;
        },
      );
      return loading;
    },
  };
}

/**
 * Credentials in `<qwenDir>/oauth_creds.json`, Qwen Code's exact JSON shape,
 * written atomically with mode 0600 in a 0700 folder. A file that is not a
 * valid login reads as no credentials.
 */
export function createFileTokenStore(options: FileTokenStoreOptions = {}): FileTokenStore {
  const { path, lockPath } = fileStorePaths(options);
  const store = onFirstUse(async () => (await import('./oauth-parts.js')).createFileTokenStore({ ...options, path, lockPath }));
  return {
    kind: 'file',
    location: path,
    path,
    lockPath,
    read: () => store.load().then((s) => s.read()),
    write: (credentials) => store.load().then((s) => s.write(credentials)),
    delete: () => store.load().then((s) => s.delete()),
    version: () => store.load().then((s) => s.version()),
    lock: (o) => store.load().then((s) => s.lock(o)),
  };
}

/**
 * A store in the OS keychain (through the optional `keytar` peer), falling
 * back to the file store when the keychain cannot be used.
 */
export async function createKeychainTokenStore(options: KeychainTokenStoreOptions = {}): Promise<OpenedKeychainStore> {
  return (await import('./oauth-parts.js')).createKeychainTokenStore(options);
}

/**
 * Creates a Qwen OAuth client. Endpoints are checked now (https, or http on
 * loopback); the client, openid-client and any proxy agent are loaded only
 * when a request is about to be made.
 */
export function createQwenOAuthClient(options: QwenOAuthClientOptions = {}): QwenOAuthClient {
  resolveEndpoints(options);
  const store =
    options.store ?? createFileTokenStore({ qwenDir: options.qwenDir, homeDir: options.homeDir, env: options.env ?? process.env, cwd: options.cwd });
  const client = onFirstUse(async () => (await import('./oauth-parts.js')).createQwenOAuthClient({ ...options, store }));
  return {
    store,
    authorizeDevice: (o) => client.load().then((c) => c.authorizeDevice(o)),
    refresh: () => client.load().then((c) => c.refresh()),
    getCredentials: (o) => client.load().then((c) => c.getCredentials(o)),
    getAccessToken: (o) => client.now()?.getAccessToken(o) ?? client.load().then((c) => c.getAccessToken(o)),
    getToken: (o) => client.now()?.getToken(o) ?? client.load().then((c) => c.getToken(o)),
    // A token can only have come from this client once it is loaded: before that there is nothing to mark.
    invalidate: (token) => client.now()?.invalidate(token),
    logout: () => client.load().then((c) => c.logout()),
  };
}
