/**
 * The diagnostics table: every finding that does not stop resolution, with
 * its level and remedy, spelled once. Diagnostics are built only through
 * {@link diagnostic}, which takes the level and remedy from the table and a
 * structured subject (the variable, the file) so that deduplication and
 * tests compare facts, never message text.
 */

/** Severity of a diagnostic. */
export type DiagnosticLevel = 'info' | 'warning' | 'error';

/** The level and default remedy of a diagnostic code. */
export interface DiagnosticInfo {
  readonly level: DiagnosticLevel;
  readonly remedy: string;
}

/** Code → level and remedy. docs/troubleshooting.md is tested against this table. */
export const DIAGNOSTICS = Object.freeze({
  API_KEY_WHITESPACE: { level: 'warning', remedy: 'Remove the spaces or line breaks around the key where it is set.' },
  CREDENTIALS_INSECURE_MODE: {
    level: 'warning',
    remedy: 'Run chmod 600 on the credentials file and chmod 700 on its folder (the next login or refresh does it too).',
  },
  CREDENTIALS_INVALID: { level: 'warning', remedy: 'Log in again (/auth in Qwen Code), or delete the file.' },
  ENDPOINT_IMPLIED_BY_KEY: { level: 'info', remedy: 'Set OPENAI_BASE_URL to choose another endpoint of the provider.' },
  ENV_EMPTY_FILLED: { level: 'info', remedy: 'Unset the empty variable, or give it a value, if the value from the file is not the one you meant.' },
  ENV_EMPTY_SHADOWS: { level: 'warning', remedy: 'Unset the empty variable (`unset NAME`) so the value below it is used.' },
  ENV_FILE_TOO_LARGE: { level: 'warning', remedy: 'Shrink the .env file to the variables it needs (it is read only up to its size limit).' },
  ENV_FILE_UNREADABLE: { level: 'warning', remedy: 'Fix the permissions of the .env file (or remove it).' },
  GIT_CHECK_SKIPPED: { level: 'info', remedy: 'Put git on PATH, or repair the repository (the message says what failed); nothing else was affected.' },
  INSECURE_BASE_URL: { level: 'warning', remedy: 'Use an https:// base URL for any server that is not on this machine.' },
  KEYCHAIN_UNAVAILABLE: {
    level: 'warning',
    remedy:
      'Install @napi-rs/keyring (prebuilt, no compiler) and make sure the keychain answers (on Linux an unlocked Secret Service such as gnome-keyring in a D-Bus session), or keep the login in its file (~/.qwen/oauth_creds.json).',
  },
  KEY_ENDPOINT_MISMATCH: {
    level: 'warning',
    remedy: "Set OPENAI_BASE_URL (or security.auth.baseUrl) to the key's endpoint; Qwen Code 0.24 does not choose it from the key.",
  },
  KEY_FORMAT_MISMATCH: { level: 'warning', remedy: "Use a key of the endpoint's provider, or the endpoint that matches the key." },
  KEY_PROVIDER_MISMATCH: { level: 'warning', remedy: "Point the base URL at one of the key's endpoints (listed in the message), or use that endpoint's key." },
  MODEL_BASEURL_STALE: {
    level: 'warning',
    remedy: 'Select the model again (/model in Qwen Code) or set model.baseUrl to the baseUrl of the entry you mean.',
  },
  MODEL_ON_OTHER_PROTOCOL: {
    level: 'warning',
    remedy: 'Name a model declared for the auth type in use, or select the auth type of that entry (security.auth.selectedType) where it can be used.',
  },
  OAUTH_MODEL_UNSUPPORTED: { level: 'warning', remedy: "Drop the model setting, or use 'coder-model' with Qwen OAuth." },
  RESOURCE_URL_REJECTED: {
    level: 'warning',
    remedy: "Log in again; if the login's API host is legitimate, ask the tool's maintainer to allow it.",
  },
  OVERRIDE_IGNORED: {
    level: 'warning',
    remedy: 'Drop the value that was ignored (or its flag), or select the auth method or modelProviders entry it applies to.',
  },
  PROJECT_TRANSPORT_IGNORED: {
    level: 'warning',
    remedy:
      'Set proxies, NO_PROXY, TLS variables and QWEN_AUTH_TRUSTED_GATEWAYS in the environment, user settings or a home-level .env file; a file in the working folder cannot set them.',
  },
  PROVIDER_DISCONTINUED: {
    level: 'warning',
    remedy: 'Move to a supported provider: Coding Plan, Token Plan or a DashScope API key.',
  },
  PROVIDER_ID_UNMAPPED: {
    level: 'warning',
    remedy: 'Map the provider id to an auth type in providerProtocol (e.g. "providerProtocol": { "myproxy": "openai" }), or rename it to one.',
  },
  REQUESTED_MODEL_REPLACED: {
    level: 'warning',
    remedy: 'Add a modelProviders entry with that id, or configure a key or base URL outside modelProviders so the requested model is used as is.',
  },
  SECRET_FILE_NOT_IGNORED: {
    level: 'warning',
    remedy: "Add the file's name, anchored (e.g. /.env), to the .gitignore of the file's own folder; the diagnostic names both.",
  },
  SECRET_FILE_TRACKED: {
    level: 'warning',
    remedy:
      'Stop tracking the file (git rm --cached keeps it on disk), ignore it in the .gitignore of its folder, and rotate the key if a commit holding it was shared.',
  },
  SETTINGS_INVALID_JSON: { level: 'error', remedy: 'Fix the JSON syntax at the given line and column.' },
  SETTINGS_INVALID_VALUE: { level: 'warning', remedy: 'Give the setting a value of the documented type.' },
  SETTINGS_LEGACY_KEYS_IGNORED: {
    level: 'warning',
    remedy:
      'Move the flat keys to their nested places (e.g. selectedAuthType → security.auth.selectedType), or remove them: a file with "$version" 2 or more is not migrated.',
  },
  SETTINGS_LEGACY_MIGRATED: {
    level: 'info',
    remedy: 'Nothing to do; to silence it, let Qwen Code rewrite the file, or move the flat keys to their nested places yourself.',
  },
  SETTINGS_NOT_OBJECT: { level: 'error', remedy: 'Make the file hold one JSON object, e.g. {}.' },
  SETTINGS_TOO_DEEP: { level: 'error', remedy: 'Flatten the settings file: at most 64 levels of nested arrays and objects.' },
  SETTINGS_TOO_LARGE: { level: 'warning', remedy: 'Shrink the settings file below 4 MiB.' },
  SETTINGS_UNREADABLE: { level: 'warning', remedy: 'Fix the permissions of the settings file (or remove it).' },
  TRUST_FILE_INVALID: {
    level: 'error',
    remedy: 'Make the trusted-folders file one JSON object from folder path to TRUST_FOLDER, TRUST_PARENT or DO_NOT_TRUST (or remove it).',
  },
  TRUSTED_GATEWAY: {
    level: 'info',
    remedy: "Remove the endpoint from QWEN_AUTH_TRUSTED_GATEWAYS (or the tool's own list of trusted gateways) to have keys checked against it again.",
  },
  UNTRUSTED_DESTINATION: {
    level: 'error',
    remedy:
      "If you trust the folder, run `qwen-auth trust <folder>` (Qwen Code's trusted-folders file), or pass trustWorkspace: true (--trust-workspace); or put the key and the endpoint in the same file.",
  },
} as const satisfies Record<string, DiagnosticInfo>);

