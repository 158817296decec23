import { resolve as resolvePath } from 'node:path';
import { QwenAuthError } from '../errors.js';
import { statOrUndefined } from '../internal/fs.js';
import type { EnvRecord } from '../types.js';
import type { ProviderRegistry } from '../providers/types.js';
import type { QwenOAuthOptions, Verification } from '../oauth/types.js';
import type { AuthOverrides, QwenCodeVersion } from '../types.js';

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
  /** May a Qwen OAuth device flow start when nothing else is configured? Default false. */
  readonly interactive?: boolean;
  /** Qwen's home folder; default `QWEN_HOME`, else `<homeDir>/.qwen`. */
  readonly qwenDir?: string;
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
  readonly oauth?: QwenOAuthOptions;
  /** Called, and awaited, with the user code and URL before a device flow polls. */
  readonly onVerification?: (verification: Verification) => void | Promise<void>;
  /** Cancels a device flow or a pending refresh. */
  readonly signal?: AbortSignal;
}

function invalidOption(option: string, message: string): QwenAuthError<'INVALID_OPTION'> {
  return new QwenAuthError('INVALID_OPTION', message, { details: { option } });
}

/** Checks the options before any I/O: INVALID_OPTION naming the option. */
export function checkOptions(options: ResolveAuthOptions): void {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'resolveAuth() takes an options object.');
  for (const name of ['cwd', 'homeDir', 'qwenDir'] as const) {
    const v = options[name];
    if (v !== undefined && (typeof v !== 'string' || v === '' || v.includes('\0'))) {
      throw invalidOption(name, `options.${name} must be a non-empty path.`);
    }
  }
  if (options.env !== undefined && (typeof options.env !== 'object' || options.env === null)) {
    throw invalidOption('env', 'options.env must be a record of strings.');
  }
  const o = options.overrides;
  if (o !== undefined) {
    if (typeof o !== 'object' || o === null) throw invalidOption('overrides', 'options.overrides must be an object.');
    for (const name of ['apiKey', 'baseUrl', 'model', 'authType'] as const) {
      if (o[name] !== undefined && typeof o[name] !== 'string') {
        throw invalidOption(`overrides.${name}`, `options.overrides.${name} must be a string.`);
      }
    }
  }
  if (options.qwenCode !== undefined && options.qwenCode !== '0.12' && options.qwenCode !== '0.24') {
    throw invalidOption('qwenCode', `options.qwenCode must be '0.12' or '0.24', not ${JSON.stringify(options.qwenCode)}.`);
  }
  if (options.qwenCode === '0.24' && options.envFile?.homeFallback === false) {
    throw invalidOption(
      'envFile.homeFallback',
      "envFile.homeFallback: false contradicts qwenCode: '0.24': Qwen Code 0.24 always applies the home .env files below the project one.",
    );
  }
  if (options.interactive === true && typeof options.onVerification !== 'function') {
    throw invalidOption('onVerification', 'interactive: true needs onVerification, to show the user code and URL of a device login.');
  }
  if (options.cwd !== undefined) {
    const st = statOrUndefined(resolvePath(options.cwd));
    if (!st?.isDirectory()) {
      throw invalidOption('cwd', `The folder to resolve from, ${resolvePath(options.cwd)}, ${st ? 'is not a folder' : 'does not exist'}.`);
    }
  }
}
