/**
 * The region and plan probe: after a key was rejected on a registry
 * endpoint, which other endpoint of the same vendor accepts it? Only
 * endpoints the key's format allows are tried, only over https, and never a
 * host outside the vendor's registry entries.
 */
import { parseHttpUrl } from '../internal/url.js';
import type { ProviderDefinition, ProviderEndpoint, ProviderRegistry } from '../providers/types.js';
import type { KeyHeader } from './types.js';

/** One endpoint the probe may try. */
export interface ProbeCandidate {
  readonly provider: ProviderDefinition;
  readonly endpoint: ProviderEndpoint;
}

/**
 * True when the key's format allows `provider`: its prefix, when it has one
 * (or one the provider's keys may share, as Token Plan's may look like Coding
 * Plan's), and any prefix the provider requires.
 */
function keyFits(registry: ProviderRegistry, provider: ProviderDefinition, key: string): boolean {
  const owners = registry.matchKey(key);
  const shared = (provider.sharedKeyPrefixes ?? []).some((prefix) => key.startsWith(prefix));
  if (owners.length > 0 && !owners.includes(provider) && !shared) return false;
  if (provider.requiresKeyPrefix && !(provider.keyPrefixes ?? []).some((prefix) => key.startsWith(prefix))) return false;
  return true;
}

/**
 * The endpoints to try, in registry order: the other regions of the same
 * provider first, then the vendor's other plans. Empty when the base URL is
 * not exactly a registry endpoint, or its provider names no vendor (then
 * only its own other regions are candidates).
 */
export function probeCandidates(registry: ProviderRegistry, baseUrl: string, key: string): ProbeCandidate[] {
  const match = registry.matchBaseUrl(baseUrl);
  const current = parseHttpUrl(baseUrl);
  if (!match?.endpoint || !current) return [];
  const home = match.provider;
  const family = registry.providers.filter(
    (p) => p === home || (home.vendor !== undefined && p.vendor === home.vendor),
  );
  const ordered = [home, ...family.filter((p) => p !== home)];
  const out: ProbeCandidate[] = [];
  for (const provider of ordered) {
    if (provider.authType !== 'openai' || provider.status !== 'active' || !keyFits(registry, provider, key)) continue;
    for (const endpoint of provider.endpoints) {
      // Only OpenAI-compatible endpoints: the check speaks Chat Completions (not Coding Plan's Anthropic path).
      if ((endpoint.protocol ?? 'openai') !== 'openai') continue;
      const url = parseHttpUrl(endpoint.baseUrl);
      if (!url || url.protocol !== 'https:' || url.origin === current.origin) continue;
      out.push({ provider, endpoint });
    }
  }
  return out;
}

/** The headers that carry `key` to a candidate. */
export function keyHeaders(keyHeader: KeyHeader, key: string): Record<string, string> {
  return keyHeader === 'x-api-key' ? { 'x-api-key': key } : { authorization: `Bearer ${key}` };
}
