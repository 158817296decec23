/**
 * The one redaction rule of the library. Every message, diagnostic, log line,
 * `util.inspect` and `JSON.stringify` view goes through {@link redact}.
 *
 * A secret keeps a recognisable prefix (so `sk-sp-…` still says "Coding Plan
 * key") and its last four characters, but only while at least twelve
 * characters stay hidden. Short secrets show nothing.
 */

// Longest first: the first match wins.
const KNOWN_PREFIXES = ['sk-svcacct-', 'sk-or-v1-', 'sk-admin-', 'sk-proj-', 'sk-ant-', 'sk-sp-', 'sk-ws-', 'sk-', 'ms-'] as const;

const ELLIPSIS = '…';
/** At least this many characters always stay hidden. */
const HIDDEN = 12;

/** Redacts a secret for display: `sk-sp-…9f3a`. Never returns the secret whole. */
export function redact(secret: string | null | undefined): string {
  if (secret === undefined || secret === null || secret === '') return '';
  const s = String(secret).trim();
  // Code points, not UTF-16 units: a surrogate pair is never cut in half.
  const points = Array.from(s);
  let prefix = '';
  for (const p of KNOWN_PREFIXES) {
    if (s.startsWith(p) && points.length - p.length >= HIDDEN) {
      prefix = p;
      break;
    }
  }
  const tail = points.length - prefix.length - 4 >= HIDDEN ? points.slice(-4).join('') : '';
  return `${prefix}${ELLIPSIS}${tail}`;
}

const TOKEN = /[A-Za-z0-9_\-+=~]+/g;

/**
 * True for a run of characters that could be a secret: a known key prefix
 * with at least twelve characters after it, twenty or more characters mixing
 * lower case, upper case and digits, or thirty-two or more mixing letters and
 * digits (hex and base64 tokens). Model names and host names stay readable.
 */
export function isKeyShaped(token: string): boolean {
  if (KNOWN_PREFIXES.some((p) => token.startsWith(p) && token.length - p.length >= HIDDEN)) return true;
  const lower = /[a-z]/.test(token);
  const upper = /[A-Z]/.test(token);
  const digit = /[0-9]/.test(token);
  if (token.length >= 20 && lower && upper && digit) return true;
  return token.length >= 32 && digit && (lower || upper);
}

/**
 * Quotes an untrusted string (a value the user may have pasted a key into, a
 * server's error text) for a message: control and bidirectional-override
 * characters replaced, user-info (`name:password@`) hidden, every key-shaped
 * run redacted with {@link redact}, and the whole bounded to `max` code
 * points.
 */
export function redactText(value: unknown, max = 200): string {
  let s = typeof value === 'string' ? value : String(value);
  // Only the beginning can be shown: work on a bounded slice (the patterns
  // below stay linear), and drop a word the cut went through, whole.
  const limit = Math.max(16, max * 4);
  if (s.length > limit) s = `${s.slice(0, limit).replace(/[^\s/@.:]*$/, '')}${ELLIPSIS}`;
  // eslint-disable-next-line no-control-regex
  s = s.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, '\ufffd');
  s = s.replace(/[^\s/@]+@/g, `${ELLIPSIS}@`);
  s = s.replace(TOKEN, (token) => (isKeyShaped(token) ? redact(token) : token));
  const points = Array.from(s);
  return points.length > max ? `${points.slice(0, Math.max(0, max - 1)).join('')}${ELLIPSIS}` : s;
}

/**
 * Redacts the secrets a URL may carry: the user-info part
 * (`https://user:pass@host/` → `https://user:…@host/`), every query value
 * (`?key=…`), and key-shaped path segments (`/v1/sk-…9f3a/`), the way a
 * key put into a URL by `$VAR` would show. Scheme, host, port and the other
 * path segments stay as written. Input that does not parse as a URL gets the
 * same treatment: whatever precedes each `@` is hidden.
 */
export function redactUrl(url: string): string {
  let out = url;
  if (url.includes('@')) {
    const u = URL.canParse(url) ? new URL(url) : undefined;
    if (u && (u.password || u.username)) {
      if (u.password) u.password = ELLIPSIS;
      else u.username = ELLIPSIS;
      out = u.toString();
    } else {
      // Not parseable, or parsed without user-info (`user:pw@host` reads as a scheme): hide what precedes each `@`.
      out = url.replace(/[^\s/@?#]+@/g, `${ELLIPSIS}@`);
    }
  }
  const authority = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(out)?.[0] ?? '';
  const rest = out.slice(authority.length);
  if (rest === '') return out;
  const q = rest.search(/[?#]/);
  const path = (q === -1 ? rest : rest.slice(0, q)).replace(TOKEN, (token) => (isKeyShaped(token) ? redact(token) : token));
  if (q === -1) return authority + path;
  const tail = rest.slice(q).replace(/([?&;#][^=&;#]*=)([^&;#]*)/g, (_, name: string, value: string) => `${name}${value === '' ? '' : redact(value)}`);
  return authority + path + tail.replace(TOKEN, (token) => (isKeyShaped(token) ? redact(token) : token));
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
