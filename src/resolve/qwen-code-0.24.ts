/**
 * Qwen Code 0.24's table (qwen-code-0.24.md; settings-layers.md for the
 * layers and trust), and the steps only it takes: the wire switch and the
 * Anthropic base URL rule. Loaded on first use (dialects.ts), so the default
 * mode's import stays light; the algorithm that reads it is the one the
 * default mode uses. Its steps are fields of the table: `inferByRules`,
 * `homeEnvBeforeSettings`, `switchWire`, `requireBaseUrl`.
 */
import { join, normalize } from 'node:path';
import type { EnvCandidate, LayeredEnv } from '../env/layered-env.js';
import type { LoadedEnvFile } from '../env/load.js';
import type { QwenHome } from '../env/qwen-home.js';
import { overrideName, QwenAuthError, type RemedyWording } from '../errors.js';
import type { Diagnostic, EnvRecord, QwenCodeAuthType } from '../types.js';
import type { EffectiveSettings, ProviderEntry } from '../settings/types.js';
import { type Chosen, envCandidate } from './provenance.js';
import { entryKey, type EntriesByType, providerProtocolOf } from './provider-protocols.js';
import { messagesEndpoint, responsesEndpoint } from './endpoints.js';
import type { KeyHeader } from '../requests/types.js';
import { CHAT, DASHSCOPE_BASE_URL, type Dialect, OPENAI_SDK_BASE_URL, type RequireBaseUrl, type TypeVariables } from './dialects.js';

/**
 * The wire switch (0.24 §1.5.2): a
 * requested model declared only on the other OpenAI wire switches `openai` ↔
 * `openai-responses`. Candidates are the entries with that id of the current
 * type, or of either wire when the entry says so (`wireApi`, or an id routed
 * to `openai-responses`); the current type is preferred, and with
 * `model.baseUrl`, the entries with that base URL.
 */
function switchWire(
  type: string,
  id: string | undefined,
  pinned: string | null | undefined,
  byType: EntriesByType,
  settings: EffectiveSettings,
): { type: string; because?: ProviderEntry } {
  if (id === undefined || (type !== 'openai' && type !== 'openai-responses')) return { type };
  const candidates = byType.all.filter(
    (t) =>
      t.entry.id === id &&
      (t.protocol === type ||
        ((t.entry.wireApi !== undefined || providerProtocolOf(t.entry.provider, settings) === 'openai-responses') &&
          (t.protocol === 'openai' || t.protocol === 'openai-responses'))),
  );
  const preferred = (list: typeof candidates) => list.find((t) => t.protocol === type) ?? list[0];
  const exact = pinned === undefined ? undefined : preferred(candidates.filter((t) => (t.entry.baseUrl || null) === (pinned || null)));
  const pick = exact ?? preferred(candidates);
  if (!pick || pick.protocol === type) return { type };
  return { type: pick.protocol, because: pick.entry };
}

/** `qwen3.7-max`: Qwen Code 0.24's default model for `openai`. */
const QWEN_CODE_024_DEFAULT_OPENAI_MODEL = 'qwen3.7-max';
/** What Qwen Code 0.24 sends when an auth type has no default model. */
const QWEN_CODE_024_FALLBACK_MODEL = 'coder-model';

/**
 * The variables of every auth type Qwen Code 0.24 knows (it reads them all):
 * the 0.24 dialect's table, and what the default mode names when it refuses
 * one of those types (qwen-code-0.24.md §1.4). The Responses wire's base
 * URL is the OpenAI SDK's, with or without an entry; anthropic has none (the
 * dialect's `requireBaseUrl` asks for one).
 */
