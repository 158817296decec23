/**
 * The error taxonomy. One class, {@link QwenAuthError}, with a stable string
 * `code`, a `remedy` sentence for humans and typed `details` for programs.
 * {@link isAuthError} recognises it by a global brand, not by `instanceof`,
 * so it works across bundles, realms and duplicated installs.
 *
 * No secret is ever put into a message or into `details`: callers pass
 * redacted values (see `redact`).
 */

/** Details carried by each error code. */
export interface AuthErrorDetails {
  /** No API key for the OpenAI-compatible method. */
  MISSING_API_KEY: {
    /** Environment variables that were looked at, in order. */
    readonly variables: readonly string[];
    /** `.env` files and settings files that were looked at. */
    readonly files: readonly string[];
    /** Settings keys that were looked at (e.g. `security.auth.apiKey`). */
    readonly settingsKeys: readonly string[];
  };
  /** Nothing selected, no key, no cached login, and not interactive. */
  NO_CREDENTIALS: {
    /** Every place that was checked, in order, as human-readable entries. */
    readonly checked: readonly string[];
  };
  /** A base URL that is not an absolute http(s) URL. */
  INVALID_BASE_URL: {
    readonly value: string;
    readonly origin: string;
  };
  /** An option passed to the library is malformed. */
  INVALID_OPTION: { readonly option: string };
  /**
   * The selected (or inferred) auth type is not one this mode resolves, or a
   * selected model lives on a wire it does not speak.
   */
  UNSUPPORTED_AUTH_TYPE: {
    readonly value: string;
    readonly origin: string;
    /** Set when the type is one a later Qwen Code knows (`anthropic`, `openai-responses`, `gemini`, `vertex-ai`). */
    readonly knownTo?: 'Qwen Code 0.24';
    /** The variables Qwen Code 0.24 reads for that type, when it has any. */
    readonly variables?: readonly string[];
  };
  /** `qwenCode: '0.24'`: nothing selects an auth type (no override, no selectedType, no inference from the environment). */
  NO_AUTH_TYPE: {
    /** Every place that was checked, in order. */
    readonly checked: readonly string[];
  };
  /** `qwenCode: '0.24'`: `qwen-oauth` is selected or inferred, and Qwen Code 0.24 refuses it. */
  QWEN_OAUTH_DISCONTINUED: {
    /** Where the selection came from. */
    readonly origin: string;
    /** The day the free tier ended. */
    readonly discontinuedOn: string;
  };
  /** An Anthropic-compatible configuration has no base URL. */
  MISSING_BASE_URL: {
    readonly authType: string;
    /** The variables that were looked at. */
    readonly variables: readonly string[];
    /** The `modelProviders` entry that needs a `baseUrl`, when one was selected. */
    readonly entry?: string;
  };
  /** Qwen OAuth is selected but there is no usable login (or it was revoked). */
  LOGIN_REQUIRED: {
    readonly reason: 'no-credentials' | 'refresh-rejected' | 'no-refresh-token' | 'invalid-credentials';
    /** Where the login is (a file path, or a keychain entry). */
    readonly location?: string;
  };
  /** A settings file could not be changed. */
  SETTINGS_WRITE_FAILED: { readonly path: string };
  /** A settings file is not valid JSON (with comments), so it will not be rewritten. */
  SETTINGS_INVALID: { readonly path: string; readonly line: number; readonly column: number };
  /** The user denied the device authorization. */
  OAUTH_ACCESS_DENIED: Record<string, never>;
  /** The device code expired before the user approved it. */
  OAUTH_DEVICE_CODE_EXPIRED: Record<string, never>;
  /** The operation was cancelled through an `AbortSignal`. */
  ABORTED: Record<string, never>;
  /** The authorization server answered something the protocol does not allow. */
  OAUTH_PROTOCOL_ERROR: { readonly endpoint: string; readonly status?: number; readonly error?: string };
  /** A request could not be completed (connection, timeout, 5xx after retries). */
  NETWORK_ERROR: { readonly endpoint: string; readonly status?: number; readonly attempts?: number };
  /** An endpoint would receive credentials over plain HTTP to a non-loopback host. */
  INSECURE_ENDPOINT: { readonly endpoint: string };
  /** The cross-process lock could not be taken in time. */
  LOCK_TIMEOUT: { readonly path: string; readonly waitedMs: number };
  /** A token store failed to read or write. */
  STORE_ERROR: { readonly store: string; readonly operation: 'read' | 'write' | 'delete' };
}

/** Every stable error code. */
export type AuthErrorCode = keyof AuthErrorDetails;

