import type { FetchLike } from '../types.js';

/** The request shape openid-client hands to a custom fetch. */
export interface OutgoingRequest {
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly method?: string;
  readonly redirect?: 'manual';
  readonly signal?: AbortSignal;
}

const DEVICE_CODE_GRANT = 'urn:ietf:params:oauth:grant-type:device_code';

function grantTypeOf(body: unknown): string | null {
  if (body instanceof URLSearchParams) return body.get('grant_type');
  if (typeof body === 'string') return new URLSearchParams(body).get('grant_type');
  return null;
}

function json(status: number, statusText: string, headers: Headers, value: unknown): Response {
  headers.set('content-type', 'application/json');
  return new Response(JSON.stringify(value), { status, statusText, headers });
}

/**
 * The request never got a complete answer (connection refused or reset, DNS,
 * TLS, timeout, a body cut short): the only failures worth retrying. A
 * TypeError, as fetch's own, so openid-client passes it through unchanged.
 */
export class TransportFailure extends TypeError {
  override readonly name = 'TransportFailure';
}

/** The longest answer read from an OAuth endpoint; a token answer is a few hundred bytes. */
export const MAX_ANSWER_BYTES = 1024 * 1024;

async function boundedText(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    let chunk: Awaited<ReturnType<typeof reader.read>>;
    try {
      chunk = await reader.read();
    } catch (error) {
      throw new TransportFailure('the answer was cut short', { cause: error });
    }
    if (chunk.done) break;
    total += chunk.value.byteLength;
    if (total > MAX_ANSWER_BYTES) {
      await reader.cancel().catch(() => undefined);
      throw new Error(`the answer is larger than ${MAX_ANSWER_BYTES} bytes`);
    }
    chunks.push(chunk.value);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

/** Statuses whose response may carry no body (the Response constructor refuses one). */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * Where Qwen's server departs from RFC 8628/6749, in one place, so the
 * polling and refresh logic of openid-client is used as it is:
 *
 * - `slow_down` comes as HTTP 429 (JSON or not) while polling for a device
 *   token; it becomes the standard 400 `{"error":"slow_down"}`. A 429 on any
 *   other request stays a 429 (so a rate-limited refresh is retried, not
 *   taken for a rejected token).
 * - Error bodies may not be JSON; they become `{"error": …}` with the same
 *   status (`server_error` for 5xx, `invalid_request` otherwise).
 * - A JSON body sent with another content type is served as JSON.
 * - An `id_token` is dropped, deliberately: qwen-auth never uses identity
 *   claims, and without a JWKS it could not verify one anyway.
 * - Extra members such as `resource_url` pass through untouched.
 *
 * Every response handed back is a global `Response`, whatever fetch made it.
 */
export function qwenFetch(fetchImpl: FetchLike): (url: string, options: OutgoingRequest) => Promise<Response> {
  return async (url, options) => {
    let response: Response;
    try {
      response = await fetchImpl(url, options as RequestInit);
    } catch (error) {
      throw new TransportFailure('the request got no answer', { cause: error });
    }
    const { status } = response;
    if (!Number.isInteger(status) || status < 200 || status > 599) {
      await response.body?.cancel().catch(() => undefined);
      throw new Error(`HTTP status ${String(status)} is outside the protocol`);
    }
    const text = await boundedText(response);
    const headers = new Headers(response.headers);
    headers.delete('content-length');
    headers.delete('content-encoding');
    let parsed: unknown;
    let isJson = false;
    if (text.trim() !== '') {
      try {
        parsed = JSON.parse(text);
        isJson = true;
      } catch {
        /* not JSON */
      }
    }
    const polling = grantTypeOf(options.body) === DEVICE_CODE_GRANT;
    // A reason phrase the Response constructor refuses is dropped, not fatal.
    const statusText = /^[\t\x20-\x7e\x80-\xff]*$/.test(response.statusText) ? response.statusText : '';

    if (isJson && typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) {
      const body = { ...(parsed as Record<string, unknown>) };
      delete body.id_token;
      if (status === 429 && polling && (body.error === undefined || body.error === 'slow_down')) {
        return json(400, 'Bad Request', headers, { ...body, error: 'slow_down' });
      }
      return json(status, statusText, headers, body);
    }
    if (status === 429 && polling) return json(400, 'Bad Request', headers, { error: 'slow_down' });
    if (status >= 400) {
      return json(status, statusText, headers, {
        error: status >= 500 ? 'server_error' : 'invalid_request',
        error_description: `HTTP ${status} with a body that is not JSON`,
      });
    }
    return new Response(NULL_BODY.has(status) ? null : text, { status, statusText, headers });
  };
}
