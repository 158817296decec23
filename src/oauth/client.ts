import type { EnvRecord } from '../types.js';
import { QwenAuthError } from '../errors.js';
import { redact, redactText, redactUrl, withRedactedView } from '../redact.js';
import { createFileTokenStore } from '../storage/file-store.js';
import type { QwenCredentials, TokenStore } from '../storage/types.js';
import { checkResourceUrl } from './base-url.js';
import type { GetTokenOptions } from '../requests/types.js';
import { resolveEndpoints } from './endpoints.js';
import type { RetryPolicy } from './protocol.js';
import { credentialsFromGrant, TokenManager } from './token-manager.js';
import { selectFetch } from '../internal/transport.js';
import type { QwenOAuthOptions, Verification } from './types.js';

export interface QwenOAuthClientOptions extends QwenOAuthOptions {
  /** Qwen's home folder, for the default file store (default: found as `resolveAuth` finds it). */
  readonly qwenDir?: string;
  /** The user's home folder, for the default file store (default `os.homedir()`). */
  readonly homeDir?: string;
  /** Where a `.env` search starts when locating Qwen's folder (default `process.cwd()`). */
  readonly cwd?: string;
  /** Environment for proxies, browser detection and `QWEN_HOME` (default `process.env`). */
  readonly env?: EnvRecord;
  /** Epoch ms (default `Date.now`). */
  readonly now?: () => number;
  /** Shown the user code and URL; awaited before polling. Needed by `authorizeDevice`. */
  readonly onVerification?: (verification: Verification) => void | Promise<void>;
  /** Retries of a refresh on 5xx, 429 and transport failures. */
  readonly refreshRetry?: RetryPolicy;
  /** Token timings: validity margin and how often the store is checked for other writers. */
  readonly timing?: { readonly skewMs?: number; readonly checkIntervalMs?: number };
}

export interface AuthorizeDeviceOptions {
  readonly onVerification?: (verification: Verification) => void | Promise<void>;
  readonly signal?: AbortSignal;
  readonly openBrowser?: boolean;
}

/** Qwen's OAuth device flow and token upkeep, usable without `resolveAuth()`. */
export interface QwenOAuthClient {
  /** The store holding the login. */
  readonly store: TokenStore;
  /** Runs the device flow with PKCE and stores the login. */
  authorizeDevice(options?: AuthorizeDeviceOptions): Promise<QwenCredentials>;
  /**
   * Refreshes now under the shared lock, whatever the token's age — unless
   * another process renewed the login meanwhile, whose token is then used
   * (presenting a rotated refresh token again would revoke the login).
   */
  refresh(): Promise<QwenCredentials>;
  /**
   * Credentials with an access token valid for at least 30 s. With
   * `forceRefresh` (or after {@link invalidate}) the token is refreshed now,
   * under the shared lock, unless the store already holds a newer token than
   * this client last saw.
   */
  getCredentials(options?: GetTokenOptions): Promise<QwenCredentials>;
  /** An access token valid for at least 30 s, refreshing when needed. */
  getAccessToken(options?: GetTokenOptions): Promise<string>;
  /** The same as {@link getAccessToken}. */
  getToken(options?: GetTokenOptions): Promise<string>;
  /**
   * A server rejected `token` before it expired: the next call refreshes.
   * Ignored unless `token` is the current access token.
   */
  invalidate(token: string): void;
  /** Forgets the login (deletes it from the store). */
  logout(): Promise<void>;
}

/**
 * A copy of credentials whose `util.inspect`, `JSON.stringify` and `String()`
 * show both tokens redacted; the fields keep their values.
 */
function shown(credentials: QwenCredentials): QwenCredentials {
  const copy = { ...credentials };
  const view = (): object => ({
    ...copy,
    accessToken: redact(copy.accessToken),
    ...(copy.refreshToken !== undefined && { refreshToken: redact(copy.refreshToken) }),
  });
  Object.defineProperty(copy, 'toString', {
    value: () => `QwenCredentials ${JSON.stringify(view())}`,
    enumerable: false,
    configurable: true,
    writable: true,
  });
  return withRedactedView(copy, view);
}

/** What the library's own request side uses of a client: raw credentials, and the answer without waiting. */
export interface OAuthClientInternals {
  /** Credentials as the token manager holds them (no redacted copy: they never leave the library). */
  getCredentials(options?: GetTokenOptions): Promise<QwenCredentials>;
  /** The credentials now when nothing needs doing (see `TokenManager.peek`), else undefined. */
  peek(): QwenCredentials | undefined;
  /**
   * Seeds the client with credentials resolution just read, and the store
   * version read before them: its first call compares the version (a `stat`)
   * instead of reading the store again.
   */
  adopt(credentials: QwenCredentials, version: string | undefined): void;
}

const internals = new WeakMap<QwenOAuthClient, OAuthClientInternals>();

/** The internals of a client made by {@link createQwenOAuthClient} (not part of the public face). */
export function clientInternals(client: QwenOAuthClient): OAuthClientInternals | undefined {
  return internals.get(client);
}

/**
 * Creates a Qwen OAuth client. Endpoints are checked now (https, or http on
 * loopback); openid-client and any proxy agent are loaded only when a
 * request is about to be made.
 */
