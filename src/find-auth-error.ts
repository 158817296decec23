import { type AuthErrorCode, isAuthError, type QwenAuthError } from './errors.js';
import { registeredReason } from './internal/reasons.js';

/** How deep {@link findAuthError} follows `cause`. */
const MAX_DEPTH = 32;

/**
 * The qwen-auth error in `error` or its `cause` chain: SDKs and HTTP clients
 * wrap what an `apiKey` function or a `fetch` throws (`new Error('…', { cause })`).
 * Also the reason `auth.fetch` gave up with, when an SDK built its own error
 * from the response (the openai SDK's `AuthenticationError`, the AI SDK's
 * `APICallError`, LangChain's): found through the response headers the error
 * keeps. `error` may be such a Response itself. With `code`, the first
 * qwen-auth error of that code. Follows at most 32 links, stops at a cycle,
 * and never throws (a getter that throws ends the walk).
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
      const reason = registeredReason(current);
      if (reason && (code === undefined || reason.code === code)) return reason;
      const next = current as { cause?: unknown; lastError?: unknown };
      // The AI SDK's RetryError keeps the last attempt's error as `lastError`, not `cause`.
      current = next.cause ?? next.lastError;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
