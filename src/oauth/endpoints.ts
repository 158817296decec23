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

/** Applies the defaults and checks every endpoint: https, or http to loopback only. */
export function resolveEndpoints(options: QwenOAuthOptions = {}): OAuthEndpoints {
  const device = endpoint(options.deviceAuthorizationEndpoint ?? QWEN_OAUTH_DEFAULTS.deviceAuthorizationEndpoint, 'deviceAuthorizationEndpoint');
  const token = endpoint(options.tokenEndpoint ?? QWEN_OAUTH_DEFAULTS.tokenEndpoint, 'tokenEndpoint');
  const clientId = options.clientId ?? QWEN_OAUTH_DEFAULTS.clientId;
  if (typeof clientId !== 'string' || clientId === '') {
    throw new QwenAuthError('INVALID_OPTION', 'oauth.clientId must be a non-empty string.', { details: { option: 'oauth.clientId' } });
  }
  const hosts = options.allowedResourceHosts;
  if (hosts !== undefined && (!Array.isArray(hosts) || !hosts.every((h: unknown) => typeof h === 'string' && h.trim() !== ''))) {
    throw new QwenAuthError('INVALID_OPTION', 'oauth.allowedResourceHosts must be a list of host names.', {
      details: { option: 'oauth.allowedResourceHosts' },
    });
  }
  return {
    deviceAuthorizationEndpoint: device,
    tokenEndpoint: token,
    clientId,
    scope: options.scope ?? QWEN_OAUTH_DEFAULTS.scope,
    insecureLoopback: device.protocol === 'http:' || token.protocol === 'http:',
  };
}
