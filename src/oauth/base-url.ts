/** Base URL of Qwen OAuth when the login carries no `resource_url`. */
export const QWEN_OAUTH_FALLBACK_BASE_URL = 'https://dashscope.aliyuncs.com/compatible-mode/v1';

/**
 * The OpenAI-compatible base URL for a Qwen OAuth `resource_url`: `https://`
 * added when there is no scheme, a trailing slash trimmed, and `/v1`
 * appended unless already there. (Differs from Qwen Code, which turns
 * `host/v1/` into `host/v1//v1`.)
 */
export function baseUrlFromResourceUrl(resourceUrl: string | undefined): string {
  const value = resourceUrl?.trim();
  if (!value) return QWEN_OAUTH_FALLBACK_BASE_URL;
  const withScheme = /^https?:\/\//i.test(value) ? value : `https://${value}`;
  const trimmed = withScheme.replace(/\/+$/, '');
  return trimmed.endsWith('/v1') ? trimmed : `${trimmed}/v1`;
}
