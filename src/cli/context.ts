import { resolve } from 'node:path';
import { homedir, statSync } from './node.js';
import {
  type AuthOverrides,
  createFileTokenStore,
  createKeychainTokenStore,
  type OpenedKeychainStore,
  optionsFromFlags,
  redactText,
  type QwenCodeVersion,
  type QwenOAuthOptions,
  type ResolveAuthOptions,
  type TokenStore,
} from 'qwen-auth';

/** What the parser (./parse.ts) hands the commands: every option of ./options.ts, camelCase. */
export interface GlobalFlags {
  readonly cwd?: string;
  readonly authType?: string;
  readonly openaiApiKey?: string;
  readonly openaiBaseUrl?: string;
  readonly model?: string;
  readonly json?: boolean;
  readonly strict?: boolean;
  readonly store?: string;
  readonly deviceEndpoint?: string;
  readonly tokenEndpoint?: string;
  readonly clientId?: string;
  /** False with `--no-git-check` (status, env). */
  readonly gitCheck?: boolean;
  /** `status --check`: one live request. */
  readonly check?: boolean;
  /** `status --probe`: `--check`, and after a rejected key the vendor's other endpoints. */
  readonly probe?: boolean;
  /** `--qwen-code 0.12|0.24`: whose resolution to follow. */
  readonly qwenCode?: string;
  /** `--trust-workspace`: the folder may choose where a key goes (status, env). */
  readonly trustWorkspace?: boolean;
}

/** A mistake in the command line: exit 2. `command`: the command whose help the hint names. */
export class UsageError extends Error {
  constructor(
    message: string,
    readonly command?: string,
  ) {
    super(message);
  }
}

/** `status` and `env` ask git about the files holding keys unless `--no-git-check`. */
export const gitCheck = (flags: GlobalFlags) => ({ gitCheck: flags.gitCheck !== false });

/** The store kinds `--store` takes. */
export const STORE_KINDS = ['file', 'keychain'] as const;

/** The store kind named by `--store`, checked (default `file`; the parser checks the choices too). */
export function storeKind(value: string | undefined): (typeof STORE_KINDS)[number] {
  if (value === undefined) return 'file';
  if ((STORE_KINDS as readonly string[]).includes(value)) return value as (typeof STORE_KINDS)[number];
  throw new UsageError(`--store must be 'file' or 'keychain', not '${redactText(value, 80)}'.`);
}

/** The token store chosen with `--store`, in the Qwen folder `resolveAuth` would use here. */
export async function openStore(ctx: Context, value: string | undefined): Promise<TokenStore> {
  const where = { homeDir: ctx.homeDir, env: ctx.env, cwd: ctx.cwd, ...(ctx.qwenCode && { qwenCode: ctx.qwenCode }) };
  return storeKind(value) === 'keychain' ? createKeychainTokenStore(where) : createFileTokenStore(where);
}

/** Why the keychain store is not in use, when `--store keychain` fell back to the file. */
export function fallbackReason(store: TokenStore): string | undefined {
  const reason = (store as OpenedKeychainStore).fallbackReason;
  return typeof reason === 'string' ? reason : undefined;
}

/** The mode named by `--qwen-code`, checked (the parser checks the choices too). */
export function qwenCodeFlag(value: string | undefined): QwenCodeVersion | undefined {
  if (value === undefined) return undefined;
  if (value === '0.12' || value === '0.24') return value;
  throw new UsageError(`--qwen-code must be '0.12' or '0.24', not '${value}'.`);
}

/** What every command resolves from. */
export interface Context {
  readonly cwd: string;
  readonly homeDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly overrides: AuthOverrides;
  readonly oauth: QwenOAuthOptions;
  /** `--qwen-code`: whose resolution to follow (the library's default when absent). */
  readonly qwenCode?: QwenCodeVersion;
  /** `--trust-workspace`. */
  readonly trustWorkspace?: boolean;
}

/** `--cwd` must name a folder. */
function cwdFlag(value: string | undefined): string {
  const cwd = resolve(value ?? process.cwd());
  if (value === undefined) return cwd;
  let isDir: boolean | undefined;
  try {
    isDir = statSync(cwd).isDirectory();
  } catch {
    isDir = undefined;
  }
  if (isDir !== true) throw new UsageError(`--cwd: ${cwd} ${isDir === false ? 'is not a folder' : 'does not exist'}.`);
  return cwd;
}

export function contextFrom(flags: GlobalFlags, env: NodeJS.ProcessEnv = process.env): Context {
  const qwenCode = qwenCodeFlag(flags.qwenCode);
  const cwd = cwdFlag(flags.cwd);
  // The library checks --auth-type and names the flags in its messages; --trust-workspace is one of its flags too.
  const fromFlags = optionsFromFlags(flags as Record<string, unknown>, qwenCode ? { qwenCode } : {});
  return {
    ...(qwenCode && { qwenCode }),
    ...(fromFlags.trustWorkspace && { trustWorkspace: true }),
    cwd,
    homeDir: homedir(),
    env,
    overrides: fromFlags.overrides,
    oauth: {
      ...(flags.deviceEndpoint && { deviceAuthorizationEndpoint: flags.deviceEndpoint }),
      ...(flags.tokenEndpoint && { tokenEndpoint: flags.tokenEndpoint }),
      ...(flags.clientId && { clientId: flags.clientId }),
    },
  };
}

/** The command remedies name for logging in. */
export const LOGIN_COMMAND = 'qwen-auth login';

/** resolveAuth options for a context: remedies name this command's flags and `qwen-auth login`. */
export function resolveOptions(ctx: Context, extra: Partial<ResolveAuthOptions> = {}): ResolveAuthOptions {
  return {
    cwd: ctx.cwd,
    homeDir: ctx.homeDir,
    env: ctx.env,
    overrides: ctx.overrides,
    ...(ctx.qwenCode && { qwenCode: ctx.qwenCode }),
    ...(ctx.trustWorkspace && { trustWorkspace: true }),
    loginCommand: LOGIN_COMMAND,
    trustCommand: 'qwen-auth trust',
    checkCommand: 'qwen-auth status --check --probe',
    ...(ctx.qwenCode === undefined && { qwenCode024Option: '--qwen-code 0.24' }),
    ...extra,
    oauth: { ...ctx.oauth, ...extra.oauth },
  };
}
