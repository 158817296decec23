/**
 * The reasons `auth.fetch` gave up with, so that {@link findAuthError} can
 * find them in errors an SDK builds from the response itself (the openai
 * SDK's `AuthenticationError`, the AI SDK's `APICallError`), which carry its
 * headers but no `cause`. The response carries an unguessable id in one
 * header; the id maps to the error here. A server cannot forge a reason: an
 * id it makes up maps to nothing.
 */
import type { QwenAuthError } from '../errors.js';

/** The header of a response `auth.fetch` gave up with. */
export const REASON_HEADER = 'x-qwen-auth-reason';

/** How many reasons are kept (the oldest go first); an error is looked at soon after it is thrown. */
const KEPT = 256;

const reasons = new Map<string, QwenAuthError>();

/** Keeps `error` and returns the id its response carries. */
export function registerReason(error: QwenAuthError): string {
  const id = `qa-${globalThis.crypto.randomUUID()}`;
  reasons.set(id, error);
  if (reasons.size > KEPT) reasons.delete(reasons.keys().next().value!);
  return id;
}

function headerOf(headers: unknown): string | undefined {
  if (typeof headers !== 'object' || headers === null) return undefined;
  const h = headers as { get?: unknown } & Record<string, unknown>;
  if (typeof h.get === 'function') {
    const v = (h.get as (name: string) => unknown).call(headers, REASON_HEADER);
    return typeof v === 'string' ? v : undefined;
  }
  const v = h[REASON_HEADER];
  return typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : undefined;
}

/**
 * The reason registered for what `value` carries: a Response, or an error
 * with `headers` (openai), `responseHeaders` (AI SDK) or `response.headers`.
 */
export function registeredReason(value: object): QwenAuthError | undefined {
  const v = value as { headers?: unknown; responseHeaders?: unknown; response?: { headers?: unknown } | null };
  for (const headers of [v.headers, v.responseHeaders, typeof v.response === 'object' && v.response !== null ? v.response.headers : undefined]) {
    const id = headerOf(headers);
    if (id !== undefined) {
      const found = reasons.get(id.trim());
      if (found) return found;
    }
  }
  return undefined;
}
