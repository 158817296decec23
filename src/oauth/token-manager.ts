import { isAuthError, QwenAuthError } from '../errors.js';
import { untilAborted } from '../internal/abort.js';
import type { QwenCredentials, ReleaseLock, TokenStore } from '../storage/types.js';

/** A token endpoint answer, already checked. */
export interface TokenGrant {
  readonly accessToken: string;
  readonly refreshToken?: string;
  readonly tokenType?: string;
  readonly resourceUrl?: string;
  /** Lifetime in seconds. */
  readonly expiresIn?: number;
}

/**
 * Exchanges a refresh token. Must throw LOGIN_REQUIRED (reason
 * `refresh-rejected`) when the server rejects the token (HTTP 400/401), and
 * NETWORK_ERROR after its own retries otherwise.
 */
export type Refresher = (refreshToken: string) => Promise<TokenGrant>;

export interface TokenManagerOptions {
  readonly store: TokenStore;
  readonly refresh: Refresher;
  /** Epoch ms (default `Date.now`). */
  readonly now?: () => number;
  /** A token counts as valid until this long before it expires (default 30,000 ms). */
  readonly skewMs?: number;
  /** How often the store is checked for another process's changes (default 5,000 ms). */
  readonly checkIntervalMs?: number;
  /** Lifetime assumed when a server omits `expires_in` (default 3,600 s). */
  readonly defaultExpiresInSeconds?: number;
  /** False for a `resource_url` a refresh must not adopt (the previous one is kept). */
  readonly acceptResourceUrl?: (resourceUrl: string) => boolean;
  /** The token endpoint, for messages. */
  readonly endpoint?: string;
}

/** How a grant becomes stored credentials. */
export interface GrantPolicy {
  /** Lifetime assumed when a server omits `expires_in` (default 3,600 s). */
  readonly defaultExpiresInSeconds?: number;
  /** False for a `resource_url` that must not become the base URL (default: every one is accepted). */
  readonly acceptResourceUrl?: (resourceUrl: string) => boolean;
}

/** The longest access-token lifetime believed: a year (`expires_in: 1e308` is not "forever"). */
export const MAX_TOKEN_LIFETIME_SECONDS = 365 * 24 * 3600;

/** Turns a grant into stored credentials, keeping what the grant leaves out. */
export function credentialsFromGrant(grant: TokenGrant, previous: QwenCredentials | undefined, now: number, policy: GrantPolicy = {}): QwenCredentials {
  const refreshToken = grant.refreshToken ?? previous?.refreshToken;
  // Differs from Qwen Code: a refresh without resource_url keeps the old one
  // instead of silently moving to the default endpoint; and one that fails
  // the checks (another host, plain http, user-info) is never adopted.
  const offered = grant.resourceUrl !== undefined && (policy.acceptResourceUrl?.(grant.resourceUrl) ?? true) ? grant.resourceUrl : undefined;
  const resourceUrl = offered ?? previous?.resourceUrl;
  const seconds = grant.expiresIn ?? policy.defaultExpiresInSeconds ?? 3600;
  const lifetime = Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, MAX_TOKEN_LIFETIME_SECONDS) : 0;
  return {
    accessToken: grant.accessToken,
    tokenType: grant.tokenType ?? previous?.tokenType ?? 'Bearer',
    ...(refreshToken !== undefined && { refreshToken }),
    ...(resourceUrl !== undefined && { resourceUrl }),
    expiresAt: now + Math.round(lifetime * 1000),
  };
}

/**
 * Keeps one login fresh for everyone who shares its store: callers in this
 * process share one refresh; other processes (qwen-auth or Qwen Code) are
 * serialised by the store's lock and noticed through its version marker,
 * checked at most every `checkIntervalMs`. The hot path (a valid token,
 * checked recently) does no I/O at all.
 */
export class TokenManager {
  readonly #store: TokenStore;
  readonly #refresh: Refresher;
  readonly #now: () => number;
  readonly #skew: number;
  readonly #interval: number;
  readonly #defaultTtl: number;
  readonly #acceptResourceUrl: ((resourceUrl: string) => boolean) | undefined;
  readonly #endpoint: string;
  #credentials: QwenCredentials | undefined;
  #version: string | undefined;
  #lastCheck = Number.NEGATIVE_INFINITY;
  #syncing: Promise<void> | undefined;
  #refreshing: Promise<QwenCredentials> | undefined;
  /** An access token a server rejected (see {@link invalidate}); the next call refreshes. */
  #rejected: string | undefined;
  /**
   * A login whose refresh the server rejected: its refresh token and the
   * error. The login stays in the store (only a logout deletes it; Qwen Code
   * shares the file); every later call gets the same error at once, until the
   * store holds another login.
   */
  #dead: { readonly refreshToken: string; readonly error: QwenAuthError } | undefined;

