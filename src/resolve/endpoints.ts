import type { CheckWire } from '../requests/check.js';

/** `base` + `path` with one slash between them, as the OpenAI and Anthropic SDKs join them. */
function join(base: string, path: string): string {
  return base.endsWith('/') ? `${base}${path.slice(1)}` : `${base}${path}`;
}

/** Base URL of the OpenAI wires when none is configured (the OpenAI SDK's). */
export const OPENAI_SDK_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** The Chat Completions request URL of a base URL: `<base>/chat/completions`. */
export function chatCompletionsEndpoint(baseUrl: string): string {
  return join(baseUrl, '/chat/completions');
}

/**
 * The Responses request URL, as Qwen Code 0.24 builds it: the base URL
 * (default `https://api.openai.com/v1`) loses a trailing `/v1` (or `/v1/`),
 * then one trailing slash, then `/v1/responses` is added.
 */
export function responsesEndpoint(baseUrl: string | undefined): string {
  const base = (baseUrl || OPENAI_SDK_DEFAULT_BASE_URL).replace(/\/v1\/?$/, '').replace(/\/$/, '');
  return `${base}/v1/responses`;
}

/** The Anthropic Messages request URL of a base URL: `<base>/v1/messages`. */
export function messagesEndpoint(baseUrl: string): string {
  return join(baseUrl, '/v1/messages');
}

/** The Anthropic API version the check sends (the Messages API's stable one). */
const ANTHROPIC_VERSION = '2023-06-01';

/**
 * What `check()` sends on the wires other than Chat Completions: the
 * Responses wire lists `…/v1/models` and asks for 16 output tokens; the
 * Anthropic wire lists `<base>/v1/models` and sends a one-token message, with
 * `anthropic-version`. Undefined for `openai` (the check's own default).
 */
export function checkWireFor(type: 'openai' | 'openai-responses' | 'anthropic'): CheckWire | undefined {
  if (type === 'openai-responses') {
    return {
      modelsUrl: (base) => responsesEndpoint(base).replace(/\/responses$/, '/models'),
      requestUrl: (base) => responsesEndpoint(base),
      body: (model) => JSON.stringify({ model, input: 'ping', max_output_tokens: 16, stream: false }),
    };
  }
  if (type === 'anthropic') {
    return {
      modelsUrl: (base) => join(base, '/v1/models'),
      requestUrl: (base) => messagesEndpoint(base),
      body: (model) => JSON.stringify({ model, max_tokens: 1, messages: [{ role: 'user', content: 'ping' }] }),
      headers: { 'anthropic-version': ANTHROPIC_VERSION },
    };
  }
  return undefined;
}
