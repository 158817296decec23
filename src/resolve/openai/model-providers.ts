import type { LayeredEnv } from '../../env/layered-env.js';
import { type Candidate, choose, envCandidate, isPresent, overrideCandidate, sourcesOfPresent, settingCandidate } from '../provenance.js';
import type { EffectiveSettings, ModelProviderEntry } from '../../settings/types.js';
import type { AuthOverrides, Diagnostic } from '../../types.js';
import type { Chains, ChosenValues } from './chains.js';

/** Base URL of a `modelProviders` entry that has none. */
export const MODEL_PROVIDER_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** The entry that decides, and the request that picked it (none when the first entry stands in). */
export interface SelectedEntry {
  readonly entry: ModelProviderEntry & { readonly index: number };
  readonly requested: Candidate | undefined;
}

/**
 * The `modelProviders.openai` entry that decides alone, if any (spec §4,
 * "Providers from settings"): the one whose id is the requested model
 * (`overrides.model`, else `model.name`); otherwise the first entry, but only
 * when neither a key nor a base URL comes from outside `modelProviders`.
 */
export function selectModelProvider(overrides: AuthOverrides, settings: EffectiveSettings, chains: Chains): SelectedEntry | undefined {
  const entries = settings.openaiProviders?.value;
  if (!entries || entries.length === 0) return undefined;
  const requested = [overrideCandidate(overrides.model, 'model'), settingCandidate(settings.modelName, 'model.name')].find(
    (c) => typeof c.value === 'string' && c.value !== '',
  );
  const matched = requested && entries.find((e) => e.id === requested.value);
  if (matched) return { entry: matched, requested };
  const outside = [...chains.keyHead, chains.keyTail, ...chains.baseUrl].some((c) => isPresent(c.value));
  return outside ? undefined : { entry: entries[0]!, requested };
}

/**
 * The values an entry gives: its id; the key from its `envKey` variable (or
 * `OPENAI_API_KEY` when it names none — Differs), never another key; its
 * base URL, or `https://api.openai.com/v1`.
 */
export function valuesFromModelProvider(
  selected: SelectedEntry,
  chains: Chains,
  settings: EffectiveSettings,
  env: LayeredEnv,
  diagnostics: Diagnostic[],
): ChosenValues {
  const { entry } = selected;
  const at = `modelProviders.openai[${entry.index}]`;
  const origin = { kind: 'settings', path: settings.openaiProviders!.path, scope: settings.openaiProviders!.scope } as const;
  const variable = entry.envKey?.trim() || 'OPENAI_API_KEY';

  const own = envCandidate(env, variable, diagnostics);
  const key = choose([{ ...own, source: { ...own.source, detail: `${at}.envKey` } }]);
  const others = [...chains.keyHead, chains.keyTail].filter((c) => c.source.name !== variable);
  const apiKey = key && {
    value: key.value,
    provenance: { ...key.provenance, shadowed: [...key.provenance.shadowed, ...sourcesOfPresent(others)] },
  };

  const hasBase = entry.baseUrl !== undefined && isPresent(entry.baseUrl);
  const baseUrl = {
    value: hasBase ? entry.baseUrl! : MODEL_PROVIDER_DEFAULT_BASE_URL,
    provenance: {
      ...(hasBase ? { ...origin, key: `${at}.baseUrl` } : { kind: 'default' as const, detail: `${at} has no baseUrl` }),
      shadowed: sourcesOfPresent(chains.baseUrl),
    },
  };

  // Picked by the requested model: the request is the model's source.
  // Otherwise the first entry stands in, and is the source itself.
  const byRequest = selected.requested?.value === entry.id ? selected.requested : undefined;
  const otherModels = byRequest
    ? chains.model.filter((c) => c.source.kind !== byRequest.source.kind || c.source.key !== byRequest.source.key)
    : chains.model;
  const model = {
    value: entry.id,
    provenance: {
      ...(byRequest ? { ...byRequest.source, detail: `selects ${at}` } : { ...origin, key: `${at}.id` }),
      shadowed: sourcesOfPresent(otherModels),
    },
  };
  return { apiKey, baseUrl, model, keyVariables: [variable] };
}
