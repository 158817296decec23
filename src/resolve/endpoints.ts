import type { KeyHeader } from '../requests/types.js';

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

/**
 * Where an Anthropic-compatible key travels: `x-api-key` on Anthropic's own
 * hosts (`api.anthropic.com`, `*.anthropic.com`), `Authorization: Bearer`
 * everywhere else (Qwen Code 0.24 treats other hosts as proxies).
 */
export function anthropicKeyHeader(baseUrl: string): KeyHeader {
  try {
    const host = new URL(baseUrl).hostname.toLowerCase();
    return host === 'api.anthropic.com' || host.endsWith('.anthropic.com') ? 'x-api-key' : 'authorization';
  } catch {
    return 'authorization';
  }
}