const REMEDIES: { readonly [C in AuthErrorCode]: string } = {
  MISSING_API_KEY:
    'Set OPENAI_API_KEY in the environment or in a .env file (e.g. .qwen/.env), or set security.auth.apiKey in settings.json, or pass overrides.apiKey.',
  NO_CREDENTIALS:
    'Set OPENAI_API_KEY (with OPENAI_BASE_URL and OPENAI_MODEL if needed), or log in with Qwen OAuth (`qwen-auth login`), or run interactively.',
  INVALID_BASE_URL: 'Use an absolute http(s) URL such as https://dashscope.aliyuncs.com/compatible-mode/v1.',
  INVALID_OPTION: 'Check the option against the documented type.',
  UNSUPPORTED_AUTH_TYPE:
    "Select an auth type this mode resolves: 'openai' or 'qwen-oauth' by default, also 'anthropic' and 'openai-responses' with qwenCode: '0.24' (security.auth.selectedType in settings.json, or overrides.authType).",
  NO_AUTH_TYPE:
    "Select an auth type (security.auth.selectedType in settings.json, or overrides.authType / --auth-type), or set OPENAI_API_KEY with OPENAI_BASE_URL and OPENAI_MODEL, as Qwen Code 0.24 requires in a non-interactive run.",
  QWEN_OAUTH_DISCONTINUED:
    'Switch to Coding Plan, Token Plan or an API key (DashScope, OpenRouter, another provider): select it with /auth in Qwen Code, or set security.auth.selectedType and its key.',
  MISSING_BASE_URL:
    'Set ANTHROPIC_BASE_URL (e.g. https://coding.dashscope.aliyuncs.com/apps/anthropic for Coding Plan), or give the modelProviders.anthropic entry a baseUrl.',
  LOGIN_REQUIRED: 'Log in again with Qwen OAuth (`qwen-auth login`, or resolveAuth({ interactive: true })).',
  SETTINGS_WRITE_FAILED: 'Check that the settings folder is writable and retry.',
  SETTINGS_INVALID: 'Fix the JSON syntax at the given line and column, then retry.',
  OAUTH_ACCESS_DENIED: 'The authorization was declined; start the login again and approve it.',
  OAUTH_DEVICE_CODE_EXPIRED: 'The code expired before it was approved; start the login again.',
  ABORTED: 'The operation was cancelled by the caller.',
  OAUTH_PROTOCOL_ERROR: 'Check the OAuth endpoints and client id; the server answered outside the protocol.',
  NETWORK_ERROR: 'Check the network, proxy (HTTPS_PROXY/NO_PROXY) and certificates (NODE_EXTRA_CA_CERTS), then retry.',
  INSECURE_ENDPOINT: 'Use https:// for every endpoint that is not on this machine (loopback).',
  LOCK_TIMEOUT: 'Another process holds the credentials lock; retry, or remove a stale lock file.',
  STORE_ERROR: 'Check the permissions of the credentials store, or choose another store.',
};

/** Every error code, in table order. */
export const ERROR_CODES = Object.freeze(Object.keys(REMEDIES) as AuthErrorCode[]);

const BRAND = Symbol.for('qwen-auth.error');

export interface QwenAuthErrorOptions<C extends AuthErrorCode> {
  /** Overrides the default remedy of the code. */
  readonly remedy?: string;
  readonly details: AuthErrorDetails[C];
  readonly cause?: unknown;
}

/** The one error class of qwen-auth. Discriminate on `code`. */
export class QwenAuthError<C extends AuthErrorCode = AuthErrorCode> extends Error {
  override readonly name = 'QwenAuthError';
  /** Stable machine-readable code. */
  readonly code: C;
  /** What the user can do about it. */
  readonly remedy: string;
  /** Structured, secret-free facts about the failure. */
  readonly details: AuthErrorDetails[C];

  constructor(code: C, message: string, options: QwenAuthErrorOptions<C>) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.remedy = options.remedy ?? REMEDIES[code];
    this.details = options.details;
  }

  toJSON(): { name: string; code: C; message: string; remedy: string; details: AuthErrorDetails[C] } {
    return { name: this.name, code: this.code, message: this.message, remedy: this.remedy, details: this.details };
  }
}

Object.defineProperty(QwenAuthError.prototype, BRAND, { value: true, enumerable: false });

/**
 * True when `value` is a qwen-auth error, optionally of one code. Does not use
 * `instanceof`: any copy of the library, CJS or ESM, is recognised.
 */
export function isAuthError(value: unknown): value is QwenAuthError;
export function isAuthError<C extends AuthErrorCode>(value: unknown, code: C): value is QwenAuthError<C>;
export function isAuthError(value: unknown, code?: AuthErrorCode): boolean {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as { [BRAND]?: unknown; code?: unknown };
  if (v[BRAND] !== true || typeof v.code !== 'string') return false;
  return code === undefined || v.code === code;
}

/** The default remedy sentence of a code. */
export function remedyFor(code: AuthErrorCode): string {
  return REMEDIES[code];
}
