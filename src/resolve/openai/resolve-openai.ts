import { diagnostic } from '../../diagnostics.js';
import type { LayeredEnv } from '../../env/layered-env.js';
import { QwenAuthError, type RemedyWording } from '../../errors.js';
import { type Chosen, describeSource, isPresent } from '../provenance.js';
import { redact, redactText, redactUrl } from '../../redact.js';
import { isLoopbackHost, parseHttpUrl } from '../../internal/url.js';
import { checkKeyForEndpoint } from '../../providers/check.js';
import { discontinuedDiagnostic, toProviderMatch } from '../../providers/match.js';
import type { ProviderRegistry } from '../../providers/types.js';
import type { EffectiveSettings } from '../../settings/types.js';
import type { AuthOverrides, Diagnostic, ProviderMatch, Provenance } from '../../types.js';
import { buildChains } from './chains.js';
import { valuesFromLayers } from './values-from-layers.js';
import { selectModelProvider, valuesFromModelProvider } from './model-providers.js';
import type { MissingKey } from '../missing-key.js';
import { matchTrustedGateway, type TrustedGateways } from '../trusted-gateways.js';

export interface OpenAIInputs {
  readonly overrides: AuthOverrides;
  readonly env: LayeredEnv;
  readonly settings: EffectiveSettings;
  readonly registry: ProviderRegistry;
  /** How messages name overrides. */
  readonly wording: RemedyWording;
  /** Endpoints whose keys are not checked. */
  readonly trustedGateways: TrustedGateways;
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

/** The outcome: values, or what is known about the missing key (so callers can infer without throwing). */
export type OpenAIResolution =
  | { readonly ok: true; readonly values: OpenAIValues; readonly diagnostics: Diagnostic[] }
  | { readonly ok: false; readonly missing: MissingKey; readonly diagnostics: Diagnostic[] };

function checkBaseUrl(chosen: Chosen, wording: RemedyWording): URL {
  const url = parseHttpUrl(chosen.value.trim());
  if (!url) {
    const origin = describeSource(chosen.provenance, { flags: wording.flags === true });
    throw new QwenAuthError(
      'INVALID_BASE_URL',
      `The base URL ${JSON.stringify(redactText(redactUrl(chosen.value), 120))} from ${origin} is not an absolute http(s) URL.`,
      { details: { value: redactText(redactUrl(chosen.value), 120), origin } },
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
  const { overrides, env, settings, registry, wording } = inputs;
  const diagnostics: Diagnostic[] = [];
  const chains = buildChains(overrides, env, settings, diagnostics);
  const selected = selectModelProvider(overrides, settings, chains);
  const { apiKey, baseUrl, model, keyVariables } = selected
    ? valuesFromModelProvider(selected, chains, settings, env, diagnostics)
    : valuesFromLayers(chains, env, registry, diagnostics);

  if (selected) {
    // The entry decides alone: a key or base URL given as an override is dropped; say so.
    const at = `modelProviders.openai[${selected.entry.index}]`;
    for (const field of ['apiKey', 'baseUrl'] as const) {
      if (!isPresent(overrides[field])) continue;
      const name = describeSource({ kind: 'override', key: field }, { flags: wording.flags === true });
      diagnostics.push(
        diagnostic('OVERRIDE_IGNORED', `${name} is ignored: ${at} in ${settings.openaiProviders!.path} is selected by the model and decides the key and base URL alone.`, {
          key: field,
        }),
      );
    }
  }

  if (!apiKey) {
    return {
      ok: false,
      diagnostics,
      missing: {
        variables: keyVariables,
        settingsKeys: selected ? [] : ['security.auth.apiKey'],
        ...(selected && {
          entry: {
            at: `modelProviders.openai[${selected.entry.index}]`,
            path: settings.openaiProviders!.path,
            matched: selected.requested !== undefined && selected.requested.value === selected.entry.id,
          },
        }),
      },
    };
  }

  const url = checkBaseUrl(baseUrl, wording);
  let keyValue = apiKey.value;
  if (keyValue !== keyValue.trim()) {
    keyValue = keyValue.trim();
    const from = describeSource(apiKey.provenance, { flags: wording.flags === true });
    diagnostics.push(diagnostic('API_KEY_WHITESPACE', `The key ${redact(keyValue)} from ${from} has surrounding white space; it was trimmed.`));
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    diagnostics.push(diagnostic('INSECURE_BASE_URL', `The key would be sent over plain http to ${url.host}, which is not this machine. Use https.`));
  }

  const baseMatch = registry.matchBaseUrl(url.href);
  const gateway = matchTrustedGateway(url, inputs.trustedGateways.entries);
  if (gateway) {
    diagnostics.push(
      diagnostic('TRUSTED_GATEWAY', `${url.host} is a trusted gateway (${gateway}, from ${inputs.trustedGateways.origin}), so the key is not checked against the endpoint.`, {
        key: 'trustedGateways',
      }),
    );
  } else {
    diagnostics.push(...checkKeyForEndpoint(registry, keyValue, url.href, baseMatch));
  }
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
