/**
 * The credential side of a Qwen OAuth login, plugged into the request side's
 * `CredentialProvider`: tokens from the client (shared refresh, shared lock),
 * and a base URL that follows the `resource_url` of the credentials last
 * handed out. A still-valid token is answered without waiting; the
 * `resource_url` is checked once per value, not once per call.
 */
import type { CredentialProvider } from '../requests/credential-source.js';
import type { GetTokenOptions } from '../requests/types.js';
import type { QwenCredentials } from '../storage/types.js';
import { baseUrlFromResourceUrl, type ResourceUrlPolicy } from './base-url.js';

/** What the provider needs of a Qwen OAuth client. */
export interface OAuthTokenClient {
  getCredentials(options?: GetTokenOptions): Promise<QwenCredentials>;
  invalidate(token: string): void;
  /** The credentials now, when nothing needs doing (a valid token, checked recently), else undefined. */
  peek?(): QwenCredentials | undefined;
}

export interface OAuthCredentialProvider extends CredentialProvider {
  /** The credentials last handed out (or read at resolve time). */
  credentials(): QwenCredentials;
}

/**
 * A provider over `client`, starting from the credentials resolution read.
 * The base URL is the checked `resource_url` (`policy`), or the default.
 */
export function oauthCredentialProvider(client: OAuthTokenClient, initial: QwenCredentials, policy: ResourceUrlPolicy): OAuthCredentialProvider {
  let latest = initial;
  // The base URL of the last resource_url checked: a refresh that brings another one is checked again.
  let checked: { readonly resourceUrl: string | undefined; readonly baseUrl: string } | undefined;
  const baseUrl = (): string => {
    const resourceUrl = latest.resourceUrl;
    if (checked === undefined || checked.resourceUrl !== resourceUrl) {
      checked = { resourceUrl, baseUrl: baseUrlFromResourceUrl(resourceUrl, policy).baseUrl };
    }
    return checked.baseUrl;
  };
  const peekToken = (): string | undefined => {
    const c = client.peek?.();
    if (c === undefined) return undefined;
    latest = c;
    return c.accessToken;
  };
  return {
    keyHeader: 'authorization',
    peekToken,
    getToken(options?: GetTokenOptions): Promise<string> {
      if (options === undefined || (options.forceRefresh !== true && options.signal?.aborted !== true)) {
        const token = peekToken();
        if (token !== undefined) return Promise.resolve(token);
      }
      return client.getCredentials(options).then((c) => {
        latest = c;
        return c.accessToken;
      });
    },
    invalidate: (token) => client.invalidate(token),
    baseUrl,
    credentials: () => latest,
  };
}
