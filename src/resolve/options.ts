import { join, resolve as resolvePath } from 'node:path';
import { QwenAuthError } from '../errors.js';
import { type Dialect, isQwenCodeVersion } from './dialects.js';
import { type StatOf, statOrUndefined } from '../internal/fs.js';
import { checkOAuthOptions } from '../oauth/endpoints.js';
import { redactText } from '../redact.js';
import { checkedRegistry } from '../providers/registry.js';
import type { EnvRecord, FetchLike } from '../types.js';
import type { ProviderRegistry } from '../providers/types.js';
import type { QwenOAuthOptions, Verification } from '../oauth/types.js';
import type { TokenStoreChoice } from '../storage/types.js';
import type { AuthOverrides, QwenCodeVersion } from '../types.js';
import { parseGateway } from './trusted-gateways.js';

/** The Qwen OAuth options of `resolveAuth()`: the client's, with a store that may also be a kind or a factory. */
export interface ResolveOAuthOptions extends Omit<QwenOAuthOptions, 'store'> {
  /**
   * Where the login lives: a store, `'file'` (default: Qwen Code's
   * `<qwenDir>/oauth_creds.json`), `'keychain'` (through the optional peer
   * keytar, falling back to the file with a diagnostic), `'memory'`, or a
   * factory given the Qwen folder, home folder and environment.
   */
  readonly store?: TokenStoreChoice;
}

