/**
 * Whether a request can be sent twice. A body held in memory (a string,
 * bytes, a Blob, form data, search parameters) can; a stream cannot be read
 * twice, so a request with one is never replayed.
 */

/** True when `body` can be sent again as it is. */
export function isReplayableBody(body: unknown): boolean {
  if (body === undefined || body === null) return true;
  if (typeof body === 'string') return true;
  if (body instanceof ArrayBuffer || ArrayBuffer.isView(body)) return true;
  if (typeof SharedArrayBuffer !== 'undefined' && body instanceof SharedArrayBuffer) return true;
  if (body instanceof URLSearchParams || body instanceof Blob || body instanceof FormData) return true;
  // ReadableStream, Node streams, async iterables: read once.
  return false;
}

/** True when the request (a `Request` input, or `init.body`) can be replayed. */
export function isReplayable(input: string | URL | Request, init: RequestInit | undefined): boolean {
  if (init && 'body' in init && init.body !== undefined) return isReplayableBody(init.body);
  // A Request's body is a stream whatever it was built from: only a bodiless one is replayed.
  if (input instanceof Request) return input.body === null;
  return true;
}
