import { QwenAuthError } from '../errors.js';
import { effectivePort, isLoopbackHost, parseHttpUrl } from '../internal/url.js';
import { defaultProviders } from './data.js';
import type { ProviderDefinition, ProviderEndpoint, ProviderRegistry, RegistryMatch } from './types.js';

interface HostEntry {
  readonly host: string;
  readonly provider: ProviderDefinition;
  readonly endpoint?: ProviderEndpoint;
}

function invalidDefinition(message: string): QwenAuthError<'INVALID_OPTION'> {
  return new QwenAuthError('INVALID_OPTION', `Invalid provider definition: ${message}`, {
    details: { option: 'providers' },
  });
}

function normaliseHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

/**
 * Builds a registry from provider definitions (default: {@link defaultProviders}).
 * Definitions are checked once here: unique ids, absolute http(s) endpoints.
 * Lookups are pure and cost a few string comparisons.
 */
export function createProviderRegistry(providers: readonly ProviderDefinition[] = defaultProviders): ProviderRegistry {
  const byId = new Map<string, ProviderDefinition>();
  const hosts: HostEntry[] = [];
  const loopback: ProviderDefinition[] = [];
  let anyLoopback: ProviderDefinition | undefined;

  for (const provider of providers) {
    if (typeof provider?.id !== 'string' || provider.id === '') throw invalidDefinition('every provider needs an id');
    if (byId.has(provider.id)) throw invalidDefinition(`the id '${provider.id}' is used twice`);
    byId.set(provider.id, provider);
    for (const endpoint of provider.endpoints) {
      const url = parseHttpUrl(endpoint.baseUrl);
      if (!url) throw invalidDefinition(`'${provider.id}' has an endpoint that is not an http(s) URL`);
      if (!isLoopbackHost(url.hostname)) hosts.push({ host: normaliseHost(url.hostname), provider, endpoint });
    }
    for (const host of provider.hosts ?? []) hosts.push({ host: normaliseHost(host), provider });
    if (provider.loopbackPorts?.length) loopback.push(provider);
    if (provider.anyLoopback) anyLoopback ??= provider;
  }
  // Most specific first: a longer host is a subdomain of, or unrelated to, a shorter one.
  hosts.sort((a, b) => b.host.length - a.host.length);

  const prefixes = providers
    .flatMap((provider) => (provider.keyPrefixes ?? []).map((prefix) => ({ prefix, provider })))
    .sort((a, b) => b.prefix.length - a.prefix.length);

  return Object.freeze({
    providers: Object.freeze([...providers]),
    get: (id: string) => byId.get(id),
    matchBaseUrl(baseUrl: string): RegistryMatch | undefined {
      const url = parseHttpUrl(baseUrl.trim());
      if (!url) return undefined;
      const hostname = normaliseHost(url.hostname);
      if (isLoopbackHost(hostname)) {
        const port = effectivePort(url);
        const provider = loopback.find((p) => p.loopbackPorts!.includes(port)) ?? anyLoopback;
        if (!provider) return undefined;
        const endpoint = provider.endpoints[0];
        return endpoint ? { provider, endpoint } : { provider };
      }
      for (const entry of hosts) {
        if (hostname === entry.host) {
          // Several endpoints on one host (Z.ai, Coding Plan's Anthropic path): the one whose path the URL is under.
          const path = url.pathname.replace(/\/+$/, '');
          const onHost = hosts.filter((h) => h.host === hostname && h.endpoint);
          const best = onHost
            .map((h) => ({ h, p: new URL(h.endpoint!.baseUrl).pathname.replace(/\/+$/, '') }))
            .filter(({ p }) => path === p || path.startsWith(`${p}/`))
            .sort((a, b) => b.p.length - a.p.length)[0]?.h;
          const chosen = best ?? entry;
          return chosen.endpoint ? { provider: chosen.provider, endpoint: chosen.endpoint } : { provider: chosen.provider };
        }
        if (hostname.endsWith(`.${entry.host}`)) return { provider: entry.provider };
      }
      return undefined;
    },
    matchKey(apiKey: string): readonly ProviderDefinition[] {
      const key = apiKey.trim();
      const first = prefixes.find((p) => key.startsWith(p.prefix));
      if (!first) return [];
      return prefixes.filter((p) => p.prefix === first.prefix).map((p) => p.provider);
    },
  });
}
