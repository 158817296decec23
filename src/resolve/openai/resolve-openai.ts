import { diagnostic } from '../../diagnostics.js';
import type { LayeredEnv } from '../../env/layered-env.js';
import { QwenAuthError } from '../../errors.js';
import { type Chosen, describeSource } from '../provenance.js';
import { redact, redactUrl } from '../../redact.js';
import { isLoopbackHost, parseHttpUrl } from '../../internal/url.js';
import { checkKeyForEndpoint } from '../../providers/check.js';
import { discontinuedDiagnostic, toProviderMatch } from '../../providers/match.js';
import type { ProviderRegistry } from '../../providers/types.js';
import type { EffectiveSettings } from '../../settings/types.js';
import type { AuthOverrides, Diagnostic, ProviderMatch, Provenance } from '../../types.js';
import { buildChains } from './chains.js';
import { valuesFromLayers } from './values-from-layers.js';
import { selectModelProvider, valuesFromModelProvider } from './model-providers.js';


export interface OpenAIInputs {
  readonly overrides: AuthOverrides;
  readonly env: LayeredEnv;
  readonly settings: EffectiveSettings;
  readonly registry: ProviderRegistry;
  /** Files that were looked at, for error messages (the `.env` candidates and settings files). */
  readonly checkedFiles: readonly string[];
  /** The clock's reading, epoch ms (for dated registry facts). */
  readonly now: number;
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

function checkBaseUrl(chosen: Chosen): URL {
  const url = parseHttpUrl(chosen.value.trim());
  if (!url) {
    throw new QwenAuthError(
      'INVALID_BASE_URL',
      `The base URL ${JSON.stringify(redactUrl(chosen.value))} from ${describeSource(chosen.provenance)} is not an absolute http(s) URL.`,
      { details: { value: redactUrl(chosen.value), origin: describeSource(chosen.provenance) } },
    );
  }
  return url;
}

/**
 * Section 4 of the resolution rules: the key, base URL and model of the
 * OpenAI-compatible method, each the first present value of its chain, with
 * provenance — from a `modelProviders` entry when one decides, from the
 * layers otherwise; then the checks on what was chosen.
 * Throws only INVALID_BASE_URL; a missing key is returned, not thrown.
 */
export function resolveOpenAI(inputs: OpenAIInputs): OpenAIResolution {
  const { overrides, env, settings, registry } = inputs;
  const diagnostics: Diagnostic[] = [];
  const settingsFiles = settings.files.map((f) => f.path);
  const chains = buildChains(overrides, env, settings, diagnostics);
  const selected = selectModelProvider(overrides, settings, chains);
  const { apiKey, baseUrl, model, keyVariables } = selected
    ? valuesFromModelProvider(selected, chains, settings, env, diagnostics)
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
          `${selected ? ` (required by modelProviders.openai[${selected.entry.index}] in ${settings.openaiProviders!.path})` : ''}` +
          ` and the files ${[...inputs.checkedFiles, ...settingsFiles].join(', ') || '(none)'}.`,
        {
          details: { variables: [...keyVariables], files: [...inputs.checkedFiles, ...settingsFiles], settingsKeys },
          ...(selected && { remedy: `Set ${keyVariables[0]} in the environment or a .env file.` }),
        },
      ),
    };
  }

  const url = checkBaseUrl(baseUrl);
  let keyValue = apiKey.value;
  if (keyValue !== keyValue.trim()) {
    keyValue = keyValue.trim();
    diagnostics.push(diagnostic('API_KEY_WHITESPACE', `The key ${redact(keyValue)} from ${describeSource(apiKey.provenance)} has surrounding white space; it was trimmed.`));
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    diagnostics.push(diagnostic('INSECURE_BASE_URL', `The key would be sent over plain http to ${url.host}, which is not this machine. Use https.`));
  }

  const baseMatch = registry.matchBaseUrl(url.href);
  diagnostics.push(...checkKeyForEndpoint(registry, keyValue, url.href, baseMatch));
  let provider: ProviderMatch | undefined;
  if (baseMatch) provider = toProviderMatch(baseMatch.provider, 'base-url', baseMatch.endpoint);
  else {
    const owner = registry.matchKey(keyValue)[0];
    if (owner) provider = toProviderMatch(owner, 'key');
  }
  const discontinued = baseMatch && discontinuedDiagnostic(baseMatch.provider, inputs.now);
  if (discontinued) diagnostics.push(discontinued);

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
