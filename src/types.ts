/**
 * The public shapes of `resolveAuth()`: what goes in, what comes out.
 */

/** The authentication methods qwen-auth resolves, spelled once. */
export const AUTH_TYPES = Object.freeze(['openai', 'qwen-oauth'] as const);

/** The two authentication methods qwen-auth resolves. */
export type AuthType = (typeof AUTH_TYPES)[number];

/** True when `value` names one of {@link AUTH_TYPES}. */
export function isAuthType(value: unknown): value is AuthType {
  return typeof value === 'string' && (AUTH_TYPES as readonly string[]).includes(value);
}

/** The auth types as a phrase for messages: `'openai' or 'qwen-oauth'`. */
export function listAuthTypes(): string {
  return AUTH_TYPES.map((t) => `'${t}'`).join(' or ');
}

/**
 * Every auth type Qwen Code 0.24 knows (`--auth-type`, `security.auth.selectedType`).
 * `qwenCode: '0.24'` resolves `openai`, `openai-responses` and `anthropic`;
 * `gemini` and `vertex-ai` are recognised and reported as unsupported.
 */
export const QWEN_CODE_AUTH_TYPES = Object.freeze(['openai', 'openai-responses', 'anthropic', 'gemini', 'vertex-ai', 'qwen-oauth'] as const);

/** An auth type Qwen Code 0.24 knows. */
export type QwenCodeAuthType = (typeof QWEN_CODE_AUTH_TYPES)[number];

/** Every `type` a result can have. */
export const RESOLVED_AUTH_TYPES = Object.freeze(['openai', 'qwen-oauth', 'anthropic', 'openai-responses'] as const satisfies readonly ResolvedAuthType[]);

/** Every `type` a result can have: {@link AUTH_TYPES}, and with `qwenCode: '0.24'` also `anthropic`, `openai-responses`. */
export type ResolvedAuthType = AuthType | 'anthropic' | 'openai-responses';

/**
 * Which Qwen Code's resolution to follow: `'0.12'` (the default: the auth
 * documents and Qwen Code 0.12.0) or `'0.24'` (Qwen Code 0.24.x as people run it today).
 */
export type QwenCodeVersion = '0.12' | '0.24';

/** A read-only environment record, as `process.env` or a test fixture. */
export type EnvRecord = Readonly<Record<string, string | undefined>>;

/** A `fetch` compatible with the global one. */
export type FetchLike = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** Where a value came from. */
export type SourceKind = 'override' | 'env' | 'env-file' | 'settings' | 'provider-default' | 'default';

/** One origin of a value. Only the fields that apply to the kind are present. */
export interface ValueSource {
  readonly kind: SourceKind;
  /** The variable name (`env`, `env-file`, and settings `env.*` values). */
  readonly name?: string;
  /** The file the value was read from (`env-file`, `settings`, cached credentials). */
  readonly path?: string;
  /** The settings key (e.g. `security.auth.apiKey`, `env.OPENAI_API_KEY`), or the overrides field (`apiKey`). */
  readonly key?: string;
  /**
   * The layer the value came from, most trusted first: `overrides` (the
   * caller), `environment` (the real environment), `system`,
   * `system-defaults`, `user` (user settings, home-level `.env` files),
   * `workspace` (workspace settings, project `.env` files), `built-in`.
   * Set on every source `resolveAuth` produces.
   */
  readonly scope?: Scope;
  /** The provider whose default this is (`provider-default`). */
  readonly provider?: string;
  /** A short explanation, e.g. why a default or an inference applied. */
  readonly detail?: string;
}

/** The source of a resolved value, and the lower candidates it shadowed. */
export interface Provenance extends ValueSource {
  /** Candidates that also had a value but lost, highest first (sources only, never values). */
  readonly shadowed: readonly ValueSource[];
}

/** The settings file a value came from: the two system layers, the user's, the workspace's. */
export type SettingsScope = 'system' | 'system-defaults' | 'user' | 'workspace';

/** Where a value came from, most trusted first. */
export type { Scope } from './override-flags.js';
import type { Scope } from './override-flags.js';

import type { Diagnostic } from './diagnostics.js';

export type { Diagnostic, DiagnosticCode, DiagnosticLevel, DiagnosticSubject } from './diagnostics.js';

/** What happened to the keys of one `.env` file. Key names only, never values. */
export interface EnvFileLayer {
  /** The file that was read. */
  readonly path: string;
  /** Keys put into the effective environment. */
  readonly applied: readonly string[];
  /** Keys dropped by the exclusion rules (e.g. `DEBUG` in a project file). */
  readonly excluded: readonly string[];
  /** Keys already present in the environment (an exported empty string counts). */
  readonly shadowed: readonly string[];
}

