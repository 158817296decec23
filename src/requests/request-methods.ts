/**
 * The request methods every resolved auth carries: `getToken`, `invalidate`,
 * `fetch` and `check`. Light on purpose: the fetch, the check and the
 * transport (a proxy agent, maybe) are loaded on the first request, so
 * resolving an API key stays as cheap as before.
 */
import type { ProviderRegistry } from '../providers/types.js';
import type { EnvRecord, FetchLike } from '../types.js';
import { type CredentialProvider, trackCredentials } from './credential-source.js';
import type { AuthRequests } from './types.js';

export interface RequestMethodsOptions {
  readonly provider: CredentialProvider;
  /** Credentials the caller already holds (an API key in `auth.apiKey`): never sent to another origin either. */
  readonly known?: readonly string[];
  /** The layered environment's proxy variables (`HTTPS_PROXY`, `NO_PROXY`…). */
  readonly env: EnvRecord;
  /** A transport of the caller's; default the global fetch, or undici when a proxy is set. */
  readonly transport?: FetchLike;
  /** The resolved model, for the check's chat completion. */
  readonly model: string;
  readonly oauth: boolean;
  readonly registry: ProviderRegistry;
}

/** Builds the four methods over one credential provider. */
export function requestMethods(options: RequestMethodsOptions): AuthRequests {
  const source = trackCredentials(options.provider, options.known);
  let transport: Promise<FetchLike> | undefined;
  const loadTransport = (): Promise<FetchLike> => {
    transport ??= import('../oauth/transport.js').then((m) => m.selectFetch(options.env, options.transport));
    transport.catch(() => {
      transport = undefined;
    });
    return transport;
  };
  let authenticated: Promise<FetchLike> | undefined;
  const loadFetch = (): Promise<FetchLike> => {
    authenticated ??= import('./authenticated-fetch.js').then((m) => m.createAuthenticatedFetch({ source, transport: loadTransport }));
    return authenticated;
  };
  const fetch: FetchLike = async (input, init) => (await loadFetch())(input, init);
  return {
    getToken: (o) => source.getToken(o),
    invalidate: (token) => source.invalidate(token),
    fetch,
    async check(o) {
      const { runCheck } = await import('./check.js');
      return runCheck({ source, fetch, transport: loadTransport, model: options.model, oauth: options.oauth, registry: options.registry }, o);
    },
  };
}
