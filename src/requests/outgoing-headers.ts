/**
 * The headers a request is sent with: the caller's own, with our credential
 * set once (over any spelling of its name), or with every credential of ours
 * taken out (a request to another origin). A plain object of headers — what
 * most callers and the bench write — is copied as a plain object, which
 * fetch reads more cheaply than a `Headers`; every other shape goes through
 * `Headers`, as fetch would.
 */
import { QwenAuthError } from '../errors.js';
import { redact } from '../redact.js';

type Input = string | URL | Request;

/** True for `{ name: value }` headers (not a `Headers`, not an array of pairs). */
function isRecord(headers: unknown): headers is Record<string, string> {
  if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) return false;
  const proto = Object.getPrototypeOf(headers) as unknown;
  return proto === Object.prototype || proto === null;
}

/** The headers a request would be sent with: `init.headers` replace a Request's own, as fetch does. */
export function headersOf(input: Input, init: RequestInit | undefined): Headers {
  if (init?.headers !== undefined) return new Headers(init.headers);
  return new Headers(input instanceof Request ? input.headers : undefined);
}

/**
 * The value of credential header `name` for a token (`Bearer <token>` for
 * `authorization`), checked and built once per token, not once per request.
 * A token no header can carry is INVALID_API_KEY, redacted: the header's own
 * error would quote the credential whole.
 */
export function credentialHeader(name: 'authorization' | 'x-api-key'): (token: string) => string {
  let last: { readonly token: string; readonly value: string } | undefined;
  return (token) => {
    if (last?.token === token) return last.value;
    const value = name === 'authorization' ? `Bearer ${token}` : token;
    try {
      new Headers().set(name, value);
    } catch {
      throw new QwenAuthError('INVALID_API_KEY', `The credential ${redact(token)} holds a character no HTTP header can carry.`, {
        details: { value: redact(token), origin: 'the credential in use' },
      });
    }
    last = { token, value };
    return value;
  };
}

/** The caller's headers with `name: value` set (replacing any spelling of `name`); the caller's own object is not changed. */
export function withCredential(input: Input, init: RequestInit | undefined, name: string, value: string): NonNullable<RequestInit['headers']> {
  const own = init?.headers;
  if (own === undefined && !(input instanceof Request)) return { [name]: value };
  if (isRecord(own)) {
    const out: Record<string, string> = {};
    for (const key in own) if (key.length !== name.length || key.toLowerCase() !== name) out[key] = own[key]!;
    out[name] = value;
    return out;
  }
  const headers = headersOf(input, init);
  headers.set(name, value);
  return headers;
}

/**
 * The request without any credential of ours its headers carry (the
 * caller's other headers stay): `[input, init]` unchanged when there is none.
 */
export function withoutOwnCredentials(
  input: Input,
  init: RequestInit | undefined,
  isOwnCredential: (value: string) => boolean,
): [Input, RequestInit | undefined] {
  if (init?.headers === undefined && !(input instanceof Request)) return [input, init];
  const headers = headersOf(input, init);
  const found = [...headers].filter(([, value]) => isOwnCredential(value)).map(([key]) => key);
  if (found.length === 0) return [input, init];
  for (const key of found) headers.delete(key);
  return [input, { ...init, headers }];
}
