import type { TokenStore } from '../storage/types.js';
import type { FetchLike } from '../types.js';

/** What the user needs to approve a device login. */
export interface Verification {
  /** The code the user types. */
  readonly userCode: string;
  /** The page where the code is typed. */
  readonly verificationUri: string;
  /** The page with the code filled in, when the server gives one. */
  readonly verificationUriComplete?: string;
  /** Seconds until the code expires. */
  readonly expiresIn: number;
  /** When the code expires (epoch ms). */
  readonly expiresAt: number;
  /** Whether a browser was opened for the user (best effort). */
  readonly browserOpened: boolean;
}

/** Endpoints, client and transport of the Qwen OAuth client. Defaults are Qwen's. */
export interface QwenOAuthOptions {
  /** Default `https://chat.qwen.ai/api/v1/oauth2/device/code`. */
  readonly deviceAuthorizationEndpoint?: string;
  /** Default `https://chat.qwen.ai/api/v1/oauth2/token`. */
  readonly tokenEndpoint?: string;
  /** Default Qwen Code's public client id. */
  readonly clientId?: string;
  /** Default `openid profile email model.completion`. */
  readonly scope?: string;
  /** Where credentials live (default: the file store at `<qwenDir>/oauth_creds.json`). */
  readonly store?: TokenStore;
  /**
   * The transport. Default: the global `fetch`, or undici with
   * `HTTPS_PROXY`/`NO_PROXY` when a proxy is configured in `env`.
   */
  readonly fetch?: FetchLike;
  /** Try to open a browser on the verification page (default true; skipped without a display). */
  readonly openBrowser?: boolean;
  /** Timeout of each HTTP request in milliseconds (default 30,000). */
  readonly timeoutMs?: number;
  /**
   * Hosts a login's `resource_url` may point at besides Qwen OAuth's own and
   * the token endpoint's host: exact host names, or `*.example.com` for the
   * subdomains of `example.com`. A `resource_url` elsewhere is not used
   * (`RESOURCE_URL_REJECTED`): the access token is sent only where it belongs.
   */
  readonly allowedResourceHosts?: readonly string[];
}
