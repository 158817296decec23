import { diagnostic } from '../diagnostics.js';
import { QwenAuthError } from '../errors.js';
import { isLoopbackHost, parseHttpUrl } from '../internal/url.js';
import { checkKeyForEndpoint } from '../providers/check.js';
import type { ProviderRegistry, RegistryMatch } from '../providers/types.js';
import { redact, redactUrl } from '../redact.js';
import type { Diagnostic, ProviderMatch, ValueSource } from '../types.js';
import type { Chosen } from './provenance.js';

/** A registry match as the result reports it. */
export function toProviderMatch(m: RegistryMatch, matchedBy: ProviderMatch['matchedBy']): ProviderMatch {
  return {
    id: m.provider.id,
    name: m.provider.name,
    ...(m.endpoint && { region: m.endpoint.region }),
    plan: m.provider.plan,
    status: m.provider.status,
    matchedBy,
  };
}

/** Where a value came from, for error messages. */
export function describeOrigin(source: ValueSource): string {
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

/** The base URL as an absolute http(s) URL, or INVALID_BASE_URL naming its source. */
export function checkBaseUrl(chosen: Chosen): URL {
  const url = parseHttpUrl(chosen.value.trim());
  if (!url) {
    throw new QwenAuthError(
      'INVALID_BASE_URL',
      `The base URL ${JSON.stringify(redactUrl(chosen.value))} from ${describeOrigin(chosen.provenance)} is not an absolute http(s) URL.`,
      { details: { value: redactUrl(chosen.value), origin: describeOrigin(chosen.provenance) } },
    );
  }
  return url;
}

/** A key and base URL after the checks. */
export interface CheckedKeyAndBase {
  /** The key, trimmed. */
  readonly apiKey: string;
  /** The base URL, trimmed. */
  readonly baseUrl: string;
  readonly provider: ProviderMatch | undefined;
  readonly diagnostics: Diagnostic[];
}

export interface CheckOptions {
  /**
   * Qwen Code 0.24 (spec 0.24 §2 rule 12): a built-in default base URL
   * while the key's prefix implies another provider's endpoint is
   * KEY_ENDPOINT_MISMATCH (the key goes where Qwen Code sends it).
   */
  readonly keyEndpointMismatch?: boolean;
  /** Which wire the endpoints of a mismatch message are listed for (default `openai`). */
  readonly protocol?: 'openai' | 'anthropic';
}

/**
 * The checks on a chosen key and base URL, before any request: an absolute
 * http(s) URL (INVALID_BASE_URL), white space around the key, plain http to
 * another machine, the key against the endpoint's provider, a discontinued
 * provider; and the detected provider (by base URL, else by key).
 */
export function checkKeyAndBase(apiKey: Chosen, baseUrl: Chosen, registry: ProviderRegistry, options: CheckOptions = {}): CheckedKeyAndBase {
  const diagnostics: Diagnostic[] = [];
  const url = checkBaseUrl(baseUrl);
  let keyValue = apiKey.value;
  if (keyValue !== keyValue.trim()) {
    keyValue = keyValue.trim();
    diagnostics.push(diagnostic('API_KEY_WHITESPACE', `The key ${redact(keyValue)} from ${describeOrigin(apiKey.provenance)} has surrounding white space; it was trimmed.`));
  }
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    diagnostics.push(diagnostic('INSECURE_BASE_URL', `The key would be sent over plain http to ${url.host}, which is not this machine. Use https.`));
  }

  const baseMatch = registry.matchBaseUrl(url.href);
  const implied = registry.matchKey(keyValue).find((p) => p.impliedByKey && p.endpoints.length > 0);
  if (options.keyEndpointMismatch && baseUrl.provenance.kind === 'default' && implied && baseMatch?.provider !== implied) {
    const endpoint = implied.endpoints[0]!.baseUrl;
    diagnostics.push(
      diagnostic(
        'KEY_ENDPOINT_MISMATCH',
        `No base URL is configured, so the key ${redact(keyValue)} goes to the default ${url.host}, as Qwen Code 0.24 sends it; ` +
          `the key belongs to ${implied.name}, whose endpoint is ${endpoint}.`,
      ),
    );
  } else {
    diagnostics.push(...checkKeyForEndpoint(registry, keyValue, url.href, baseMatch, options.protocol));
  }
  let provider: ProviderMatch | undefined;
  if (baseMatch) provider = toProviderMatch(baseMatch, 'base-url');
  else {
    const owner = registry.matchKey(keyValue)[0];
    if (owner) provider = toProviderMatch({ provider: owner }, 'key');
  }
  if (baseMatch?.provider.status === 'discontinued') {
    diagnostics.push(diagnostic('PROVIDER_DISCONTINUED', `${baseMatch.provider.name} was discontinued${baseMatch.provider.discontinuedOn ? ` on ${baseMatch.provider.discontinuedOn}` : ''}.`));
  }
  return { apiKey: keyValue, baseUrl: baseUrl.value.trim(), provider, diagnostics };
}
