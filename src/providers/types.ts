import type { ResolvedAuthType } from '../types.js';

/** One endpoint of a provider, in one region. */
export interface ProviderEndpoint {
  /** Region id, e.g. `cn-beijing`, `ap-southeast-1`, `global`, `local`. */
  readonly region: string;
  /** Human name of the region, e.g. `China (Beijing)`. */
  readonly regionName: string;
  /** The base URL. */
  readonly baseUrl: string;
  /** The API it speaks: `openai` (OpenAI-compatible, the default) or `anthropic` (Anthropic Messages). */
  readonly protocol?: 'openai' | 'anthropic';
}

/** One usage limit of a plan. */
export interface QuotaLimit {
  /** The window the limit applies to. */
  readonly per: 'minute' | '5 hours' | 'day' | 'week' | 'month';
  /** Maximum requests in that window. */
  readonly requests: number;
  /** Where the figure comes from, when sources disagree. */
  readonly source?: string;
}

/** A plan (tier) of a provider with its price and limits. */
export interface ProviderQuota {
  /** Tier name, e.g. `Lite Basic`. */
  readonly tier: string;
  /** Price as documented, e.g. `¥40/month`, or `free`. */
  readonly price?: string;
  readonly limits: readonly QuotaLimit[];
  /** The document the figures come from. */
  readonly source: string;
}

/**
 * A provider of the registry: pure data. Hosts are matched exactly or as
 * subdomains (never by substring); the most specific host wins.
 */
export interface ProviderDefinition {
  /** Stable id, e.g. `alibaba-coding-plan`. */
  readonly id: string;
  readonly name: string;
  /**
   * The company behind it, shared by its plans (e.g. `alibaba-cloud` for Coding
   * Plan, Token Plan and DashScope). `check({ probe: true })` tries only the
   * endpoints of the same vendor.
   */
  readonly vendor?: string;
  /** Which auth method reaches it. */
  readonly authType: ResolvedAuthType;
  /** Plan family: `coding-plan`, `token-plan`, `pay-as-you-go`, `free`, `self-hosted`… */
  readonly plan: string;
  readonly status: 'active' | 'discontinued';
  /** ISO date (`YYYY-MM-DD`) from which the provider is no longer offered. */
  readonly discontinuedOn?: string;
  /** Its endpoints; the first is the default. */
  readonly endpoints: readonly ProviderEndpoint[];
  /** Further hosts that belong to the provider (per-customer hosts such as `openai.azure.com`). */
  readonly hosts?: readonly string[];
  /** For servers on this machine: the loopback ports that identify it. */
  readonly loopbackPorts?: readonly number[];
  /** True for the catch-all of servers on loopback. */
  readonly anyLoopback?: boolean;
  /** Environment variables that hold its key, checked after `OPENAI_API_KEY`. */
  readonly envKeys: readonly string[];
  /** Key prefixes that belong to this provider (a key with one is "plainly" its key). */
  readonly keyPrefixes?: readonly string[];
  /**
   * Prefixes of another provider's keys that this provider's keys may have
   * too (e.g. Token Plan keys have no required format): a key with one is not
   * reported as another provider's key on this provider's endpoints.
   */
  readonly sharedKeyPrefixes?: readonly string[];
  /** When true, a key without one of `keyPrefixes` is reported as wrong for this provider. */
  readonly requiresKeyPrefix?: boolean;
  /** When true, a key with one of `keyPrefixes` and no configured base URL goes to the first endpoint. */
  readonly impliedByKey?: boolean;
  /** The model used when none is configured. */
  readonly defaultModel?: string;
  /** The model ids Qwen Code's `/auth` preset configures for it, in its order (the first is selected). */
  readonly models?: readonly string[];
  /** Documented plans and limits. */
  readonly quotas?: readonly ProviderQuota[];
  /** Where to read more. */
  readonly docs?: string;
  /** A note for users, e.g. about availability. */
  readonly note?: string;
}

/** The result of matching a base URL or key against the registry. */
export interface RegistryMatch {
  readonly provider: ProviderDefinition;
  /** The endpoint whose host matched, when one did. */
  readonly endpoint?: ProviderEndpoint;
}

/** A set of providers with lookups. Create one with `createProviderRegistry`. */
export interface ProviderRegistry {
  /** All providers, in registry order. */
  readonly providers: readonly ProviderDefinition[];
  /** The provider with this id. */
  get(id: string): ProviderDefinition | undefined;
  /** The provider serving a base URL: the most specific host match, or undefined. */
  matchBaseUrl(baseUrl: string): RegistryMatch | undefined;
  /** The providers a key plainly belongs to, by its prefix (empty when it says nothing). */
  matchKey(apiKey: string): readonly ProviderDefinition[];
}
