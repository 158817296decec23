/**
 * The authenticated fetch: the credential goes only to the origin of the
 * auth's base URL, fresh for every request; a 401 from that origin makes it
 * refresh once and replay once. Everything else passes through untouched.
 */
import { isAuthError, QwenAuthError } from '../errors.js';
import { untilAborted } from '../internal/abort.js';
import { redact } from '../redact.js';
import { parseHttpUrl } from '../internal/url.js';
import type { FetchLike } from '../types.js';
import type { CredentialSource } from './credential-source.js';
import { finalAnswer, type GiveUpOptions, reasonResponse } from './give-up.js';
import { followRedirects } from './redirects.js';
import { isReplayable, isReplayableBody } from './replayable-body.js';
import { currentTarget, targetOf } from './request-target.js';

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

  // The transport once chosen, and the base URL parsed once per value (not once per request).
  let chosen: FetchLike | undefined;
  let parsedBase: { readonly href: string; readonly url: URL | undefined } | undefined;
  const baseNow = (): URL | undefined => {
    const href = source.baseUrl();
    if (parsedBase?.href !== href) parsedBase = { href, url: parseHttpUrl(href) };
    return parsedBase.url;
  };
  const earlier = (): readonly string[] => source.earlierBaseUrls();

  const request = async (input: string | URL | Request, init: RequestInit | undefined, reasons: boolean): Promise<Response> => {
    chosen ??= await options.transport();
    const transport = chosen;
    const requested = targetOf(input);
    const base = baseNow();
    const target = requested && base ? currentTarget(requested, base, earlier) : requested;
    if (!target || !base || target.origin !== base.origin) {
      return transport(...withoutOwnCredentials(source, input, init));
    }

    const signal = init?.signal ?? (input instanceof Request ? input.signal : undefined) ?? undefined;
    const replayable = isReplayable(input, init);
    const send = (url: URL, token: string): Promise<Response> => {
      const headers = headersOf(input, init);
      try {
        if (source.keyHeader === 'x-api-key') headers.set('x-api-key', token);
        else headers.set('authorization', `Bearer ${token}`);
      } catch {
        // The header's own error would quote the credential whole.
        throw new QwenAuthError('INVALID_API_KEY', `The credential ${redact(token)} holds a character no HTTP header can carry.`, {
          details: { value: redact(token), origin: 'the credential in use' },
        });
      }
      // Redirects the caller lets fetch follow are followed here: the credential never leaves the origin (./redirects.ts).
      const follow = (init?.redirect ?? (input instanceof Request ? input.redirect : 'follow')) === 'follow';
      const extra: RequestInit = { headers, ...(follow && { redirect: 'manual' }) };
      const sent =
        input instanceof Request
          ? transport(url.href === input.url ? input : new Request(url, input), { ...init, ...extra })
          : transport(url.href === requested?.href ? input : url.href, { ...init, ...extra });
      if (!follow) return sent;
      const inInit = init?.body !== undefined && init.body !== null;
      const hasBody = inInit || (input instanceof Request && input.body !== null);
      return sent.then((response) =>
        followRedirects(
          response,
          url,
          base.origin,
          {
            method: init?.method ?? (input instanceof Request ? input.method : 'GET'),
            headers,
            body: inInit && isReplayableBody(init.body) ? init.body! : null,
            hasBody,
            bodyReplayable: inInit ? isReplayableBody(init.body) : !hasBody,
            init,
          },
          transport,
          (value) => source.isOwnCredential(value),
        ),
      );
    };

    /** A credential that cannot be had (a dead login): a 401 carrying why, so no SDK retries it. */
    const noCredential = (error: unknown): Response => {
      if (reasons && isAuthError(error) && NO_CREDENTIAL.has(error.code)) return reasonResponse(error, 401);
      throw error;
    };
    const final = (response: Response, used: string, url: URL): Promise<Response> | Response =>
      reasons && response.status >= 400 ? finalAnswer(response, used, baseOf(url), options.giveUp) : response;
    /** The base URL the request went to (the auth's, or an earlier one it followed). */
    const baseOf = (url: URL): string => {
      const now = source.baseUrl();
      return url.href.startsWith(now.replace(/\/+$/, '')) ? now : (source.earlierBaseUrls().find((b) => url.href.startsWith(b.replace(/\/+$/, ''))) ?? now);
    };

    let token: string;
    try {
      token = await source.getToken(signal ? { signal } : {});
    } catch (error) {
      return noCredential(error);
    }
    const first = await send(target, token);
    if (first.status !== 401) return final(first, token, target);
    if (!replayable) {
      // Sent once and rejected: the caller gets the 401, the next request a fresh credential.
      source.invalidate(token);
      return final(first, token, target);
    }

    let next: string;
    try {
      next = await renew(token, signal);
    } catch (error) {
      await discard(first);
      return noCredential(error);
    }
    if (next === token) return final(first, token, target);
    // A refresh may have moved the base URL: follow it, but never take the new token elsewhere.
    const now = baseNow();
    const again = now ? currentTarget(target, now, earlier) : undefined;
    if (!now || !again || again.origin !== now.origin) return final(first, token, target);
    await discard(first);
    return final(await send(again, next), next, again);
  };

  return {
    fetch: (input, init) => request(input, init, true),
    plain: (input, init) => request(input, init, false),
  };
}
