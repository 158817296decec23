import { homedir } from 'node:os';
import { resolve } from 'node:path';
import {
  AUTH_TYPES,
  type AuthOverrides,
  type AuthType,
  createFileTokenStore,
  createKeychainTokenStore,
  isAuthType,
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
  /** False with `--no-git-check` (status, env). */
  readonly gitCheck?: boolean;
}

export class UsageError extends Error {}

/** The auth type named by `--auth-type`, checked. */
export function authTypeFlag(value: string | undefined): AuthType | undefined {
  if (value === undefined) return undefined;
  if (isAuthType(value)) return value;
  throw new UsageError(`--auth-type must be ${AUTH_TYPES.map((t) => `'${t}'`).join(' or ')}, not '${value}'.`);
}

/** The store kinds `--store` takes. */
export const STORE_KINDS = ['file', 'keychain'] as const;

/** The store kind named by `--store`, checked (default `file`). */
export function storeKind(value: string | undefined): (typeof STORE_KINDS)[number] {
  if (value === undefined) return 'file';
  if ((STORE_KINDS as readonly string[]).includes(value)) return value as (typeof STORE_KINDS)[number];
  throw new UsageError(`--store must be 'file' or 'keychain', not '${value}'.`);
}

/** The token store chosen with `--store`, in the Qwen folder `resolveAuth` would use here. */
export async function openStore(ctx: Context, value: string | undefined): Promise<TokenStore> {
  const where = { homeDir: ctx.homeDir, env: ctx.env, cwd: ctx.cwd };
  return storeKind(value) === 'keychain' ? createKeychainTokenStore(where) : createFileTokenStore(where);
}

/** What every command resolves from. */
export interface Context {
  readonly cwd: string;
  readonly homeDir: string;
  readonly env: NodeJS.ProcessEnv;
  readonly overrides: AuthOverrides;
  readonly oauth: QwenOAuthOptions;
}

export function contextFrom(flags: GlobalFlags, env: NodeJS.ProcessEnv = process.env): Context {
  const authType = authTypeFlag(flags.authType);
  return {
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
  return { cwd: ctx.cwd, homeDir: ctx.homeDir, env: ctx.env, overrides: ctx.overrides, ...extra, oauth: { ...ctx.oauth, ...extra.oauth } };
}
