/**
 * The credential side of an API key: the key itself, and after the server
 * rejected it (`invalidate`), one re-read of the configuration, so a key
 * edited in `.env` meanwhile is picked up without restarting the tool.
 */
import { untilAborted } from '../internal/abort.js';
import type { CredentialProvider } from './credential-source.js';
import type { GetTokenOptions, KeyHeader } from './types.js';

export interface ApiKeyProviderOptions {
  readonly key: string;
  readonly baseUrl: string;
  readonly keyHeader?: KeyHeader;
  /**
   * Resolves the configuration again: the key it now gives for the same
   * endpoint, or undefined (no key, another endpoint, a failure). The old
   * key is kept then.
   */
  readonly reload: () => Promise<string | undefined>;
}

export interface ApiKeyProvider extends CredentialProvider {
  /** The key in use now. */
  readonly key: string;
}

/** A key that re-reads its configuration once per rejection; concurrent callers share one re-read. */
export function apiKeyProvider(options: ApiKeyProviderOptions): ApiKeyProvider {
  let key = options.key;
  let rejected: string | undefined;
  let reloading: Promise<string> | undefined;
  const reload = (): Promise<string> => {
    reloading ??= (async () => {
      try {
        const next = await options.reload();
        if (typeof next === 'string' && next !== '') key = next;
      } catch {
        /* the configuration cannot be read now: keep the key */
      } finally {
        rejected = undefined;
        reloading = undefined;
      }
      return key;
    })();
    return reloading;
  };
  return {
    get key() {
      return key;
    },
    keyHeader: options.keyHeader ?? 'authorization',
    baseUrl: () => options.baseUrl,
    peekToken: () => (reloading === undefined && rejected !== key ? key : undefined),
    getToken(o: GetTokenOptions = {}): Promise<string> {
      if (reloading) return untilAborted(reloading, o.signal, 'Reading the key');
      if (o.forceRefresh || rejected === key) return untilAborted(reload(), o.signal, 'Reading the key');
      return o.signal?.aborted ? untilAborted(Promise.resolve(key), o.signal, 'Reading the key') : Promise.resolve(key);
    },
    invalidate(token: string): void {
      if (token === key) rejected = token;
    },
  };
}
