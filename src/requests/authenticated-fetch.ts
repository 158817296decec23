/**
 * The authenticated fetch: the credential goes only to the origin of the
 * auth's base URL, fresh for every request; a 401 from that origin makes it
 * refresh once and replay once. Everything else passes through untouched.
 */
import { isAuthError } from '../errors.js';
import { untilAborted } from '../internal/abort.js';
import { parseHttpUrl } from '../internal/url.js';
import type { FetchLike } from '../types.js';
import type { CredentialSource } from './credential-source.js';
import { finalAnswer, type GiveUpOptions, reasonResponse } from './give-up.js';
import { credentialHeader, withCredential, withoutOwnCredentials } from './outgoing-headers.js';
import { isReplayable, isReplayableBody } from './replayable-body.js';
import { currentTarget } from './request-target.js';

export interface AuthenticatedFetchOptions {
  readonly source: CredentialSource;
  /** The transport, resolved on the first request (a proxy agent may be loaded). */
  readonly transport: () => Promise<FetchLike>;
  /** How a final refusal of the endpoint is turned into a response carrying its reason. */
  readonly giveUp: GiveUpOptions;
}

/** The fetch of an auth, and the same without the reasons (for `check()`, which reads the raw answers). */
export interface AuthenticatedFetches {
  readonly fetch: FetchLike;
  readonly plain: FetchLike;
}

/** The codes of a credential that cannot be had: answered as a 401 carrying the error, never retried. */
const NO_CREDENTIAL: ReadonlySet<string> = new Set(['LOGIN_REQUIRED']);

/** Drops a response we will not hand back, so its connection can be reused. */
async function discard(response: Response): Promise<void> {
  try {
    await response.body?.cancel();
  } catch {
    /* already consumed or errored */
  }
}

/** The statuses fetch follows: the redirects ./redirects.ts follows by hand (loaded on the first one). */
const REDIRECTS: ReadonlySet<number> = new Set([301, 302, 303, 307, 308]);

/** How many request URLs are remembered as going to the current base URL. */
const TARGETS_KEPT = 64;

/**
 * Creates the fetch of one auth. Concurrent 401s for one token share one
 * renewal; a second 401 (after the replay) goes back to the caller, as does
 * a 401 when renewing yields the same credential, or when the body cannot be
 * sent twice. What goes back then carries the reason (see give-up.ts), and
 * so does the 401 answered for a login that cannot be renewed.
 */
