/**
 * The error taxonomy. One class, {@link QwenAuthError}, with a stable string
 * `code`, a `remedy` sentence for humans and typed `details` for programs.
 * {@link isAuthError} recognises it by a global brand, not by `instanceof`,
 * so it works across bundles, realms and duplicated installs.
 *
 * No secret is ever put into a message or into `details`: callers pass
 * redacted values (see `redact`).
 */

import { OVERRIDE_FLAGS, type OverrideField, type Scope } from './override-flags.js';

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

/** What a request that the endpoint refused carries (`auth.fetch` gave up; see `findAuthError`). */
export interface RequestFailureDetails {
  /** The base URL the request went to. */
  readonly endpoint: string;
  /** The HTTP status the endpoint answered. */
  readonly status: number;
}

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
  /**
   * An option or flag whose value cannot be used: a `cwd` that is not an
   * existing folder, a command-line flag with a wrong or doubled value
   * (`overridesFromFlags`), options that contradict each other, a device
   * login without `onVerification`. `kind` says whose mistake it is.
   */
  INVALID_OPTION: { readonly option: string };
  /**
   * A programming error: an option of the wrong type or shape (`cwd: 42`,
   * `env: 'x'`, `qwenCode: '0.13'`). Always `kind: 'programmer'`.
   */
  INVALID_OPTION_TYPE: { readonly option: string };
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
    /**
     * Why: no login at all, a refresh token the server rejected, a login without a refresh token,
     * a credentials file that cannot be read, or (`token-rejected`) a model endpoint that refuses
     * even a freshly refreshed token.
     */
    readonly reason: 'no-credentials' | 'refresh-rejected' | 'no-refresh-token' | 'invalid-credentials' | 'token-rejected';
    /** Where the login is (a file path, or a keychain entry). */
    readonly location?: string;
  };
  /** The model endpoint rejected the API key (after one re-read of the configuration). */
  KEY_REJECTED: RequestFailureDetails;
  /** The endpoint rejected the key, and another region of the same provider accepts it (`probeOnFailure`). */
  WRONG_REGION: RequestFailureDetails & { readonly suggestedBaseUrl: string };
  /** The endpoint rejected the key, and another plan of the same vendor accepts it (`probeOnFailure`). */
  WRONG_PLAN_ENDPOINT: RequestFailureDetails & { readonly suggestedBaseUrl: string };
  /** The plan's quota is used up, or the account is in arrears: waiting a minute does not help. */
  QUOTA_EXHAUSTED: RequestFailureDetails;
  /** The plan serves only approved clients (Coding Plan: coding agents). */
  CLIENT_NOT_ALLOWED: RequestFailureDetails;
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
  /** A file less trusted than the credential's source chose where it goes (issue 16). */
  UNTRUSTED_DESTINATION: {
    /** Where the credential came from, as a phrase. */
    readonly credential: string;
    readonly credentialScope: Scope;
    /** The origin it would be sent to (the proxy's, for a proxy). */
    readonly origin: string;
    /** What chose it, as a phrase (variable or settings key, and its file). */
    readonly chosenBy: string;
    readonly chooserScope: Scope;
    /** The file that chose it, when a file did. */
    readonly path?: string;
    readonly via: 'base-url' | 'model-provider' | 'env-key' | 'proxy' | 'expansion';
    /** The folder resolution ran in: what `qwen-auth trust` would trust. */
    readonly folder: string;
  };
}

/** Every stable error code. */
export type AuthErrorCode = keyof AuthErrorDetails;

/**
 * How remedies name what the user can do. A tool that wraps qwen-auth in its
 * own command sets these so remedies speak its language. With none set,
 * remedies name only what any user can act on (an environment variable, a
 * `.env` file, a setting of settings.json, Qwen Code's own /auth), never an
 * option of this library.
 */