export const KNOWN_TYPES: Readonly<Record<QwenCodeAuthType, TypeVariables>> = {
  openai: {
    apiKey: ['OPENAI_API_KEY'],
    baseUrl: ['OPENAI_BASE_URL'],
    model: ['OPENAI_MODEL', 'QWEN_MODEL'],
    defaultModel: QWEN_CODE_024_DEFAULT_OPENAI_MODEL,
    defaultBaseUrl: DASHSCOPE_BASE_URL,
    entryDefaultBaseUrl: OPENAI_SDK_BASE_URL,
  },
  'openai-responses': {
    apiKey: ['OPENAI_API_KEY'],
    baseUrl: ['OPENAI_BASE_URL'],
    model: ['OPENAI_MODEL'],
    defaultModel: QWEN_CODE_024_FALLBACK_MODEL,
    defaultBaseUrl: OPENAI_SDK_BASE_URL,
    entryDefaultBaseUrl: OPENAI_SDK_BASE_URL,
  },
  anthropic: { apiKey: ['ANTHROPIC_API_KEY'], baseUrl: ['ANTHROPIC_BASE_URL'], model: ['ANTHROPIC_MODEL'], defaultModel: QWEN_CODE_024_FALLBACK_MODEL },
  gemini: { apiKey: ['GEMINI_API_KEY'], baseUrl: [], model: ['GEMINI_MODEL'], defaultModel: QWEN_CODE_024_FALLBACK_MODEL },
  'vertex-ai': { apiKey: ['GOOGLE_API_KEY'], baseUrl: [], model: ['GOOGLE_MODEL'], defaultModel: QWEN_CODE_024_FALLBACK_MODEL },
  'qwen-oauth': { apiKey: [], baseUrl: [], model: [], defaultModel: QWEN_CODE_024_FALLBACK_MODEL },
};

/** The variables of an auth type Qwen Code 0.24 knows. */
export function variablesOf(type: QwenCodeAuthType): TypeVariables {
  return KNOWN_TYPES[type];
}

/** Every variable of a type, key first, for messages (`vertex-ai` also names GOOGLE_CLOUD_PROJECT). */
export function allVariablesOf(type: QwenCodeAuthType): string[] {
  const v = variablesOf(type);
  return [...v.apiKey, ...v.baseUrl, ...v.model, ...(type === 'vertex-ai' ? ['GOOGLE_CLOUD_PROJECT'] : [])];
}

/**
 * Qwen Code 0.24's validateAuthMethod for anthropic, the one type without a
 * default base URL: an entry needs its own `baseUrl`; without an entry,
 * ANTHROPIC_BASE_URL (security.auth.baseUrl and the override do not count).
 * validateAuthMethod checks the key first, so with `keyMissing` this returns
 * `undefined` and the missing key is reported.
 * `security.auth.useExternal` skips validateAuthMethod (settings-layers.md §4),
 * but a base URL is still needed: the auth refresh's check then reports every
 * missing value at once (the key's message, then the base URL's), and the
 * missing base URL is the error, whether or not the key is missing too.
 */
const requireBaseUrl: RequireBaseUrl = (settings, env, type, entry, base, keyMissing) => {
  if (type !== 'anthropic') return base;
  if (settings.useExternal?.value === true) {
    if (base) return base;
    throw new QwenAuthError(
      'MISSING_BASE_URL',
      `No base URL for ${type}: security.auth.useExternal (in ${settings.useExternal.path}) skips Qwen Code's checks, but no entry baseUrl, override, ANTHROPIC_BASE_URL or security.auth.baseUrl gives one.${keyMissing ? ' No API key was found either (Qwen Code 0.24 reports both).' : ''}`,
      { details: { authType: type, variables: ['ANTHROPIC_BASE_URL'], ...(entry && { entry: entryKey(entry) }), ...(keyMissing && { keyMissing: true }) } },
    );
  }
  if (keyMissing) return undefined;
  if (entry && !entry.baseUrl) {
    throw new QwenAuthError(
      'MISSING_BASE_URL',
      `${entryKey(entry)} in ${entry.path} has no baseUrl, which an Anthropic-compatible entry requires (Qwen Code 0.24: "Anthropic provider missing required baseUrl").`,
      { details: { authType: 'anthropic', variables: ['ANTHROPIC_BASE_URL'], entry: entryKey(entry) } },
    );
  }
  if (!entry && !env.value('ANTHROPIC_BASE_URL')) {
    throw new QwenAuthError(
      'MISSING_BASE_URL',
      'ANTHROPIC_BASE_URL is not set, and no modelProviders entry gives a baseUrl; Qwen Code 0.24 requires it even when security.auth.baseUrl or --openai-base-url is set.',
      { details: { authType: 'anthropic', variables: ['ANTHROPIC_BASE_URL'] } },
    );
  }
  return base;
};

