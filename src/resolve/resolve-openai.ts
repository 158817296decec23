import { diagnostic } from '../diagnostics.js';
import type { LayeredEnv } from '../env/layered-env.js';
import type { RemedyWording } from '../errors.js';
import { describeSource, isPresent } from './provenance.js';
import type { ProviderRegistry } from '../providers/types.js';
import type { EffectiveSettings, ProviderEntry } from '../settings/types.js';
import type { AuthOverrides, Diagnostic, ProviderMatch, Provenance } from '../types.js';
import { entryKey, type EntriesByType } from './provider-protocols.js';
import { checkKeyAndBase } from './value-checks.js';
import { buildChains } from './chains.js';
import { valuesFromLayers } from './values-from-layers.js';
import { selectModelProvider, valuesFromModelProvider } from './model-providers.js';
import type { MissingKey } from './missing-key.js';
import type { TrustedGateways } from './trusted-gateways.js';

export interface OpenAIInputs {
  readonly overrides: AuthOverrides;
  readonly env: LayeredEnv;
  readonly settings: EffectiveSettings;
  readonly registry: ProviderRegistry;
  /** The `modelProviders` entries by auth type. */
  readonly entries: EntriesByType;
  /** How messages name overrides. */
  readonly wording: RemedyWording;
  /** Endpoints whose keys are not checked. */
  readonly trustedGateways: TrustedGateways;
  /** The clock's reading, epoch ms (for dated registry facts). */
  readonly now: number;
}

export interface OpenAIValues {
  readonly apiKey: string;
  readonly baseUrl: string;
  readonly model: string;
  readonly sources: { readonly apiKey: Provenance; readonly baseUrl: Provenance; readonly model: Provenance };
  readonly provider: ProviderMatch | undefined;
  /** The `modelProviders` entry that decided, if one did. */
  readonly entry?: ProviderEntry | undefined;
}

/** The outcome: values, or what is known about the missing key (so callers can infer without throwing). */
export type OpenAIResolution =
  | { readonly ok: true; readonly values: OpenAIValues; readonly diagnostics: Diagnostic[] }
  | { readonly ok: false; readonly missing: MissingKey; readonly diagnostics: Diagnostic[] };

/**
 * Section 4 of the resolution rules: the key, base URL and model of the
 * OpenAI-compatible method, each the first present value of its chain, with
 * provenance — from a `modelProviders` entry when one decides, from the
 * layers otherwise; then the checks on what was chosen.
 * Throws INVALID_BASE_URL, and UNSUPPORTED_AUTH_TYPE for a model declared
 * only on the Responses wire; a missing key is returned, not thrown.
 */
export function resolveOpenAI(inputs: OpenAIInputs): OpenAIResolution {
  const { overrides, env, settings, registry, wording, entries } = inputs;
  const diagnostics: Diagnostic[] = [];
  const chains = buildChains(overrides, env, settings, diagnostics);
  const selected = selectModelProvider(overrides, settings, chains, entries, diagnostics);
  const { apiKey, baseUrl, model, keyVariables } = selected
    ? valuesFromModelProvider(selected, chains, env, diagnostics)
    : valuesFromLayers(chains, env, registry, diagnostics);

  if (selected) {
    // The entry decides alone: a key or base URL given as an override is dropped; say so.
    const at = entryKey(selected.entry);
    for (const field of ['apiKey', 'baseUrl'] as const) {
      if (!isPresent(overrides[field])) continue;
      const name = describeSource({ kind: 'override', key: field }, { flags: wording.flags === true });
      diagnostics.push(
        diagnostic('OVERRIDE_IGNORED', `${name} is ignored: ${at} in ${selected.entry.path} is selected by the model and decides the key and base URL alone.`, {
          key: field,
        }),
      );
    }
  }

  if (!apiKey) {
    return {
      ok: false,
      diagnostics,
      missing: {
        variables: keyVariables,
        settingsKeys: selected ? [] : ['security.auth.apiKey'],
        ...(selected && {
          entry: {
            at: entryKey(selected.entry),
            path: selected.entry.path,
            matched: selected.requested !== undefined && selected.requested.value === selected.entry.id,
          },
        }),
      },
    };
  }

  const checked = checkKeyAndBase(apiKey, baseUrl, inputs);
  diagnostics.push(...checked.diagnostics);

  return {
    ok: true,
    diagnostics,
    values: {
      apiKey: checked.apiKey,
      baseUrl: checked.baseUrl,
      model: model.value,
      sources: { apiKey: apiKey.provenance, baseUrl: baseUrl.provenance, model: model.provenance },
      provider: checked.provider,
      entry: selected?.entry,
    },
  };
}
