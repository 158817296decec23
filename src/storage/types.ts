/**
 * Qwen OAuth credentials, in camelCase. The file store keeps them in Qwen
 * Code's own JSON shape (`access_token`, `refresh_token`, `token_type`,
 * `resource_url`, `expiry_date`) so both tools share one login.
 */
export interface QwenCredentials {
  readonly accessToken: string;
  readonly refreshToken?: string;
  readonly tokenType: string;
  /** Host (or URL) of the API to call with the token, e.g. `portal.qwen.ai`. */
  readonly resourceUrl?: string;
  /** When the access token expires, epoch ms. */
  readonly expiresAt?: number;
}

/** The built-in store kinds; your own store may name another. */
export type TokenStoreKind = 'file' | 'keychain' | 'memory' | (string & {});

/** Where to open the store: what a store factory is given. */
export interface TokenStoreContext {
  readonly qwenDir: string;
  readonly homeDir: string;
  readonly env: Readonly<Record<string, string | undefined>>;
}

/** What `oauth.store` of `resolveAuth` takes: a store, a built-in kind, or a factory. */
export type TokenStoreChoice = TokenStore | 'file' | 'keychain' | 'memory' | ((where: TokenStoreContext) => TokenStore | Promise<TokenStore>);

/** Releases a lock taken with {@link TokenStore.lock}. Releasing twice is harmless. */
export type ReleaseLock = () => Promise<void>;

/**
 * Where credentials live. Implement it to plug in your own storage; the
 * optional members make sharing across processes cheaper and safe.
 */
export interface TokenStore {
  /** `file`, `keychain`, `memory`, or your own name. */
  readonly kind: TokenStoreKind;
  /**
   * Set when this store stands in for the one asked for (the keychain store
   * falling back to the file store): why. Absent otherwise.
   */
  readonly fallbackReason?: string;
  /** Where the credentials are, for humans: a path, a keychain service and account. */
  readonly location: string;
  /** The stored credentials, or undefined when there are none. */
  read(): Promise<QwenCredentials | undefined>;
  /** Replaces the stored credentials. */
  write(credentials: QwenCredentials): Promise<void>;
  /** Removes the stored credentials. */
  delete(): Promise<void>;
  /**
   * A cheap marker that changes whenever anyone rewrites the credentials
   * (the file store: its mtime and inode). Lets a token manager notice
   * another process's login or refresh without reading the credentials.
   */
  version?(): Promise<string | undefined>;
  /**
   * Takes the lock that serialises refreshes across processes and resolves
   * with its release. While waiting, `shouldStop` is polled; when it answers
   * true the wait ends and the promise resolves `undefined` (e.g. another
   * process has refreshed meanwhile). Without `lock`, refreshes are
   * serialised in-process only.
   */
  lock?(options?: LockOptions): Promise<ReleaseLock | undefined>;
}

/** Options of {@link TokenStore.lock}. */
export interface LockOptions {
  readonly signal?: AbortSignal;
  readonly shouldStop?: () => Promise<boolean>;
}