export function createAuthenticatedFetches(options: AuthenticatedFetchOptions): AuthenticatedFetches {
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

  const keyName = source.keyHeader === 'x-api-key' ? 'x-api-key' : 'authorization';
  const credentialValue = credentialHeader(keyName);
  const isOwn = (value: string): boolean => source.isOwnCredential(value);
  const earlier = (): readonly string[] => source.earlierBaseUrls();

  // The transport once chosen, and the base URL parsed once per value (not once per request).
  let chosen: FetchLike | undefined;
  let parsedBase: { readonly href: string; readonly url: URL | undefined } | undefined;
  // The request URLs seen going, as they are, to the current base URL's origin: each parsed and
  // placed once, not once per request (an SDK sends a handful of URLs). Forgotten when the base URL moves.
  let placed = new Map<string, URL>();
  const baseNow = (): URL | undefined => {
    const href = source.baseUrl();
    if (parsedBase?.href !== href) {
      parsedBase = { href, url: parseHttpUrl(href) };
      placed = new Map();
    }
    return parsedBase.url;
  };

  /** Sends the request to `url` with `token` (a redirect comes back as it is when `follow`: see {@link followed}). */
  const send = (
    transport: FetchLike,
    input: string | URL | Request,
    init: RequestInit | undefined,
    url: URL,
    requested: URL,
    token: string,
    follow: boolean,
  ): Promise<Response> => {
    const headers = withCredential(input, init, keyName, credentialValue(token));
    // `redirect` written first: V8 copies `init` into that shape cheaply, where adding it after the copy costs a µs.
    const sendInit: RequestInit = { redirect: 'manual', ...init, headers };
    if (follow) sendInit.redirect = 'manual';
    else if (init?.redirect === undefined) sendInit.redirect = (input as Request).redirect;
    const unmoved = url === requested || url.href === requested.href;
    return input instanceof Request ? transport(unmoved ? input : new Request(url, input), sendInit) : transport(unmoved ? input : url.href, sendInit);
  };

  /**
   * A redirect the caller lets fetch follow, followed here: the credential
   * never leaves the origin (fetch's own following would take x-api-key
   * anywhere; see ./redirects.ts).
   */
  const followed = async (
    transport: FetchLike,
    response: Response,
    input: string | URL | Request,
    init: RequestInit | undefined,
    url: URL,
    token: string,
    origin: string,
  ): Promise<Response> => {
    const { followRedirects } = await import('./redirects.js');
    const inInit = init?.body !== undefined && init.body !== null;
    const hasBody = inInit || (input instanceof Request && input.body !== null);
    return followRedirects(
      response,
      url,
      origin,
      {
        method: init?.method ?? (input instanceof Request ? input.method : 'GET'),
        headers: withCredential(input, init, keyName, credentialValue(token)),
        body: inInit && isReplayableBody(init.body) ? init.body! : null,
        hasBody,
        bodyReplayable: inInit ? isReplayableBody(init.body) : !hasBody,
        init,
      },
      transport,
      isOwn,
    );
  };

  /** A credential that cannot be had (a dead login): a 401 carrying why, so no SDK retries it. */
  const noCredential = (error: unknown, reasons: boolean): Response => {
    if (reasons && isAuthError(error) && NO_CREDENTIAL.has(error.code)) return reasonResponse(error, 401);
    throw error;
  };
  /** The base URL the request went to (the auth's, or an earlier one it followed). */
  const baseOf = (url: URL): string => {
    const now = source.baseUrl();
    return url.href.startsWith(now.replace(/\/+$/, '')) ? now : (source.earlierBaseUrls().find((b) => url.href.startsWith(b.replace(/\/+$/, ''))) ?? now);
  };
  const final = (response: Response, used: string, url: URL, reasons: boolean): Promise<Response> | Response =>
    reasons && response.status >= 400 ? finalAnswer(response, used, baseOf(url), options.giveUp) : response;

  const request = async (input: string | URL | Request, init: RequestInit | undefined, reasons: boolean): Promise<Response> => {
    chosen ??= await options.transport();
    const transport = chosen;
    const base = baseNow();
    if (base === undefined) return transport(...withoutOwnCredentials(input, init, isOwn));
    const href = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    let target = placed.get(href);
    let requested = target;
    if (target === undefined) {
      requested = parseHttpUrl(href);
      target = requested && currentTarget(requested, base, earlier);
      if (!requested || !target || target.origin !== base.origin) return transport(...withoutOwnCredentials(input, init, isOwn));
      if (target === requested) {
        if (placed.size >= TARGETS_KEPT) placed.clear();
        placed.set(href, target);
      }
    }
    requested = requested!;

    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined) ?? undefined;
    // A credential valid now is taken as it is (no promise to wait for); else the provider's.
    let token = signal?.aborted === true ? undefined : source.peekToken?.();
    if (token === undefined) {
      try {
        token = await source.getToken(signal ? { signal } : {});
      } catch (error) {
        return noCredential(error, reasons);
      }
    }
    const follow = (init?.redirect ?? (input instanceof Request ? input.redirect : 'follow')) === 'follow';
    let first = await send(transport, input, init, target, requested, token, follow);
    if (follow && REDIRECTS.has(first.status)) first = await followed(transport, first, input, init, target, token, base.origin);
    if (first.status !== 401) return final(first, token, target, reasons);
    if (!isReplayable(input, init)) {
      // Sent once and rejected: the caller gets the 401, the next request a fresh credential.
      source.invalidate(token);
      return final(first, token, target, reasons);
    }

    let next: string;
    try {
      next = await renew(token, signal);
    } catch (error) {
      await discard(first);
      return noCredential(error, reasons);
    }
    if (next === token) return final(first, token, target, reasons);
    // A refresh may have moved the base URL: follow it, but never take the new token elsewhere.
    const now = baseNow();
    const again = now ? currentTarget(target, now, earlier) : undefined;
    if (!now || !again || again.origin !== now.origin) return final(first, token, target, reasons);
    await discard(first);
    let second = await send(transport, input, init, again, requested, next, follow);
    if (follow && REDIRECTS.has(second.status)) second = await followed(transport, second, input, init, again, next, now.origin);
    return final(second, next, again, reasons);
  };

  return {
    fetch: (input, init) => request(input, init, true),
    plain: (input, init) => request(input, init, false),
  };
}
