import type { LockOptions, QwenCredentials, ReleaseLock, TokenStore } from './types.js';

/** A store in memory, for tests and short-lived tools. */
export interface MemoryTokenStore extends TokenStore {
  readonly kind: 'memory';
  version(): Promise<string | undefined>;
  lock(options?: LockOptions): Promise<ReleaseLock | undefined>;
}

/**
 * Keeps credentials in memory. Its lock serialises refreshes among the
 * managers of one process that share the store; `version` changes on every
 * write, so they notice each other's refreshes.
 */
export function createMemoryTokenStore(initial?: QwenCredentials): MemoryTokenStore {
  let current = initial;
  let version = 0;
  let tail: Promise<void> = Promise.resolve();
  return {
    kind: 'memory',
    location: 'memory',
    read: async () => current,
    write: async (credentials) => {
      current = credentials;
      version++;
    },
    delete: async () => {
      current = undefined;
      version++;
    },
    version: async () => (current ? String(version) : undefined),
    lock: async () => {
      let release!: () => void;
      const previous = tail;
      tail = new Promise<void>((resolve) => {
        release = resolve;
      });
      await previous;
      let done = false;
      return async () => {
        if (!done) {
          done = true;
          release();
        }
      };
    },
  };
}
