/**
 * `qwen-auth token`: the credential a tool would send, for the tools that
 * take a command (`apiKeyHelper`, `--api-key-helper`, `$(qwen-auth token)`).
 * stdout carries the token and a newline, nothing else.
 */
import { type ResolvedAuth, resolveAuth } from 'qwen-auth';
import { type Context, type GlobalFlags, resolveOptions, storeKind } from './context.js';
import { EXIT } from './exit.js';
import type { Output } from './output.js';

/** What `token --json` prints (field names are a contract). */
export interface TokenReport {
  readonly token: string;
  readonly type: ResolvedAuth['type'];
  readonly baseUrl: string;
  readonly model: string;
  readonly endpoint: string;
  readonly keyHeader: 'authorization' | 'x-api-key';
  /** Epoch ms, as Qwen Code's `expiry_date`; null for keys. */
  readonly expiresAt: number | null;
}

/** Resolves as `status` does (every resolution flag applies), without asking git: a token must be quick. */
export async function resolveForTool(ctx: Context, flags: GlobalFlags): Promise<ResolvedAuth> {
  return resolveAuth(resolveOptions(ctx, { gitCheck: false, oauth: { store: storeKind(flags.store) } }));
}

/** The credential and where it goes; an OAuth token is refreshed first when it has less than the skew left. */
export async function tokenReport(auth: ResolvedAuth): Promise<TokenReport> {
  const token = await auth.getToken();
  if (auth.type === 'qwen-oauth') {
    return {
      token,
      type: auth.type,
      baseUrl: auth.baseUrl,
      model: auth.model,
      endpoint: `${auth.baseUrl.replace(/\/+$/, '')}/chat/completions`,
      keyHeader: 'authorization',
      expiresAt: auth.credentials.expiresAt ?? null,
    };
  }
  return { token, type: auth.type, baseUrl: auth.baseUrl, model: auth.model, endpoint: auth.endpoint, keyHeader: auth.keyHeader, expiresAt: null };
}

/** `qwen-auth token [--json]`. A failure is thrown: main prints its code and remedy and exits 1. */
export async function token(ctx: Context, flags: GlobalFlags, out: Output): Promise<number> {
  const report = await tokenReport(await resolveForTool(ctx, flags));
  if (flags.json) out.json(report);
  else out.line(report.token);
  return EXIT.ok;
}
