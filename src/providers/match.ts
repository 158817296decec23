import { diagnostic, type Diagnostic } from '../diagnostics.js';
import type { ProviderMatch } from '../types.js';
import type { ProviderDefinition, ProviderEndpoint } from './types.js';

/** The result's view of a registry provider: the one conversion from the registry to `ProviderMatch`. */
export function toProviderMatch(provider: ProviderDefinition, matchedBy: ProviderMatch['matchedBy'], endpoint?: ProviderEndpoint): ProviderMatch {
  return {
    id: provider.id,
    name: provider.name,
    ...(endpoint && { region: endpoint.region }),
    plan: provider.plan,
    status: provider.status,
    matchedBy,
  };
}

/**
 * The one rule for PROVIDER_DISCONTINUED: a provider marked discontinued,
 * from its `discontinuedOn` date when it has one (`now` in epoch ms).
 */
export function discontinuedDiagnostic(provider: ProviderDefinition, now: number): Diagnostic | undefined {
  if (provider.status !== 'discontinued') return undefined;
  const on = provider.discontinuedOn;
  if (on && now < Date.parse(`${on}T00:00:00Z`)) return undefined;
  return diagnostic(
    'PROVIDER_DISCONTINUED',
    `${provider.name} was discontinued${on ? ` on ${on}` : ''}; a login or key for it works only while its server still honours it.`,
    { key: provider.id },
  );
}
