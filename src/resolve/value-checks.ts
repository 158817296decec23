import { diagnostic } from '../diagnostics.js';
import { QwenAuthError, type RemedyWording } from '../errors.js';
import { isLoopbackHost, parseHttpUrl } from '../internal/url.js';
import { checkKeyForEndpoint } from '../providers/check.js';
import { discontinuedDiagnostic, toProviderMatch } from '../providers/match.js';
import type { ProviderRegistry } from '../providers/types.js';
import { redact, redactText, redactUrl } from '../redact.js';
import type { Diagnostic, ProviderMatch } from '../types.js';
import { type Chosen, describeSource } from './provenance.js';
import { matchTrustedGateway, type TrustedGateways } from './trusted-gateways.js';

/** The base URL as an absolute http(s) URL, or INVALID_BASE_URL naming its source. */
export function checkBaseUrl(chosen: Chosen, wording: RemedyWording): URL {
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

/** A key and base URL after the checks. */
export interface CheckedKeyAndBase {
  /** The key, trimmed. */
  readonly apiKey: string;
  /** The base URL, trimmed. */
  readonly baseUrl: string;
  readonly provider: ProviderMatch | undefined;
  readonly diagnostics: Diagnostic[];
}

/** What the checks need besides the values. */
export interface KeyAndBaseCheckInputs {
  readonly registry: ProviderRegistry;
  /** How messages name overrides. */
  readonly wording: RemedyWording;
  /** Endpoints whose keys are not checked. */
  readonly trustedGateways: TrustedGateways;
  /** The clock's reading, epoch ms (for dated registry facts). */
  readonly now: number;
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
 * another machine, the key against the endpoint's provider (unless a trusted
 * gateway), a discontinued provider; and the detected provider (by base URL,
 * else by key). One rule for every API-key type and both modes.
 */
export function checkKeyAndBase(apiKey: Chosen, baseUrl: Chosen, inputs: KeyAndBaseCheckInputs): CheckedKeyAndBase {
  const { registry, wording } = inputs;
  const diagnostics: Diagnostic[] = [];
  const url = checkBaseUrl(baseUrl, wording);
  let keyValue = apiKey.value;
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u0008\u000a-\u001f\u007f-\u009f]|[^\u0000-\u00ff]/.test(keyValue.trim())) {
    // Sent, such a key would be quoted whole by the HTTP stack's header error: refused here, redacted.
    const origin = describeSource(apiKey.provenance, { flags: wording.flags === true });
    throw new QwenAuthError(
      'INVALID_API_KEY',
      `The key ${redact(keyValue)} from ${origin} holds a line break, NUL or another character no HTTP header can carry.`,
      {
        details: { value: redact(keyValue), origin },
      },
    );
  }
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
  const implied = registry.matchKey(keyValue).find((p) => p.impliedByKey && p.endpoints.length > 0);
  if (gateway) {
    diagnostics.push(
      diagnostic(
        'TRUSTED_GATEWAY',
        `${url.host} is a trusted gateway (${gateway}, from ${inputs.trustedGateways.origin}), so the key is not checked against the endpoint.`,
        {
          key: 'trustedGateways',
        },
      ),
    );
  } else if (inputs.keyEndpointMismatch && baseUrl.provenance.kind === 'default' && implied && baseMatch?.provider !== implied) {
    diagnostics.push(
      diagnostic(
        'KEY_ENDPOINT_MISMATCH',
        `No base URL is configured, so the key ${redact(keyValue)} goes to the default ${url.host}, as Qwen Code 0.24 sends it; ` +
          `the key belongs to ${implied.name}, whose endpoint is ${implied.endpoints[0]!.baseUrl}.`,
      ),
    );
  } else {
    diagnostics.push(...checkKeyForEndpoint(registry, keyValue, url.href, baseMatch, inputs.protocol));
  }
  let provider: ProviderMatch | undefined;
  if (baseMatch) provider = toProviderMatch(baseMatch.provider, 'base-url', baseMatch.endpoint);
  else {
    const owner = registry.matchKey(keyValue)[0];
    if (owner) provider = toProviderMatch(owner, 'key');
  }
  const discontinued = baseMatch && discontinuedDiagnostic(baseMatch.provider, inputs.now);
  if (discontinued) diagnostics.push(discontinued);
  return { apiKey: keyValue, baseUrl: baseUrl.value.trim(), provider, diagnostics };
}
