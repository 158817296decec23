/**
 * What the request side needs from a resolved auth, and the little it
 * remembers: the tokens it handed out (so none leaves for another origin)
 * and the base URLs the auth has had (so requests built for an earlier one
 * follow a refreshed `resource_url`).
 */
import { parseHttpUrl } from '../internal/url.js';
import { redact } from '../redact.js';
import type { GetTokenOptions, KeyHeader } from './types.js';

/** The credential side of a resolved auth, as resolution builds it. */
export interface CredentialProvider {
  getToken(options?: GetTokenOptions): Promise<string>;
  invalidate(token: string): void;
  /** The base URL now (a refresh may move it). */
  baseUrl(): string;
  readonly keyHeader: KeyHeader;
  /**
   * A credential that can be handed out now without waiting (a key not
   * rejected; a token still valid and checked recently), or undefined.
   * Lets `getToken()` answer on its fast path with a settled promise.
   */
  peekToken?(): string | undefined;
}

/** A {@link CredentialProvider} that remembers what it handed out. */
export interface CredentialSource extends CredentialProvider {
  /** True when `value` is (or carries, as `Bearer <value>`) a credential handed out recently. */
  isOwnCredential(value: string): boolean;
  /** Earlier base URLs of this auth, most recent first (never the current one). */
  earlierBaseUrls(): readonly string[];
  /** `text` with every credential handed out recently replaced by its redacted form. */
  redactIn(text: string): string;
}

/**
 * What the SDK helpers' `apiKey` function answers when there is no
 * credential to be had (a dead login): not a secret, and never sent anywhere
 * (the auth's fetch answers such a request itself, with a 401 carrying why).
 */
export const NO_CREDENTIAL = 'qwen-auth-no-credential';

/** How many recent credentials are remembered (a rotation or two, with room). */
const REMEMBERED = 8;

const bare = (value: string): string =>
  value
    .trim()
    .replace(/^bearer\s+/i, '')
    .trim();

/**
 * Wraps a provider so that every token and base URL it gives out is
 * remembered. `known` seeds the credentials (an API key the caller already
 * holds as `auth.apiKey`).
 */
export function trackCredentials(provider: CredentialProvider, known: readonly string[] = []): CredentialSource {
  const tokens: string[] = known.filter((t) => t !== '').slice(0, REMEMBERED);
  const bases: string[] = [];
  const noteBase = (): string => {
    const current = provider.baseUrl();
    if (bases[0] !== current) {
      const i = bases.indexOf(current);
      if (i !== -1) bases.splice(i, 1);
      bases.unshift(current);
      if (bases.length > REMEMBERED) bases.length = REMEMBERED;
    }
    return current;
  };
  noteBase();
  const handedOut = (token: string): string => {
    if (tokens[0] !== token) {
      const i = tokens.indexOf(token);
      if (i !== -1) tokens.splice(i, 1);
      tokens.unshift(token);
      if (tokens.length > REMEMBERED) tokens.length = REMEMBERED;
    }
    noteBase();
    return token;
  };
  const peekToken = provider.peekToken?.bind(provider);
  return {
    keyHeader: provider.keyHeader,
    getToken(options?: GetTokenOptions): Promise<string> {
      // The fast path: a credential valid now, as a settled promise (no await chain).
      if (peekToken && (options === undefined || (options.forceRefresh !== true && options.signal === undefined))) {
        const token = peekToken();
        if (token !== undefined) return Promise.resolve(handedOut(token));
      }
      return provider.getToken(options).then(handedOut);
    },
    ...(peekToken && {
      peekToken: () => {
        const token = peekToken();
        return token === undefined ? undefined : handedOut(token);
      },
    }),
    invalidate: (token) => provider.invalidate(token),
    baseUrl: noteBase,
    isOwnCredential(value) {
      const v = bare(value);
      return v !== '' && (tokens.includes(v) || v === NO_CREDENTIAL);
    },
    redactIn(text) {
      let out = text;
      for (const token of tokens) if (token.length >= 4) out = out.split(token).join(redact(token));
      return out;
    },
    earlierBaseUrls() {
      const current = noteBase();
      return bases.filter((b) => b !== current && parseHttpUrl(b) !== undefined);
    },
  };
}
