/**
 * The two Qwen Code versions qwen-auth follows, as data: which variables
 * each auth type reads, the defaults, how the auth type is inferred, how
 * `.env` files and settings layers are read, folder trust, how a
 * `modelProviders` entry is chosen, the wires. One algorithm reads them
 * (context.ts, env-file-rules.ts, auth-type.ts, chains.ts,
 * model-providers.ts, api-key.ts, missing-key.ts) instead of asking which
 * version it serves. Qwen Code 0.24's table is in qwen-code-0.24.ts, loaded
 * on first use.
 * Sources: docs/resolution.md (0.12), the 0.24 and settings-layers specs.
 */
import { HOME_ONLY_ENV_VARS } from '../env/load.js';
import { chatCompletionsEndpoint, OPENAI_SDK_DEFAULT_BASE_URL } from './endpoints.js';
import type { KeyHeader } from '../requests/types.js';
import type { Diagnostic, EnvRecord, QwenCodeAuthType, QwenCodeVersion } from '../types.js';
import type { QwenAuthError, RemedyWording } from '../errors.js';
import type { LayeredEnv } from '../env/layered-env.js';
import type { LoadedEnvFile } from '../env/load.js';
import type { QwenHome } from '../env/qwen-home.js';
import type { EffectiveSettings, ProviderEntry } from '../settings/types.js';
import type { EntriesByType } from './provider-protocols.js';
import type { Chosen } from './provenance.js';

/** The environment variables one auth type reads, highest first, and its default model. */
export interface TypeVariables {
  readonly apiKey: readonly string[];
  readonly baseUrl: readonly string[];
  readonly model: readonly string[];
  /** The model when nothing names one. */
  readonly defaultModel: string;
  /** The base URL when nothing configures one and no `modelProviders` entry decides (none: the type requires one). */
  readonly defaultBaseUrl?: string;
  /** The base URL of a `modelProviders` entry that has none, when nothing else gives one (none: the entry requires one). */
  readonly entryDefaultBaseUrl?: string;
}

/** The wire a resolved type speaks. */
export interface Wire {
  /** The URL a request goes to, from the base URL. */
  readonly endpoint: (baseUrl: string) => string;
  /** The header the key is sent in for a base URL (none: `Authorization: Bearer`). */
  readonly keyHeader?: (baseUrl: string) => KeyHeader;
  /** Which key ↔ endpoint table the checks use. */
  readonly protocol: 'openai' | 'anthropic';
}

