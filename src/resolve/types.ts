/**
 * The shapes of what `resolveAuth()` returns: the values with their sources,
 * and the request side every result carries. They live with resolution (not
 * in `src/types.ts`) because they join its parts: the request side
 * (`requests/`) and where a Qwen OAuth login is stored (`storage/`).
 */
import type { Diagnostic } from '../diagnostics.js';
import type { AuthRequests, KeyHeader } from '../requests/types.js';
import type { TokenStoreKind } from '../storage/types.js';
import type { EnvFileReport, Provenance, ProviderMatch } from '../types.js';

/** Where the values of a result came from. */
export interface ResolvedSources {
  readonly authType: Provenance;
  readonly baseUrl: Provenance;
  readonly model: Provenance;
}

/**
 * What every result has: its values with their sources, and the request
 * side (`getToken`, `invalidate`, `fetch`, `check`; see docs/calling-a-model.md).
 */
interface ResolvedBase extends AuthRequests {
  /** Where every value came from. */
  readonly sources: ResolvedSources;
  /** The `.env` report, or `null` when no file was found. */
  readonly envFile: EnvFileReport | null;
  /** The detected provider, or undefined for an unknown endpoint. */
  readonly provider: ProviderMatch | undefined;
  readonly diagnostics: readonly Diagnostic[];
  /** Qwen's home folder used for settings and credentials (`QWEN_HOME` or `~/.qwen`). */
  readonly qwenDir: string;
}

/**
 * What every API-key result has. `apiKey` is the only field holding a secret;
 * it is the key in use now (after `invalidate`, the configuration is read
 * again once, and an edited key replaces it).
 */
interface ApiKeyAuthBase extends ResolvedBase {
  readonly sources: ResolvedSources & { readonly apiKey: Provenance };
  readonly apiKey: string;
  /** The base URL as configured (or defaulted). */
  readonly baseUrl: string;
  readonly model: string;
  /**
   * The full URL a model request goes to: `<base>/chat/completions` (openai),
   * `<base without a trailing /v1>/v1/responses` (openai-responses),
   * `<base>/v1/messages` (anthropic).
   */
  readonly endpoint: string;
  /** The header the key travels in (and `fetch` puts it in): `authorization` (Bearer), or `x-api-key` on Anthropic's own hosts. */
  readonly keyHeader: KeyHeader;
}

/** An OpenAI-compatible configuration on the Chat Completions wire. */
export interface OpenAIAuth extends ApiKeyAuthBase {
  readonly type: 'openai';
}

/** An OpenAI-compatible configuration on the Responses wire (`qwenCode: '0.24'` only). */
export interface OpenAIResponsesAuth extends ApiKeyAuthBase {
  readonly type: 'openai-responses';
}

/** An Anthropic-compatible configuration (Messages API; `qwenCode: '0.24'` only). */
export interface AnthropicAuth extends ApiKeyAuthBase {
  readonly type: 'anthropic';
}

/** Any API-key result. */
export type ApiKeyAuth = OpenAIAuth | OpenAIResponsesAuth | AnthropicAuth;

/** A Qwen OAuth configuration. Tokens come from `getToken()` (or `getAccessToken()`). */
export interface QwenOAuthAuth extends ResolvedBase {
  readonly type: 'qwen-oauth';
  /**
   * The base URL now: a getter that follows the `resource_url` of the
   * credentials last handed out, so a refresh that moves it moves later
   * requests too (`sources.baseUrl` stays the resolve-time source).
   */
  readonly baseUrl: string;
  readonly model: string;
  /** Where the credentials live. */
  readonly credentials: {
    readonly store: TokenStoreKind;
    /** The file, for the file store. */
    readonly path?: string;
    /** Expiry of the access token (epoch ms) as last read or refreshed. */
    readonly expiresAt: number | undefined;
  };
  /** A token valid for at least 30 more seconds, refreshing it when needed (the same as `getToken()`). */
  getAccessToken(): Promise<string>;
}

export type ResolvedAuth = OpenAIAuth | OpenAIResponsesAuth | AnthropicAuth | QwenOAuthAuth;
