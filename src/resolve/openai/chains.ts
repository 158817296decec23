import type { LayeredEnv } from '../../env/layered-env.js';
import { type Candidate, type Chosen, envCandidate, overrideCandidate, settingCandidate } from '../provenance.js';
import type { EffectiveSettings } from '../../settings/types.js';
import type { AuthOverrides, Diagnostic } from '../../types.js';

/** The candidates of the OpenAI-compatible fields, highest first, before any default (spec §4). */
export interface Chains {
  readonly baseUrl: readonly Candidate[];
  /** overrides.apiKey, OPENAI_API_KEY (provider variables go between these and the settings key). */
  readonly keyHead: readonly Candidate[];
  /** security.auth.apiKey. */
  readonly keyTail: Candidate;
  readonly model: readonly Candidate[];
}

/** What a way of choosing the values produces. */
export interface ChosenValues {
  readonly apiKey: Chosen | undefined;
  readonly baseUrl: Chosen;
  readonly model: Chosen;
  /** The variables that were read for the key, for a missing-key error. */
  readonly keyVariables: readonly string[];
}

export function buildChains(
  overrides: AuthOverrides,
  env: LayeredEnv,
  settings: EffectiveSettings,
  diagnostics: Diagnostic[],
): Chains {
  return {
    baseUrl: [
      overrideCandidate(overrides.baseUrl, 'baseUrl'),
      envCandidate(env, 'OPENAI_BASE_URL', diagnostics),
      settingCandidate(settings.baseUrl, 'security.auth.baseUrl'),
    ],
    keyHead: [overrideCandidate(overrides.apiKey, 'apiKey'), envCandidate(env, 'OPENAI_API_KEY', diagnostics)],
    keyTail: settingCandidate(settings.apiKey, 'security.auth.apiKey'),
    model: [
      overrideCandidate(overrides.model, 'model'),
      envCandidate(env, 'OPENAI_MODEL', diagnostics),
      envCandidate(env, 'QWEN_MODEL', diagnostics),
      settingCandidate(settings.modelName, 'model.name'),
    ],
  };
}
