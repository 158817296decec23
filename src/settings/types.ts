import type { SettingsScope } from '../types.js';

/** One `modelProviders.openai` entry of settings.json, as qwen-auth uses it. */
export interface ModelProviderEntry {
  /** The model id; selecting this model selects this entry. */
  readonly id: string;
  readonly name?: string;
  /** Endpoint for this model; `https://api.openai.com/v1` when absent. */
  readonly baseUrl?: string;
  /** The environment variable holding the key; `OPENAI_API_KEY` when absent. */
  readonly envKey?: string;
}

/** A settings value with the file and key it came from. */
export interface SettingValue<T> {
  readonly value: T;
  readonly scope: SettingsScope;
  readonly path: string;
  /** Dotted key, e.g. `security.auth.apiKey`. */
  readonly key: string;
}

/** The merged view of the user and workspace settings that resolution consumes. */
export interface EffectiveSettings {
  readonly selectedType?: SettingValue<string | null>;
  readonly apiKey?: SettingValue<string | null>;
  readonly baseUrl?: SettingValue<string | null>;
  readonly modelName?: SettingValue<string | null>;
  /** `settings.env` string values, workspace over user, key by key. */
  readonly env: readonly (SettingValue<string> & { readonly name: string })[];
  /** `advanced.excludedEnvVars`, the union of both scopes, when either sets it. */
  readonly excludedEnvVars?: readonly string[];
  /** `modelProviders.openai`, valid entries only, with their index in the file. */
  readonly openaiProviders?: SettingValue<readonly (ModelProviderEntry & { readonly index: number })[]>;
  /** The settings files that exist and were read. */
  readonly files: readonly { readonly scope: SettingsScope; readonly path: string }[];
}