/** Qwen Code tests inference variables for being set (non-empty), not for content. */
const set = (c: EnvCandidate | undefined): c is EnvCandidate => c !== undefined && c.value !== '';

/** Qwen Code 0.24's inference (§1.3): the first rule of `inference` whose variables are all set, its first variable the evidence. */
function infer(env: LayeredEnv, diagnostics: Diagnostic[]): Chosen | undefined {
  for (const [type, alternatives] of QWEN_CODE_024.inference) {
    const names = alternatives.find((list) => list.every((n) => set(env.get(n))));
    if (!names) continue;
    // The first variable is the evidence; the others are named in the detail.
    envCandidate(env, names[0]!, diagnostics);
    const evidence = env.get(names[0]!)!.source;
    return { value: type, provenance: { ...evidence, detail: `inferred: ${names.join(', ')} ${names.length > 1 ? 'are' : 'is'} set`, shadowed: [] } };
  }
  return undefined;
}

/** NO_AUTH_TYPE: nothing selects a type and the dialect's rules infer none (0.24: a key alone is not enough). */
function none(wording: RemedyWording, settingsFiles: readonly { readonly path: string }[]): QwenAuthError<'NO_AUTH_TYPE'> {
  const dialect = QWEN_CODE_024;
  const checked = [
    overrideName('authType', wording, 'the auth type the program passed'),
    ...settingsFiles.map((f) => `security.auth.selectedType in ${f.path}`),
    ...dialect.inference.map(([, , words]) => words),
  ];
  return new QwenAuthError(
    'NO_AUTH_TYPE',
    `No auth type is selected, and ${dialect.label} infers none from the environment (a key alone is not enough). Checked: ${checked.join('; ')}.`,
    { details: { checked } },
  );
}

/**
 * What `$VAR` references in Qwen Code 0.24's settings see (it loads the home
 * `.env` files first): the real environment, then the values of
 * `<qwenDir>/.env` and (when `QWEN_HOME` is not set anywhere) `~/.env` for
 * names the environment does not define.
 */
function homeEnvBeforeSettings(realEnv: EnvRecord, files: readonly LoadedEnvFile[], home: QwenHome, homeDir: string): EnvRecord {
  const paths = [normalize(join(home.qwenDir, '.env')), ...(home.source.kind === 'default' ? [normalize(join(homeDir, '.env'))] : [])];
  const out: Record<string, string | undefined> = {};
  for (const path of paths) {
    const values = files.find((f) => f.file.path === path)?.values;
    for (const [name, value] of Object.entries<string>(values ?? {})) {
      if (!Object.hasOwn(realEnv, name) && !Object.hasOwn(out, name)) out[name] = value;
    }
  }
  return { ...out, ...realEnv };
}

/**
 * Where an Anthropic-compatible key travels: `x-api-key` on Anthropic's own
 * hosts (`api.anthropic.com`, `*.anthropic.com`), `Authorization: Bearer`
 * everywhere else (Qwen Code 0.24 treats other hosts as proxies).
 */
function anthropicKeyHeader(baseUrl: string): KeyHeader {
  try {
    const host = new URL(baseUrl).hostname.toLowerCase();
    return host === 'api.anthropic.com' || host.endsWith('.anthropic.com') ? 'x-api-key' : 'authorization';
  } catch {
    return 'authorization';
  }
}

export const QWEN_CODE_024: Dialect = {
  version: '0.24',
  label: 'Qwen Code 0.24',
  resolves: ['openai', 'openai-responses', 'anthropic'],
  variables: KNOWN_TYPES,
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
  missingKeyRemedy: {
    plain: 'Set {variable} in the environment or a .env file, or security.auth.apiKey in settings.json{orFlag}.',
    entry: 'Set {variable} in the environment or a .env file (e.g. ~/.qwen/.env), or in settings.json "env".',
  },
  layers: {
    envFiles: 'project-and-home',
    emptyIsUnset: true,
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
    'openai-responses': { endpoint: responsesEndpoint, protocol: 'openai' },
    anthropic: { endpoint: messagesEndpoint, keyHeader: anthropicKeyHeader, protocol: 'anthropic' },
  },
  inferByRules: { infer, none },
  homeEnvBeforeSettings,
  switchWire,
  requireBaseUrl,
};
