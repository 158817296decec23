import { QwenAuthError } from '../errors.js';
import { redactText, redactUrl } from '../redact.js';
import type { EnvRecord } from '../types.js';
import type { FetchLike } from '../types.js';

interface Setting {
  readonly name: string;
  readonly value: string;
}

function firstSet(env: EnvRecord, names: readonly string[]): Setting | undefined {
  for (const name of names) {
    const v = env[name];
    if (typeof v === 'string' && v.trim() !== '') return { name, value: v.trim() };
  }
  return undefined;
}

/** Proxy schemes undici's agent speaks. */
const PROXY_PROTOCOLS = new Set(['http:', 'https:', 'socks5:', 'socks:']);

/** The variable's value as a proxy URL, or INVALID_PROXY naming it (the value redacted). */
function checkedProxy(setting: Setting): string {
  const { name, value } = setting;
  const fail = (why: string): never => {
    throw new QwenAuthError('INVALID_PROXY', `${name} (${redactText(redactUrl(value), 80)}) is not a proxy URL: ${why}.`, {
      details: { variable: name },
    });
  };
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(value)) fail('it holds control characters');
  if (!URL.canParse(value)) fail('it does not parse as a URL (a scheme such as http:// is needed, and a port of at most 65535)');
  const url = new URL(value);
  if (!PROXY_PROTOCOLS.has(url.protocol)) fail(`the scheme must be http, https or socks5, not ${redactText(url.protocol.replace(/:$/, ''), 20)}`);
  if (url.hostname === '') fail('it has no host');
  return value;
}

/**
 * The proxy settings of an environment (lower-case names first, as curl
 * does), each checked: INVALID_PROXY names a variable that is not a proxy URL.
 */
export function proxySettings(env: EnvRecord): { httpProxy?: string; httpsProxy?: string; noProxy?: string } {
  const http = firstSet(env, ['http_proxy', 'HTTP_PROXY']);
  const https = firstSet(env, ['https_proxy', 'HTTPS_PROXY']) ?? http;
  const httpProxy = http && checkedProxy(http);
  const httpsProxy = https && checkedProxy(https);
  const noProxy = firstSet(env, ['no_proxy', 'NO_PROXY'])?.value;
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
  let dispatcher: InstanceType<typeof undici.EnvHttpProxyAgent>;
  try {
    dispatcher = new undici.EnvHttpProxyAgent({
      httpProxy: proxy.httpProxy ?? '',
      httpsProxy: proxy.httpsProxy ?? '',
      noProxy: proxy.noProxy ?? '',
    });
  } catch {
    // Checked above; whatever undici still refuses is reported without its message (it may quote the URL).
    const name = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'].find((n) => typeof env[n] === 'string' && env[n]!.trim() !== '') ?? 'HTTPS_PROXY';
    throw new QwenAuthError('INVALID_PROXY', `${name} is not a proxy URL undici accepts.`, { details: { variable: name } });
  }
  const send = (url: string | URL, init: RequestInit | undefined): Promise<Response> => {
    // `dispatcher` written first and then set: V8 copies `init` into that shape cheaply (adding a key after a copy costs a µs).
    const withAgent = { dispatcher, ...init };
    withAgent.dispatcher = dispatcher;
    return undici.fetch(url as never, withAgent as never) as unknown as Promise<Response>;
  };
  return (input: string | URL | Request, init?: RequestInit): Promise<Response> =>
    // undici's own fetch does not know the global Request class: hand it the URL and the request's fields.
    input instanceof Request ? requestInit(input, init).then((fields) => send(input.url, { ...fields, ...init })) : send(input, init);
}

/** A Request's fields as a RequestInit (its body read into memory, unless `init` replaces it). */
async function requestInit(request: Request, init: RequestInit | undefined): Promise<RequestInit> {
  const body = init?.body !== undefined || request.body === null ? undefined : await request.arrayBuffer();
  return {
    method: request.method,
    headers: [...request.headers],
    signal: request.signal,
    redirect: request.redirect,
    ...(body !== undefined && { body }),
  };
}