/** Options of `resolveAuth()`. Every one is optional and read at call time. */
export interface ResolveAuthOptions {
  /**
   * Whose resolution to follow. `'0.12'` (default): the auth documents and
   * Qwen Code 0.12.0 (docs/resolution.md). `'0.24'`: Qwen Code 0.24.x as
   * measured (home `.env` files below the project one, empty exports filled,
   * `model.name` first, the `anthropic` and `openai-responses` types, …).
   */
  readonly qwenCode?: QwenCodeVersion;
  /** Folder to resolve from (default `process.cwd()`). */
  readonly cwd?: string;
  /** The user's home folder (default `os.homedir()`). */
  readonly homeDir?: string;
  /** The environment, read and never written (default `process.env`). */
  readonly env?: EnvRecord;
  /** What a CLI's `--auth-type`, `--openai-api-key`, `--openai-base-url`, `--model` carry. */
  readonly overrides?: AuthOverrides;
  /**
   * Name overrides by their command-line flags in messages and remedies
   * (`--openai-base-url` rather than `overrides.baseUrl`). Default: true when
   * `overrides` comes from `overridesFromFlags()`, false otherwise.
   */
  readonly flags?: boolean;
  /**
   * The command your users run to log in, named by remedies, e.g.
   * `mytool login`. Default: remedies name Qwen Code's /auth.
   */
  readonly loginCommand?: string;
  /**
   * The command your users run to check their credential live and have the
   * other regions and plans tried (e.g. `mytool doctor`), named by the
   * remedy of a rejected key. Default: none is named.
   */
  readonly checkCommand?: string;
  /**
   * How your users ask for Qwen Code 0.24's rules (e.g. `--qwen-code 0.24`),
   * named by a remedy only where those rules resolve the case (an
   * `anthropic` or `openai-responses` selection). Default: not named.
   */
  readonly qwenCode024Option?: string;
  /**
   * When the endpoint finally rejects the API key (`auth.fetch` gives up),
   * try the same vendor's other regions and plans once (as
   * `check({ probe: true })` does), so the reason `findAuthError()` gives is
   * `WRONG_REGION` or `WRONG_PLAN_ENDPOINT` with `details.suggestedBaseUrl`,
   * not only `KEY_REJECTED`. The key goes only to registry endpoints of that
   * vendor, over https. Default false: the key goes nowhere else.
   */
  readonly probeOnFailure?: boolean;
  /**
   * Endpoints you trust to route any key (a gateway or proxy in front of the
   * providers): origins (`http://127.0.0.1:8080`) or hosts (`llm-gw.corp`,
   * `127.0.0.1:8080`). A key sent to one is not checked against the endpoint
   * (no `KEY_PROVIDER_MISMATCH`/`KEY_FORMAT_MISMATCH`; `TRUSTED_GATEWAY` says so).
   * Default: `QWEN_AUTH_TRUSTED_GATEWAYS` (comma-separated, from the environment,
   * a `.env` file or `settings.env`), else none.
   */
  readonly trustedGateways?: readonly string[];
  /**
   * You vouch for the working folder: a file in it (a project `.env`,
   * `.qwen/settings.json`) may choose where a credential from a more trusted
   * place goes (its base URL, `modelProviders` entry, `envKey`). Default
   * false: such a destination is UNTRUSTED_DESTINATION unless the endpoint
   * is a known vendor's or Qwen Code's trusted-folders file trusts the folder
   * (`qwen-auth trust`). It turns off only this check, never Qwen Code's own
   * folder trust; proxies, TLS variables and `QWEN_AUTH_TRUSTED_GATEWAYS`
   * still never come from a workspace file.
   */
  readonly trustWorkspace?: boolean;
  /** The command your users run to trust a folder, named by remedies instead of `qwen-auth trust`, e.g. `mytool trust`. */
  readonly trustCommand?: string;
  /** May a Qwen OAuth device flow start when nothing else is configured? Default false. */
  readonly interactive?: boolean;
  /** Qwen's home folder; default `QWEN_HOME`, else `<homeDir>/.qwen`. */
  readonly qwenDir?: string;
  /**
   * The platform whose system settings paths apply (default `process.platform`):
   * `/etc/qwen-code/settings.json`, macOS `/Library/Application Support/QwenCode/settings.json`,
   * Windows `C:\ProgramData\qwen-code\settings.json`.
   */
  readonly platform?: string;
  /** The system settings file (default: `QWEN_CODE_SYSTEM_SETTINGS_PATH` as Qwen Code lets it be set, else the platform's). */
  readonly systemSettingsPath?: string;
  /** The system defaults file (default: `QWEN_CODE_SYSTEM_DEFAULTS_PATH`, else `system-defaults.json` beside the system file). */
  readonly systemDefaultsPath?: string;
  /** `.env` handling. */
  readonly envFile?: {
    /**
     * Also apply `<qwenDir>/.env` and `~/.env` below the project file, as
     * Qwen Code ≥ 0.2x does. Default false: only the first file found applies.
     * Implied with `qwenCode: '0.24'` (setting it false there is INVALID_OPTION).
     */
    readonly homeFallback?: boolean;
    /** Variables dropped from project files (default `DEBUG`, `DEBUG_MODE`); `advanced.excludedEnvVars` in settings replaces it. */
    readonly excludedVars?: readonly string[];
    /** Larger files are reported and skipped (default 1 MiB). */
    readonly maxBytes?: number;
  };
  /** The provider registry used for detection (default: the built-in one). */
  readonly registry?: ProviderRegistry;
  /** The clock, in epoch milliseconds (default `Date.now`). */
  readonly now?: () => number;
  /** Qwen OAuth endpoints, client, token store and transport. */
  readonly oauth?: ResolveOAuthOptions;
  /** Called, and awaited, with the user code and URL before a device flow polls. */
  readonly onVerification?: (verification: Verification) => void | Promise<void>;
  /** Cancels a device flow or a pending refresh. */
  readonly signal?: AbortSignal;
  /**
   * The transport of model requests (`auth.fetch`, `auth.check()`). Default:
   * the global fetch, or undici with `HTTPS_PROXY`/`NO_PROXY` when the layered
   * environment names a proxy. (`oauth.fetch` is the OAuth client's.)
   */
  readonly fetch?: FetchLike;
  /**
   * Ask git whether the files that hold keys (`.env`, settings) are tracked
   * or not ignored: `SECRET_FILE_TRACKED` / `SECRET_FILE_NOT_IGNORED`
   * warnings, `GIT_CHECK_SKIPPED` when git cannot answer. Runs `git` (from
   * `env.PATH`, with `env`'s `GIT_*` variables), read-only, within
   * `timeoutMs` (default 3000). Default false: no child process.
   */
  readonly gitCheck?: boolean | { readonly timeoutMs?: number };
}

