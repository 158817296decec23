/**
 * The public shapes of the request side of a resolved auth: tokens, the
 * authenticated fetch and the live check.
 */
/** Options of `getToken()`. */
export interface GetTokenOptions {
  /**
   * Refresh now (Qwen OAuth, under the shared lock) unless the store already
   * holds a newer token than this process last saw. An API key is re-read
   * from the configuration instead.
   */
  readonly forceRefresh?: boolean;
  /** Stops waiting (`ABORTED`); a refresh shared with other callers goes on. */
  readonly signal?: AbortSignal;
}

/** The header that carries the credential: `authorization` (`Bearer <token>`) or `x-api-key` (`<token>`). */
export type KeyHeader = 'authorization' | 'x-api-key';

/** Options of `check()`. */
export interface CheckOptions {
  readonly signal?: AbortSignal;
  /** Time allowed for each request, ms (default 10,000). */
  readonly timeoutMs?: number;
  /**
   * After a rejected key on a registry endpoint, try the same vendor's other
   * endpoints the key's format allows, to name the right region or plan.
   * Default false: the key goes nowhere but the resolved endpoint.
   */
  readonly probe?: boolean;
}

/** Every verdict code of {@link AuthCheck}. */
export type AuthCheckCode =
  | 'KEY_REJECTED'
  | 'WRONG_REGION'
  | 'WRONG_PLAN_ENDPOINT'
  | 'MODEL_NOT_AVAILABLE'
  | 'QUOTA_EXHAUSTED'
  | 'RATE_LIMITED'
  | 'CLIENT_NOT_ALLOWED'
  | 'LOGIN_REQUIRED'
  | 'ENDPOINT_NOT_FOUND'
  | 'SERVER_ERROR'
  | 'NETWORK_ERROR'
  | 'UNEXPECTED_RESPONSE';

/** The endpoint accepted the credential. */
export interface AuthCheckPassed {
  readonly ok: true;
  /** HTTP status of the request that decided. */
  readonly status: number;
  /** Time of the live request(s), ms. */
  readonly latencyMs: number;
  /** Model ids `GET /models` listed, when it is served. */
  readonly models?: readonly string[];
}

/** The endpoint refused, or could not be reached. Never holds a whole key or token. */
export interface AuthCheckFailed {
  readonly ok: false;
  readonly code: AuthCheckCode;
  /** HTTP status, when there was an answer. */
  readonly status?: number;
  /** What happened, with the provider's own words when it gave any. */
  readonly message: string;
  /** What to do about it. */
  readonly remedy: string;
  /** The endpoint that accepted the key (`WRONG_REGION`, `WRONG_PLAN_ENDPOINT`). */
  readonly suggestedBaseUrl?: string;
}

/** What `check()` found. */
export type AuthCheck = AuthCheckPassed | AuthCheckFailed;

/**
 * The request side every resolved auth has: a fresh credential, a way to say
 * the server rejected it, a `fetch` that uses both, and a live check.
 */
export interface AuthRequests {
  /** The key, or an access token valid for at least 30 s. */
  getToken(options?: GetTokenOptions): Promise<string>;
  /**
   * The server rejected `token`: the next `getToken()` refreshes (OAuth) or
   * re-reads the configuration once (API key). Ignored unless `token` is the
   * current one.
   */
  invalidate(token: string): void;
  /**
   * A `fetch` that sends the credential only to the origin of the base URL,
   * and on a 401 from it refreshes once and replays once.
   */
  readonly fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /** One cheap live request that says whether the credential works here, and if not, why. */
  check(options?: CheckOptions): Promise<AuthCheck>;
}