/** One version's rules. */
export interface Dialect {
  readonly version: QwenCodeVersion;
  /** The auth types this version resolves to a result (others are named in UNSUPPORTED_AUTH_TYPE). */
  readonly resolves: readonly string[];
  /** The variables per auth type. */
  readonly variables: Readonly<Partial<Record<QwenCodeAuthType, TypeVariables>>>;
  /** How messages name these rules: `qwen-auth's default mode`, `Qwen Code 0.24`. */
  readonly label: string;
  /**
   * The auth type when nothing selects one, by rules (0.24, qwen-code-0.24.md
   * §1.3 and §2 rule 5): `infer` gives the first rule of
   * {@link Dialect.inference} whose variables are all set, and `none` the
   * NO_AUTH_TYPE error when no rule applies. Without it (0.12,
   * resolution.md §3): an available OpenAI-compatible key means `openai`,
   * then a cached Qwen OAuth login (resolve-auth.ts).
   */
  readonly inferByRules?: {
    readonly infer: (env: LayeredEnv, diagnostics: Diagnostic[]) => Chosen | undefined;
    readonly none: (wording: RemedyWording, settingsFiles: readonly { readonly path: string }[]) => QwenAuthError<'NO_AUTH_TYPE'>;
  };
  /**
   * `$VAR` in settings also sees the home `.env` files (0.24 loads them
   * before the settings, qwen-code-0.24.md §2 rule 2): the environment the
   * expansion reads.
   */
  readonly homeEnvBeforeSettings?: (realEnv: EnvRecord, files: readonly LoadedEnvFile[], home: QwenHome, homeDir: string) => EnvRecord;
  /**
   * Inference rules in order: a type, alternative lists of variables that
   * must all be set, and the rule in words (for NO_AUTH_TYPE's list).
   */
  readonly inference: readonly (readonly [string, readonly (readonly string[])[], string])[];
  /**
   * A non-empty `QWEN_OAUTH` selects `qwen-oauth` like a setting, below
   * `security.auth.selectedType` (0.12, resolution.md §3). In 0.24 it is the
   * first inference rule instead (qwen-code-0.24.md §1.3).
   */
  readonly qwenOAuthVariableSelects: boolean;
  /** Types this version refuses outright, with the date they were discontinued (0.24: `qwen-oauth`, qwen-code-0.24.md §2 rule 5). */
  readonly discontinued: Readonly<Record<string, string>>;
  /**
   * How a `modelProviders` entry is chosen and what it decides
   * (model-providers.ts, api-key.ts). 0.12: resolution.md §4 "Providers
   * from settings" with qwen-code-0.24.md §3 D1, D3–D5, D9; 0.24:
   * qwen-code-0.24.md §1.5 and §2 rules 7–9.
   */
  readonly models: {
    /**
     * The model variables outrank `model.name` (0.12: overrides > OPENAI_MODEL
     * > QWEN_MODEL > model.name); 0.24: overrides > model.name > the type's variables.
     */
    readonly variablesAboveModelName: boolean;
    /** The type's model variables may name an entry (0.24 rule 7); in 0.12 only overrides.model and model.name do. */
    readonly variablesNameEntry: boolean;
    /**
     * With nothing requested, the type's default model id names an entry (0.24, measured on
     * 0.24.4). Qwen Code applies that entry only in its auth refresh, which keeps a base URL
     * the chains gave (overrides > variables > security.auth.baseUrl): the entry's `baseUrl`
     * then only fills in; its `envKey` still comes first for the key.
     */
    readonly defaultModelNamesEntry: boolean;
    /**
     * A requested model declared only on the other OpenAI wire: `switch`
     * (0.24 §1.5.2: openai ↔ openai-responses), or `refuse` (the default
     * mode, D3: UNSUPPORTED_AUTH_TYPE; a model of another protocol is reported).
     */
    readonly otherWire: 'switch' | 'refuse';
    /** Image-, voice- and realtime-only entries never stand in as the first entry (0.24 rule 9). */
    readonly standInSkipsSelectorOnly: boolean;
    /**
     * An entry's key and base URL fall back to the type's chains (0.24 rule
     * 8: envKey > overrides > variables > security.auth.*). Otherwise (0.12)
     * the entry decides alone: its `envKey` (the type's key variable when it
     * names none) and its `baseUrl`, and overrides are reported as ignored.
     */
    readonly entryFallsBackToChains: boolean;
    /**
     * Without an entry, the provider registry fills in (the default mode's
     * own rules, resolution.md §4): a provider's key variable for its
     * endpoint, the endpoint a key prefix implies, a provider's default model.
     */
    readonly registryFillsLayers: boolean;
  };
  /**
   * MISSING_API_KEY's remedy when nothing more specific was found, with
   * {variable} (the type's key variable, or the one an entry requires) and
   * {orFlag}; undefined: the code's own (remedyFor) and the `model-provider-key` text.
   */
  readonly missingKeyRemedy?: { readonly plain: string; readonly entry: string };
  /** A built-in default base URL while the key's prefix implies another provider's endpoint is KEY_ENDPOINT_MISMATCH (0.24 §2 rule 12). */
  readonly keyEndpointMismatch: boolean;
  /** `.env` files, settings layers and folder trust. */
  readonly layers: {
    /** `first-file`: the first `.env` of the walk alone; `project-and-home`: the project file, then the home files below it. */
    readonly envFiles: 'first-file' | 'project-and-home';
    /** An empty value counts as unset (a lower layer may fill it). */
    readonly emptyIsUnset: boolean;
    /** A system, system-defaults or user settings file that is not a JSON object stops the CLI. */
    readonly unreadableSettingsStop: boolean;
    /** The settings files the folder-trust switch is read from (without the workspace), lowest first. */
    readonly trustSwitchFrom: readonly ('system-defaults' | 'user' | 'system')[];
    /** Where the trusted-folders file lives when no variable moves it: Qwen's home folder, or `~/.qwen`. */
    readonly trustFileIn: 'qwen-dir' | 'home-qwen';
    /** A folder no rule covers counts as trusted (0.12) or not (0.24). */
    readonly undecidedIsTrusted: boolean;
    /** A `.env` file in a parent folder that the rules call untrusted is skipped (0.24, rule 6). */
    readonly skipsUntrustedParentEnvFiles: boolean;
  };
  /**
   * The names `.env` files and `settings.env` may not set (env-file-rules.ts
   * reads them). 0.12: resolution.md §2 (`QWEN_HOME`, `QWEN_RUNTIME_DIR` from
   * home files only, compared exactly); 0.24: qwen-code-0.24.md §1.2.3–5 and
   * §2 rules 2–3 (compared ignoring case; the lists hold the names that
   * matter for resolution and safety — Qwen Code's own are longer).
   */
  readonly envNames: {
    /** Only home-level `.env` files may set these. */
    readonly homeOnly: readonly string[];
    /** Whether `homeOnly` ignores case. */
    readonly homeOnlyIgnoresCase: boolean;
    /** No file and no `settings.env` may set these (npm's `a_b` and `a-b` alike; also `BASH_FUNC_*` when non-empty). */
    readonly loader: readonly string[];
    /** `settings.env` may not set these, nor the home-only and loader names; `undefined`: it sets every name. */
    readonly settingsEnvBlocked: readonly string[] | undefined;
  };
  /** Names that are secrets beyond the registry's variables (for the git check). */
  readonly extraKeyVariables: readonly string[];
  /** The wire of each type it resolves to an API-key result. */
  readonly wires: Readonly<Record<string, Wire>>;
  /**
   * A type Qwen Code 0.24 infers that this dialect does not resolve, and the
   * variables it infers it from: reported (UNSUPPORTED_AUTH_TYPE) where the
   * default mode would otherwise say NO_CREDENTIALS (qwen-code-0.24.md §3 D2).
   */
  readonly reportsInferenceOf?: readonly [string, readonly string[]];
  /**
   * The wire switch, for a dialect whose `models.otherWire` is `switch`
   * (qwen-code-0.24.md §1.5.2; model-providers.ts describes it).
   */
  readonly switchWire?: SwitchWire;
  /**
   * The base URL rule of a type without a default one (Qwen Code 0.24's
   * validateAuthMethod for anthropic, with `security.auth.useExternal`,
   * settings-layers.md §4): the base URL to use, or a MISSING_BASE_URL error.
   * It runs before the key check and also decides the order: with
   * `keyMissing`, it returns `undefined` when the missing key is to be
   * reported first, and throws when the missing base URL is.
   */
  readonly requireBaseUrl?: RequireBaseUrl;
}

