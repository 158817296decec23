/**
 * The `.env` files that exist beyond the ones a resolution read: what
 * `inspectEnvironment()` lists, and where the explanation of a missing key
 * (./missing-key.ts, loaded only then) looks for it.
 */
import { DEFAULT_EXCLUDED_ENV_VARS, DEFAULT_MAX_ENV_FILE_BYTES } from '../env/load.js';
import { readUnreadEnvFiles, type UnreadEnvFileValues } from '../env/unread.js';
import type { ResolutionContext } from './context.js';

/** The `.env` files the resolution read: the one found, and those applied below it. */
export function readPaths(ctx: ResolutionContext): string[] {
  return ctx.envFile ? [ctx.envFile.path, ...ctx.envFile.fallbacks.map((f) => f.path)] : [];
}

/** The `.env` files that exist beyond the ones read, parsed (only to explain). */
export function unreadEnvFilesOf(ctx: ResolutionContext): UnreadEnvFileValues[] {
  const excluded = ctx.settings.excludedEnvVars ?? ctx.options.envFile?.excludedVars ?? DEFAULT_EXCLUDED_ENV_VARS;
  // Files folder trust kept out are reported as skipped, not as unread.
  const skipped = ctx.layerFiles.filter((f) => f.kind === 'env-file' && f.status === 'skipped').map((f) => f.path);
  return readUnreadEnvFiles({ cwd: ctx.cwd, homeDir: ctx.homeDir, qwenDir: ctx.qwenDir }, [...readPaths(ctx), ...skipped], {
    maxBytes: ctx.options.envFile?.maxBytes ?? DEFAULT_MAX_ENV_FILE_BYTES,
    excluded,
  });
}
