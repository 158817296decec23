/**
 * The two Qwen Code versions qwen-auth follows, as data: which variables
 * each auth type reads, the defaults, how the auth type is inferred, how
 * `.env` files and settings layers are read, folder trust, the wires. The
 * steps of resolution (context.ts, the OpenAI branch, the 0.24 branch) read
 * their facts here instead of asking which version they serve.
 * Sources: docs/resolution.md (0.12), the 0.24 and settings-layers specs.
 */
import { HOME_ONLY_ENV_VARS } from '../env/load.js';
import { OPENAI_SDK_DEFAULT_BASE_URL } from './endpoints.js';
import type { QwenCodeAuthType, QwenCodeVersion } from '../types.js';

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

/** A message and its remedy, with `{placeholders}` (see auth-type.ts). */
export interface Words {
  readonly message: string;
  /** Undefined: the code's own remedy in the caller's wording (remedyFor). */
  readonly remedy?: string;
}

/** The wire a resolved type speaks. */
export interface Wire {
  /** The path a request goes to. */
  readonly endpoint: 'chat-completions' | 'responses' | 'messages';
  /** How the key is sent: `authorization` (Bearer), or Anthropic's rule (`x-api-key` unless the host wants Bearer). */
  readonly keyHeader: 'authorization' | 'anthropic';
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
   * The auth type when nothing selects one: `key-then-login` (0.12: an
   * available OpenAI-compatible key means `openai`, then a cached Qwen OAuth
   * login) or `rules` (0.24: the first rule of {@link Dialect.inference}
   * whose variables are all set; nothing else).
   */
  readonly inferBy: 'key-then-login' | 'rules';
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
   * The refusal of a type it does not resolve (UNSUPPORTED_AUTH_TYPE):
   * `known` for a type Qwen Code 0.24 reads through its own variables,
   * `google` for gemini and vertex-ai, `unknown` for any other name.
   * Placeholders: {type} {origin} {variables} {resolves} {selectAuthType} {orNewerMode}.
   */
  readonly refusals: { readonly known: Words; readonly google: Words; readonly unknown: Words };
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
    /** With nothing requested, the type's default model id names an entry (0.24, measured on 0.24.4). */
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
  /** A built-in default base URL while the key's prefix implies another provider's endpoint is KEY_ENDPOINT_MISMATCH (0.24 §2 rule 12). */
  readonly keyEndpointMismatch: boolean;
  /** `.env` files, settings layers and folder trust. */
  readonly layers: {
    /** `first-file`: the first `.env` of the walk alone; `project-and-home`: the project file, then the home files below it. */
    readonly envFiles: 'first-file' | 'project-and-home';
    /** An empty value counts as unset (a lower layer may fill it). */
    readonly emptyIsUnset: boolean;
    /** `$VAR` in settings also sees the home `.env` files (0.24 loads them before the settings). */
    readonly expandFromHomeEnvFiles: boolean;
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
}

/** `qwen3.5-plus`: Qwen Code 0.12's default model for `openai`. */
export const DEFAULT_OPENAI_MODEL_012 = 'qwen3.5-plus';
/** `qwen3.7-max`: Qwen Code 0.24's default model for `openai`. */
export const QWEN_CODE_024_DEFAULT_OPENAI_MODEL = 'qwen3.7-max';
/** What Qwen Code 0.24 sends when an auth type has no default model. */
export const QWEN_CODE_024_FALLBACK_MODEL = 'coder-model';
/** DashScope's OpenAI-compatible endpoint: both versions' default base URL. */
export const DASHSCOPE_BASE_URL = 'https://dashscope.aliyuncs.com/compatible-mode/v1';
/** The OpenAI SDK's base URL (endpoints.ts's OPENAI_SDK_DEFAULT_BASE_URL). */
const OPENAI_SDK_BASE_URL = OPENAI_SDK_DEFAULT_BASE_URL;

const CHAT: Wire = { endpoint: 'chat-completions', keyHeader: 'authorization', protocol: 'openai' };

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
  inferBy: 'key-then-login',
  inference: [],
  qwenOAuthVariableSelects: true,
  discontinued: {},
  refusals: {
    known: {
      message:
        "The auth type '{type}' from {origin} is one Qwen Code 0.24 knows (it reads {variables}), but qwen-auth's default mode resolves only {resolves}; " +
        "it does not fall back to 'openai', which would send that key to a Chat Completions URL.",
      remedy: "Select 'openai' with an OpenAI-compatible key ({selectAuthType}){orNewerMode}.",
    },
    google: {
      message:
        "The auth type '{type}' from {origin} is one Qwen Code 0.24 knows (it reads {variables}), but qwen-auth's default mode resolves only {resolves}; " +
        "it does not fall back to 'openai', which would send that key to a Chat Completions URL.",
      remedy: "'{type}' (Google's SDK) cannot be used here: select 'openai' with an OpenAI-compatible key ({selectAuthType}).",
    },
    unknown: {
      message: "The auth type {type} from {origin} is not supported; qwen-auth resolves {resolves} (and, under Qwen Code 0.24's rules, 'anthropic' and 'openai-responses').",
    },
  },
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
  layers: {
    envFiles: 'first-file',
    emptyIsUnset: false,
    expandFromHomeEnvFiles: false,
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

const QWEN_CODE_024: Dialect = {
  version: '0.24',
  label: 'Qwen Code 0.24',
  resolves: ['openai', 'openai-responses', 'anthropic'],
  variables: {
    openai: {
      apiKey: ['OPENAI_API_KEY'],
      baseUrl: ['OPENAI_BASE_URL'],
      model: ['OPENAI_MODEL', 'QWEN_MODEL'],
      defaultModel: QWEN_CODE_024_DEFAULT_OPENAI_MODEL,
      defaultBaseUrl: DASHSCOPE_BASE_URL,
      entryDefaultBaseUrl: OPENAI_SDK_BASE_URL,
    },
    // The Responses wire: the OpenAI SDK's base URL, with or without an entry.
    'openai-responses': {
      apiKey: ['OPENAI_API_KEY'],
      baseUrl: ['OPENAI_BASE_URL'],
      model: ['OPENAI_MODEL'],
      defaultModel: QWEN_CODE_024_FALLBACK_MODEL,
      defaultBaseUrl: OPENAI_SDK_BASE_URL,
      entryDefaultBaseUrl: OPENAI_SDK_BASE_URL,
    },
    // anthropic has no default base URL: the checks require one (MISSING_BASE_URL).
    anthropic: { apiKey: ['ANTHROPIC_API_KEY'], baseUrl: ['ANTHROPIC_BASE_URL'], model: ['ANTHROPIC_MODEL'], defaultModel: QWEN_CODE_024_FALLBACK_MODEL },
    gemini: { apiKey: ['GEMINI_API_KEY'], baseUrl: [], model: ['GEMINI_MODEL'], defaultModel: QWEN_CODE_024_FALLBACK_MODEL },
    'vertex-ai': { apiKey: ['GOOGLE_API_KEY'], baseUrl: [], model: ['GOOGLE_MODEL'], defaultModel: QWEN_CODE_024_FALLBACK_MODEL },
    'qwen-oauth': { apiKey: [], baseUrl: [], model: [], defaultModel: QWEN_CODE_024_FALLBACK_MODEL },
  },
  inferBy: 'rules',
  inference: [
    ['qwen-oauth', [['QWEN_OAUTH']], 'QWEN_OAUTH'],
    [
      'openai',
      [
        ['OPENAI_API_KEY', 'OPENAI_MODEL', 'OPENAI_BASE_URL'],
        ['OPENAI_API_KEY', 'QWEN_MODEL', 'OPENAI_BASE_URL'],
      ],
      'OPENAI_API_KEY with OPENAI_MODEL or QWEN_MODEL, and OPENAI_BASE_URL',
    ],
    ['gemini', [['GEMINI_API_KEY', 'GEMINI_MODEL']], 'GEMINI_API_KEY with GEMINI_MODEL'],
    [
      'vertex-ai',
      [
        ['GOOGLE_API_KEY', 'GOOGLE_MODEL'],
        ['GOOGLE_CLOUD_PROJECT', 'GOOGLE_MODEL'],
      ],
      'GOOGLE_API_KEY or GOOGLE_CLOUD_PROJECT, with GOOGLE_MODEL',
    ],
    ['anthropic', [['ANTHROPIC_API_KEY', 'ANTHROPIC_MODEL', 'ANTHROPIC_BASE_URL']], 'ANTHROPIC_API_KEY with ANTHROPIC_MODEL and ANTHROPIC_BASE_URL'],
  ],
  qwenOAuthVariableSelects: false,
  discontinued: { 'qwen-oauth': '2026-04-15' },
  refusals: {
    // No type Qwen Code 0.24 knows is refused here but gemini and vertex-ai (and qwen-oauth, discontinued).
    known: { message: "The auth type '{type}' ({origin}) is one Qwen Code 0.24 knows (it reads {variables}); qwen-auth does not resolve it." },
    google: {
      message: "The auth type '{type}' ({origin}) is one Qwen Code 0.24 resolves through Google's SDK (it reads {variables}); qwen-auth does not resolve it.",
      remedy: "'{type}' (Google's SDK) cannot be used here: select {resolves} ({selectAuthType}) with that type's key.",
    },
    unknown: {
      message: 'The auth type {type} ({origin}) is not one Qwen Code 0.24 knows ("Invalid auth method selected").',
      remedy: 'Select {resolves} ({selectAuthType}).',
    },
  },
  models: {
    variablesAboveModelName: false,
    variablesNameEntry: true,
    defaultModelNamesEntry: true,
    otherWire: 'switch',
    standInSkipsSelectorOnly: true,
    entryFallsBackToChains: true,
    registryFillsLayers: false,
  },
  keyEndpointMismatch: true,
  layers: {
    envFiles: 'project-and-home',
    emptyIsUnset: true,
    expandFromHomeEnvFiles: true,
    unreadableSettingsStop: true,
    trustSwitchFrom: ['system-defaults', 'user', 'system'],
    trustFileIn: 'qwen-dir',
    undecidedIsTrusted: false,
    skipsUntrustedParentEnvFiles: true,
  },
  envNames: {
    homeOnly: [
      'QWEN_HOME',
      'QWEN_RUNTIME_DIR',
      'NODE_EXTRA_CA_CERTS',
      'NODE_TLS_REJECT_UNAUTHORIZED',
      'QWEN_TLS_INSECURE',
      'QWEN_UPDATE_BASE_URL',
      'QWEN_CODE_SYSTEM_SETTINGS_PATH',
      'QWEN_CODE_SYSTEM_DEFAULTS_PATH',
      'QWEN_CODE_MCP_APPROVALS_PATH',
      'QWEN_CODE_TRUSTED_FOLDERS_PATH',
    ],
    homeOnlyIgnoresCase: true,
    loader: [
      'NODE_OPTIONS',
      'NODE_PATH',
      'NODE_REPL_EXTERNAL_MODULE',
      'OPENSSL_CONF',
      'LD_PRELOAD',
      'LD_AUDIT',
      'DYLD_INSERT_LIBRARIES',
      'BASH_ENV',
      'ZDOTDIR',
      'npm_config_node_options',
      'npm_config_userconfig',
      'npm_config_globalconfig',
      'npm_config_script_shell',
      'npm_config_prefix',
      'npm_config_node_gyp',
      'npm_config_init_module',
    ],
    // Qwen Code 0.24 keeps these to the launch environment.
    settingsEnvBlocked: ['qwen_server_token', 'ld_library_path', 'dyld_library_path', 'env', 'path', 'home'],
  },
  extraKeyVariables: ['ANTHROPIC_API_KEY'],
  wires: {
    openai: CHAT,
    'openai-responses': { endpoint: 'responses', keyHeader: 'authorization', protocol: 'openai' },
    anthropic: { endpoint: 'messages', keyHeader: 'anthropic', protocol: 'anthropic' },
  },
};

const DIALECTS: Readonly<Record<QwenCodeVersion, Dialect>> = Object.freeze({ '0.12': QWEN_CODE_012, '0.24': QWEN_CODE_024 });

/** True for a version qwen-auth has rules for. */
export function isQwenCodeVersion(value: unknown): value is QwenCodeVersion {
  return typeof value === 'string' && Object.hasOwn(DIALECTS, value);
}

/** The rules of a version (default `'0.12'`). */
export function dialectOf(version: QwenCodeVersion | undefined): Dialect {
  return DIALECTS[version ?? '0.12'];
}

/** The variables of an auth type under Qwen Code 0.24 (the version that reads every type). */
export function variablesOf(type: QwenCodeAuthType): TypeVariables {
  return QWEN_CODE_024.variables[type]!;
}

/** Every variable of a type, key first, for messages (`vertex-ai` also names GOOGLE_CLOUD_PROJECT). */
export function allVariablesOf(type: QwenCodeAuthType): string[] {
  const v = variablesOf(type);
  return [...v.apiKey, ...v.baseUrl, ...v.model, ...(type === 'vertex-ai' ? ['GOOGLE_CLOUD_PROJECT'] : [])];
}
