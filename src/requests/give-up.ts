/**
 * When `auth.fetch` gives up — a terminal 401 or 403 from the endpoint (after
 * the one replay), a quota that is used up, a login that cannot be renewed —
 * the response it hands back carries the classified reason: the same status,
 * a body in OpenAI's error shape whose message is the reason and its remedy
 * (so every SDK's own error message says why), `x-should-retry: false`, and
 * a header whose id `findAuthError` maps back to the `QwenAuthError`.
 */
import { type AuthErrorCode, type AuthErrorDetails, QwenAuthError, type RemedyWording, errorRemedy } from '../errors.js';
import { REASON_HEADER, registerReason } from '../internal/reasons.js';
import { redactText, redactUrl } from '../redact.js';
import { type AnswerContext, classify, readAnswer } from './classify.js';

/** The statuses whose answer is read and classified; every other answer passes untouched. */
const READ = new Set([400, 401, 402, 403, 405, 429]);
const MAX_BODY = 64 * 1024;

/** Where the probe found the key that the endpoint rejected. */
export interface FoundElsewhere {
  readonly baseUrl: string;
  /** True for another region of the same provider (`WRONG_REGION`), false for another plan (`WRONG_PLAN_ENDPOINT`). */
  readonly sameProvider: boolean;
  /** e.g. `Alibaba Cloud Coding Plan, International`. */
  readonly where: string;
}

export interface GiveUpOptions {
  readonly oauth: boolean;
  /** The vendor of the endpoint (registry), for reading its answers. */
  readonly vendor: (baseUrl: string) => string | undefined;
  readonly wording?: RemedyWording | undefined;
  /** Redacts every credential handed out in a text. */
  readonly redactIn: (text: string) => string;
  /** `probeOnFailure`: the endpoint that accepts `token`, if any (absent: no probe). */
  readonly locate?: ((token: string, baseUrl: string) => Promise<FoundElsewhere | undefined>) | undefined;
}

/** A response carrying `error`, with `status` and the headers of `from` (if any). */
export function reasonResponse(error: QwenAuthError, status: number, from?: Response): Response {
  const headers = new Headers(from?.headers);
  for (const name of ['content-length', 'content-encoding', 'transfer-encoding']) headers.delete(name);
  headers.set('content-type', 'application/json');
  headers.set('x-should-retry', 'false');
  headers.set(REASON_HEADER, registerReason(error));
  const details = error.details as { suggestedBaseUrl?: unknown };
  const body = {
    error: {
      message: `${error.message} ${error.remedy}`,
      type: 'qwen_auth_error',
      code: error.code,
      ...(typeof details.suggestedBaseUrl === 'string' && { suggested_base_url: details.suggestedBaseUrl }),
    },
  };
  return new Response(JSON.stringify(body), { status, ...(from?.statusText && { statusText: from.statusText }), headers });
}

/** Reads at most 64 KiB of a copy of the body; the response itself stays unread. */
async function peek(response: Response): Promise<string> {
  const copy = response.clone();
  if (!copy.body) return '';
  const reader = copy.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
      if (size >= MAX_BODY) break;
    }
  } catch {
    /* a body that fails to read: classify by the status */
  } finally {
    await reader.cancel().catch(() => undefined);
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

function failed<C extends AuthErrorCode>(code: C, message: string, details: AuthErrorDetails[C], wording: RemedyWording | undefined): QwenAuthError<C> {
  return new QwenAuthError(code, message, { details, remedy: errorRemedy(code, wording) });
}

/**
 * The response to hand back for a final answer of the endpoint: the answer
 * itself, or (a rejected credential, a used-up quota, a client the plan does
 * not serve) one carrying the reason.
 */
export async function finalAnswer(response: Response, token: string, baseUrl: string, options: GiveUpOptions): Promise<Response> {
  if (!READ.has(response.status)) return response;
  const text = await peek(response);
  const answer = readAnswer(response.status, text);
  const vendor = options.vendor(baseUrl);
  const context: AnswerContext = { oauth: options.oauth, ...(vendor !== undefined && { vendor }) };
  const verdict = classify(answer, context);
  const { status } = response;
  const said = answer.message ?? answer.code;
  const words = options.redactIn(`HTTP ${status}${said ? `: ${redactText(said, 200).replace(/[.\s]+$/, '')}` : ''}`);
  const endpoint = redactUrl(baseUrl);
  const details = { endpoint, status };
  let error: QwenAuthError;
  switch (verdict) {
    case 'KEY_REJECTED': {
      const found = options.locate ? await options.locate(token, baseUrl).catch(() => undefined) : undefined;
      if (found) {
        const message = options.redactIn(`${endpoint} rejected the API key (${words}); the key works at ${found.baseUrl} (${found.where}).`);
        error = found.sameProvider
          ? failed('WRONG_REGION', message, { ...details, suggestedBaseUrl: found.baseUrl }, options.wording)
          : failed('WRONG_PLAN_ENDPOINT', message, { ...details, suggestedBaseUrl: found.baseUrl }, options.wording);
      } else {
        error = failed('KEY_REJECTED', `${endpoint} rejected the API key (${words}).`, details, options.wording);
      }
      break;
    }
    case 'LOGIN_REQUIRED':
      error = failed('LOGIN_REQUIRED', `${endpoint} no longer honours this Qwen OAuth login (${words}).`, { reason: 'token-rejected' }, options.wording);
      break;
    case 'QUOTA_EXHAUSTED':
      error = failed('QUOTA_EXHAUSTED', `${endpoint} refused the request: the plan's quota is used up (${words}).`, details, options.wording);
      break;
    case 'CLIENT_NOT_ALLOWED':
      error = failed('CLIENT_NOT_ALLOWED', `${endpoint} serves only approved clients on this plan (${words}).`, details, options.wording);
      break;
    default:
      return response;
  }
  await response.body?.cancel().catch(() => undefined);
  return reasonResponse(error, status, response);
}
