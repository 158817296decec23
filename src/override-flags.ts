/**
 * The fields of `AuthOverrides` and the flags of Qwen Code's command line
 * that carry them, spelled once, and the scopes values come from. A base
 * file: the error table words its remedies and details with them, so it
 * sits below both `errors.ts` and `types.ts`.
 */

/** Where a value came from, most trusted first. (Here, below `errors.ts`, which names scopes in its details.) */
export type Scope = 'overrides' | 'environment' | 'system' | 'system-defaults' | 'user' | 'workspace' | 'built-in';

/** A field of `AuthOverrides`. */
export type OverrideField = 'authType' | 'apiKey' | 'baseUrl' | 'model';

/** The flags of Qwen Code's command line that carry each override, spelled once. */
export const OVERRIDE_FLAGS: Readonly<Record<OverrideField, string>> = Object.freeze({
  authType: '--auth-type',
  apiKey: '--openai-api-key',
  baseUrl: '--openai-base-url',
  model: '--model',
});
