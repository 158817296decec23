/**
 * The fields of `AuthOverrides` and the flags of Qwen Code's command line
 * that carry them, spelled once. A base file: the error table words its
 * remedies with them, so it sits below both `errors.ts` and `types.ts`.
 */

/** A field of `AuthOverrides`. */
export type OverrideField = 'authType' | 'apiKey' | 'baseUrl' | 'model';

/** The flags of Qwen Code's command line that carry each override, spelled once. */
export const OVERRIDE_FLAGS: Readonly<Record<OverrideField, string>> = Object.freeze({
  authType: '--auth-type',
  apiKey: '--openai-api-key',
  baseUrl: '--openai-base-url',
  model: '--model',
});
