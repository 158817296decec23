import { QwenAuthError } from '../errors.js';
import { describeIssue, type Issue, schemas } from '../internal/schemas.js';
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
    kind: 'programmer',
  });
}

function normaliseHost(host: string): string {
  return host.toLowerCase().replace(/\.$/, '');
}

/** Why `value` is not a provider definition (its zod schema, internal/schemas.ts), or undefined when it is one. */
export function definitionProblem(value: unknown): string | undefined {
  let issue: Issue | undefined;
  try {
    issue = schemas().providerDefinition(value);
  } catch {
    return 'reading it failed';
  }
  if (!issue) return undefined;
  return issue.path.length > 0 ? `${issue.path.map(String).join('.')}: ${describeIssue({ ...issue, path: [] })}` : `the definition: ${describeIssue(issue)}`;
}

/** Registries built here: trusted as they are. */
const built = new WeakSet<object>();

function invalidRegistry(message: string): QwenAuthError<'INVALID_OPTION'> {
  return new QwenAuthError('INVALID_OPTION', `options.registry ${message}; build one with createProviderRegistry().`, {
    details: { option: 'registry' },
    kind: 'programmer',
  });
}

/**
 * A registry that is safe to use: one built by {@link createProviderRegistry}
 * as it is; anything else checked for the interface's shape and wrapped so
 * that every answer is checked too (INVALID_OPTION naming `registry`).
 */
export function checkedRegistry(value: unknown): ProviderRegistry {
  if (typeof value === 'object' && value !== null && built.has(value)) return value as ProviderRegistry;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidRegistry('must be a provider registry');
  const r = value as Record<string, unknown>;
  for (const name of ['get', 'matchBaseUrl', 'matchKey'] as const) {
    if (typeof r[name] !== 'function') throw invalidRegistry(`has no ${name}() method`);
  }
  if (!Array.isArray(r.providers)) throw invalidRegistry('has no providers list');
  const registry = value as ProviderRegistry;
  const definition = (d: unknown, what: string): ProviderDefinition => {
    const problem = definitionProblem(d);
    if (problem) throw invalidRegistry(`answered ${what} that is not a provider definition (${problem})`);
    return d as ProviderDefinition;
  };
  return Object.freeze({
    providers: registry.providers,
    get(id: string) {
      const d = registry.get(id);
      return d === undefined ? undefined : definition(d, 'get()');
    },
    matchBaseUrl(baseUrl: string) {
      const m = registry.matchBaseUrl(baseUrl) as unknown;
      if (m === undefined) return undefined;
      if (typeof m !== 'object' || m === null) throw invalidRegistry('answered matchBaseUrl() with something that is not a match');
      const { provider, endpoint } = m as { provider?: unknown; endpoint?: unknown };
      const p = definition(provider, 'matchBaseUrl()');
      if (endpoint !== undefined && (typeof endpoint !== 'object' || endpoint === null))
        throw invalidRegistry('answered matchBaseUrl() with a broken endpoint');
      return endpoint === undefined ? { provider: p } : { provider: p, endpoint: endpoint as ProviderEndpoint };
    },
    matchKey(apiKey: string) {
      const list = registry.matchKey(apiKey) as unknown;
      if (!Array.isArray(list)) throw invalidRegistry('answered matchKey() with something that is not a list');
      return list.map((d) => definition(d, 'matchKey()'));
    },
  });
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

  if (!Array.isArray(providers as unknown)) throw invalidDefinition('the providers must be a list');
  // The built-in data is checked by the tests (test/providers/data.test.ts), not on every start.
  const builtIn = providers === defaultProviders;
  for (const provider of providers) {
    const problem = builtIn ? undefined : definitionProblem(provider);
    if (problem) throw invalidDefinition(`${typeof provider?.id === 'string' ? `'${provider.id}'` : 'a provider'} is broken (${problem})`);
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

  const registry: ProviderRegistry = Object.freeze({
    providers: Object.freeze([...providers]),
    get: (id: string) => (typeof id === 'string' ? byId.get(id) : undefined),
    matchBaseUrl(baseUrl: string): RegistryMatch | undefined {
      if (typeof baseUrl !== 'string') return undefined;
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
      if (typeof apiKey !== 'string') return [];
      const key = apiKey.trim();
      const first = prefixes.find((p) => key.startsWith(p.prefix));
      if (!first) return [];
      return prefixes.filter((p) => p.prefix === first.prefix).map((p) => p.provider);
    },
  });
  built.add(registry);
  return registry;
}
