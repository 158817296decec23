import { diagnostic } from '../diagnostics.js';
import { redact } from '../redact.js';
import type { Diagnostic } from '../types.js';
import type { ProviderDefinition, ProviderRegistry, RegistryMatch } from './types.js';

function endpointsOf(providers: readonly ProviderDefinition[], protocol: 'openai' | 'anthropic'): string {
  const urls = providers.flatMap((p) =>
    p.endpoints.filter((e) => (e.protocol ?? 'openai') === protocol).map((e) => `${e.baseUrl} (${p.name}, ${e.regionName})`),
  );
  return urls.length > 0 ? ` Use ${urls.join(' or ')}.` : '';
}

/**
 * Checks a key against the endpoint it will be sent to, before any request:
 * a key that plainly belongs to other providers (by prefix), and a key that
 * lacks the prefix an endpoint requires. A key with one of the endpoint's
 * provider's `sharedKeyPrefixes` is not another provider's there. Pure: no I/O.
 * `protocol` chooses which of the key's endpoints a message lists.
 */
export function checkKeyForEndpoint(
  registry: ProviderRegistry,
  apiKey: string,
  baseUrl: string,
  match: RegistryMatch | undefined,
  protocol: 'openai' | 'anthropic' = 'openai',
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const owners = registry.matchKey(apiKey);
  const host = URL.canParse(baseUrl) ? new URL(baseUrl).host : baseUrl;
  const shared = (match?.provider.sharedKeyPrefixes ?? []).some((prefix) => apiKey.startsWith(prefix));
  if (owners.length > 0 && !shared && !(match && owners.includes(match.provider))) {
    const names = owners.map((p) => p.name).join(' / ');
    diagnostics.push(
      diagnostic(
        'KEY_PROVIDER_MISMATCH',
        `The key ${redact(apiKey)} belongs to ${names}, but ${host} is ` +
          `${match ? `an endpoint of ${match.provider.name}` : 'not one of its endpoints'}.${endpointsOf(owners, protocol)}`,
      ),
    );
  }
  const required = match?.provider.requiresKeyPrefix ? (match.provider.keyPrefixes ?? []) : [];
  if (required.length > 0 && !required.some((prefix) => apiKey.startsWith(prefix))) {
    diagnostics.push(
      diagnostic(
        'KEY_FORMAT_MISMATCH',
        `${host} is an endpoint of ${match!.provider.name}, whose keys start with ${required.join(' or ')}, ` + `but the key ${redact(apiKey)} does not.`,
      ),
    );
  }
  return diagnostics;
}
