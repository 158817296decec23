import type { EnvCandidate } from '../env/layered-env.js';
import { effectivePort, parseHttpUrl } from '../internal/url.js';
import { describeSource } from './provenance.js';

/** The variable that lists trusted gateways when the option is not given (comma or space separated). */
export const TRUSTED_GATEWAYS_VARIABLE = 'QWEN_AUTH_TRUSTED_GATEWAYS';

/** A parsed entry: tells whether a base URL is on that gateway. */
export type GatewayTest = (url: URL) => boolean;

/**
 * Parses one entry: an origin (`http://127.0.0.1:8080`: scheme, host and
 * port must match), a host with a port (`127.0.0.1:8080`: host and port), or
 * a host (`llm-gw.corp`: any port). Undefined when it is none of those.
 */
export function parseGateway(entry: unknown): GatewayTest | undefined {
  if (typeof entry !== 'string') return undefined;
  const text = entry.trim().toLowerCase();
  if (text === '') return undefined;
  if (text.includes('://')) {
    const origin = parseHttpUrl(text);
    if (!origin || (origin.pathname !== '/' && origin.pathname !== '')) return undefined;
    return (url) => url.origin === origin.origin;
  }
  if (/[\s/?#@]/.test(text) || !URL.canParse(`http://${text}`)) return undefined;
  const host = new URL(`http://${text}`);
  const port = /:(\d+)$/.exec(text)?.[1];
  return port === undefined ? (url) => url.hostname === host.hostname : (url) => url.hostname === host.hostname && effectivePort(url) === Number(port);
}

/** The trusted gateways in force, and where the list came from (a phrase for messages). */
export interface TrustedGateways {
  readonly entries: readonly string[];
  readonly origin: string;
}

/**
 * The option when given, else the variable from the layered environment
 * (invalid entries of the variable are skipped). Resolution passes a view
 * that never gives it from a workspace file (transport-env.ts).
 */
export function trustedGatewaysOf(option: readonly string[] | undefined, env: { get(name: string): EnvCandidate | undefined }): TrustedGateways {
  if (option) return { entries: option, origin: 'the trustedGateways option' };
  const found = env.get(TRUSTED_GATEWAYS_VARIABLE);
  if (!found) return { entries: [], origin: '' };
  const entries = found.value.split(/[\s,]+/).filter((e) => parseGateway(e) !== undefined);
  return { entries, origin: describeSource(found.source) };
}

/** The entry that `url` is on, or undefined. */
export function matchTrustedGateway(url: URL, entries: readonly string[]): string | undefined {
  return entries.find((entry) => parseGateway(entry)?.(url) === true);
}
