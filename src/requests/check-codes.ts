/**
 * The verdicts of `check()`, each with its remedy, spelled once (the codes
 * `auth.fetch` also gives up with share the errors' words).
 * docs/calling-a-model.md is tested against this table.
 */
import { ERROR_REMEDIES, REQUEST_REMEDIES, type RemedyText, type RemedyWording, remedyText } from '../errors.js';
import type { AuthCheckCode } from './types.js';

const REMEDIES: { readonly [C in AuthCheckCode]: RemedyText } = {
  ...REQUEST_REMEDIES,
  MODEL_NOT_AVAILABLE: (p) =>
    `Choose a model this endpoint serves for the key (OPENAI_MODEL or model.name in settings.json${p.orFlag('model')}; the provider's model list names them), or enable the model in the provider console.`,
  RATE_LIMITED: 'Too many requests or tokens per minute: retry after a short wait, with backoff, or lower the concurrency.',
  LOGIN_REQUIRED: ERROR_REMEDIES.LOGIN_REQUIRED,
  ENDPOINT_NOT_FOUND: 'Check the base URL: it must be the OpenAI-compatible root (e.g. ending in /v1 or /compatible-mode/v1), without /chat/completions.',
  SERVER_ERROR: 'The provider failed to answer (5xx); retry later.',
  NETWORK_ERROR: ERROR_REMEDIES.NETWORK_ERROR,
  UNEXPECTED_RESPONSE: "Read the provider's answer in the message; check that the base URL points at an OpenAI-compatible API.",
};

/** Every verdict code of `check()`, in table order. */
export const AUTH_CHECK_CODES = Object.freeze(Object.keys(REMEDIES) as AuthCheckCode[]);

/** The remedy of a verdict code, in the caller's wording (neutral words without one). */
export function authCheckRemedy(code: AuthCheckCode, wording?: RemedyWording): string {
  return remedyText(REMEDIES[code], wording);
}
