/**
 * The authenticated fetch: the credential goes only to the origin of the
 * auth's base URL, fresh for every request; a 401 from that origin makes it
 * refresh once and replay once. Everything else passes through untouched.
 */
import { untilAborted } from '../internal/abort.js';
import { parseHttpUrl } from '../internal/url.js';
import type { FetchLike } from '../types.js';
import type { CredentialSource } from './credential-source.js';
import { isReplayable } from './replayable-body.js';
import { currentTarget, targetOf } from './request-target.js';

export interface AuthenticatedFetchOptions {
  readonly source: CredentialSource;
  /** The transport, resolved on the first request (a proxy agent may be loaded). */
  readonly transport: () => Promise<FetchLike>;
}

/** The headers a request would be sent with: `init.headers` replace a Request's own, as fetch does. */
function headersOf(input: string | URL | Request, init: RequestInit | undefined): Headers {
  if (init?.headers !== undefined) return new Headers(init.headers);
  return new Headers(input instanceof Request ? input.headers : undefined);
}

/** A request to another origin, without any credential of ours the caller's headers carry (theirs stay). */
function withoutOwnCredentials(
  source: CredentialSource,
  input: string | URL | Request,
  init: RequestInit | undefined,
): [string | URL | Request, RequestInit | undefined] {
  const headers = headersOf(input, init);
  const own = [...headers].filter(([, value]) => source.isOwnCredential(value)).map(([name]) => name);
  if (own.length === 0) return [input, init];
  for (const name of own) headers.delete(name);
  return [input, { ...init, headers }];
}

/**
 * The headers a request is sent with, the credential set: a plain object when
 * the caller gave one (or none) with a URL, so nothing is built twice;
 * otherwise a `Headers` as fetch would make it. A name the caller spelled
 * in another case is replaced, not doubled.
 */
function withCredential(input: string | URL | Request, init: RequestInit | undefined, name: string, value: string): Headers | Record<string, string> {
  const given = init?.headers;
  if (!(input instanceof Request) && (given === undefined || Object.getPrototypeOf(given) === Object.prototype)) {
    const out: Record<string, string> = {};
    if (given !== undefined) for (const key in given as Record<string, string>) if (key.toLowerCase() !== name) out[key] = (given as Record<string, string>)[key]!;
    out[name] = value;
    return out;
  }
  const headers = headersOf(input, init);
  headers.set(name, value);
  return headers;
}

/** Drops a response we will not hand back, so its connection can be reused. */
async function discard(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    /* already consumed or errored */
  }
}

/**
 * Creates the fetch of one auth. Concurrent 401s for one token share one
 * renewal; a second 401 (after the replay) goes back to the caller, as does
 * a 401 when renewing yields the same credential, or when the body cannot be
 * sent twice.
 */
export function createAuthenticatedFetch(options: AuthenticatedFetchOptions): FetchLike {
  const { source } = options;
  const renewals = new Map<string, Promise<string>>();

  /** One renewal per rejected token, whoever sees the 401 first. */
  const renew = (token: string, signal: AbortSignal | undefined): Promise<string> => {
    let renewal = renewals.get(token);
    if (!renewal) {
      source.invalidate(token);
      renewal = source.getToken().finally(() => renewals.delete(token));
      renewals.set(token, renewal);
    }
    return untilAborted(renewal, signal, 'The request');
  };

  // The transport once chosen, and the base URL parsed once per value (not once per request).
  let chosen: FetchLike | undefined;
  let parsedBase: { readonly href: string; readonly url: URL | undefined } | undefined;
  const baseNow = (): URL | undefined => {
    const href = source.baseUrl();
    if (parsedBase?.href !== href) parsedBase = { href, url: parseHttpUrl(href) };
    return parsedBase.url;
  };
  const earlier = (): readonly string[] => source.earlierBaseUrls();

  return async (input, init) => {
    const transport = chosen ?? (chosen = await options.transport());
    const requested = targetOf(input);
    const base = baseNow();
    const target = requested && base ? currentTarget(requested, base, earlier) : requested;
    if (!target || !base || target.origin !== base.origin) {
      return transport(...withoutOwnCredentials(source, input, init));
    }

    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined) ?? undefined;
    const replayable = isReplayable(input, init);
    const send = (url: URL, token: string): Promise<Response> => {
      const headers =
        source.keyHeader === 'x-api-key' ? withCredential(input, init, 'x-api-key', token) : withCredential(input, init, 'authorization', `Bearer ${token}`);
      const extra: RequestInit = { headers };
      // Only Authorization is dropped by fetch on a redirect to another origin: keep x-api-key from following one.
      if (source.keyHeader === 'x-api-key' && init?.redirect === undefined) extra.redirect = 'manual';
      if (input instanceof Request) {
        const request = url.href === input.url ? input : new Request(url, input);
        return transport(request, { ...init, ...extra });
      }
      return transport(url.href === requested?.href ? input : url.href, { ...init, ...extra });
    };

    const token = await source.getToken(signal ? { signal } : {});
    const first = await send(target, token);
    if (first.status !== 401) return first;
    if (!replayable) {
      // Sent once and rejected: the caller gets the 401, the next request a fresh credential.
      source.invalidate(token);
      return first;
    }

    const next = await renew(token, signal);
    if (next === token) return first;
    // A refresh may have moved the base URL: follow it, but never take the new token elsewhere.
    const now = baseNow();
    const again = now ? currentTarget(target, now, earlier) : undefined;
    if (!now || !again || again.origin !== now.origin) return first;
    await discard(first);
    return send(again, next);
  };
}
