/**
 * The API-key results, built in one place for the three types: their values
 * and sources, the request side (`getToken`, `invalidate`, `fetch`, `check`)
 * over a key that re-reads the configuration once after a rejection, and a
 * redacted face for `util.inspect` and JSON.
 */
import type { Diagnostic } from '../diagnostics.js';
import type { RemedyWording } from '../errors.js';
import type { ProviderRegistry } from '../providers/types.js';
import { redact, redactUrl, withRedactedView } from '../redact.js';
import { checkWireFor } from './endpoints.js';
import { type ApiKeyProvider, apiKeyProvider } from '../requests/api-key-provider.js';
import { requestMethods } from '../requests/request-methods.js';
import type { AuthRequests, KeyHeader } from '../requests/types.js';
import type { EnvFileReport, EnvRecord, FetchLike, Provenance, ProviderMatch } from '../types.js';
import type { AnthropicAuth, ApiKeyAuth, OpenAIAuth, OpenAIResponsesAuth } from './types.js';

/** What every API-key result is built from, whichever mode resolved it. */
export interface ApiKeyResultInputs {
  readonly apiKey: string;
  readonly baseUrl: string;
  readonly model: string;
  readonly endpoint: string;
  readonly keyHeader: KeyHeader;
  readonly sources: {
    readonly authType: Provenance;
    readonly apiKey: Provenance;
    readonly baseUrl: Provenance;
    readonly model: Provenance;
  };
  readonly provider: ProviderMatch | undefined;
  readonly diagnostics: readonly Diagnostic[];
  readonly envFile: EnvFileReport | null;
  readonly qwenDir: string;
  /** Resolves the configuration again after a rejection: the key it now gives for the same endpoint, or undefined. */
  readonly reload: () => Promise<string | undefined>;
  /** The proxy variables model requests read. */
  readonly requestEnv: EnvRecord;
  /** The caller's transport (`options.fetch`), if any. */
  readonly transport?: FetchLike | undefined;
  readonly registry: ProviderRegistry;
  /** The wording of the reasons `auth.fetch` gives up with, and whether it probes (see `requestOptionsOf`). */
  readonly requests?: { readonly wording: RemedyWording; readonly probeOnFailure: boolean };
}

/** A URL without its user-info (`https://user:pw@host/v1` → `https://host/v1`): fetch refuses such URLs, and a field shows no password. */
function withoutUserInfo(url: string): string {
  return url.includes('@') ? url.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^/?#]*@/i, '$1') : url;
}

/** `text` with every whole `secret` in it redacted (a key used as the model name, or put into a URL). */
function hide(text: string, secret: string): string {
  return secret.length >= 4 && text.includes(secret) ? text.split(secret).join(redact(secret)) : text;
}

function build<T extends ApiKeyAuth>(type: T['type'], given: ApiKeyResultInputs): T {
  const inputs = { ...given, baseUrl: withoutUserInfo(given.baseUrl), endpoint: withoutUserInfo(given.endpoint) };
  // The request side (the key's re-read, the tracked credentials, the fetch) is built on the first
  // call of one of its methods: a resolve that only reads the values never compiles any of it.
  let key: ApiKeyProvider | undefined;
  let methods: AuthRequests | undefined;
  const requests = (): AuthRequests => {
    if (methods) return methods;
    key = apiKeyProvider({ key: inputs.apiKey, baseUrl: inputs.baseUrl, keyHeader: inputs.keyHeader, reload: inputs.reload });
    methods = requestMethods({
      provider: key,
      known: [inputs.apiKey],
      env: inputs.requestEnv,
      ...(inputs.transport && { transport: inputs.transport }),
      model: inputs.model,
      oauth: false,
      registry: inputs.registry,
      wire: checkWireFor(type),
      ...inputs.requests,
    });
    return methods;
  };
  const lazy: AuthRequests = {
    getToken: (o) => (methods ?? requests()).getToken(o),
    invalidate: (token) => (methods ?? requests()).invalidate(token),
    fetch: (input, init) => (methods ?? requests()).fetch(input, init),
    check: (o) => (methods ?? requests()).check(o),
  };
  const current = (): string => (key ? key.key : inputs.apiKey);
  const data = {
    type,
    baseUrl: inputs.baseUrl,
    model: inputs.model,
    endpoint: inputs.endpoint,
    keyHeader: inputs.keyHeader,
    sources: inputs.sources,
    envFile: inputs.envFile,
    provider: inputs.provider,
    diagnostics: Object.freeze([...inputs.diagnostics]),
    qwenDir: inputs.qwenDir,
  };
  // apiKey is the key in use now: a getter, so a key re-read after a rejection shows here too.
  const result = Object.defineProperties({ ...data, ...lazy }, { apiKey: { get: current, enumerable: true } }) as unknown as T;
  const { type: t, ...rest } = data;
  // A password in the base URL's (or endpoint's) user-info is redacted in the views, as the key is.
  // The key itself, wherever else it was put (the model, a URL's path or query), is redacted too.
  const view = (): object => ({
    type: t,
    apiKey: redact(current()),
    ...rest,
    model: hide(rest.model, current()),
    baseUrl: redactUrl(hide(rest.baseUrl, current())),
    endpoint: redactUrl(hide(rest.endpoint, current())),
  });
  return Object.freeze(withRedactedView(result, view));
}

/** The `openai` result (Chat Completions). */
export function openAIResult(inputs: ApiKeyResultInputs): OpenAIAuth {
  return build<OpenAIAuth>('openai', inputs);
}

/** The `openai-responses` result (Responses wire). */
export function openAIResponsesResult(inputs: ApiKeyResultInputs): OpenAIResponsesAuth {
  return build<OpenAIResponsesAuth>('openai-responses', inputs);
}

/** The `anthropic` result (Messages API; `fetch` puts the key in the header `keyHeader` names). */
export function anthropicResult(inputs: ApiKeyResultInputs): AnthropicAuth {
  return build<AnthropicAuth>('anthropic', inputs);
}
