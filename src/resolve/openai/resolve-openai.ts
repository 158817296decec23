import type { LayeredEnv } from '../../env/layered-env.js';
import { QwenAuthError } from '../../errors.js';
import type { ProviderRegistry } from '../../providers/types.js';
import type { EffectiveSettings } from '../../settings/types.js';
import type { AuthOverrides, Diagnostic, ProviderMatch, Provenance } from '../../types.js';
import { entryKey, type EntriesByType } from '../provider-protocols.js';
import { checkKeyAndBase } from '../value-checks.js';
import { buildChains } from './chains.js';
import { selectModelProvider, valuesFromModelProvider } from './model-providers.js';
import { valuesFromLayers } from './values-from-layers.js';

export interface OpenAIInputs {
  readonly overrides: AuthOverrides;
  readonly env: LayeredEnv;
  readonly settings: EffectiveSettings;
  readonly registry: ProviderRegistry;
  /** The `modelProviders` entries by auth type. */
  readonly entries: EntriesByType;
  /** Files that were looked at, for error messages (the `.env` candidates and settings files). */
  readonly checkedFiles: readonly string[];
}

export interface OpenAIValues {
  readonly apiKey: string;
  readonly baseUrl: string;
  readonly model: string;
  readonly sources: { readonly apiKey: Provenance; readonly baseUrl: Provenance; readonly model: Provenance };
  readonly provider: ProviderMatch | undefined;
}

/** The outcome: values, or the missing-key error (so callers can infer without throwing). */
export type OpenAIResolution =
  | { readonly ok: true; readonly values: OpenAIValues; readonly diagnostics: Diagnostic[] }
  | { readonly ok: false; readonly error: QwenAuthError; readonly diagnostics: Diagnostic[] };

/**
 * Section 4 of the resolution rules: the key, base URL and model of the
 * OpenAI-compatible method, each the first present value of its chain, with
 * provenance — from a `modelProviders` entry when one decides, from the
 * layers otherwise; then the checks on what was chosen.
 * Throws INVALID_BASE_URL, and UNSUPPORTED_AUTH_TYPE for a model declared
 * only on the Responses wire; a missing key is returned, not thrown.
 */
export function resolveOpenAI(inputs: OpenAIInputs): OpenAIResolution {
  const { overrides, env, settings, registry, entries } = inputs;
  const diagnostics: Diagnostic[] = [];
  const settingsFiles = settings.files.map((f) => f.path);
  const chains = buildChains(overrides, env, settings, diagnostics);
  const selected = selectModelProvider(overrides, settings, chains, entries, diagnostics);
  const { apiKey, baseUrl, model, keyVariables } = selected
    ? valuesFromModelProvider(selected, chains, env, diagnostics)
    : valuesFromLayers(chains, env, registry, diagnostics);

  if (!apiKey) {
    const settingsKeys = selected ? [] : ['security.auth.apiKey'];
    return {
      ok: false,
      diagnostics,
      error: new QwenAuthError(
        'MISSING_API_KEY',
        `No API key found for the OpenAI-compatible method. Checked ${keyVariables.join(', ')}` +
          `${settingsKeys.length > 0 ? `, ${settingsKeys.join(', ')}` : ''}` +
          `${selected ? ` (required by ${entryKey(selected.entry)} in ${selected.entry.path})` : ''}` +
          ` and the files ${[...inputs.checkedFiles, ...settingsFiles].join(', ') || '(none)'}.`,
        {
          details: { variables: [...keyVariables], files: [...inputs.checkedFiles, ...settingsFiles], settingsKeys },
          ...(selected && { remedy: `Set ${keyVariables[0]} in the environment or a .env file.` }),
        },
      ),
    };
  }

  const checked = checkKeyAndBase(apiKey, baseUrl, registry);
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
    },
  };
}
