import type { EnvRecord } from '../types.js';
import type { ResolutionContext } from './context.js';

/** The proxy variables, as curl and undici read them. */
const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy'] as const;
/** What browser detection reads (the device flow only). */
const DISPLAY_VARIABLES = ['CI', 'NO_BROWSER', 'SSH_CONNECTION', 'SSH_CLIENT', 'SSH_TTY', 'DISPLAY', 'WAYLAND_DISPLAY'] as const;

const pick = (ctx: ResolutionContext, names: readonly string[]): EnvRecord => Object.fromEntries(names.map((n) => [n, ctx.env.value(n)]));

/** The view of the layered environment (`.env` files and `settings.env` included) that model requests read: proxies. */
export function requestEnv(ctx: ResolutionContext): EnvRecord {
  return pick(ctx, PROXY_VARIABLES);
}

/** The view the OAuth client reads: proxies, and what decides whether a browser can be opened. */
export function oauthClientEnv(ctx: ResolutionContext): EnvRecord {
  return pick(ctx, [...PROXY_VARIABLES, ...DISPLAY_VARIABLES]);
}
