import type { LayeredEnv } from '../env/layered-env.js';
import { type Candidate, type Chosen, envCandidate, overrideCandidate, settingCandidate } from './provenance.js';
import type { EffectiveSettings } from '../settings/types.js';
import type { AuthOverrides, Diagnostic } from '../types.js';
import { dialectOf, type TypeVariables } from './dialects.js';

/** The variables of `openai` under the default rules (Qwen Code 0.12). */
export const OPENAI_012: TypeVariables = dialectOf('0.12').variables.openai!;

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

export function buildChains(overrides: AuthOverrides, env: LayeredEnv, settings: EffectiveSettings, diagnostics: Diagnostic[]): Chains {
  const v = OPENAI_012;
  const fromEnv = (names: readonly string[]): Candidate[] => names.map((name) => envCandidate(env, name, diagnostics));
  return {
    baseUrl: [overrideCandidate(overrides.baseUrl, 'baseUrl'), ...fromEnv(v.baseUrl), settingCandidate(settings.baseUrl, 'security.auth.baseUrl')],
    keyHead: [overrideCandidate(overrides.apiKey, 'apiKey'), ...fromEnv(v.apiKey)],
    keyTail: settingCandidate(settings.apiKey, 'security.auth.apiKey'),
    model: [overrideCandidate(overrides.model, 'model'), ...fromEnv(v.model), settingCandidate(settings.modelName, 'model.name')],
  };
}
