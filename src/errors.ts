/**
 * The error taxonomy. One class, {@link QwenAuthError}, with a stable string
 * `code`, a `remedy` sentence for humans and typed `details` for programs.
 * {@link isAuthError} recognises it by a global brand, not by `instanceof`,
 * so it works across bundles, realms and duplicated installs.
 *
 * No secret is ever put into a message or into `details`: callers pass
 * redacted values (see `redact`).
 */

import { type AuthOverrides, OVERRIDE_FLAGS } from './types.js';

/**
 * Why a key that exists somewhere was not used: the real cause of a
 * `MISSING_API_KEY` or `NO_CREDENTIALS`, as facts (names and paths, never values).
 */
export type MissingKeyHint =
  /** `variable` is set to an empty string (exported, or in a `.env` file), which hides the value at `hidden`. */
  | { readonly kind: 'empty-export'; readonly variable: string; readonly hidden: string; readonly exported: boolean }
  /** A provider's own variable is set, but is read only with a base URL of that provider. */
  | { readonly kind: 'provider-variable'; readonly variable: string; readonly provider: string; readonly baseUrls: readonly string[] }
  /** A `.env` file that was not read (only the first file found is) defines the variable. */
  | { readonly kind: 'unread-env-file'; readonly variable: string; readonly path: string; readonly scope: 'project' | 'home' }
  /** A project `.env` file defines the variable, but folder trust kept it out (`reason` names the rule). */
  | { readonly kind: 'untrusted-env-file'; readonly variable: string; readonly path: string; readonly reason: string };

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
    /** Where a key exists but was not used, and why (empty when nothing was found anywhere). */
    readonly hints: readonly MissingKeyHint[];
    /** The `modelProviders` entry that required the key (e.g. `modelProviders.openai[0]`), when one decided. */
    readonly requiredBy?: string;
  };
  /** Nothing selected, no key, no cached login, and not interactive. */
  NO_CREDENTIALS: {
    /** Every place that was checked, in order, as human-readable entries. */
    readonly checked: readonly string[];
    /** Where a key exists but was not used, and why. */
    readonly hints: readonly MissingKeyHint[];
  };
  /** A base URL that is not an absolute http(s) URL. */
  INVALID_BASE_URL: {
    readonly value: string;
    readonly origin: string;
  };
  /** The winning API key holds characters no HTTP header may carry (a line break, NUL, another control character). */
  INVALID_API_KEY: {
    /** The key, redacted. */
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
  /**
   * `security.auth.enforcedType` (v1 `enforcedAuthType`) names another auth
   * type than the current one; Qwen Code stops there, and so does qwen-auth.
   */
  ENFORCED_AUTH_TYPE_MISMATCH: {
    /** The type the settings enforce (quoted redacted). */
    readonly enforcedType: string;
    /** The type selected or inferred, after Qwen Code 0.24's openai ↔ openai-responses switch (quoted redacted). */
    readonly currentType: string;
    /** The settings file that enforces it. */
    readonly path: string;
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
  /** Folder trust is on and its rules file exists but is not one JSON object (Qwen Code stops with exit code 52). */
  TRUST_FILE_INVALID: { readonly path: string; readonly reason: string };
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
  /** A proxy variable (`HTTPS_PROXY`, `HTTP_PROXY`, lower case too) is not a proxy URL. */
  INVALID_PROXY: { readonly variable: string };
  /** The cross-process lock could not be taken in time. */
  LOCK_TIMEOUT: { readonly path: string; readonly waitedMs: number };
  /** A token store failed to read or write. */
  STORE_ERROR: { readonly store: string; readonly operation: 'read' | 'write' | 'delete' };
}

/** Every stable error code. */
export type AuthErrorCode = keyof AuthErrorDetails;

/**
 * How remedies name what the user can do. A tool that wraps qwen-auth in its
 * own command sets these so remedies speak its language.
 */
export interface RemedyWording {
  /** Name overrides by their command-line flags (`--openai-api-key`) rather than `overrides.apiKey`. */
  readonly flags?: boolean;
  /**
   * The command that logs in, e.g. `mytool login`. Default: "`qwen-auth login`,
   * or resolveAuth({ interactive: true })".
   */
  readonly loginCommand?: string;
}

/** The phrases a remedy is built from, for one wording. */
interface Phrases {
  /** `overrides.apiKey`, or `--openai-api-key` with flags. */
  readonly override: (field: keyof AuthOverrides) => string;
  /** How to log in. */
  readonly login: string;
}

function phrases(wording: RemedyWording = {}): Phrases {
  return {
    override: (field) => (wording.flags ? OVERRIDE_FLAGS[field] : `overrides.${field}`),
    login: wording.loginCommand ? `\`${wording.loginCommand}\`` : '`qwen-auth login`, or resolveAuth({ interactive: true })',
  };
}

/** The date Qwen's free OAuth tier ended (the registry's `qwen-oauth` entry says the same). */
export const QWEN_OAUTH_FREE_TIER_END = '2026-04-15';

/** The remedy of each code: a sentence, or one built from the wording's phrases. */
const REMEDIES: { readonly [C in AuthErrorCode]: string | ((p: Phrases) => string) } = {
  MISSING_API_KEY: (p) =>
    `Set OPENAI_API_KEY in the environment or in a .env file (e.g. .qwen/.env), or set security.auth.apiKey in settings.json, or pass ${p.override('apiKey')}.`,
  NO_CREDENTIALS: (p) =>
    `Set OPENAI_API_KEY to a Coding Plan, Token Plan or DashScope key (with OPENAI_BASE_URL and OPENAI_MODEL if needed), or pass ${p.override('apiKey')}; ` +
    `a Qwen OAuth login (${p.login}) works only for accounts that kept access after the free tier ended on ${QWEN_OAUTH_FREE_TIER_END}.`,
  INVALID_BASE_URL: 'Use an absolute http(s) URL such as https://dashscope.aliyuncs.com/compatible-mode/v1.',
  INVALID_API_KEY: 'Copy the key again into the place the message names, on one line, without quotes or control characters.',
  INVALID_OPTION: 'Check the option against the documented type.',
  UNSUPPORTED_AUTH_TYPE: (p) =>
    `Select an auth type this mode resolves: 'openai' or 'qwen-oauth' by default, also 'anthropic' and 'openai-responses' with qwenCode: '0.24' (security.auth.selectedType in settings.json, or ${p.override('authType')}).`,
  NO_AUTH_TYPE: (p) =>
    `Select an auth type (security.auth.selectedType in settings.json, or ${p.override('authType')}), or set OPENAI_API_KEY with OPENAI_BASE_URL and OPENAI_MODEL: the three Qwen Code 0.24 needs to infer openai.`,
  QWEN_OAUTH_DISCONTINUED: `Qwen's free OAuth tier ended on ${QWEN_OAUTH_FREE_TIER_END}: switch to Coding Plan, Token Plan or an API key (DashScope, OpenRouter, another provider) with /auth in Qwen Code, or set security.auth.selectedType and its key.`,
  ENFORCED_AUTH_TYPE_MISMATCH: (p) =>
    `Select the enforced auth type (security.auth.selectedType in settings.json, or ${p.override('authType')}), or, if that policy no longer applies, remove security.auth.enforcedType from the file the message names.`,
  MISSING_BASE_URL:
    'Set ANTHROPIC_BASE_URL (e.g. https://coding.dashscope.aliyuncs.com/apps/anthropic for Coding Plan), or give the modelProviders.anthropic entry a baseUrl.',
  LOGIN_REQUIRED: (p) =>
    `Qwen's free OAuth tier ended on ${QWEN_OAUTH_FREE_TIER_END}: use a paid path instead — a Coding Plan key (sk-sp-…), a Token Plan key or a DashScope API key ` +
    `in OPENAI_API_KEY, with security.auth.selectedType 'openai' — or, if your account still has Qwen OAuth access, log in again (${p.login}).`,
  SETTINGS_WRITE_FAILED: 'Check that the settings folder is writable and retry.',
  SETTINGS_INVALID: 'Fix the JSON syntax at the given line and column, then retry.',
  TRUST_FILE_INVALID:
    'Make the trusted-folders file one JSON object from folder path to TRUST_FOLDER, TRUST_PARENT or DO_NOT_TRUST (or remove it), or turn security.folderTrust.enabled off.',
  OAUTH_ACCESS_DENIED: 'The authorization was declined; start the login again and approve it.',
  OAUTH_DEVICE_CODE_EXPIRED: 'The code expired before it was approved; start the login again.',
  ABORTED: 'The operation was cancelled by the caller.',
  OAUTH_PROTOCOL_ERROR: 'Check the OAuth endpoints and client id; the server answered outside the protocol.',
  NETWORK_ERROR: 'Check the network, proxy (HTTPS_PROXY/NO_PROXY) and certificates (NODE_EXTRA_CA_CERTS), then retry.',
  INSECURE_ENDPOINT: 'Use https:// for every endpoint that is not on this machine (loopback).',
  INVALID_PROXY: 'Fix or unset the proxy variable: it must be an http(s) URL such as http://proxy.example:3128.',
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
    this.remedy = options.remedy ?? remedyFor(code);
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

/**
 * The remedy sentence of a code: the default one, or in a wording (flags
 * rather than `overrides.*`, your own login command).
 */
export function remedyFor(code: AuthErrorCode, wording?: RemedyWording): string {
  const remedy = REMEDIES[code];
  return typeof remedy === 'string' ? remedy : remedy(phrases(wording));
}

/** The phrase naming an override in a wording: `overrides.apiKey`, or `--openai-api-key` with flags. */
export function overrideName(field: keyof AuthOverrides, wording?: RemedyWording): string {
  return phrases(wording).override(field);
}

/** The phrase saying how to log in, in a wording. */
export function loginPhrase(wording?: RemedyWording): string {
  return phrases(wording).login;
}
