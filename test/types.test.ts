/**
 * Type tests (checked by `npm run typecheck`, which includes test/; they also
 * run as ordinary tests): the `ResolvedAuth` discriminant, `isAuthError` and
 * `findAuthError` narrowing, and the error kinds.
 */
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  type AnthropicAuth,
  type AuthErrorCode,
  type AuthErrorDetails,
  findAuthError,
  isAuthError,
  type OpenAIAuth,
  type OpenAIResponsesAuth,
  QwenAuthError,
  type QwenOAuthAuth,
  type ResolvedAuth,
} from '../src/index.js';

describe('ResolvedAuth', () => {
  it('narrows on type', () => {
    const narrow = (auth: ResolvedAuth): void => {
      if (auth.type === 'qwen-oauth') {
        expectTypeOf(auth).toEqualTypeOf<QwenOAuthAuth>();
        expectTypeOf(auth.credentials.expiresAt).toEqualTypeOf<number | undefined>();
      } else if (auth.type === 'openai') {
        expectTypeOf(auth).toEqualTypeOf<OpenAIAuth>();
        expectTypeOf(auth.apiKey).toEqualTypeOf<string>();
      } else if (auth.type === 'anthropic') {
        expectTypeOf(auth).toEqualTypeOf<AnthropicAuth>();
      } else {
        expectTypeOf(auth).toEqualTypeOf<OpenAIResponsesAuth>();
      }
      expectTypeOf(auth.type).toEqualTypeOf<'openai' | 'openai-responses' | 'anthropic' | 'qwen-oauth'>();
      expectTypeOf(auth.fetch).returns.toEqualTypeOf<Promise<Response>>();
    };
    expect(typeof narrow).toBe('function');
  });
});

describe('isAuthError and findAuthError', () => {
  it('narrow to the code and its details', () => {
    const e: unknown = new QwenAuthError('WRONG_REGION', 'm', { details: { endpoint: 'https://a/v1', status: 401, suggestedBaseUrl: 'https://b/v1' } });
    if (isAuthError(e, 'WRONG_REGION')) {
      expectTypeOf(e.code).toEqualTypeOf<'WRONG_REGION'>();
      expectTypeOf(e.details.suggestedBaseUrl).toEqualTypeOf<string>();
      expect(e.details.suggestedBaseUrl).toBe('https://b/v1');
    } else {
      throw new Error('expected a WRONG_REGION error');
    }
    const any: unknown = e;
    if (isAuthError(any)) {
      expectTypeOf(any.code).toEqualTypeOf<AuthErrorCode>();
      expectTypeOf(any.kind).toEqualTypeOf<'programmer' | 'operational'>();
      expect(any.kind).toBe('operational');
    }
    const reason = findAuthError(e, 'LOGIN_REQUIRED');
    expectTypeOf(reason).toEqualTypeOf<QwenAuthError<'LOGIN_REQUIRED'> | undefined>();
    expectTypeOf<NonNullable<typeof reason>['details']['reason']>().toEqualTypeOf<AuthErrorDetails['LOGIN_REQUIRED']['reason']>();
    expect(reason).toBeUndefined();
  });

  it('INVALID_OPTION_TYPE is the programmer’s mistake; INVALID_OPTION is the user’s unless the thrower says otherwise', () => {
    expect(new QwenAuthError('INVALID_OPTION_TYPE', 'm', { details: { option: 'cwd' } }).kind).toBe('programmer');
    expect(new QwenAuthError('INVALID_OPTION', 'm', { details: { option: 'cwd' } }).kind).toBe('operational');
    expect(new QwenAuthError('INVALID_OPTION', 'm', { details: { option: 'cwd' } }).toJSON().kind).toBe('operational');
    expect(new QwenAuthError('INVALID_OPTION', 'm', { details: { option: 'onVerification' }, kind: 'programmer' }).kind).toBe('programmer');
  });

  it('a wrong option type and an unusable value get different codes', async () => {
    const { resolveAuth } = await import('../src/index.js');
    const typed = await resolveAuth({ cwd: 42 as unknown as string }).catch((e: unknown) => e);
    expect(typed).toMatchObject({ code: 'INVALID_OPTION_TYPE', kind: 'programmer', details: { option: 'cwd' } });
    const missing = await resolveAuth({ cwd: '/nonexistent/qwen-auth-folder' }).catch((e: unknown) => e);
    expect(missing).toMatchObject({ code: 'INVALID_OPTION', kind: 'operational', details: { option: 'cwd' } });
  });
});