  constructor(options: TokenManagerOptions) {
    this.#store = options.store;
    this.#refresh = options.refresh;
    this.#now = options.now ?? Date.now;
    this.#skew = options.skewMs ?? 30_000;
    this.#interval = options.checkIntervalMs ?? 5_000;
    this.#defaultTtl = options.defaultExpiresInSeconds ?? 3600;
    this.#acceptResourceUrl = options.acceptResourceUrl;
    this.#endpoint = options.endpoint ?? 'the token endpoint';
  }

  /** True when `c` has a token valid for at least the skew. */
  isValid(c: QwenCredentials | undefined, now = this.#now()): c is QwenCredentials {
    return c !== undefined && c.expiresAt !== undefined && now < c.expiresAt - this.#skew;
  }

  /**
   * Seeds the manager with credentials just read or written, and their store
   * version. `checked: false` (credentials someone else read) makes the next
   * call compare the store's version first: a file changed meanwhile is read
   * again, an unchanged one costs a `stat`, not a read.
   */
  adopt(credentials: QwenCredentials | undefined, version: string | undefined, checked = true): void {
    if (credentials?.accessToken !== this.#rejected) this.#rejected = undefined;
    this.#credentials = credentials;
    this.#version = version;
    this.#lastCheck = checked ? this.#now() : Number.NEGATIVE_INFINITY;
  }

  /**
   * A server rejected `token` before it expired: the next call refreshes
   * (under the lock, unless the store already holds a newer token). Ignored
   * unless `token` is the current one: a late 401 for a token already
   * replaced must not cost another refresh.
   */
  invalidate(token: string): void {
    if (this.#credentials !== undefined && this.#credentials.accessToken === token) this.#rejected = token;
  }

  /**
   * The credentials now, without waiting, when nothing needs doing: a valid
   * token, checked against the store less than `checkIntervalMs` ago, not
   * rejected, no refresh under way. Otherwise undefined (call
   * {@link getCredentials}). One clock read and a few comparisons.
   */
  peek(): QwenCredentials | undefined {
    const c = this.#credentials;
    if (c === undefined || c.expiresAt === undefined || this.#refreshing !== undefined || this.#rejected === c.accessToken) return undefined;
    const now = this.#now();
    return now < c.expiresAt - this.#skew && now - this.#lastCheck < this.#interval ? c : undefined;
  }

  /** An access token valid for at least the skew, refreshing when needed (or now, with `force`). */
  getAccessToken(options: { readonly force?: boolean; readonly signal?: AbortSignal } = {}): Promise<string> {
    const c = options.force === true || options.signal?.aborted === true ? undefined : this.peek();
    return c ? Promise.resolve(c.accessToken) : this.getCredentials(options).then((fresh) => fresh.accessToken);
  }

  /**
   * Credentials with a valid access token, refreshing when needed. `force`
   * (or a token marked by {@link invalidate}) refreshes now, unless the store
   * holds a newer token than this manager last saw. `signal` ends this
   * caller's wait (`ABORTED`); a refresh shared with others goes on.
   */
  getCredentials(options: { readonly force?: boolean; readonly signal?: AbortSignal } = {}): Promise<QwenCredentials> {
    const rejected = this.#rejected !== undefined && this.#rejected === this.#credentials?.accessToken;
    return untilAborted(this.#get(options.force === true || rejected), options.signal, 'Getting a Qwen OAuth token');
  }

  async #get(force: boolean): Promise<QwenCredentials> {
    const now = this.#now();
    if (!force && this.isValid(this.#credentials, now) && now - this.#lastCheck < this.#interval) {
      return this.#credentials;
    }
    if (this.#refreshing) return this.#refreshing;
    // What this process last saw: a different valid token in the store means someone else renewed it.
    const seen = this.#credentials;
    if (this.#syncing) await this.#syncing;
    else if (now - this.#lastCheck >= this.#interval) await this.#sync();
    const renewed = seen !== undefined && this.#credentials !== undefined && this.#credentials.accessToken !== seen.accessToken;
    if ((!force || renewed) && this.isValid(this.#credentials)) return this.#credentials;
    // The same dead login: its reason again, without asking the server (a new login in the store clears it).
    if (this.#dead !== undefined && !renewed && this.#credentials?.refreshToken === this.#dead.refreshToken) throw this.#dead.error;
    if (!this.#refreshing) {
      this.#refreshing = this.#refreshUnderLock(seen ?? this.#credentials, force).finally(() => {
        this.#refreshing = undefined;
      });
    }
    return this.#refreshing;
  }

  /** Re-reads the store when its version changed (or when it has none). Concurrent calls share one read. */
  #sync(): Promise<void> {
    this.#syncing ??= (async () => {
      try {
        this.#lastCheck = this.#now();
        const version = this.#store.version ? await this.#store.version() : undefined;
        if (this.#store.version && version !== undefined && version === this.#version && this.#credentials) return;
        this.#credentials = await this.#store.read();
        this.#version = version;
      } finally {
        this.#syncing = undefined;
      }
    })();
    return this.#syncing;
  }

  /** True when the store now holds a valid token other than the one we gave up on. */
  async #someoneElseRefreshed(seen: QwenCredentials | undefined): Promise<boolean> {
    const version = this.#store.version ? await this.#store.version() : undefined;
    if (this.#store.version && version === this.#version) return false;
    const latest = await this.#store.read();
    if (this.isValid(latest) && latest.accessToken !== seen?.accessToken) {
      this.adopt(latest, version);
      return true;
    }
    return false;
  }

  async #refreshUnderLock(seen: QwenCredentials | undefined, force: boolean): Promise<QwenCredentials> {
    let release: ReleaseLock | undefined;
    if (this.#store.lock) {
      release = await this.#store.lock({ shouldStop: () => this.#someoneElseRefreshed(seen) });
      if (!release) return this.#credentials!;
    }
    try {
      // Under the lock, the store is the truth: another process may have
      // refreshed (or logged in) while we waited.
      const version = this.#store.version ? await this.#store.version() : undefined;
      const latest = await this.#store.read();
      this.adopt(latest, version);
      if (!latest) {
        throw new QwenAuthError('LOGIN_REQUIRED', `There is no Qwen OAuth login in ${this.#store.location}.`, {
          details: { reason: 'no-credentials', location: this.#store.location },
        });
      }
      const renewedMeanwhile = seen !== undefined && latest.accessToken !== seen.accessToken;
      if (this.isValid(latest) && (!force || renewedMeanwhile)) return latest;
      return await this.#exchange(latest, true);
    } finally {
      await release?.();
    }
  }

  async #exchange(from: QwenCredentials, mayRetry: boolean): Promise<QwenCredentials> {
    if (!from.refreshToken) {
      throw new QwenAuthError('LOGIN_REQUIRED', `The Qwen OAuth login in ${this.#store.location} has no refresh token.`, {
        details: { reason: 'no-refresh-token', location: this.#store.location },
      });
    }
    let grant: TokenGrant;
    try {
      grant = await this.#refresh(from.refreshToken);
    } catch (error) {
      if (!isAuthError(error, 'LOGIN_REQUIRED')) throw error;
      // Rejected: someone may have rotated the token outside our lock.
      const version = this.#store.version ? await this.#store.version() : undefined;
      const again = await this.#store.read();
      if (again && again.refreshToken !== from.refreshToken) {
        this.adopt(again, version);
        if (this.isValid(again)) return again;
        if (mayRetry) return this.#exchange(again, false);
      }
      // Still the rejected token: this login is over. The store keeps it (Qwen Code shares it; only a
      // logout deletes), and this process remembers why, so every later call says the same at once.
      // A later run asks the server again and gets the same answer.
      const dead = new QwenAuthError('LOGIN_REQUIRED', `The refresh token in ${this.#store.location} was rejected; log in again.`, {
        details: { reason: 'refresh-rejected', location: this.#store.location },
        cause: error,
      });
      if (again && again.refreshToken === from.refreshToken) {
        this.adopt(again, version);
        this.#dead = { refreshToken: from.refreshToken, error: dead };
      }
      throw dead;
    }
    const next = credentialsFromGrant(grant, from, this.#now(), {
      defaultExpiresInSeconds: this.#defaultTtl,
      ...(this.#acceptResourceUrl && { acceptResourceUrl: this.#acceptResourceUrl }),
    });
    // Saved whatever its lifetime: the refresh token may have been rotated.
    await this.#store.write(next);
    this.adopt(next, this.#store.version ? await this.#store.version() : undefined);
    const expiresAt = next.expiresAt ?? 0;
    // A short lifetime (within the margin, not yet over) is still the server's token: hand it out once.
    if (!this.isValid(next) && !(expiresAt > this.#now())) {
      // A token that expires within the margin cannot keep getAccessToken()'s promise.
      const seconds = Math.max(0, Math.round((expiresAt - this.#now()) / 1000));
      throw new QwenAuthError(
        'OAUTH_PROTOCOL_ERROR',
        `${this.#endpoint} issued an access token that expires in ${seconds} s, within the ${Math.round(this.#skew / 1000)} s margin.`,
        {
          details: { endpoint: this.#endpoint },
        },
      );
    }
    return next;
  }
}
