/**
 * The verdicts of `check()`, each with its remedy, spelled once.
 * docs/calling-a-model.md is tested against this table.
 */
import type { AuthCheckCode } from './types.js';

const REMEDIES: { readonly [C in AuthCheckCode]: string } = {
  KEY_REJECTED:
    'Copy the key again from the provider console (no spaces), check that the plan is active, and that key and base URL belong to the same plan and region (`qwen-auth status --check --probe` tries the others).',
  WRONG_REGION: 'Set the base URL (OPENAI_BASE_URL) to the suggested endpoint: the key belongs to another region of this provider.',
  WRONG_PLAN_ENDPOINT:
    'Set the base URL (OPENAI_BASE_URL) to the suggested endpoint: the key belongs to another plan of this vendor (Coding Plan, Token Plan or pay-as-you-go).',
  MODEL_NOT_AVAILABLE:
    "Choose a model this endpoint serves for the key (OPENAI_MODEL or model.name; the provider's model list names them), or enable the model in the provider console.",
  QUOTA_EXHAUSTED: 'Top up or renew the plan, or wait until its quota window resets (Coding Plan: 5 hours, a week, a month).',
  RATE_LIMITED: 'Too many requests or tokens per minute: retry after a short wait, with backoff, or lower the concurrency.',
  CLIENT_NOT_ALLOWED:
    'This plan serves only approved clients (Coding Plan: coding agents such as Qwen Code); use a pay-as-you-go key (DashScope) for other tools.',
  LOGIN_REQUIRED: 'Log in again with Qwen OAuth (`qwen-auth login`): the server no longer honours this login.',
  ENDPOINT_NOT_FOUND:
    'Check the base URL: it must be the OpenAI-compatible root (e.g. ending in /v1 or /compatible-mode/v1), without /chat/completions.',
  SERVER_ERROR: 'The provider failed to answer (5xx); retry later.',
  NETWORK_ERROR: 'Check the network, proxy (HTTPS_PROXY/NO_PROXY) and certificates (NODE_EXTRA_CA_CERTS), then retry.',
  UNEXPECTED_RESPONSE: "Read the provider's answer in the message; check that the base URL points at an OpenAI-compatible API.",
};

/** Every verdict code of `check()`, in table order. */
export const AUTH_CHECK_CODES = Object.freeze(Object.keys(REMEDIES) as AuthCheckCode[]);

/** The remedy of a verdict code. */
export function authCheckRemedy(code: AuthCheckCode): string {
  return REMEDIES[code];
}
