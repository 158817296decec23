import { homedir } from 'node:os';
import { resolve } from 'node:path';
import {
  type AuthOverrides,
  createFileTokenStore,
  createKeychainTokenStore,
  QWEN_CODE_AUTH_TYPES,
  type QwenCodeAuthType,
  type QwenCodeVersion,
  type QwenOAuthOptions,
  type ResolveAuthOptions,
  type TokenStore,
} from 'qwen-auth';

/** Flags shared with Qwen Code, and ours. */
export interface GlobalFlags {
  readonly cwd?: string;
  readonly authType?: string;
  readonly openaiApiKey?: string;
  readonly openaiBaseUrl?: string;
  readonly model?: string;
  readonly json?: boolean;
  readonly store?: string;
  readonly deviceEndpoint?: string;
  readonly tokenEndpoint?: string;
  readonly clientId?: string;
  readonly qwenCode?: string;
}

export class UsageError extends Error {}

/**
 * The auth type named by `--auth-type`, checked against the names Qwen Code
 * knows; the library says which ones the chosen mode resolves.
 */
export function authTypeFlag(value: string | undefined): QwenCodeAuthType | undefined {
  if (value === undefined) return undefined;
  if ((QWEN_CODE_AUTH_TYPES as readonly string[]).includes(value)) return value as QwenCodeAuthType;
  throw new UsageError(`--auth-type must be one of ${QWEN_CODE_AUTH_TYPES.join(', ')}, not '${value}'.`);
}

/** The mode named by `--qwen-code`, checked. */
export function qwenCodeFlag(value: string | undefined): QwenCodeVersion | undefined {
  if (value === undefined) return undefined;
  if (value === '0.12' || value === '0.24') return value;
  throw new UsageError(`--qwen-code must be '0.12' or '0.24', not '${value}'.`);
}

/** The token store chosen with `--store`. */
export async function storeFlag(value: string | undefined, qwenDir: string): Promise<TokenStore> {
  if (value === undefined || value === 'file') return createFileTokenStore({ qwenDir });
  if (value === 'keychain') return createKeychainTokenStore({ qwenDir });
  throw new UsageError(`--store must be 'file' or 'keychain', not '${value}'.`);
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
}

export function contextFrom(flags: GlobalFlags, env: NodeJS.ProcessEnv = process.env): Context {
  const authType = authTypeFlag(flags.authType);
  const qwenCode = qwenCodeFlag(flags.qwenCode);
  return {
    ...(qwenCode && { qwenCode }),
    cwd: resolve(flags.cwd ?? process.cwd()),
    homeDir: homedir(),
    env,
    overrides: {
      ...(authType && { authType }),
      ...(flags.openaiApiKey !== undefined && { apiKey: flags.openaiApiKey }),
      ...(flags.openaiBaseUrl !== undefined && { baseUrl: flags.openaiBaseUrl }),
      ...(flags.model !== undefined && { model: flags.model }),
    },
    oauth: {
      ...(flags.deviceEndpoint && { deviceAuthorizationEndpoint: flags.deviceEndpoint }),
      ...(flags.tokenEndpoint && { tokenEndpoint: flags.tokenEndpoint }),
      ...(flags.clientId && { clientId: flags.clientId }),
    },
  };
}

/** resolveAuth options for a context. */
export function resolveOptions(ctx: Context, extra: Partial<ResolveAuthOptions> = {}): ResolveAuthOptions {
  return {
    cwd: ctx.cwd,
    homeDir: ctx.homeDir,
    env: ctx.env,
    overrides: ctx.overrides,
    ...(ctx.qwenCode && { qwenCode: ctx.qwenCode }),
    ...extra,
    oauth: { ...ctx.oauth, ...extra.oauth },
  };
}
