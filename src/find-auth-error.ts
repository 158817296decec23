import { type AuthErrorCode, isAuthError, type QwenAuthError } from './errors.js';

/** How deep {@link findAuthError} follows `cause`. */
const MAX_DEPTH = 32;

/**
 * The qwen-auth error in `error` or its `cause` chain: SDKs and HTTP clients
 * wrap what an `apiKey` function or a `fetch` throws (`new Error('…', { cause })`).
 * With `code`, the first qwen-auth error of that code. Follows at most 32
 * links, stops at a cycle, and never throws (a getter that throws ends the walk).
 */
export function findAuthError(error: unknown): QwenAuthError | undefined;
export function findAuthError<C extends AuthErrorCode>(error: unknown, code: C): QwenAuthError<C> | undefined;
export function findAuthError(error: unknown, code?: AuthErrorCode): QwenAuthError | undefined {
  const seen = new Set<unknown>();
  let current = error;
  for (let depth = 0; depth <= MAX_DEPTH; depth++) {
    if ((typeof current !== 'object' && typeof current !== 'function') || current === null || seen.has(current)) return undefined;
    seen.add(current);
    try {
      if (isAuthError(current) && (code === undefined || current.code === code)) return current;
      current = (current as { cause?: unknown }).cause;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
