/** Parses an absolute http(s) URL (once), or returns undefined. */
export function parseHttpUrl(value: string): URL | undefined {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return undefined;
  }
  return url.protocol === 'http:' || url.protocol === 'https:' ? url : undefined;
}

/**
 * True for a host on this machine: `localhost` (and `*.localhost`),
 * 127.0.0.0/8, `::1`, IPv4-mapped loopback, and `0.0.0.0`. Takes a URL
 * `hostname` (IPv6 in brackets) or a bare host.
 */
export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.toLowerCase().replace(/\.$/, '');
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (h === '[::1]' || h === '::1' || h === '0.0.0.0') return true;
  if (/^127(?:\.\d{1,3}){3}$/.test(h)) return true;
  return /^\[?::ffff:(?:127\.|7f[0-9a-f]{2}:)/.test(h);
}

/** The port a URL connects to, defaulting by scheme. */
export function effectivePort(url: URL): number {
  if (url.port) return Number(url.port);
  return url.protocol === 'https:' ? 443 : 80;
}

/** True when credentials may be sent to this URL: https, or http to loopback. */
export function isSecureOrLoopback(url: URL): boolean {
  return url.protocol === 'https:' || isLoopbackHost(url.hostname);
}