/** The `.env` report: which file was used, and what was looked at to find it. */
export interface EnvFileReport extends EnvFileLayer {
  /** Candidate files checked, in order, ending with the one used. */
  readonly searched: readonly string[];
  /** Whether the file is home-level (`<qwenDir>/.env`, `~/.qwen/.env`, `~/.env`) rather than a project file. */
  readonly scope: 'project' | 'home';
  /** Home-level files applied below the project file (with `envFile.homeFallback`, and always with `qwenCode: '0.24'`). */
  readonly fallbacks: readonly EnvFileLayer[];
}

/** The registry match for the resolved endpoint or key. */
export interface ProviderMatch {
  /** Registry id, e.g. `alibaba-coding-plan`. */
  readonly id: string;
  readonly name: string;
  /** Region id of the matched endpoint, e.g. `cn-beijing`, when it is known. */
  readonly region?: string;
  /** The plan family, e.g. `coding-plan`, `token-plan`, `pay-as-you-go`. */
  readonly plan: string;
  readonly status: 'active' | 'discontinued';
  /** How the match was made: by the base URL's host, by the key's prefix, or by the auth type (Qwen OAuth). */
  readonly matchedBy: 'base-url' | 'key' | 'auth-type';
}

/** Values a CLI would take from `--auth-type`, `--openai-api-key`, `--openai-base-url`, `--model`. */
export interface AuthOverrides {
  /** Also the types Qwen Code 0.24 knows: `qwenCode: '0.24'` resolves some, and both modes say what they do not. */
  readonly authType?: AuthType | QwenCodeAuthType;
  readonly apiKey?: string;
  readonly baseUrl?: string;
  readonly model?: string;
}

export { OVERRIDE_FLAGS } from './override-flags.js';
/** A `.env` file that exists farther up (or at home level) but was not read: only the first file found is. */
export interface UnreadEnvFile {
  readonly path: string;
  readonly scope: 'project' | 'home';
  /** Names it defines (non-empty) that the effective environment does not have. Names only, never values. */
  readonly missing: readonly string[];
}

/** A settings file or `.env` file that resolution considered, with its scope and what became of it. */
export interface LayerFile {
  readonly kind: 'settings' | 'env-file';
  /** `system`, `system-defaults`, `user` (user settings, home-level `.env` files) or `workspace` (workspace settings, project `.env` files). */
  readonly scope: SettingsScope;
  readonly path: string;
  /**
   * `read`; `missing` (a settings file that does not exist); `invalid` (it
   * exists but could not be used: see the diagnostics); `skipped` (folder
   * trust kept it out: `reason` says which rule).
   */
  readonly status: 'read' | 'missing' | 'invalid' | 'skipped';
  /** Why it was skipped, e.g. `folder untrusted (rule DO_NOT_TRUST at /src/repo in ~/.qwen/trustedFolders.json)`. */
  readonly reason?: string;
}

/** Folder trust as resolution applied it. */
export interface TrustReport {
  /** `security.folderTrust.enabled` from system defaults < user < system (Qwen Code 0.12: system < user). */
  readonly enabled: boolean;
  /** The switch on the full merge, workspace included when it was read: it decides the project `.env` files. */
  readonly envEnabled: boolean;
  /** The rules file: `QWEN_CODE_TRUSTED_FOLDERS_PATH`, else `<qwenDir>/trustedFolders.json` (0.12: `~/.qwen/trustedFolders.json`). */
  readonly file: string;
  /** Whether it exists (it is read only while trust is on). */
  readonly fileExists: boolean;
  /** The working folder's standing (`undecided` while trust is off). 0.24 treats undecided as untrusted, 0.12 as trusted. */
  readonly verdict: 'trusted' | 'untrusted' | 'undecided';
  /** The rule that decided, as written in the file. */
  readonly rule?: { readonly path: string; readonly level: 'TRUST_FOLDER' | 'TRUST_PARENT' | 'DO_NOT_TRUST' };
  /** Whether the workspace settings were read (false also when there are none). */
  readonly workspaceApplied: boolean;
  /** Whether the working folder's project `.env` files may apply. */
  readonly projectEnvApplied: boolean;
}

/** What `inspectEnvironment()` reports: the layers, before any auth method is chosen. */
export interface EnvironmentReport {
  readonly cwd: string;
  readonly homeDir: string;
  readonly qwenDir: string;
  /** The `.env` file used, or null. */
  readonly envFile: EnvFileReport | null;
  /** Every `.env` candidate checked, in order. */
  readonly searched: readonly string[];
  /** The settings files that exist and were read, lowest scope first (system defaults, user, workspace, system). */
  readonly settingsFiles: readonly { readonly scope: SettingsScope; readonly path: string }[];
  /** Every settings file (the four scopes) and `.env` file considered, with its scope, and whether it was read or why not. */
  readonly files: readonly LayerFile[];
  /** Folder trust: the switch, the rules file, the verdict and the rule behind it, what it kept out. */
  readonly trust: TrustReport;
  /** `.env` files that exist beyond the one used and were not read, nearest first. */
  readonly unreadEnvFiles: readonly UnreadEnvFile[];
  readonly diagnostics: readonly Diagnostic[];
}