export interface RemedyWording {
  /** The tool takes `authFlags` (`--openai-api-key`…): remedies name them too (see `overridesFromFlags`). */
  readonly flags?: boolean;
  /** The command that logs in, e.g. `mytool login`. Default: Qwen Code's /auth. */
  readonly loginCommand?: string;
  /**
   * The command that checks the credential live and tries the vendor's other
   * regions and plans, e.g. `mytool doctor` (the qwen-auth CLI's is
   * `qwen-auth status --check --probe`). Default: none is named.
   */
  readonly checkCommand?: string;
  /**
   * How the user asks for Qwen Code 0.24's rules, which also resolve
   * `anthropic` and `openai-responses` (the qwen-auth CLI: `--qwen-code 0.24`).
   * Named only where that mode resolves the case. Default: not named.
   */
  readonly qwenCode024Option?: string;
  /**
   * The command that trusts a folder, e.g. `mytool trust`; the folder is
   * appended. Default `qwen-auth trust`.
   */
  readonly trustCommand?: string;
}

/** The phrases every remedy (errors, diagnostics, check verdicts) is built from, for one wording. */
export interface RemedyPhrases {
  /** `, or pass --openai-api-key` with flags; empty otherwise. */
  readonly orFlag: (field: OverrideField) => string;
  /** The flag of an override, or undefined without flags. */
  readonly flag: (field: OverrideField) => string | undefined;
  /** How to log in: `` `mytool login` ``, or Qwen Code's /auth. */
  readonly login: string;
  /** ` (`mytool doctor` tries the others)`-style clause naming the check command, or empty. */
  readonly check: (what: string) => string;
  /** `, or <what> with `--qwen-code 0.24``, or empty when the wording names no way to Qwen Code 0.24's rules. */
  readonly orNewerMode: (what: string) => string;
  /** Where an auth type is selected: `security.auth.selectedType in settings.json` (`, or --auth-type` with flags). */
  readonly selectAuthType: string;
  /**
   * How to trust a folder, as a clause: "run `mytool trust <dir>` (…)" with a
   * `trustCommand`, else the trusted-folders file itself (neutral words).
   */
  readonly trust: (dir: string, extra?: string) => string;
  /** The caller's way to vouch for the folder once: `--trust-workspace` with flags; none otherwise. */
  readonly trustOption: string | undefined;
}

/** The phrases of a wording. Every remedy of every table goes through this one helper. */
export function remedyPhrases(wording: RemedyWording = {}): RemedyPhrases {
  const login = wording.loginCommand?.trim();
  const check = wording.checkCommand?.trim();
  return {
    orFlag: (field) => (wording.flags ? `, or pass ${OVERRIDE_FLAGS[field]}` : ''),
    flag: (field) => (wording.flags ? OVERRIDE_FLAGS[field] : undefined),
    login: login ? `\`${login}\`` : '/auth in Qwen Code',
    check: (what) => (check ? ` (\`${check}\` ${what})` : ''),
    orNewerMode: (what) => (wording.qwenCode024Option?.trim() ? `, or ${what} with \`${wording.qwenCode024Option.trim()}\`` : ''),
    selectAuthType: `security.auth.selectedType in settings.json${wording.flags ? `, or ${OVERRIDE_FLAGS.authType}` : ''}`,
    trust: (dir, extra = '') =>
      wording.trustCommand?.trim()
        ? `run \`${wording.trustCommand.trim()} ${/[\s'"$`\\]/.test(dir) ? `'${dir.replace(/'/g, "'\\''")}'` : dir}${extra}\` (it records the folder in Qwen Code's trusted-folders file, so Qwen Code agrees)`
        : `mark ${dir} TRUST_FOLDER in Qwen Code's trusted-folders file (trustedFolders.json in the Qwen folder: \`qwen-auth trust ${/[\s'"$`\\]/.test(dir) ? `'${dir.replace(/'/g, "'\\''")}'` : dir}${extra}\` writes it, and so does Qwen Code's trust prompt)`,
    trustOption: wording.flags ? '--trust-workspace' : undefined,
  };
}

/** The phrases that say how to trust a folder, in a wording. */
export function trustPhrases(wording?: RemedyWording): { readonly command: (dir: string, extra?: string) => string; readonly option: string | undefined } {
  const p = remedyPhrases(wording);
  return { command: p.trust, option: p.trustOption };
}

