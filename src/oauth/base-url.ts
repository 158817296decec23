import { isLoopbackHost } from '../internal/url.js';
import { defaultProviders } from '../providers/data.js';
import { redactText } from '../redact.js';

/** Base URL of Qwen OAuth when the login carries no `resource_url`. */
export const QWEN_OAUTH_FALLBACK_BASE_URL = 'https://dashscope.aliyuncs.com/compatible-mode/v1';

/** What a `resource_url` may point at, besides Qwen's own hosts. */
export interface ResourceUrlPolicy {
  /** The token endpoint that issued the login: its host is trusted. */
  readonly tokenEndpoint: string | URL;
  /**
   * More hosts the caller trusts (`oauth.allowedResourceHosts`): exact host
   * names, or `*.example.com` for every subdomain of `example.com`.
   */
  readonly allowedHosts?: readonly string[] | undefined;
}

/** The outcome of {@link checkResourceUrl}. */
export type ResourceUrlCheck = { readonly ok: true; readonly baseUrl: string } | { readonly ok: false; readonly reason: string };

const normaliseHost = (host: string): string => host.toLowerCase().replace(/\.$/, '');

/**
 * The hosts of the Qwen OAuth provider, from the registry data: its endpoints
 * exactly, its `hosts` with their subdomains, and the default base URL's host.
 */
function qwenOAuthHosts(): { exact: string[]; suffix: string[] } {
  const def = defaultProviders.find((p) => p.id === 'qwen-oauth');
  const exact = [new URL(QWEN_OAUTH_FALLBACK_BASE_URL).hostname];
  for (const e of def?.endpoints ?? []) exact.push(new URL(e.baseUrl).hostname);
  return { exact: exact.map(normaliseHost), suffix: (def?.hosts ?? []).map(normaliseHost) };
}

function hostAllowed(url: URL, policy: ResourceUrlPolicy): boolean {
  const host = normaliseHost(url.hostname);
  const qwen = qwenOAuthHosts();
  if (qwen.exact.includes(host)) return true;
  if (qwen.suffix.some((s) => host === s || host.endsWith(`.${s}`))) return true;
  const token = typeof policy.tokenEndpoint === 'string' ? URL.canParse(policy.tokenEndpoint) && new URL(policy.tokenEndpoint) : policy.tokenEndpoint;
  // The token endpoint's own origin (scheme, host and port): another port of its host is another server.
  if (token && normaliseHost(token.hostname) === host && token.protocol === url.protocol && token.port === url.port) return true;
  for (const entry of policy.allowedHosts ?? []) {
    const e = normaliseHost(entry.trim());
    if (e.startsWith('*.') ? host.endsWith(e.slice(1)) : e === host) return true;
  }
  return false;
}

/**
 * Parses and checks a login's `resource_url` (the base URL that will receive
 * the access token) the way base URLs are checked elsewhere: https only (http
 * only to loopback), no user-info, query or fragment, and a host that is one
 * of the Qwen OAuth provider's, the token endpoint's own, or one the caller
 * allowed. `https://` is added when there is no scheme; a trailing slash is
 * trimmed and `/v1` appended unless already there (Qwen Code turns
 * `host/v1/` into `host/v1//v1`). The base URL is built from the parsed URL,
 * so what was checked is what is used.
 */
export function checkResourceUrl(resourceUrl: string, policy: ResourceUrlPolicy): ResourceUrlCheck {
  const value = resourceUrl.trim();
  if (value === '') return { ok: false, reason: 'it is empty' };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f\s\\]/.test(value)) return { ok: false, reason: 'it holds white space, a backslash or control characters' };
  if (/[?#]/.test(value)) return { ok: false, reason: 'it has a query or a fragment' };
  const hasScheme = value.includes('://');
  if (!hasScheme && /^[a-z][a-z0-9+.-]*:(?!\d+(?:[/]|$))/i.test(value)) {
    return { ok: false, reason: 'it is not an http(s) URL' };
  }
  const withScheme = hasScheme ? value : `https://${value}`;
  if (!URL.canParse(withScheme)) return { ok: false, reason: 'it is not a URL' };
  const url = new URL(withScheme);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: 'it is not an http(s) URL' };
  const authority = withScheme.slice(withScheme.indexOf('//') + 2).split('/')[0] ?? '';
  if (url.username !== '' || url.password !== '' || authority.includes('@')) {
    return { ok: false, reason: 'it carries user-info (a name or password before the host)' };
  }
  if (url.hostname === '') return { ok: false, reason: 'it has no host' };
  if (url.protocol === 'http:' && !isLoopbackHost(url.hostname)) {
    return { ok: false, reason: 'it is plain http to a host that is not this machine (the token would travel in clear)' };
  }
  if (!hostAllowed(url, policy)) {
    return {
      ok: false,
      reason: `its host ${redactText(url.hostname, 80)} is not a Qwen OAuth host, the token endpoint's origin, or one of oauth.allowedResourceHosts`,
    };
  }
  const path = url.pathname.replace(/\/+$/, '');
  const base = `${url.origin}${path}`;
  return { ok: true, baseUrl: base.endsWith('/v1') ? base : `${base}/v1` };
}

/**
 * The OpenAI-compatible base URL for a login: its checked `resource_url`, or
 * the default when there is none or it was rejected (with the reason).
 */
export function baseUrlFromResourceUrl(resourceUrl: string | undefined, policy: ResourceUrlPolicy): { readonly baseUrl: string; readonly rejected?: string } {
  if (resourceUrl === undefined || resourceUrl.trim() === '') return { baseUrl: QWEN_OAUTH_FALLBACK_BASE_URL };
  const r = checkResourceUrl(resourceUrl, policy);
  return r.ok ? { baseUrl: r.baseUrl } : { baseUrl: QWEN_OAUTH_FALLBACK_BASE_URL, rejected: r.reason };
}