export function createQwenOAuthClient(options: QwenOAuthClientOptions = {}): QwenOAuthClient {
  const endpoints = resolveEndpoints(options);
  const env = options.env ?? process.env;
  const now = options.now ?? Date.now;
  const store = options.store ?? createFileTokenStore({ qwenDir: options.qwenDir, homeDir: options.homeDir, env, cwd: options.cwd });

  type Protocol = typeof import('./protocol.js');
  let loading:
    | Promise<{ protocol: Protocol; config: ReturnType<Protocol['createConfiguration']>; settings: Parameters<Protocol['createConfiguration']>[0] }>
    | undefined;
  const protocol = (): NonNullable<typeof loading> => {
    loading ??= (async () => {
      const [mod, fetchImpl] = await Promise.all([import('./protocol.js'), selectFetch(env, options.fetch)]);
      const settings = { endpoints, fetch: fetchImpl, timeoutMs: options.timeoutMs ?? 30_000, now };
      return { protocol: mod, config: mod.createConfiguration(settings), settings };
    })();
    loading.catch(() => {
      loading = undefined;
    });
    return loading;
  };

  // A resource_url from the token endpoint becomes the base URL that receives the token: check it.
  const acceptResourceUrl = (value: string): boolean =>
    checkResourceUrl(value, { tokenEndpoint: endpoints.tokenEndpoint, allowedHosts: options.allowedResourceHosts }).ok;

  const manager = new TokenManager({
    store,
    now,
    acceptResourceUrl,
    endpoint: redactUrl(endpoints.tokenEndpoint.href),
    ...(options.timing?.skewMs !== undefined && { skewMs: options.timing.skewMs }),
    ...(options.timing?.checkIntervalMs !== undefined && { checkIntervalMs: options.timing.checkIntervalMs }),
    refresh: async (refreshToken) => {
      const p = await protocol();
      return p.protocol.refreshGrant(p.config, p.settings, refreshToken, options.refreshRetry);
    },
  });

  const plain = {};
  const managerOptions = (o: GetTokenOptions | undefined): { force?: boolean; signal?: AbortSignal } =>
    o === undefined || (o.forceRefresh !== true && o.signal === undefined)
      ? plain
      : { ...(o.forceRefresh === true && { force: true }), ...(o.signal && { signal: o.signal }) };

  const underLock = async <T>(fn: () => Promise<T>): Promise<T> => {
    const release = store.lock ? await store.lock() : undefined;
    try {
      return await fn();
    } finally {
      await release?.();
    }
  };

  const client: QwenOAuthClient = {
    store,
    async authorizeDevice(o: AuthorizeDeviceOptions = {}): Promise<QwenCredentials> {
      const onVerification = o.onVerification ?? options.onVerification;
      if (!onVerification) {
        throw new QwenAuthError('INVALID_OPTION', 'A device login needs onVerification, to show the user code and URL.', {
          details: { option: 'onVerification' },
          kind: 'programmer',
        });
      }
      const p = await protocol();
      const authorization = await p.protocol.startDeviceAuthorization(p.config, p.settings);
      const page = authorization.verificationUriComplete ?? authorization.verificationUri;
      // The browser opener (and its program search) loads here, on a login, not with a cached one.
      const browser = await import('./browser.js');
      const wantBrowser = (o.openBrowser ?? options.openBrowser ?? true) && browser.browserUnavailableReason(env) === undefined;
      const browserOpened = wantBrowser ? await browser.openBrowser(page, process.platform, env) : false;
      await onVerification({
        userCode: authorization.userCode,
        verificationUri: authorization.verificationUri,
        ...(authorization.verificationUriComplete !== undefined && {
          verificationUriComplete: authorization.verificationUriComplete,
        }),
        expiresIn: authorization.expiresIn,
        expiresAt: now() + authorization.expiresIn * 1000,
        browserOpened,
      });
      const grant = await p.protocol.pollDeviceToken(p.config, p.settings, authorization, o.signal);
      const issued = now();
      const credentials = credentialsFromGrant(grant, undefined, issued, { acceptResourceUrl });
      if (credentials.expiresAt !== undefined && credentials.expiresAt <= issued) {
        // An access token dead on arrival is no login: nothing is stored, and the store keeps what it had.
        throw new QwenAuthError(
          'OAUTH_PROTOCOL_ERROR',
          `${endpoints.tokenEndpoint.origin}${endpoints.tokenEndpoint.pathname} issued an access token that has already expired (expires_in ${redactText(String(grant.expiresIn), 40)}).`,
          {
            details: { endpoint: redactUrl(endpoints.tokenEndpoint.href) },
          },
        );
      }
      await underLock(async () => {
        await store.write(credentials);
        manager.adopt(credentials, store.version ? await store.version() : undefined);
      });
      return shown(credentials);
    },
    refresh: async () => shown(await manager.getCredentials({ force: true })),
    getCredentials: async (o?: GetTokenOptions) => shown(await manager.getCredentials(managerOptions(o))),
    getAccessToken: (o?: GetTokenOptions) => manager.getAccessToken(managerOptions(o)),
    getToken: (o?: GetTokenOptions) => manager.getAccessToken(managerOptions(o)),
    invalidate: (token: string) => manager.invalidate(token),
    logout: () =>
      underLock(async () => {
        await store.delete();
        manager.adopt(undefined, undefined);
      }),
  };
  internals.set(client, {
    getCredentials: (o) => manager.getCredentials(managerOptions(o)),
    peek: () => manager.peek(),
    adopt: (credentials, version) => manager.adopt(credentials, version, false),
  });
  return client;
}
