import { QwenAuthError } from '../errors.js';
import { isSecureOrLoopback, parseHttpUrl } from '../internal/url.js';
import type { QwenOAuthOptions } from './types.js';

/** Qwen's OAuth defaults, as Qwen Code uses them. */
export const QWEN_OAUTH_DEFAULTS = Object.freeze({
  deviceAuthorizationEndpoint: 'https://chat.qwen.ai/api/v1/oauth2/device/code',
  tokenEndpoint: 'https://chat.qwen.ai/api/v1/oauth2/token',
  clientId: 'f0304373b74a44d2b584a3fb70ca9e56',
  scope: 'openid profile email model.completion',
});

export interface OAuthEndpoints {
  readonly deviceAuthorizationEndpoint: URL;
  readonly tokenEndpoint: URL;
  readonly clientId: string;
  readonly scope: string;
  /** True when an endpoint is plain http on loopback (tests, local servers). */
  readonly insecureLoopback: boolean;
}

function endpoint(value: string, option: string): URL {
  const url = parseHttpUrl(value);
  if (!url) {
    throw new QwenAuthError('INVALID_OPTION', `oauth.${option} must be an absolute http(s) URL.`, {
      details: { option: `oauth.${option}` },
    });
  }
  if (!isSecureOrLoopback(url)) {
    throw new QwenAuthError('INSECURE_ENDPOINT', `oauth.${option} (${url.origin}) must use https: it is not on this machine.`, {
      details: { endpoint: url.origin },
    });
  }
  return url;
}

function invalid(option: string, message: string): QwenAuthError<'INVALID_OPTION_TYPE'> {
  return new QwenAuthError('INVALID_OPTION_TYPE', message, { details: { option } });
}

/**
 * Checks the types of the OAuth options (callers' data, before any use):
 * INVALID_OPTION_TYPE naming the option. `prefix` is how they are named (`oauth`
 * inside resolveAuth's options).
 */
export function checkOAuthOptions(options: unknown, prefix = 'oauth', accept: { readonly storeChoice?: boolean } = {}): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null || Array.isArray(options)) throw invalid(prefix, `options.${prefix} must be an object.`);
  const o = options as Record<string, unknown>;
  for (const name of ['deviceAuthorizationEndpoint', 'tokenEndpoint', 'clientId', 'scope'] as const) {
    if (o[name] !== undefined && typeof o[name] !== 'string') throw invalid(`${prefix}.${name}`, `${prefix}.${name} must be a string.`);
  }
  if (o.fetch !== undefined && typeof o.fetch !== 'function') throw invalid(`${prefix}.fetch`, `${prefix}.fetch must be a fetch function.`);
  if (o.openBrowser !== undefined && typeof o.openBrowser !== 'boolean') throw invalid(`${prefix}.openBrowser`, `${prefix}.openBrowser must be true or false.`);
  if (o.timeoutMs !== undefined && !(typeof o.timeoutMs === 'number' && Number.isFinite(o.timeoutMs) && o.timeoutMs > 0)) {
    throw invalid(`${prefix}.timeoutMs`, `${prefix}.timeoutMs must be a positive number of milliseconds.`);
  }
  const store = o.store;
  // resolveAuth also takes a store by kind, or a factory.
  const choice = accept.storeChoice === true && (typeof store === 'function' || store === 'file' || store === 'keychain' || store === 'memory');
  if (
    store !== undefined &&
    !choice &&
    (typeof store !== 'object' || store === null || !['read', 'write', 'delete'].every((m) => typeof (store as Record<string, unknown>)[m] === 'function'))
  ) {
    throw invalid(
      `${prefix}.store`,
      `${prefix}.store must be a token store (read, write and delete)${accept.storeChoice ? ", 'file', 'keychain', 'memory' or a factory" : ''}.`,
    );
  }
  const hosts = o.allowedResourceHosts;
  if (hosts !== undefined && (!Array.isArray(hosts) || !hosts.every((h: unknown) => typeof h === 'string' && h.trim() !== ''))) {
    throw invalid(`${prefix}.allowedResourceHosts`, `${prefix}.allowedResourceHosts must be a list of host names.`);
  }
}

/** Applies the defaults and checks every endpoint: https, or http to loopback only. */
export function resolveEndpoints(options: QwenOAuthOptions = {}): OAuthEndpoints {
  checkOAuthOptions(options);
  const device = endpoint(options.deviceAuthorizationEndpoint ?? QWEN_OAUTH_DEFAULTS.deviceAuthorizationEndpoint, 'deviceAuthorizationEndpoint');
  const token = endpoint(options.tokenEndpoint ?? QWEN_OAUTH_DEFAULTS.tokenEndpoint, 'tokenEndpoint');
  const clientId = options.clientId ?? QWEN_OAUTH_DEFAULTS.clientId;
  if (typeof clientId !== 'string' || clientId === '') {
    throw new QwenAuthError('INVALID_OPTION_TYPE', 'oauth.clientId must be a non-empty string.', { details: { option: 'oauth.clientId' } });
  }
  return {
    deviceAuthorizationEndpoint: device,
    tokenEndpoint: token,
    clientId,
    scope: options.scope ?? QWEN_OAUTH_DEFAULTS.scope,
    insecureLoopback: device.protocol === 'http:' || token.protocol === 'http:',
  };
}
