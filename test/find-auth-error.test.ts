import { afterAll, describe, expect, it } from 'vitest';
import { findAuthError, QwenAuthError, resolveAuth } from '../src/index.js';
import { makeTree } from './support/tree.js';

const auth = (code: 'LOGIN_REQUIRED' | 'NETWORK_ERROR' = 'LOGIN_REQUIRED') =>
  code === 'LOGIN_REQUIRED'
    ? new QwenAuthError('LOGIN_REQUIRED', 'x', { details: { reason: 'no-credentials' } })
    : new QwenAuthError('NETWORK_ERROR', 'y', { details: { endpoint: 'https://e' } });

describe('findAuthError', () => {
  it('finds the error itself, or the one an SDK wrapped (cause chain)', () => {
    const e = auth();
    expect(findAuthError(e)).toBe(e);
    const wrapped = new Error('Connection error.', { cause: new TypeError('fetch failed', { cause: e }) });
    expect(findAuthError(wrapped)).toBe(e);
  });

  it('with a code, the first of that code', () => {
    const inner = auth('LOGIN_REQUIRED');
    const outer = new QwenAuthError('NETWORK_ERROR', 'y', { details: { endpoint: 'https://e' }, cause: inner });
    expect(findAuthError(outer)).toBe(outer);
    expect(findAuthError(outer, 'LOGIN_REQUIRED')).toBe(inner);
    expect(findAuthError(outer, 'ABORTED')).toBeUndefined();
  });

  it('is undefined for anything else, and never throws', () => {
    for (const v of [undefined, null, 0, 'LOGIN_REQUIRED', new Error('x'), { code: 'LOGIN_REQUIRED' }, Symbol('s')]) {
      expect(findAuthError(v)).toBeUndefined();
    }
    const hostile = new Proxy(
      {},
      {
        get: () => {
          throw new Error('boom');
        },
      },
    );
    expect(findAuthError(hostile)).toBeUndefined();
    const getter = Object.defineProperty(new Error('x'), 'cause', {
      get: () => {
        throw new Error('boom');
      },
    });
    expect(findAuthError(getter)).toBeUndefined();
  });

  it('is safe on a cycle and bounded on a long chain', () => {
    const a = new Error('a');
    const b = new Error('b', { cause: a });
    (a as { cause?: unknown }).cause = b;
    expect(findAuthError(a)).toBeUndefined();
    let deep: unknown = auth();
    for (let i = 0; i < 10; i++) deep = new Error(`level ${i}`, { cause: deep });
    expect(findAuthError(deep)).toBeDefined();
    for (let i = 0; i < 100; i++) deep = new Error(`level ${i}`, { cause: deep });
    expect(findAuthError(deep)).toBeUndefined();
  });

  it('recognises an error of another copy of the library (the built one)', async () => {
    const dist = (await import(new URL('../dist/index.js', import.meta.url).href)) as typeof import('../src/index.js');
    const other = new dist.QwenAuthError('ABORTED', 'z', { details: {} });
    expect(other).not.toBeInstanceOf(QwenAuthError);
    expect(findAuthError(new Error('wrapped', { cause: other }))).toBe(other);
  });

  const tree = makeTree({ 'home/.keep': '', 'w/.keep': '' });
  afterAll(() => tree.remove());
  it('finds what an apiKey function threw inside an SDK-like wrapper', async () => {
    const apiKey = async (): Promise<string> => {
      const r = await resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: {} });
      return r.type === 'qwen-oauth' ? r.getAccessToken() : r.apiKey;
    };
    const sdkCall = async () => {
      try {
        return await apiKey();
      } catch (cause) {
        throw new Error('Failed to get the API key', { cause });
      }
    };
    const error = await sdkCall().catch((e: unknown) => e);
    expect(findAuthError(error)?.code).toBe('NO_CREDENTIALS');
  });
});
