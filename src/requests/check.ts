/**
 * The live check: one cheap request that says whether the credential works
 * at its endpoint, and if not, why. `GET {baseUrl}/models` first; when that
 * is not served (404/405), or does not list the resolved model, a chat
 * completion of one token with the resolved model.
 */
import { isAuthError, QwenAuthError, type RemedyWording } from '../errors.js';
import type { ProviderRegistry } from '../providers/types.js';
import type { FetchLike } from '../types.js';
import { redactText, redactUrl } from '../redact.js';
import { authCheckRemedy } from './check-codes.js';
import { type AnswerContext, classify, type ProviderAnswer, readAnswer } from './classify.js';
import type { CredentialSource } from './credential-source.js';
import { locateKey } from './probe.js';
import type { AuthCheck, AuthCheckCode, AuthCheckFailed, CheckOptions } from './types.js';

/**
 * The requests of the check on one wire: the models list and the one-token
 * request. Default: OpenAI Chat Completions (`{base}/models`,
 * `{base}/chat/completions`).
 */
export interface CheckWire {
  /** The models list for a base URL. */
  modelsUrl(base: string): string;
  /** The one-token request for a base URL. */
  requestUrl(base: string): string;
  /** Its body, for a model. */
  body(model: string): string;
  /** Headers the wire needs besides the key (e.g. `anthropic-version`). */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface CheckContext {
  readonly source: CredentialSource;
  /** The wire of the requests (default: OpenAI Chat Completions; the probe runs only there). */
  readonly wire?: CheckWire;
  /** The auth's own fetch (credential, refresh and replay). */
  readonly fetch: FetchLike;
  /** The bare transport, for the probe's requests with an explicit key. */
  readonly transport: () => Promise<FetchLike>;
  readonly model: string;
  /** Qwen OAuth: a rejected token means the login is over, and there is nothing to probe. */
  readonly oauth: boolean;
  readonly registry: ProviderRegistry;
  /** How remedies name the tool's flags and commands. */
  readonly wording?: RemedyWording | undefined;
}

const DEFAULT_TIMEOUT_MS = 10_000;
const MAX_BODY = 1 << 20;

type Exchange = { readonly status: number; readonly text: string } | { readonly failure: AuthCheckFailed };

function failureIn(
  wording: RemedyWording | undefined,
  code: AuthCheckCode,
  message: string,
  extra: { status?: number; suggestedBaseUrl?: string } = {},
): AuthCheckFailed {
  return {
    ok: false,
    code,
    ...(extra.status !== undefined && { status: extra.status }),
    message,
    remedy: authCheckRemedy(code, wording),
    ...(extra.suggestedBaseUrl !== undefined && { suggestedBaseUrl: extra.suggestedBaseUrl }),
  };
}

/** Reads at most 1 MiB of a body as text. */
async function readText(response: Response): Promise<string> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    chunks.push(value);
    size += value.byteLength;
    if (size >= MAX_BODY) {
      await reader.cancel().catch(() => undefined);
      break;
    }
  }
  return new TextDecoder().decode(Buffer.concat(chunks));
}

function describe(method: string, url: string, answer: ProviderAnswer): string {
  // The server's words, sanitised (no terminal escapes), bounded and redacted.
  const what = answer.message ? `: ${redactText(answer.message, 300)}` : answer.code ? `: ${redactText(answer.code, 100)}` : ' with no message';
  return `${method} ${redactUrl(url)} answered ${answer.status}${what}`;
}

function modelIds(text: string): string[] | undefined {
  try {
    const body = JSON.parse(text) as { data?: unknown };
    if (!Array.isArray(body.data)) return undefined;
    return body.data.flatMap((m) => (typeof (m as { id?: unknown })?.id === 'string' ? [(m as { id: string }).id] : []));
  } catch {
    return undefined;
  }
}

function chatBody(model: string): string {
  return JSON.stringify({ model, messages: [{ role: 'user', content: 'ping' }], max_tokens: 1, stream: false });
}

