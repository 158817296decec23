import type { LayeredEnv } from '../env/layered-env.js';
import { type Candidate, envCandidate, overrideCandidate, settingCandidate } from './provenance.js';
import type { EffectiveSettings } from '../settings/types.js';
import type { AuthOverrides, Diagnostic } from '../types.js';
import type { Dialect, TypeVariables } from './dialects.js';

/**
 * The candidates of an API-key type's fields, highest first, before any
 * `modelProviders` entry or default (resolution.md §4, qwen-code-0.24.md §2
 * rule 8): overrides, the type's variables (dialects.ts), `security.auth.*`
 * and `model.name`. One builder for every type and both dialects.
 */
export interface Chains {
  readonly baseUrl: readonly Candidate[];
  /** overrides.apiKey and the type's key variables (the default mode puts a provider's variables between these and the settings key). */
  readonly keyHead: readonly Candidate[];
  /** security.auth.apiKey. */
  readonly keyTail: Candidate;
  /** overrides.model, then the type's model variables and model.name in the dialect's order. */
  readonly model: readonly Candidate[];
  /** The candidates of `model` that may name a `modelProviders` entry, in order: overrides.model, model.name, and (0.24) the model variables. */
  readonly request: readonly Candidate[];
}

/** The inputs every chain reads. */
export interface ChainInputs {
  readonly overrides: AuthOverrides;
  readonly env: LayeredEnv;
  readonly settings: EffectiveSettings;
  readonly diagnostics: Diagnostic[];
}

export function buildChains(inputs: ChainInputs, variables: TypeVariables, dialect: Dialect): Chains {
  const { overrides, env, settings, diagnostics } = inputs;
  const fromEnv = (names: readonly string[]): Candidate[] => names.map((name) => envCandidate(env, name, diagnostics));
  const override = overrideCandidate(overrides.model, 'model');
  const modelName = settingCandidate(settings.modelName, 'model.name');
  const modelVariables = fromEnv(variables.model);
  const models = dialect.models.variablesAboveModelName ? [...modelVariables, modelName] : [modelName, ...modelVariables];
  return {
    baseUrl: [overrideCandidate(overrides.baseUrl, 'baseUrl'), ...fromEnv(variables.baseUrl), settingCandidate(settings.baseUrl, 'security.auth.baseUrl')],
    keyHead: [overrideCandidate(overrides.apiKey, 'apiKey'), ...fromEnv(variables.apiKey)],
    keyTail: settingCandidate(settings.apiKey, 'security.auth.apiKey'),
    model: [override, ...models],
    request: [override, modelName, ...(dialect.models.variablesNameEntry ? modelVariables : [])],
  };
}
