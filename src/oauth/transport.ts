import type { EnvRecord } from '../types.js';
import type { FetchLike } from '../types.js';

function firstSet(env: EnvRecord, names: readonly string[]): string | undefined {
  for (const name of names) {
    const v = env[name];
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
  }
  return undefined;
}

/** The proxy settings of an environment (lower-case names first, as curl does). */
export function proxySettings(env: EnvRecord): { httpProxy?: string; httpsProxy?: string; noProxy?: string } {
  const httpProxy = firstSet(env, ['http_proxy', 'HTTP_PROXY']);
  const httpsProxy = firstSet(env, ['https_proxy', 'HTTPS_PROXY']) ?? httpProxy;
  const noProxy = firstSet(env, ['no_proxy', 'NO_PROXY']);
  return {
    ...(httpProxy !== undefined && { httpProxy }),
    ...(httpsProxy !== undefined && { httpsProxy }),
    ...(noProxy !== undefined && { noProxy }),
  };
}

/**
 * The fetch every OAuth request goes through. A caller's fetch wins. When the
 * environment names a proxy, undici's EnvHttpProxyAgent is loaded (only
 * then) and honours `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` from `env`, not from
 * `process.env`. Otherwise the global fetch. `NODE_EXTRA_CA_CERTS` applies to
 * both, as Node.js reads it at start-up.
 */
export async function selectFetch(env: EnvRecord, custom: FetchLike | undefined): Promise<FetchLike> {
  if (custom) return custom;
  const proxy = proxySettings(env);
  if (proxy.httpProxy === undefined && proxy.httpsProxy === undefined) return globalThis.fetch;
  const undici = await import('undici');
  // Empty strings, never undefined: undici would fall back to process.env.
  const dispatcher = new undici.EnvHttpProxyAgent({
    httpProxy: proxy.httpProxy ?? '',
    httpsProxy: proxy.httpsProxy ?? '',
    noProxy: proxy.noProxy ?? '',
  });
  return ((input: string | URL | Request, init?: RequestInit) =>
    undici.fetch(input as never, { ...(init as object), dispatcher } as never)) as unknown as FetchLike;
}
