/**
 * What a provider's answer means, from its status and error body. The bodies
 * recognised here are the ones DashScope, Coding Plan and Token Plan really
 * send (see docs/calling-a-model.md for each, with its source).
 */
import type { AuthCheckCode } from './types.js';

/** The parts of an error answer that decide its meaning. */
export interface ProviderAnswer {
  readonly status: number;
  /** `error.code`, `code`, or `error.type`/`type` when there is no code. */
  readonly code?: string;
  readonly type?: string;
  /** `error.message`, `message`, or `error` when it is a string. */
  readonly message?: string;
}

const str = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined);

/** Reads an answer's status and body (JSON or not) into a {@link ProviderAnswer}. */
export function readAnswer(status: number, text: string): ProviderAnswer {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    const plain = text
      .replace(/<[^>]*>/g, ' ')
      .replace(/\s+/g, ' ')
      .trim();
    return plain ? { status, message: plain.slice(0, 200) } : { status };
  }
  const top = body as Record<string, unknown>;
  const inner = typeof top.error === 'object' && top.error !== null ? (top.error as Record<string, unknown>) : {};
  const code = str(inner.code) ?? str(top.code);
  const type = str(inner.type) ?? str(top.type);
  const message = str(inner.message) ?? str(top.message) ?? str(top.error) ?? str(top.error_description);
  return {
    status,
    ...((code ?? type) !== undefined && { code: (code ?? type)! }),
    ...(type !== undefined && { type }),
    ...(message !== undefined && { message }),
  };
}

/** What the answer is about beyond its status: the auth method and the provider's vendor. */
export interface AnswerContext {
  readonly oauth: boolean;
  /** Registry vendor of the endpoint (e.g. `alibaba-cloud`), when known. */
  readonly vendor?: string;
}

const QUOTA_MESSAGE = /\b(hour|day|week|month|free) allocated quota exceeded|good standing|arrear/i;
const MODEL_MESSAGE = /\bmodel\b.*\b(is not supported|does not exist|not found)|access to model denied|unsupported model/i;
const MODEL_CODES = new Set(['model_not_found', 'model_not_supported', 'accessdenied.unpurchased']);
const KEY_CODES = new Set(['invalid_api_key', 'invalidapikey', 'invalid_access_token', 'unauthorized']);
const KEY_MESSAGE = /invalid api[- ]?key|incorrect api key|invalid access token|token expired|api key.*(invalid|expired)/i;

/**
 * The verdict code of a failed answer (never called for 2xx). Order matters:
 * the body's own words win over the status, since providers reuse 400, 403
 * and 429 for different causes.
 */
export function classify(answer: ProviderAnswer, context: AnswerContext): AuthCheckCode {
  const { status } = answer;
  const code = answer.code?.toLowerCase() ?? '';
  const message = answer.message ?? '';
  const alibaba = context.vendor === 'alibaba-cloud';

  if (/only available for coding agents/i.test(message)) return 'CLIENT_NOT_ALLOWED';
  if (code === 'arrearage' || QUOTA_MESSAGE.test(message)) return 'QUOTA_EXHAUSTED';
  if (status === 429 || code.startsWith('throttling')) {
    // DashScope sends its per-minute token throttle as 429 insufficient_quota: it clears by itself.
    if (code === 'insufficient_quota' && !alibaba) return 'QUOTA_EXHAUSTED';
    return 'RATE_LIMITED';
  }
  if (code === 'insufficient_quota') return alibaba ? 'RATE_LIMITED' : 'QUOTA_EXHAUSTED';
  if (MODEL_CODES.has(code) || MODEL_MESSAGE.test(message)) return 'MODEL_NOT_AVAILABLE';
  if (status === 401) return context.oauth ? 'LOGIN_REQUIRED' : 'KEY_REJECTED';
  if (status === 403) {
    if (context.oauth && (KEY_CODES.has(code) || KEY_MESSAGE.test(message))) return 'LOGIN_REQUIRED';
    return 'KEY_REJECTED';
  }
  if (KEY_CODES.has(code) || KEY_MESSAGE.test(message)) return context.oauth ? 'LOGIN_REQUIRED' : 'KEY_REJECTED';
  if (status === 404 || status === 405) return 'ENDPOINT_NOT_FOUND';
  if (status >= 500) return 'SERVER_ERROR';
  return 'UNEXPECTED_RESPONSE';
}