/** See {@link Dialect.switchWire}. */
export type SwitchWire = (
  type: string,
  /** The requested model id, and `model.baseUrl` when it came from `model.name`. */
  id: string | undefined,
  pinned: string | null | undefined,
  byType: EntriesByType,
  settings: EffectiveSettings,
) => { type: string; because?: ProviderEntry };

/** See {@link Dialect.requireBaseUrl}. */
export type RequireBaseUrl = (
  settings: EffectiveSettings,
  env: LayeredEnv,
  type: string,
  entry: ProviderEntry | undefined,
  base: Chosen | undefined,
  /** No key was found: the key check follows, and wins unless the base URL's comes first. */
  keyMissing: boolean,
) => Chosen | undefined;

/** `qwen3.5-plus`: Qwen Code 0.12's default model for `openai`. */
export const DEFAULT_OPENAI_MODEL_012 = 'qwen3.5-plus';
/** DashScope's OpenAI-compatible endpoint: both versions' default base URL. */
export const DASHSCOPE_BASE_URL = 'https://dashscope.aliyuncs.com/compatible-mode/v1';
/** The OpenAI SDK's base URL (endpoints.ts's OPENAI_SDK_DEFAULT_BASE_URL). */
export const OPENAI_SDK_BASE_URL = OPENAI_SDK_DEFAULT_BASE_URL;

/** The Chat Completions wire. */
export const CHAT: Wire = { endpoint: chatCompletionsEndpoint, protocol: 'openai' };

const QWEN_CODE_012: Dialect = {
  version: '0.12',
  label: "qwen-auth's default mode",
  resolves: ['openai', 'qwen-oauth'],
  variables: {
    openai: {
      apiKey: ['OPENAI_API_KEY'],
      baseUrl: ['OPENAI_BASE_URL'],
      model: ['OPENAI_MODEL', 'QWEN_MODEL'],
      defaultModel: DEFAULT_OPENAI_MODEL_012,
      defaultBaseUrl: DASHSCOPE_BASE_URL,
      entryDefaultBaseUrl: OPENAI_SDK_BASE_URL,
    },
  },
  inference: [],
  qwenOAuthVariableSelects: true,
  discontinued: {},
  models: {
    variablesAboveModelName: true,
    variablesNameEntry: false,
    defaultModelNamesEntry: false,
    otherWire: 'refuse',
    standInSkipsSelectorOnly: false,
    entryFallsBackToChains: false,
    registryFillsLayers: true,
  },
  keyEndpointMismatch: false,
  reportsInferenceOf: ['anthropic', ['ANTHROPIC_API_KEY', 'ANTHROPIC_MODEL', 'ANTHROPIC_BASE_URL']],
  layers: {
    envFiles: 'first-file',
    emptyIsUnset: false,
    unreadableSettingsStop: false,
    trustSwitchFrom: ['system', 'user'],
    trustFileIn: 'home-qwen',
    undecidedIsTrusted: true,
    skipsUntrustedParentEnvFiles: false,
  },
  envNames: { homeOnly: HOME_ONLY_ENV_VARS, homeOnlyIgnoresCase: false, loader: [], settingsEnvBlocked: undefined },
  extraKeyVariables: [],
  wires: { openai: CHAT },
};

/** The default mode's table; Qwen Code 0.24's is in qwen-code-0.24.ts, loaded on first use (context.ts, `DIALECTS`). */
export const DEFAULT_DIALECT: Dialect = QWEN_CODE_012;

const VERSIONS: readonly string[] = ['0.12', '0.24'];

/** True for a version qwen-auth has rules for. */
export function isQwenCodeVersion(value: unknown): value is QwenCodeVersion {
  return typeof value === 'string' && VERSIONS.includes(value);
}