/** Stable codes of diagnostics. See docs/troubleshooting.md for each. */
export type DiagnosticCode = keyof typeof DIAGNOSTICS;

/** What a diagnostic is about: the facts that identify it. */
export interface DiagnosticSubject {
  /** The environment variable concerned. */
  readonly variable?: string;
  /** The file concerned. */
  readonly path?: string;
  /** 1-based line and column in `path`, when known. */
  readonly line?: number;
  readonly column?: number;
  /** A settings key or option name, e.g. `modelProviders.openai[0]`. */
  readonly key?: string;
}

/** A finding about the configuration that did not stop resolution. Never contains a whole secret. */
export interface Diagnostic extends DiagnosticSubject {
  /** Stable machine-readable code, e.g. `KEY_PROVIDER_MISMATCH`. */
  readonly code: DiagnosticCode;
  readonly level: DiagnosticLevel;
  readonly message: string;
  /** What to do about it. */
  readonly remedy: string;
}

/** Every diagnostic code, in table order. */
export const DIAGNOSTIC_CODES = Object.freeze(Object.keys(DIAGNOSTICS) as DiagnosticCode[]);

/** The level and remedy of a code, in neutral words (`remedyFor(code, wording)` words it for a tool). */
export function diagnosticInfo(code: DiagnosticCode): DiagnosticInfo {
  return DIAGNOSTICS[code];
}

/** Builds a diagnostic: level and remedy from the table (the remedy may be overridden). */
export function diagnostic(code: DiagnosticCode, message: string, subject: DiagnosticSubject = {}, remedy: string = DIAGNOSTICS[code].remedy): Diagnostic {
  const out: { -readonly [K in keyof Diagnostic]: Diagnostic[K] } = { code, level: DIAGNOSTICS[code].level, message, remedy };
  if (subject.variable !== undefined) out.variable = subject.variable;
  if (subject.path !== undefined) out.path = subject.path;
  if (subject.line !== undefined) out.line = subject.line;
  if (subject.column !== undefined) out.column = subject.column;
  if (subject.key !== undefined) out.key = subject.key;
  return out;
}

/** True when the two diagnostics are the same finding: one code, one subject. */
export function sameFinding(a: Diagnostic, b: Diagnostic): boolean {
  return a.code === b.code && a.variable === b.variable && a.path === b.path && a.key === b.key;
}

/** Adds `d` unless the same finding is already in `list`. */
export function addOnce(list: Diagnostic[], d: Diagnostic): void {
  if (!list.some((x) => sameFinding(x, d))) list.push(d);
}
