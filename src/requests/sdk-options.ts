/**
 * Options for the three common SDKs, as plain objects: qwen-auth depends on
 * none of them. Each hands the SDK the auth's own `fetch`, which sets a
 * fresh credential on every request to the endpoint and refreshes and
 * replays once on a 401, which none of the SDKs does.
 */
import { isAuthError } from '../errors.js';
import type { FetchLike } from '../types.js';
import { NO_CREDENTIAL } from './credential-source.js';
import type { GetTokenOptions } from './types.js';

/** What the helpers read from a resolved auth. */
export interface SdkAuth {
  readonly baseUrl: string;
  readonly model: string;
  getToken(options?: GetTokenOptions): Promise<string>;
  readonly fetch: FetchLike;
}

/** Options for `new OpenAI(...)` (openai ≥ 5.18: `apiKey` may be a function, called before every attempt). */
export interface OpenAIClientOptions {
  readonly apiKey: () => Promise<string>;
  readonly baseURL: string;
  readonly fetch: FetchLike;
}

/** Settings for the AI SDK's `createOpenAICompatible(...)`: no static `apiKey`, the fetch owns `Authorization`. */
export interface OpenAICompatibleSettings {
  readonly name: string;
  readonly baseURL: string;
  readonly fetch: FetchLike;
}

/** Fields for LangChain's `new ChatOpenAI(...)` (`apiKey` as a function is passed on to openai). */
export interface ChatOpenAIFields {
  readonly model: string;
  readonly apiKey: () => Promise<string>;
  readonly configuration: { readonly baseURL: string; readonly fetch: FetchLike };
}

/**
 * The SDK's `apiKey` function. A login that cannot be renewed does not throw
 * here (LangChain would retry the wrapped error six times, and the openai
 * SDK would hide the reason behind its own message): the auth's fetch then
 * answers the request itself with a 401 carrying the reason, which no SDK
 * retries and `findAuthError()` finds.
 */
function apiKeyOf(auth: SdkAuth): () => Promise<string> {
  return () =>
    auth.getToken().catch((error: unknown) => {
      if (isAuthError(error, 'LOGIN_REQUIRED')) return NO_CREDENTIAL;
      throw error;
    });
}

/** `new OpenAI(openAIClientOptions(auth))`. */
export function openAIClientOptions(auth: SdkAuth): OpenAIClientOptions {
  return { apiKey: apiKeyOf(auth), baseURL: auth.baseUrl, fetch: auth.fetch };
}

/** `createOpenAICompatible(openAICompatibleSettings(auth, { name: 'qwen' }))`; `name` defaults to `qwen-auth`. */
export function openAICompatibleSettings(auth: SdkAuth, options: { readonly name?: string } = {}): OpenAICompatibleSettings {
  return { name: options.name ?? 'qwen-auth', baseURL: auth.baseUrl, fetch: auth.fetch };
}

/** `new ChatOpenAI(chatOpenAIFields(auth))`. */
export function chatOpenAIFields(auth: SdkAuth): ChatOpenAIFields {
  return { model: auth.model, apiKey: apiKeyOf(auth), configuration: { baseURL: auth.baseUrl, fetch: auth.fetch } };
}
