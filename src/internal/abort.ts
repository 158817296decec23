import { QwenAuthError } from '../errors.js';

/**
 * Waits for `promise`, or rejects with `ABORTED` as soon as `signal` fires.
 * The promise itself goes on (it may be shared with other callers).
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined, what: string): Promise<T> {
  if (!signal) return promise;
  const aborted = (): QwenAuthError<'ABORTED'> => new QwenAuthError('ABORTED', `${what} was cancelled.`, { details: {}, cause: signal.reason });
  if (signal.aborted) return Promise.reject(aborted());
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(aborted());
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}
