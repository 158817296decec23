/**
 * The request methods every resolved auth carries: `getToken`, `invalidate`,
 * `fetch` and `check`. Building them costs a few closures: the transport
 * (the global fetch, or undici's proxy agent when a proxy is configured) is
 * chosen on the first request, so resolving an API key stays as cheap as
 * before and loads no proxy agent. The fetch ships in the core chunk; the
 * check and its probe are loaded on the first `check()`.
 */
import { selectFetch } from '../internal/transport.js';
import type { ProviderRegistry } from '../providers/types.js';
import type { EnvRecord, FetchLike } from '../types.js';
import { createAuthenticatedFetch } from './authenticated-fetch.js';
import type { CheckWire } from './check.js';
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
  /** The wire the check speaks (default: OpenAI Chat Completions). */
  readonly wire?: CheckWire | undefined;
}

/** Builds the four methods over one credential provider. */
export function requestMethods(options: RequestMethodsOptions): AuthRequests {
  const source = trackCredentials(options.provider, options.known);
  let transport: Promise<FetchLike> | undefined;
  const loadTransport = (): Promise<FetchLike> => {
    transport ??= selectFetch(options.env, options.transport);
    transport.catch(() => {
      transport = undefined;
    });
    return transport;
  };
  const fetch = createAuthenticatedFetch({ source, transport: loadTransport });
  return {
    getToken: source.getToken,
    invalidate: (token) => source.invalidate(token),
    fetch,
    // The check (classification, the region probe) is loaded on its first use.
    check: async (o) =>
      (await import('./check.js')).runCheck(
        {
          source,
          fetch,
          transport: loadTransport,
          model: options.model,
          oauth: options.oauth,
          registry: options.registry,
          ...(options.wire && { wire: options.wire }),
        },
        o,
      ),
  };
}