/** Runs the check. Rejects only with `ABORTED` (the caller's signal) or an unexpected store failure. */
export async function runCheck(ctx: CheckContext, options: CheckOptions = {}): Promise<AuthCheck> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0)) {
    throw new QwenAuthError('INVALID_OPTION_TYPE', 'check({ timeoutMs }) must be a positive number of milliseconds.', { details: { option: 'timeoutMs' } });
  }
  const failure = (code: AuthCheckCode, message: string, extra: { status?: number; suggestedBaseUrl?: string } = {}): AuthCheckFailed =>
    failureIn(ctx.wording, code, message, extra);
  const started = performance.now();
  const base = ctx.source.baseUrl().replace(/\/+$/, '');
  const registryEntry = ctx.registry.matchBaseUrl(base);
  const context: AnswerContext = { oauth: ctx.oauth, ...(registryEntry?.provider.vendor !== undefined && { vendor: registryEntry.provider.vendor }) };

  /** One request through `fetcher`, bounded by the timeout and the caller's signal. */
  const call = async (fetcher: FetchLike, url: string, init: RequestInit): Promise<Exchange> => {
    const timeout = AbortSignal.timeout(timeoutMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
    try {
      const response = await fetcher(url, { ...init, signal });
      return { status: response.status, text: await readText(response) };
    } catch (error) {
      if (options.signal?.aborted) {
        throw new QwenAuthError('ABORTED', 'The check was cancelled.', { details: {}, cause: error });
      }
      if (timeout.aborted) return { failure: failure('NETWORK_ERROR', ctx.source.redactIn(`No answer from ${redactUrl(url)} within ${timeoutMs} ms.`)) };
      if (isAuthError(error, 'LOGIN_REQUIRED')) return { failure: failure('LOGIN_REQUIRED', error.message) };
      if (isAuthError(error, 'NETWORK_ERROR')) return { failure: failure('NETWORK_ERROR', ctx.source.redactIn(error.message)) };
      if (isAuthError(error)) throw error;
      const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
      const reason =
        typeof cause?.code === 'string'
          ? cause.code
          : typeof cause?.message === 'string'
            ? cause.message
            : error instanceof Error
              ? error.message
              : String(error);
      return { failure: failure('NETWORK_ERROR', ctx.source.redactIn(`${redactUrl(url)} could not be reached (${redactText(reason, 200)}).`)) };
    }
  };

  const verdict = async (method: string, url: string, status: number, text: string): Promise<AuthCheckFailed> => {
    const answer = readAnswer(status, text);
    const code = classify(answer, context);
    const message = ctx.source
      .redactIn(describe(method, url, answer))
      .slice(0, 400)
      .replace(/[.\s]+$/, '');
    if (code === 'KEY_REJECTED' && options.probe && !ctx.oauth && !ctx.wire) return probe(message, status);
    return failure(code, message, { status });
  };

  /** The probe: the first other endpoint of the vendor that knows the key. */
  const probe = async (rejected: string, status: number): Promise<AuthCheckFailed> => {
    const key = await ctx.source.getToken();
    const { found, tried } = await locateKey({
      registry: ctx.registry,
      baseUrl: base,
      key,
      keyHeader: ctx.source.keyHeader,
      transport: await ctx.transport(),
      model: ctx.model,
      context,
      timeoutMs,
      signal: options.signal,
    });
    if (options.signal?.aborted) throw new QwenAuthError('ABORTED', 'The check was cancelled.', { details: {}, cause: options.signal.reason });
    if (tried === 0) return failure('KEY_REJECTED', `${rejected}. No other endpoint of this provider fits the key.`, { status });
    if (!found) {
      return failure('KEY_REJECTED', `${rejected}. ${tried} other endpoint(s) of the same vendor were tried; none accepts the key either.`, { status });
    }
    const home = registryEntry?.provider;
    const code: AuthCheckCode = found.provider === home ? 'WRONG_REGION' : 'WRONG_PLAN_ENDPOINT';
    return failure(code, `${rejected}. The key works at ${found.endpoint.baseUrl} (${found.provider.name}, ${found.endpoint.regionName}).`, {
      status,
      suggestedBaseUrl: found.endpoint.baseUrl,
    });
  };

  const passed = (status: number, models: readonly string[] | undefined): AuthCheck => ({
    ok: true,
    status,
    latencyMs: Math.round((performance.now() - started) * 1000) / 1000,
    ...(models !== undefined && { models }),
  });

  const extra = ctx.wire?.headers ?? {};
  const modelsUrl = ctx.wire ? ctx.wire.modelsUrl(base) : `${base}/models`;
  const list = await call(ctx.fetch, modelsUrl, { method: 'GET', headers: { ...extra, accept: 'application/json' } });
  if ('failure' in list) return list.failure;
  let listed: string[] | undefined;
  if (list.status >= 200 && list.status < 300) {
    listed = modelIds(list.text);
    // Listed, or nothing to compare with: the key works. A list without the model: ask for one token of it.
    if (!listed || listed.length === 0 || listed.includes(ctx.model)) return passed(list.status, listed);
  } else {
    const code = classify(readAnswer(list.status, list.text), context);
    if (code !== 'ENDPOINT_NOT_FOUND') return verdict('GET', modelsUrl, list.status, list.text);
  }

  const chatUrl = ctx.wire ? ctx.wire.requestUrl(base) : `${base}/chat/completions`;
  const chat = await call(ctx.fetch, chatUrl, {
    method: 'POST',
    headers: { ...extra, 'content-type': 'application/json', accept: 'application/json' },
    body: ctx.wire ? ctx.wire.body(ctx.model) : chatBody(ctx.model),
  });
  if ('failure' in chat) return chat.failure;
  if (chat.status >= 200 && chat.status < 300) return passed(chat.status, listed);
  return verdict('POST', chatUrl, chat.status, chat.text);
}
