/**
 * The one redaction rule of the library. Every message, diagnostic, log line,
 * `util.inspect` and `JSON.stringify` view goes through {@link redact}.
 *
 * A secret keeps a recognisable prefix (so `sk-sp-…` still says "Coding Plan
 * key") and its last four characters, but only while at least twelve
 * characters stay hidden. Short secrets show nothing.
 */

// Longest first: the first match wins.
const KNOWN_PREFIXES = [
  'sk-svcacct-',
  'sk-or-v1-',
  'sk-admin-',
  'sk-proj-',
  'sk-ant-',
  'sk-sp-',
  'sk-ws-',
  'sk-',
  'ms-',
] as const;

const ELLIPSIS = '…';
/** At least this many characters always stay hidden. */
const HIDDEN = 12;

/** Redacts a secret for display: `sk-sp-…9f3a`. Never returns the secret whole. */
export function redact(secret: string | null | undefined): string {
  if (secret === undefined || secret === null || secret === '') return '';
  const s = secret.trim();
  let prefix = '';
  for (const p of KNOWN_PREFIXES) {
    if (s.startsWith(p) && s.length - p.length >= HIDDEN) {
      prefix = p;
      break;
    }
  }
  const tail = s.length - prefix.length - 4 >= HIDDEN ? s.slice(-4) : '';
  return `${prefix}${ELLIPSIS}${tail}`;
}

/**
 * Redacts the credentials a URL may carry in its user-info part
 * (`https://user:pass@host/` → `https://user:…@host/`). Other parts stay.
 * Input that does not parse as a URL is returned unchanged when it has no
 * `@`, and redacted whole otherwise.
 */
export function redactUrl(url: string): string {
  if (!url.includes('@')) return url;
  try {
    const u = new URL(url);
    if (u.password) u.password = ELLIPSIS;
    else if (u.username) u.username = ELLIPSIS;
    return u.toString();
  } catch {
    return redact(url);
  }
}

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * Gives a plain object a redacted face for `JSON.stringify` and `util.inspect`
 * (hence `console.log`) while its own fields keep their real values.
 * The two hooks are non-enumerable, so spreading or comparing the object is
 * unaffected.
 */
export function withRedactedView<T extends object>(target: T, view: () => object): T {
  Object.defineProperty(target, 'toJSON', {
    value: view,
    enumerable: false,
    configurable: true,
    writable: true,
  });
  Object.defineProperty(target, INSPECT, {
    value(depth: number, options: object, inspect?: (v: unknown, o: object) => string) {
      const shown = view();
      return typeof inspect === 'function' ? inspect(shown, { ...options, depth }) : shown;
    },
    enumerable: false,
    configurable: true,
    writable: true,
  });
  return target;
}
