import type { SettingsScope } from '../types.js';

/** One `modelProviders.<provider>` entry of settings.json, as qwen-auth uses it. */
export interface ModelProviderEntry {
  /** The model id; selecting this model selects this entry. */
  readonly id: string;
  readonly name?: string;
  /** Endpoint for this model; `https://api.openai.com/v1` when absent (openai). */
  readonly baseUrl?: string;
  /** The environment variable holding the key. */
  readonly envKey?: string;
  /** Which OpenAI wire the model speaks (Qwen Code 0.24): `chat-completions` or `responses`. */
  readonly wireApi?: string;
}

/** An entry as resolution sees it: the provider id it sits under, its index there, and its file. */
export interface ProviderEntry extends ModelProviderEntry {
  /** The key under `modelProviders` (e.g. `openai`, `anthropic`, `myproxy`). */
  readonly provider: string;
  /** Index in that provider's list. */
  readonly index: number;
  readonly scope: SettingsScope;
  readonly path: string;
  /** Flagged `imageOnly`, `voiceOnly` or `realtimeOnly`: never the primary model (Qwen Code 0.24). */
  readonly selectorOnly: boolean;
}

/** The list of one provider id, from the highest scope that holds it (lists are replaced whole). */
export interface ProviderList {
  readonly id: string;
  /** Valid entries only. */
  readonly entries: readonly ProviderEntry[];
  readonly scope: SettingsScope;
  readonly path: string;
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
  /** `security.auth.enforcedType` (v1 `enforcedAuthType`): a type that must be the current one, or the run stops. */
  readonly enforcedType?: SettingValue<string | null>;
  /** `security.auth.useExternal` (v1 `useExternalAuth`): skips Qwen Code's missing-key and Anthropic base-URL checks. */
  readonly useExternal?: SettingValue<boolean | null>;
  readonly apiKey?: SettingValue<string | null>;
  readonly baseUrl?: SettingValue<string | null>;
  readonly modelName?: SettingValue<string | null>;
  /** `model.baseUrl`: the base URL paired with `model.name` (Qwen Code 0.24's `/auth` writes it). */
  readonly modelBaseUrl?: SettingValue<string | null>;
  /** `settings.env` string values, workspace over user, key by key. */
  readonly env: readonly (SettingValue<string> & { readonly name: string })[];
  /** `advanced.excludedEnvVars`, the union of both scopes, when either sets it. */
  readonly excludedEnvVars?: readonly string[];
  /** `modelProviders`, merged per provider id (workspace over user), in key order. */
  readonly modelProviders: readonly ProviderList[];
  /** `providerProtocol`, merged per provider id: the raw value each id maps to. */
  readonly providerProtocol: ReadonlyMap<string, SettingValue<unknown>>;
  /** The variable names `$VAR` references in the files name (the relaunch expands them again). */
  readonly references: readonly string[];
  /** The settings files that exist and were read. */
  readonly files: readonly { readonly scope: SettingsScope; readonly path: string }[];
}