/** An option of the wrong type or shape: the calling code's mistake (`kind: 'programmer'`). */
function wrongType(option: string, message: string): QwenAuthError<'INVALID_OPTION_TYPE'> {
  return new QwenAuthError('INVALID_OPTION_TYPE', message, { details: { option } });
}

/** An option of the right type whose value cannot be used. */
function invalidOption(option: string, message: string, kind: 'programmer' | 'operational'): QwenAuthError<'INVALID_OPTION'> {
  return new QwenAuthError('INVALID_OPTION', message, { details: { option }, kind });
}

/**
 * Checks the options before any I/O: `INVALID_OPTION_TYPE` (a wrong type) or
 * `INVALID_OPTION` (a value that cannot be used), naming the option.
 */
export function checkOptions(options: ResolveAuthOptions, statOf?: StatOf): void {
  if (typeof options !== 'object' || options === null) throw wrongType('options', 'resolveAuth() takes an options object.');
  if (options.platform !== undefined && (typeof options.platform !== 'string' || options.platform === '')) {
    throw wrongType('platform', "options.platform must be a platform name such as 'linux', 'darwin' or 'win32'.");
  }
  for (const name of ['cwd', 'homeDir', 'qwenDir', 'systemSettingsPath', 'systemDefaultsPath'] as const) {
    const v = options[name];
    if (v !== undefined && (typeof v !== 'string' || v === '' || v.includes('\0'))) {
      throw wrongType(name, `options.${name} must be a non-empty path.`);
    }
  }
  if (options.env !== undefined && (typeof options.env !== 'object' || options.env === null)) {
    throw wrongType('env', 'options.env must be a record of strings.');
  }
  const o = options.overrides;
  if (o !== undefined) {
    if (typeof o !== 'object' || o === null) throw wrongType('overrides', 'options.overrides must be an object.');
    for (const name of ['apiKey', 'baseUrl', 'model', 'authType'] as const) {
      if (o[name] !== undefined && typeof o[name] !== 'string') {
        throw wrongType(`overrides.${name}`, `options.overrides.${name} must be a string.`);
      }
    }
  }
  if (options.registry !== undefined) checkedRegistry(options.registry);
  if (options.oauth !== undefined) checkOAuthOptions(options.oauth, 'oauth', { storeChoice: true });
  for (const name of ['now', 'onVerification'] as const) {
    if (options[name] !== undefined && typeof options[name] !== 'function') throw wrongType(name, `options.${name} must be a function.`);
  }
  if (options.interactive !== undefined && typeof options.interactive !== 'boolean')
    throw wrongType('interactive', 'options.interactive must be true or false.');
  if (options.trustWorkspace !== undefined && typeof options.trustWorkspace !== 'boolean')
    throw wrongType('trustWorkspace', 'options.trustWorkspace must be true or false.');
  if (options.trustCommand !== undefined && (typeof options.trustCommand !== 'string' || options.trustCommand.trim() === '')) {
    throw wrongType('trustCommand', 'options.trustCommand must be a non-empty string, e.g. "mytool trust".');
  }
  const signal = options.signal as unknown;
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw wrongType('signal', 'options.signal must be an AbortSignal.');
  const envFile = options.envFile as unknown;
  if (envFile !== undefined) {
    if (typeof envFile !== 'object' || envFile === null || Array.isArray(envFile)) throw wrongType('envFile', 'options.envFile must be an object.');
    const e = envFile as Record<string, unknown>;
    if (e.homeFallback !== undefined && typeof e.homeFallback !== 'boolean')
      throw wrongType('envFile.homeFallback', 'options.envFile.homeFallback must be true or false.');
    if (e.excludedVars !== undefined && !(Array.isArray(e.excludedVars) && e.excludedVars.every((v: unknown) => typeof v === 'string'))) {
      throw wrongType('envFile.excludedVars', 'options.envFile.excludedVars must be a list of variable names.');
    }
    if (e.maxBytes !== undefined && !(typeof e.maxBytes === 'number' && e.maxBytes >= 0 && !Number.isNaN(e.maxBytes))) {
      throw wrongType('envFile.maxBytes', 'options.envFile.maxBytes must be a number of bytes.');
    }
  }
  if (options.qwenCode !== undefined && !isQwenCodeVersion(options.qwenCode)) {
    throw wrongType('qwenCode', `options.qwenCode must be '0.12' or '0.24', not ${JSON.stringify(options.qwenCode)}.`);
  }
  if (options.fetch !== undefined && typeof options.fetch !== 'function') {
    throw wrongType('fetch', 'options.fetch must be a fetch function.');
  }
  if (options.flags !== undefined && typeof options.flags !== 'boolean') throw wrongType('flags', 'options.flags must be a boolean.');
  if (options.loginCommand !== undefined && (typeof options.loginCommand !== 'string' || options.loginCommand.trim() === '')) {
    throw wrongType('loginCommand', 'options.loginCommand must be a non-empty string, e.g. "mytool login".');
  }
  if (options.checkCommand !== undefined && (typeof options.checkCommand !== 'string' || options.checkCommand.trim() === '')) {
    throw wrongType('checkCommand', 'options.checkCommand must be a non-empty string, e.g. "mytool doctor".');
  }
  if (options.qwenCode024Option !== undefined && (typeof options.qwenCode024Option !== 'string' || options.qwenCode024Option.trim() === '')) {
    throw wrongType('qwenCode024Option', 'options.qwenCode024Option must be a non-empty string, e.g. "--qwen-code 0.24".');
  }
  if (options.probeOnFailure !== undefined && typeof options.probeOnFailure !== 'boolean') {
    throw wrongType('probeOnFailure', 'options.probeOnFailure must be a boolean.');
  }
  if (options.trustedGateways !== undefined) {
    const list = options.trustedGateways as unknown;
    if (!Array.isArray(list)) throw wrongType('trustedGateways', 'options.trustedGateways must be an array of origins or hosts.');
    const bad = list.find((entry) => parseGateway(entry) === undefined);
    if (bad !== undefined) {
      throw invalidOption(
        'trustedGateways',
        `options.trustedGateways has ${JSON.stringify(redactText(String(bad), 80))}, which is neither an origin (http://127.0.0.1:8080) nor a host (llm-gw.corp, 127.0.0.1:8080).`,
        'operational',
      );
    }
  }
  if (options.interactive === true && typeof options.onVerification !== 'function') {
    throw invalidOption('onVerification', 'interactive: true needs onVerification, to show the user code and URL of a device login.', 'programmer');
  }
  const g = options.gitCheck;
  if (g !== undefined && typeof g !== 'boolean') {
    const t = typeof g === 'object' && g !== null ? g.timeoutMs : Number.NaN;
    if (t !== undefined && !(typeof t === 'number' && t > 0 && Number.isFinite(t))) {
      throw wrongType('gitCheck', 'options.gitCheck must be a boolean or { timeoutMs: a positive number }.');
    }
  }
  if (options.cwd !== undefined) {
    const cwd = resolvePath(options.cwd);
    // Given the run's stat cache: a `.qwen` folder in it proves it a folder, and that answer also serves the
    // .env walk and the workspace settings (one call where there were two or three).
    if (!statOf?.(join(cwd, '.qwen'))?.isDirectory()) {
      const st = (statOf ?? statOrUndefined)(cwd);
      if (!st?.isDirectory()) {
        throw new QwenAuthError('INVALID_OPTION', `The folder to resolve from, ${cwd}, ${st ? 'is not a folder' : 'does not exist'}.`, {
          details: { option: 'cwd' },
          remedy: 'Run the tool in (or point it at) a folder that exists.',
        });
      }
    }
  }
}

/** The options a dialect's rules contradict (checked once its table is loaded). */
export function checkDialectOptions(options: ResolveAuthOptions, dialect: Dialect): void {
  if (dialect.layers.envFiles === 'project-and-home' && options.envFile?.homeFallback === false) {
    throw invalidOption(
      'envFile.homeFallback',
      "envFile.homeFallback: false contradicts qwenCode: '0.24': Qwen Code 0.24 always applies the home .env files below the project one.",
      'programmer',
    );
  }
}
