/**
 * The region and plan probe: after a key was rejected on a registry
 * endpoint, which other endpoint of the same vendor accepts it? Only
 * endpoints the key's format allows are tried, only over https, and never a
 * host outside the vendor's registry entries.
 */
import { parseHttpUrl } from '../internal/url.js';
import type { ProviderDefinition, ProviderEndpoint, ProviderRegistry } from '../providers/types.js';
import type { FetchLike } from '../types.js';
import { type AnswerContext, classify, readAnswer } from './classify.js';
import type { KeyHeader } from './types.js';

/** One endpoint the probe may try. */
export interface ProbeCandidate {
  readonly provider: ProviderDefinition;
  readonly endpoint: ProviderEndpoint;
}

/**
 * True when the key's format allows `provider`: its prefix, when it has one
 * (or one the provider's keys may share, as Token Plan's may look like Coding
 * Plan's), and any prefix the provider requires.
 */
function keyFits(registry: ProviderRegistry, provider: ProviderDefinition, key: string): boolean {
  const owners = registry.matchKey(key);
  const shared = (provider.sharedKeyPrefixes ?? []).some((prefix) => key.startsWith(prefix));
  if (owners.length > 0 && !owners.includes(provider) && !shared) return false;
  if (provider.requiresKeyPrefix && !(provider.keyPrefixes ?? []).some((prefix) => key.startsWith(prefix))) return false;
  return true;
}

/**
 * The endpoints to try, in registry order: the other regions of the same
 * provider first, then the vendor's other plans. Empty when the base URL is
 * not exactly a registry endpoint, or its provider names no vendor (then
 * only its own other regions are candidates).
 */
export function probeCandidates(registry: ProviderRegistry, baseUrl: string, key: string): ProbeCandidate[] {
  const match = registry.matchBaseUrl(baseUrl);
  const current = parseHttpUrl(baseUrl);
  if (!match?.endpoint || !current) return [];
  const home = match.provider;
  const family = registry.providers.filter((p) => p === home || (home.vendor !== undefined && p.vendor === home.vendor));
  const ordered = [home, ...family.filter((p) => p !== home)];
  const out: ProbeCandidate[] = [];
  for (const provider of ordered) {
    if (provider.authType !== 'openai' || provider.status !== 'active' || !keyFits(registry, provider, key)) continue;
    for (const endpoint of provider.endpoints) {
      // Only OpenAI-compatible endpoints: the check speaks Chat Completions (not Coding Plan's Anthropic path).
      if ((endpoint.protocol ?? 'openai') !== 'openai') continue;
      const url = parseHttpUrl(endpoint.baseUrl);
      if (url?.protocol !== 'https:' || url.origin === current.origin) continue;
      out.push({ provider, endpoint });
    }
  }
  return out;
}

/** The headers that carry `key` to a candidate. */
export function keyHeaders(keyHeader: KeyHeader, key: string): Record<string, string> {
  return keyHeader === 'x-api-key' ? { 'x-api-key': key } : { authorization: `Bearer ${key}` };
}

/** What {@link locateKey} needs: the bare transport (the key goes explicitly), and how to read answers. */
export interface LocateKeyOptions {
  readonly registry: ProviderRegistry;
  /** The base URL that rejected the key. */
  readonly baseUrl: string;
  readonly key: string;
  readonly keyHeader: KeyHeader;
  readonly transport: FetchLike;
  /** The model for the one-token request where `/models` is not served. */
  readonly model: string;
  /** The vendor of the rejecting endpoint, for reading answers. */
  readonly context: AnswerContext;
  /** Time allowed for each request, ms. */
  readonly timeoutMs: number;
  readonly signal?: AbortSignal | undefined;
}

/** Where the probe found the key, if anywhere, and how many endpoints it tried. */
export interface KeyLocation {
  readonly found?: ProbeCandidate;
  readonly tried: number;
}

/** Codes that prove an endpoint knows the key, though it refused the request for another reason. */
const KEY_KNOWN: ReadonlySet<string> = new Set(['MODEL_NOT_AVAILABLE', 'QUOTA_EXHAUSTED', 'RATE_LIMITED', 'CLIENT_NOT_ALLOWED']);

/**
 * The probe: the first other endpoint of the vendor (registry order) that
 * knows the key, trying all of them at once. Never follows a redirect, never
 * throws for a failed request (that endpoint just does not count).
 */
export async function locateKey(options: LocateKeyOptions): Promise<KeyLocation> {
  const candidates = probeCandidates(options.registry, options.baseUrl, options.key);
  if (candidates.length === 0) return { tried: 0 };
  const headers = keyHeaders(options.keyHeader, options.key);
  const exchange = async (url: string, init: RequestInit): Promise<{ status: number; text: string } | undefined> => {
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    try {
      const response = await options.transport(url, { ...init, signal, redirect: 'manual' });
      const text = await response.text();
      return { status: response.status, text: text.slice(0, 1 << 20) };
    } catch {
      return undefined;
    }
  };
  const knows = async ({ endpoint }: ProbeCandidate): Promise<boolean> => {
    const root = endpoint.baseUrl.replace(/\/+$/, '');
    const list = await exchange(`${root}/models`, { method: 'GET', headers: { ...headers, accept: 'application/json' } });
    if (!list) return false;
    if (list.status >= 200 && list.status < 300) return true;
    const code = classify(readAnswer(list.status, list.text), options.context);
    if (code !== 'ENDPOINT_NOT_FOUND') return KEY_KNOWN.has(code);
    const chat = await exchange(`${root}/chat/completions`, {
      method: 'POST',
      headers: { ...headers, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ model: options.model, messages: [{ role: 'user', content: 'ping' }], max_tokens: 1, stream: false }),
    });
    if (!chat) return false;
    return (chat.status >= 200 && chat.status < 300) || KEY_KNOWN.has(classify(readAnswer(chat.status, chat.text), options.context));
  };
  const results = await Promise.all(candidates.map(knows));
  const found = candidates[results.indexOf(true)];
  return found ? { found, tried: candidates.length } : { tried: candidates.length };
}
