import type { LayeredEnv } from '../env/layered-env.js';
import { QwenAuthError } from '../errors.js';
import {
  type Candidate,
  type Chosen,
  choose,
  envCandidate,
  isPresent,
  overrideCandidate,
  presentSources,
  settingCandidate,
} from '../internal/candidates.js';
import { redact, redactUrl } from '../internal/redact.js';
import { isLoopbackHost, parseHttpUrl } from '../internal/url.js';
import { checkKeyForEndpoint } from '../providers/check.js';
import type { ProviderRegistry, RegistryMatch } from '../providers/types.js';
import type { EffectiveSettings, ModelProviderEntry } from '../settings/types.js';
import type { AuthOverrides, Diagnostic, ProviderMatch, Provenance, ValueSource } from '../types.js';

/** Base URL when nothing configures one. */
export const DEFAULT_OPENAI_BASE_URL = 'https://dashscope.aliyuncs.com/compatible-mode/v1';
/** Model when nothing configures one. */
export const DEFAULT_OPENAI_MODEL = 'qwen3.5-plus';
/** Base URL of a `modelProviders` entry that has none. */
export const MODEL_PROVIDER_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

export interface OpenAIInputs {
  readonly overrides: AuthOverrides;
  readonly env: LayeredEnv;
  readonly settings: EffectiveSettings;
  readonly registry: ProviderRegistry;
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

function toMatch(m: RegistryMatch, matchedBy: ProviderMatch['matchedBy']): ProviderMatch {
  return {
    id: m.provider.id,
    name: m.provider.name,
    ...(m.endpoint && { region: m.endpoint.region }),
    plan: m.provider.plan,
    status: m.provider.status,
    matchedBy,
  };
}

function describe(source: ValueSource): string {
  switch (source.kind) {
    case 'override':
      return `overrides.${source.key ?? ''}`;
    case 'env':
      return `the environment variable ${source.name ?? ''}`;
    case 'env-file':
      return `${source.name ?? ''} in ${source.path ?? ''}`;
    case 'settings':
      return `${source.key ?? ''} in ${source.path ?? 'settings'}`;
    default:
      return source.detail ?? source.kind;
  }
}

function checkBaseUrl(chosen: Chosen): URL {
  const url = parseHttpUrl(chosen.value.trim());
  if (!url) {
    throw new QwenAuthError(
      'INVALID_BASE_URL',
      `The base URL ${JSON.stringify(redactUrl(chosen.value))} from ${describe(chosen.provenance)} is not an absolute http(s) URL.`,
      { details: { value: redactUrl(chosen.value), origin: describe(chosen.provenance) } },
    );
  }
  return url;
}

/** The `modelProviders.openai` entry that decides, if any (section 4, "Providers from settings"). */
function selectEntry(
  inputs: OpenAIInputs,
  keyChain: readonly Candidate[],
  baseChain: readonly Candidate[],
): { entry: ModelProviderEntry & { index: number }; requested: Candidate | undefined } | undefined {
  const entries = inputs.settings.openaiProviders?.value;
  if (!entries || entries.length === 0) return undefined;
  const requested = [
    overrideCandidate(inputs.overrides.model, 'model'),
    settingCandidate(inputs.settings.modelName, 'model.name'),
  ].find((c) => typeof c.value === 'string' && c.value !== '');
  const matched = requested && entries.find((e) => e.id === requested.value);
  if (matched) return { entry: matched, requested };
  const hasOwnCredentials = keyChain.some((c) => isPresent(c.value)) || baseChain.some((c) => isPresent(c.value));
  return hasOwnCredentials ? undefined : { entry: entries[0]!, requested };
}

/**
 * Section 4 of the resolution rules: the key, base URL and model of the
 * OpenAI-compatible method, each the first present value of its chain, with
 * provenance; then the provider match and the key/endpoint checks.
 * Throws only INVALID_BASE_URL; a missing key is returned, not thrown.
 */
export function resolveOpenAI(inputs: OpenAIInputs): OpenAIResolution {
  const { overrides, env, settings, registry } = inputs;
  const diagnostics: Diagnostic[] = [];
  const settingsFiles = settings.files.map((f) => f.path);

  const baseChain: Candidate[] = [
    overrideCandidate(overrides.baseUrl, 'baseUrl'),
    envCandidate(env, 'OPENAI_BASE_URL', diagnostics),
    settingCandidate(settings.baseUrl, 'security.auth.baseUrl'),
  ];
  const keyHead: Candidate[] = [
    overrideCandidate(overrides.apiKey, 'apiKey'),
    envCandidate(env, 'OPENAI_API_KEY', diagnostics),
  ];
  const keyTail = settingCandidate(settings.apiKey, 'security.auth.apiKey');
  const modelChain: Candidate[] = [
    overrideCandidate(overrides.model, 'model'),
    envCandidate(env, 'OPENAI_MODEL', diagnostics),
    envCandidate(env, 'QWEN_MODEL', diagnostics),
    settingCandidate(settings.modelName, 'model.name'),
  ];

  const selected = selectEntry(inputs, [...keyHead, keyTail], baseChain);
  let apiKey: Chosen | undefined;
  let baseUrl: Chosen;
  let model: Chosen;
  let keyVariables: string[];

  if (selected) {
    const { entry } = selected;
    const at = `modelProviders.openai[${entry.index}]`;
    const origin = { kind: 'settings', path: settings.openaiProviders!.path, scope: settings.openaiProviders!.scope } as const;
    const variable = entry.envKey ?? 'OPENAI_API_KEY';
    keyVariables = [variable];
    const own = envCandidate(env, variable, diagnostics);
    const viaEntry: Candidate = { ...own, source: { ...own.source, detail: `${at}.envKey` } };
    const others = [...keyHead, keyTail].filter((c) => c.source.name !== variable);
    const chosenKey = choose([viaEntry]);
    apiKey = chosenKey && {
      value: chosenKey.value,
      provenance: { ...chosenKey.provenance, shadowed: [...chosenKey.provenance.shadowed, ...presentSources(others)] },
    };
    baseUrl = {
      value: entry.baseUrl && isPresent(entry.baseUrl) ? entry.baseUrl : MODEL_PROVIDER_DEFAULT_BASE_URL,
      provenance: {
        ...(entry.baseUrl && isPresent(entry.baseUrl)
          ? { ...origin, key: `${at}.baseUrl` }
          : { kind: 'default' as const, detail: `${at} has no baseUrl` }),
        shadowed: presentSources(baseChain),
      },
    };
    // The entry is chosen by the requested model when it matches, and then the
    // request is the model's source; otherwise the first entry stands in.
    const byRequest = selected.requested?.value === entry.id ? selected.requested : undefined;
    model = {
      value: entry.id,
      provenance: {
        ...(byRequest ? { ...byRequest.source, detail: `selects ${at}` } : { ...origin, key: `${at}.id` }),
        shadowed: presentSources(
          byRequest
            ? modelChain.filter((c) => c.source.kind !== byRequest.source.kind || c.source.key !== byRequest.source.key)
            : modelChain,
        ),
      },
    };
  } else {
    const explicitBase = choose(baseChain);
    const explicitMatch = explicitBase && registry.matchBaseUrl(explicitBase.value);
    const providerVars = (explicitMatch?.provider.envKeys ?? []).filter((v) => v !== 'OPENAI_API_KEY');
    const keyChain = [...keyHead, ...providerVars.map((v) => envCandidate(env, v, diagnostics)), keyTail];
    keyVariables = ['OPENAI_API_KEY', ...providerVars];
    apiKey = choose(keyChain);

    let implied: Candidate | undefined;
    if (apiKey && !explicitBase) {
      const owner = registry.matchKey(apiKey.value).find((p) => p.impliedByKey && p.endpoints.length > 0);
      if (owner) {
        implied = {
          value: owner.endpoints[0]!.baseUrl,
          source: { kind: 'provider-default', provider: owner.id, detail: 'implied by the key prefix' },
        };
        diagnostics.push({
          code: 'ENDPOINT_IMPLIED_BY_KEY',
          level: 'info',
          message: `No base URL is configured and the key ${redact(apiKey.value)} belongs to ${owner.name}, so ${owner.endpoints[0]!.baseUrl} is used. Set OPENAI_BASE_URL to choose another endpoint.`,
        });
      }
    }
    baseUrl = choose([
      ...baseChain,
      ...(implied ? [implied] : []),
      { value: DEFAULT_OPENAI_BASE_URL, source: { kind: 'default' } },
    ])!;

    const finalMatch = registry.matchBaseUrl(baseUrl.value);
    const providerModel = finalMatch?.provider.defaultModel;
    model = choose([
      ...modelChain,
      ...(providerModel
        ? [{ value: providerModel, source: { kind: 'provider-default', provider: finalMatch.provider.id } } as Candidate]
        : []),
      { value: DEFAULT_OPENAI_MODEL, source: { kind: 'default' } },
    ])!;
  }

  if (!apiKey) {
    const settingsKeys = selected ? [] : ['security.auth.apiKey'];
    return {
      ok: false,
      diagnostics,
      error: new QwenAuthError(
        'MISSING_API_KEY',
        `No API key found for the OpenAI-compatible method. Checked ${keyVariables.join(', ')}` +
          `${settingsKeys.length > 0 ? `, ${settingsKeys.join(', ')}` : ''}` +
          `${selected ? ` (required by modelProviders.openai[${selected.entry.index}] in ${settings.openaiProviders!.path})` : ''}` +
          ` and the files ${[...inputs.checkedFiles, ...settingsFiles].join(', ') || '(none)'}.`,
        {
          details: { variables: keyVariables, files: [...inputs.checkedFiles, ...settingsFiles], settingsKeys },
          ...(selected && { remedy: `Set ${keyVariables[0]} in the environment or a .env file.` }),
        },
      ),
    };
  }

  const url = checkBaseUrl(baseUrl);
  let keyValue = apiKey.value;
  if (keyValue !== keyValue.trim()) {
    keyValue = keyValue.trim();
    diagnostics.push({
      code: 'API_KEY_WHITESPACE',
      level: 'warning',
      message: `The key ${redact(keyValue)} from ${describe(apiKey.provenance)} has surrounding white space; it was trimmed.`,
    });
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    diagnostics.push({
      code: 'INSECURE_BASE_URL',
      level: 'warning',
      message: `The key would be sent over plain http to ${url.host}, which is not this machine. Use https.`,
    });
  }

  const baseMatch = registry.matchBaseUrl(url.href);
  diagnostics.push(...checkKeyForEndpoint(registry, keyValue, url.href, baseMatch));
  let provider: ProviderMatch | undefined;
  if (baseMatch) provider = toMatch(baseMatch, 'base-url');
  else {
    const owner = registry.matchKey(keyValue)[0];
    if (owner) provider = toMatch({ provider: owner }, 'key');
  }
  if (baseMatch?.provider.status === 'discontinued') {
    diagnostics.push({
      code: 'PROVIDER_DISCONTINUED',
      level: 'warning',
      message: `${baseMatch.provider.name} was discontinued${baseMatch.provider.discontinuedOn ? ` on ${baseMatch.provider.discontinuedOn}` : ''}.`,
    });
  }

  return {
    ok: true,
    diagnostics,
    values: {
      apiKey: keyValue,
      baseUrl: baseUrl.value.trim(),
      model: model.value,
      sources: { apiKey: apiKey.provenance, baseUrl: baseUrl.provenance, model: model.provenance },
      provider,
    },
  };
}
