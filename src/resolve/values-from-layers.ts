import { diagnostic } from '../diagnostics.js';
import type { LayeredEnv } from '../env/layered-env.js';
import { type Candidate, choose, envCandidate } from './provenance.js';
import { redact } from '../redact.js';
import type { ProviderRegistry } from '../providers/types.js';
import type { Diagnostic } from '../types.js';
import { type Chains, type ChosenValues, OPENAI_012 } from './chains.js';
import { dialectOf } from './dialects.js';

/** Base URL when nothing configures one. */
export const DEFAULT_OPENAI_BASE_URL = dialectOf('0.12').defaultBaseUrl;
/** Model when nothing configures one. */
export const DEFAULT_OPENAI_MODEL = OPENAI_012.defaultModel;
/** The key variable (the provider's own variables come after it). */
const KEY_VARIABLE = OPENAI_012.apiKey[0]!;

/**
 * The values when no `modelProviders` entry decides (spec §4):
 * - key: overrides > OPENAI_API_KEY > the variable of the provider whose
 *   endpoint is configured > security.auth.apiKey;
 * - base URL: overrides > OPENAI_BASE_URL > security.auth.baseUrl > the
 *   endpoint the key implies (an `sk-sp-` key: Coding Plan) > DashScope;
 * - model: overrides > OPENAI_MODEL > QWEN_MODEL > model.name > the
 *   provider's default > qwen3.5-plus.
 */
export function valuesFromLayers(chains: Chains, env: LayeredEnv, registry: ProviderRegistry, diagnostics: Diagnostic[]): ChosenValues {
  const configured = choose(chains.baseUrl);
  const configuredProvider = configured && registry.matchBaseUrl(configured.value)?.provider;
  const providerVars = (configuredProvider?.envKeys ?? []).filter((v) => v !== KEY_VARIABLE);
  const apiKey = choose([...chains.keyHead, ...providerVars.map((v) => envCandidate(env, v, diagnostics)), chains.keyTail]);

  let implied: Candidate | undefined;
  if (apiKey && !configured) {
    const owner = registry.matchKey(apiKey.value).find((p) => p.impliedByKey && p.endpoints.length > 0);
    if (owner) {
      const endpoint = owner.endpoints[0]!.baseUrl;
      implied = { value: endpoint, source: { kind: 'provider-default', scope: 'built-in', provider: owner.id, detail: 'implied by the key prefix' } };
      diagnostics.push(
        diagnostic(
          'ENDPOINT_IMPLIED_BY_KEY',
          `No base URL is configured and the key ${redact(apiKey.value)} belongs to ${owner.name}, so ${endpoint} is used. Set OPENAI_BASE_URL to choose another endpoint.`,
        ),
      );
    }
  }
  const baseUrl = choose([
    ...chains.baseUrl,
    ...(implied ? [implied] : []),
    { value: DEFAULT_OPENAI_BASE_URL, source: { kind: 'default', scope: 'built-in' } },
  ])!;

  const provider = registry.matchBaseUrl(baseUrl.value)?.provider;
  const providerModel: Candidate[] = provider?.defaultModel
    ? [{ value: provider.defaultModel, source: { kind: 'provider-default', scope: 'built-in', provider: provider.id } }]
    : [];
  const model = choose([...chains.model, ...providerModel, { value: DEFAULT_OPENAI_MODEL, source: { kind: 'default', scope: 'built-in' } }])!;

  return { apiKey, baseUrl, model, keyVariables: [KEY_VARIABLE, ...providerVars] };
}