/** A remedy: a sentence, or one built from the phrases of the caller's wording. */
export type RemedyText = string | ((p: RemedyPhrases) => string);

/** The text of a remedy in a wording. */
export function remedyText(remedy: RemedyText, wording?: RemedyWording): string {
  return typeof remedy === 'string' ? remedy : remedy(remedyPhrases(wording));
}

/** The date Qwen's free OAuth tier ended (the registry's `qwen-oauth` entry says the same). */
export const QWEN_OAUTH_FREE_TIER_END = '2026-04-15';

/**
 * The remedies of the request-side reasons, shared by the errors `auth.fetch`
 * gives up with and the verdicts of `check()` (same code, same words).
 */
export const REQUEST_REMEDIES = {
  KEY_REJECTED: (p: RemedyPhrases) =>
    `Copy the key again from the provider console (no spaces), check that the plan is active, and that key and base URL belong to the same plan and region${p.check('tries the others')}.`,
  WRONG_REGION: (p: RemedyPhrases) =>
    `Set the base URL (OPENAI_BASE_URL, or security.auth.baseUrl in settings.json${p.orFlag('baseUrl')}) to the suggested endpoint: the key belongs to another region of this provider.`,
  WRONG_PLAN_ENDPOINT: (p: RemedyPhrases) =>
    `Set the base URL (OPENAI_BASE_URL, or security.auth.baseUrl in settings.json${p.orFlag('baseUrl')}) to the suggested endpoint: the key belongs to another plan of this vendor (Coding Plan, Token Plan or pay-as-you-go).`,
  QUOTA_EXHAUSTED: 'Top up or renew the plan, or wait until its quota window resets (Coding Plan: 5 hours, a week, a month).',
  CLIENT_NOT_ALLOWED:
    'This plan serves only approved clients (Coding Plan: coding agents such as Qwen Code); use a pay-as-you-go key (DashScope) for other tools.',
} as const satisfies Record<string, RemedyText>;

/** The remedy of each code: a sentence, or one built from the wording's phrases. */
export const ERROR_REMEDIES: { readonly [C in AuthErrorCode]: RemedyText } = {
  MISSING_API_KEY: (p) =>
    `Set OPENAI_API_KEY in the environment or in a .env file (e.g. .qwen/.env), or set security.auth.apiKey in settings.json${p.orFlag('apiKey')}.`,
  NO_CREDENTIALS: (p) =>
    `Set OPENAI_API_KEY to a Coding Plan, Token Plan or DashScope key (with OPENAI_BASE_URL and OPENAI_MODEL if needed)${p.orFlag('apiKey')}; ` +
    `a Qwen OAuth login (${p.login}) works only for accounts that kept access after the free tier ended on ${QWEN_OAUTH_FREE_TIER_END}.`,
  INVALID_BASE_URL: 'Use an absolute http(s) URL such as https://dashscope.aliyuncs.com/compatible-mode/v1.',
  INVALID_API_KEY: 'Copy the key again into the place the message names, on one line, without quotes or control characters.',
  INVALID_OPTION: 'Give the value the message asks for (a folder that exists, one value per flag, one of the listed choices).',
  INVALID_OPTION_TYPE: 'The program passed an option of the wrong type (a programming error): check the call against the documented type.',
  UNSUPPORTED_AUTH_TYPE: (p) =>
    `Select 'openai' (any OpenAI-compatible key: DashScope, Coding Plan, Token Plan, OpenRouter…) in security.auth.selectedType of settings.json${p.orFlag('authType')}, with OPENAI_API_KEY and OPENAI_BASE_URL.`,
  NO_AUTH_TYPE: (p) =>
    `Select an auth type (security.auth.selectedType in settings.json${p.orFlag('authType')}), or set OPENAI_API_KEY with OPENAI_BASE_URL and OPENAI_MODEL: the three Qwen Code 0.24 needs to infer openai.`,
  QWEN_OAUTH_DISCONTINUED: `Qwen's free OAuth tier ended on ${QWEN_OAUTH_FREE_TIER_END}: switch to Coding Plan, Token Plan or an API key (DashScope, OpenRouter, another provider) with /auth in Qwen Code, or set security.auth.selectedType and its key.`,
  ENFORCED_AUTH_TYPE_MISMATCH: (p) =>
    `Select the enforced auth type (${p.selectAuthType}), or, if that policy no longer applies, remove security.auth.enforcedType from the file the message names.`,
  MISSING_BASE_URL:
    'Set ANTHROPIC_BASE_URL (e.g. https://coding.dashscope.aliyuncs.com/apps/anthropic for Coding Plan), or give the modelProviders.anthropic entry a baseUrl.',
  LOGIN_REQUIRED: (p) =>
    `Qwen's free OAuth tier ended on ${QWEN_OAUTH_FREE_TIER_END}: use a paid path instead — a Coding Plan key (sk-sp-…), a Token Plan key or a DashScope API key ` +
    `in OPENAI_API_KEY, with security.auth.selectedType 'openai' — or, if your account still has Qwen OAuth access, log in again (${p.login}).`,
  ...REQUEST_REMEDIES,
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
  UNTRUSTED_DESTINATION: (p) =>
    `If you trust the folder, ${p.trust('<folder>')}${p.trustOption ? `, or pass ${p.trustOption}` : ''}; or put the key and the endpoint in the same file.`,
};

