/**
 * Where a request goes: its URL, whether it is for the auth's endpoint, and
 * the move of a request built for an earlier base URL onto the current one.
 */
import { parseHttpUrl } from '../internal/url.js';

const withoutSlash = (href: string): string => href.replace(/\/+$/, '');

/** The rest of `target` below `base` (`''`, `/…`, `?…`), or undefined when it is not below it. */
function below(target: URL, base: URL): string | undefined {
  if (target.origin !== base.origin) return undefined;
  const root = withoutSlash(`${base.origin}${base.pathname}`);
  const href = `${target.origin}${target.pathname}`;
  if (href !== root && !href.startsWith(`${root}/`)) return undefined;
  return `${href.slice(root.length)}${target.search}${target.hash}`;
}

/**
 * The URL a request should go to now: unchanged, unless it was built for one
 * of the `earlier` base URLs and the auth has moved (a refreshed
 * `resource_url`); then the same path below the current base URL. `earlier`
 * is asked only for a request that is not below the current base URL.
 */
export function currentTarget(target: URL, current: URL, earlier: () => readonly string[]): URL {
  if (below(target, current) !== undefined) return target;
  for (const href of earlier()) {
    const base = parseHttpUrl(href);
    const rest = base && below(target, base);
    if (rest !== undefined) return new URL(`${withoutSlash(current.href)}${rest}`);
  }
  return target;
}
