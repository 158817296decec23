/**
 * The credential side of a Qwen OAuth login: tokens from the client (shared
 * refresh, shared lock), and a base URL that follows the `resource_url` of
 * the credentials last handed out.
 */
import { baseUrlFromResourceUrl, type ResourceUrlPolicy } from './base-url.js';
import type { QwenCredentials } from '../storage/types.js';
import type { CredentialProvider } from '../requests/credential-source.js';
import type { GetTokenOptions } from '../requests/types.js';

/** What the provider needs of a Qwen OAuth client. */
export interface OAuthTokenClient {
  getCredentials(options?: GetTokenOptions): Promise<QwenCredentials>;
  invalidate(token: string): void;
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
  return {
    keyHeader: 'authorization',
    async getToken(options?: GetTokenOptions): Promise<string> {
      latest = await client.getCredentials(options);
      return latest.accessToken;
    },
    invalidate: (token) => client.invalidate(token),
    baseUrl: () => baseUrlFromResourceUrl(latest.resourceUrl, policy).baseUrl,
    credentials: () => latest,
  };
}
