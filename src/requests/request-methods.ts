/**
 * The request methods every resolved auth carries: `getToken`, `invalidate`,
 * `fetch` and `check`. Building them costs a few closures: the transport
 * (the global fetch, or undici's proxy agent when a proxy is configured) is
 * chosen on the first request, so resolving an API key stays as cheap as
 * before and loads no proxy agent. The fetch's code (fetch-parts.ts) is
 * loaded and built on the first request; the check and its probe on the
 * first `check()`. `getToken` and `invalidate` need neither.
 */
import { selectFetch } from '../internal/transport.js';
import type { ProviderRegistry } from '../providers/types.js';
import type { EnvRecord, FetchLike } from '../types.js';
import type { RemedyWording } from '../errors.js';
import type { AuthenticatedFetches } from './authenticated-fetch.js';
import type { FoundElsewhere } from './give-up.js';
import type { CheckWire } from './check.js';
import { type CredentialProvider, trackCredentials } from './credential-source.js';
import type { AuthRequests } from './types.js';

type FetchParts = typeof import('./fetch-parts.js');

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
  /** How the reasons' remedies name the tool's flags and commands. */
  readonly wording?: RemedyWording | undefined;
  /** Run the region/plan probe once when the endpoint rejects the key (`resolveAuth({ probeOnFailure })`). */
  readonly probeOnFailure?: boolean | undefined;
}

/** How long each request of the probe may take, ms. */
const PROBE_TIMEOUT_MS = 10_000;
/** How many probe results are kept (one per key and base URL). */
const PROBES_KEPT = 8;

/** Builds the four methods over one credential provider. */
export function requestMethods(options: RequestMethodsOptions): AuthRequests {
  const source = trackCredentials(options.provider, options.known);
  // The fetch's code is a chunk of its own, loaded on the first request (fetch-parts.ts).
  let parts: FetchParts | undefined;
  const loadParts = async (): Promise<FetchParts> => {
    parts ??= await import('./fetch-parts.js');
    return parts;
  };
  let transport: Promise<FetchLike> | undefined;
  const loadTransport = (): Promise<FetchLike> => {
    transport ??= selectFetch(options.env, options.transport);
    transport.catch(() => {
      transport = undefined;
    });
    return transport;
  };
  const { registry } = options;
  const vendor = (baseUrl: string): string | undefined => registry.matchBaseUrl(baseUrl)?.provider.vendor;
  // The probe runs once per key and base URL, whoever gives up first.
  const probes = new Map<string, Promise<FoundElsewhere | undefined>>();
  const locate = (token: string, baseUrl: string): Promise<FoundElsewhere | undefined> => {
    const id = `${baseUrl}\n${token}`;
    let probe = probes.get(id);
    if (!probe) {
      probe = (async () => {
        const { locateKey } = await import('./probe.js');
        const home = registry.matchBaseUrl(baseUrl)?.provider;
        const v = vendor(baseUrl);
        const { found } = await locateKey({
          registry,
          baseUrl,
          key: token,
          keyHeader: source.keyHeader,
          transport: await loadTransport(),
          model: options.model,
          context: { oauth: false, ...(v !== undefined && { vendor: v }) },
          timeoutMs: PROBE_TIMEOUT_MS,
        });
        return (
          found && { baseUrl: found.endpoint.baseUrl, sameProvider: found.provider === home, where: `${found.provider.name}, ${found.endpoint.regionName}` }
        );
      })();
      probes.set(id, probe);
      if (probes.size > PROBES_KEPT) probes.delete(probes.keys().next().value!);
    }
    return probe;
  };
  // The fetch (its header handling, renewals, reasons) is built on the first request, not per resolve.
  // One instance for every caller (its renewals are shared): concurrent first requests wait for the same one.
  let fetches: AuthenticatedFetches | undefined;
  let loadingFetches: Promise<AuthenticatedFetches> | undefined;
  const build = (p: FetchParts): AuthenticatedFetches =>
    (fetches ??= p.createAuthenticatedFetches({
      source,
      transport: loadTransport,
      giveUp: {
        oauth: options.oauth,
        vendor,
        wording: options.wording,
        redactIn: (text) => source.redactIn(text),
        ...(options.probeOnFailure === true && !options.oauth && !options.wire && { locate }),
      },
    }));
  const loadFetches = (): Promise<AuthenticatedFetches> => {
    if (fetches) return Promise.resolve(fetches);
    loadingFetches ??= loadParts().then(build, (error: unknown) => {
      loadingFetches = undefined;
      throw error;
    });
    return loadingFetches;
  };
  return {
    getToken: source.getToken,
    invalidate: (token) => source.invalidate(token),
    fetch: (input, init) => (fetches ? fetches.fetch(input, init) : loadFetches().then((f) => f.fetch(input, init))),
    // The check (classification, the region probe) is loaded on its first use.
    check: async (o) =>
      (await import('./check.js')).runCheck(
        {
          source,
          fetch: (await loadFetches()).plain,
          transport: loadTransport,
          wording: options.wording,
          model: options.model,
          oauth: options.oauth,
          registry: options.registry,
          ...(options.wire && { wire: options.wire }),
        },
        o,
      ),
  };
}