/**
 * Whose mistake an error is: `programmer` (fix the calling code:
 * `INVALID_OPTION_TYPE`, and the `INVALID_OPTION`s that only a program can
 * cause) or `operational` (the person using the tool, the configuration, the
 * network or the provider).
 */
export type AuthErrorKind = 'programmer' | 'operational';

/** The kind of a code. */
export function kindOf(code: AuthErrorCode): AuthErrorKind {
  return code === 'INVALID_OPTION_TYPE' ? 'programmer' : 'operational';
}

/** Every error code, in table order. */
export const ERROR_CODES = Object.freeze(Object.keys(ERROR_REMEDIES) as AuthErrorCode[]);

const BRAND = Symbol.for('qwen-auth.error');

export interface QwenAuthErrorOptions<C extends AuthErrorCode> {
  /** Overrides the default remedy of the code. */
  readonly remedy?: string;
  readonly details: AuthErrorDetails[C];
  readonly cause?: unknown;
  /** Whose mistake, when it is not the code's own kind (an `INVALID_OPTION` only a program can cause). */
  readonly kind?: AuthErrorKind;
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

  /** `programmer` (fix the calling code) or `operational` (the user, the configuration, the network, the provider). */
  readonly kind: AuthErrorKind;

  constructor(code: C, message: string, options: QwenAuthErrorOptions<C>) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.remedy = options.remedy ?? errorRemedy(code);
    this.details = options.details;
    this.kind = options.kind ?? kindOf(code);
  }

  toJSON(): { name: string; code: C; kind: AuthErrorKind; message: string; remedy: string; details: AuthErrorDetails[C] } {
    return { name: this.name, code: this.code, kind: this.kind, message: this.message, remedy: this.remedy, details: this.details };
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
 * The remedy sentence of an error code, in a wording (the tool's flags,
 * login and check commands); with none, in neutral words. The public
 * `remedyFor` (src/remedies.ts) covers diagnostics and check verdicts too.
 */
export function errorRemedy(code: AuthErrorCode, wording?: RemedyWording): string {
  return remedyText(ERROR_REMEDIES[code], wording);
}

/** The phrase naming an override in a wording: `--openai-api-key` with flags, else `what` (neutral words). */
export function overrideName(field: OverrideField, wording?: RemedyWording, what = 'the setting'): string {
  return remedyPhrases(wording).flag(field) ?? what;
}

/** The phrase saying how to log in, in a wording. */
export function loginPhrase(wording?: RemedyWording): string {
  return remedyPhrases(wording).login;
}
