/**
 * Redirects of a request that carries a credential, followed by hand: fetch
 * drops only `Authorization` on a redirect to another origin, so a key in
 * `x-api-key` (or any header of ours) would follow it. Here every hop to
 * another origin than the auth's loses the credential headers, whatever the
 * caller's `redirect: 'follow'` says; same-origin hops keep them. Method and
 * body change as fetch changes them (303, and 301/302 after a POST, become a
 * GET without a body); a hop that must resend a body read once is not
 * followed (the 3xx goes back to the caller).
 */
import type { FetchLike } from '../types.js';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** As fetch: more hops than this is a network error. */
const MAX_HOPS = 20;

export interface RedirectRequest {
  readonly method: string;
  /** The headers the first hop was sent with. */
  readonly headers: NonNullable<RequestInit['headers']>;
  /** The body to resend on a 307/308, when it can be sent again; `null` when there is none or it cannot. */
  readonly body: NonNullable<RequestInit['body']> | null;
  /** True when the first hop sent a body. */
  readonly hasBody: boolean;
  /** False when that body was a stream, read by the first hop. */
  readonly bodyReplayable: boolean;
  /** The rest of the caller's init (signal, etc.). */
  readonly init: RequestInit | undefined;
}

/** Header names that carry a credential, dropped on a hop to another origin. */
const CREDENTIAL_HEADERS = ['authorization', 'x-api-key', 'api-key', 'proxy-authorization', 'cookie'];

export async function followRedirects(
  first: Response,
  url: URL,
  origin: string,
  request: RedirectRequest,
  transport: FetchLike,
  isOwnCredential: (value: string) => boolean,
): Promise<Response> {
  let response = first;
  let current = url;
  let method = request.method.toUpperCase();
  let body = request.body;
  let hasBody = request.hasBody;
  const headers = new Headers(request.headers);
  for (let hop = 0; REDIRECT_STATUSES.has(response.status); hop++) {
    const location = response.headers.get('location');
    if (location === null || !URL.canParse(location, current.href)) return response;
    const next = new URL(location, current);
    if (next.protocol !== 'http:' && next.protocol !== 'https:') return response;
    if (hop >= MAX_HOPS) {
      await response.body?.cancel().catch(() => undefined);
      throw new TypeError('fetch failed: redirect count exceeded');
    }
    if (response.status === 303 ? method !== 'HEAD' : (response.status === 301 || response.status === 302) && method === 'POST') {
      method = method === 'HEAD' ? 'HEAD' : 'GET';
      body = null;
      hasBody = false;
      for (const name of ['content-type', 'content-length', 'content-encoding', 'content-language', 'content-location']) headers.delete(name);
    } else if (hasBody && !request.bodyReplayable) {
      return response;
    }
    if (next.origin !== origin) {
      for (const [name, value] of [...headers]) {
        if (CREDENTIAL_HEADERS.includes(name) || isOwnCredential(value)) headers.delete(name);
      }
    }
    await response.body?.cancel().catch(() => undefined);
    current = next;
    response = await transport(next.href, { ...request.init, method, headers, body, redirect: 'manual' });
  }
  return response;
}
