import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { listenOnLoopback, readBody } from './listen.js';

/** Whose error bodies an endpoint sends. */
export type FakeModelFlavor = 'dashscope' | 'coding-plan' | 'token-plan' | 'openai';

/** The failures the server can be told to answer with, each with the provider's real body. */
export type FakeModelErrorKind =
  | 'invalid-key'
  | 'arrearage'
  | 'quota-exhausted'
  | 'rate-limited'
  | 'model-not-found'
  | 'client-not-allowed'
  | 'server-error'
  | 'not-found';

/** One endpoint (a region or plan) the server plays. */
export interface FakeModelEndpoint {
  /** Its name; directly on loopback it is served at `<url>/<id><basePath>`. */
  readonly id: string;
  /**
   * The host it plays behind a TLS-terminating proxy, e.g.
   * `coding-intl.dashscope.aliyuncs.com`: a request whose `X-Forwarded-Host`
   * names it is served at `<basePath>` with no `/<id>` prefix.
   */
  readonly host?: string;
  /** The OpenAI-compatible root below the host (default `/v1`; DashScope's is `/compatible-mode/v1`). */
  readonly basePath?: string;
  /** Whose error bodies it sends (default `dashscope`). */
  readonly flavor?: FakeModelFlavor;
  /** Models it serves (default: the server's `models`). */
  readonly models?: readonly string[];
  /** Answer `GET /models` (default true); false answers 404 with no body, as an endpoint without it does. */
  readonly serveModels?: boolean;
}

/** Where a key works, and for which models. */
export interface FakeKeyGrant {
  /** Endpoint ids that accept the key (default: all). */
  readonly endpoints?: readonly string[];
  /** Models the key may use (default: all the endpoint serves). */
  readonly models?: readonly string[];
}

export interface FakeModelServerOptions {
  /** Port on 127.0.0.1 (default: any free port). */
  readonly port?: number;
  /** The endpoints played (default one, `default`, DashScope-flavoured, at `<url>/default/v1`). */
  readonly endpoints?: readonly FakeModelEndpoint[];
  /** Keys accepted (`Authorization: Bearer <key>` or `x-api-key: <key>`), and where. */
  readonly apiKeys?: Readonly<Record<string, FakeKeyGrant>>;
  /** Also accept these bearer tokens, e.g. `(t) => fakeQwen.isValidAccessToken(t)`. */
  readonly acceptToken?: (token: string, endpoint: string) => boolean;
  /** Models served (default `qwen3-coder-plus`, `qwen3.7-max`). */
  readonly models?: readonly string[];
  /** Delay every answer by this many ms (default 0). */
  readonly latencyMs?: number;
}

/** One request the server saw, credentials included (it is a test server: assert on them). */
export interface FakeModelRequest {
  readonly method: string;
  /** Path and query as received. */
  readonly path: string;
  /** The endpoint it was routed to, or undefined (answered 404). */
  readonly endpoint: string | undefined;
  /** `X-Forwarded-Host` when it came through a proxy, else the Host header. */
  readonly host: string;
  readonly authorization: string | undefined;
  readonly apiKey: string | undefined;
  /** The `model` of a chat completion. */
  readonly model?: string;
  /** The status answered. */
  status: number;
}

export interface FakeModelServer {
  /** Origin, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** Base URL of the first endpoint, directly on loopback. */
  readonly baseUrl: string;
  /** Base URL of an endpoint, directly on loopback. */
  baseUrlOf(endpoint: string): string;
  /** Every request, in order. */
  readonly requests: FakeModelRequest[];
  /**
   * Answers matching requests with `kind`'s real body: `times` of them
   * (default: until {@link clearFailures}), on one endpoint, or one path.
   */
  /** Accepts `key` from now on (as `apiKeys` would). */
  grantKey(key: string, grant?: FakeKeyGrant): void;
  /** Rejects `key` from now on. */
  revokeKey(key: string): void;
  fail(kind: FakeModelErrorKind, options?: { readonly times?: number; readonly endpoint?: string; readonly path?: 'models' | 'chat' }): void;
  clearFailures(): void;
  close(): Promise<void>;
}

interface Rule {
  readonly kind: FakeModelErrorKind;
  remaining: number;
  readonly endpoint?: string;
  readonly path?: 'models' | 'chat';
}

const DEFAULT_MODELS = ['qwen3-coder-plus', 'qwen3.7-max'];
const APIKEY_DOC = 'https://www.alibabacloud.com/help/en/model-studio/error-code#apikey-error';

/** OpenAI's answer to a used-up quota, which OpenAI-compatible servers copy. */
const OPENAI_QUOTA_EXCEEDED = {
  status: 429,
  body: {
    error: {
      message: 'You exceeded your current quota, please check your plan and billing details.',
      type: 'insufficient_quota',
      param: null,
      code: 'insufficient_quota',
    },
  },
} as const;

/**
 * The bodies, as the providers send them (sources in docs/calling-a-model.md).
 * `undefined` body: no body at all.
 */
export function fakeErrorAnswer(kind: FakeModelErrorKind, flavor: FakeModelFlavor, model = 'model'): { status: number; body?: unknown } {
  const alibaba = flavor !== 'openai';
  switch (kind) {
    case 'invalid-key':
      if (flavor === 'coding-plan')
        return { status: 401, body: { error: { message: 'invalid access token or token expired', type: 'invalid_request_error' } } };
      if (flavor === 'token-plan')
        return { status: 401, body: { error: { message: `Invalid API-key provided. For details, see: ${APIKEY_DOC}`, type: 'invalid_request_error' } } };
      if (flavor === 'openai') {
        return {
          status: 401,
          body: {
            error: {
              message: 'Incorrect API key provided. You can find your API key at https://platform.openai.com/account/api-keys.',
              type: 'invalid_request_error',
              param: null,
              code: 'invalid_api_key',
            },
          },
        };
      }
      return { status: 401, body: { error: { message: 'Incorrect API key provided.', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } } };
    case 'arrearage':
      if (!alibaba) return OPENAI_QUOTA_EXCEEDED;
      // "plesase": the message as Alibaba Cloud sends and documents it.
      return {
        status: 400,
        body: { error: { message: 'Access denied, plesase make sure your account is in good standing.', type: 'Arrearage', param: null, code: 'Arrearage' } },
      };
    case 'quota-exhausted':
      if (flavor === 'coding-plan') return { status: 429, body: { error: { message: 'hour allocated quota exceeded', type: 'invalid_request_error' } } };
      if (!alibaba) return OPENAI_QUOTA_EXCEEDED;
      return {
        status: 429,
        body: { error: { message: 'Free allocated quota exceeded.', type: 'Throttling.AllocationQuota', param: null, code: 'Throttling.AllocationQuota' } },
      };
    case 'rate-limited':
      if (!alibaba)
        return { status: 429, body: { error: { message: 'Rate limit reached for requests', type: 'requests', param: null, code: 'rate_limit_exceeded' } } };
      // DashScope's per-minute token throttle, in OpenAI billing words.
      return {
        status: 429,
        body: {
          error: {
            message:
              'You exceeded your current quota, please check your plan and billing details. For details, see: https://help.aliyun.com/zh/model-studio/error-code#token-limit',
            type: 'insufficient_quota',
            param: null,
            code: 'insufficient_quota',
          },
        },
      };
    case 'model-not-found':
      if (flavor === 'coding-plan')
        return {
          status: 400,
          body: { error: { code: 'invalid_parameter_error', message: `model \`${model}\` is not supported.`, param: null, type: 'invalid_request_error' } },
        };
      if (flavor === 'token-plan') {
        return {
          status: 403,
          body: {
            message: 'Access to model denied. Please make sure you are eligible for using the model.',
            id: '00000000-0000-0000-0000-000000000000',
            type: 'AccessDenied.Unpurchased',
            code: 'AccessDenied.Unpurchased',
          },
        };
      }
      return {
        status: 404,
        body: {
          error: {
            message: `The model \`${model}\` does not exist or you do not have access to it.`,
            type: 'invalid_request_error',
            param: null,
            code: 'model_not_found',
          },
        },
      };
    case 'client-not-allowed':
      return { status: 405, body: { error: 'Coding Plan is currently only available for Coding Agents' } };
    case 'server-error':
      return { status: 500, body: { error: { message: 'Internal server error', type: 'internal_error' } } };
    case 'not-found':
      return { status: 404 };
  }
}

const hostOnly = (host: string): string => host.toLowerCase().replace(/:\d+$/, '');

/**
 * Starts an OpenAI-compatible model server on 127.0.0.1 that plays one or
 * more endpoints (DashScope regions, Coding Plan, Token Plan…), each with
 * its provider's error bodies: `GET /models` and `POST /chat/completions`
 * (streaming when asked), keys bound to endpoints and models, failure
 * injection, and a log of every request.
 */
export async function startFakeModelServer(options: FakeModelServerOptions = {}): Promise<FakeModelServer> {
  const endpoints = options.endpoints?.length ? options.endpoints : [{ id: 'default' }];
  const models = options.models ?? DEFAULT_MODELS;
  const requests: FakeModelRequest[] = [];
  const keys = new Map<string, FakeKeyGrant>(Object.entries(options.apiKeys ?? {}));
  let rules: Rule[] = [];
  let origin = '';
  const basePath = (e: FakeModelEndpoint): string => (e.basePath ?? '/v1').replace(/\/+$/, '');

  const route = (req: IncomingMessage, pathname: string): { endpoint: FakeModelEndpoint; rest: string } | undefined => {
    const forwarded = req.headers['x-forwarded-host'];
    const host = typeof forwarded === 'string' ? hostOnly(forwarded) : undefined;
    const byHost = host ? endpoints.find((e) => e.host !== undefined && hostOnly(e.host) === host) : undefined;
    const candidates = byHost ? [{ endpoint: byHost, prefix: basePath(byHost) }] : endpoints.map((e) => ({ endpoint: e, prefix: `/${e.id}${basePath(e)}` }));
    for (const { endpoint, prefix } of candidates) {
      if (pathname === prefix || pathname.startsWith(`${prefix}/`)) return { endpoint, rest: pathname.slice(prefix.length) };
    }
    return undefined;
  };

  const send = (res: ServerResponse, entry: FakeModelRequest, status: number, body?: unknown): void => {
    entry.status = status;
    if (body === undefined) {
      res.writeHead(status);
      res.end();
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (options.latencyMs) await new Promise((r) => setTimeout(r, options.latencyMs));
    const url = new URL(req.url ?? '/', origin);
    const routed = route(req, url.pathname);
    const authorization = typeof req.headers.authorization === 'string' ? req.headers.authorization : undefined;
    const apiKey = typeof req.headers['x-api-key'] === 'string' ? req.headers['x-api-key'] : undefined;
    const forwarded = req.headers['x-forwarded-host'];
    const body = req.method === 'POST' ? await readBody(req) : '';
    let parsed: { model?: unknown; stream?: unknown } = {};
    try {
      parsed = body ? (JSON.parse(body) as typeof parsed) : {};
    } catch {
      /* not JSON */
    }
    const model = typeof parsed.model === 'string' ? parsed.model : undefined;
    const entry: FakeModelRequest = {
      method: req.method ?? 'GET',
      path: `${url.pathname}${url.search}`,
      endpoint: routed?.endpoint.id,
      host: typeof forwarded === 'string' ? forwarded : (req.headers.host ?? ''),
      authorization,
      apiKey,
      ...(model !== undefined && { model }),
      status: 0,
    };
    requests.push(entry);
    if (!routed) return send(res, entry, 404);
    const { endpoint, rest } = routed;
    const flavor = endpoint.flavor ?? 'dashscope';
    const path = req.method === 'GET' && rest === '/models' ? 'models' : req.method === 'POST' && rest === '/chat/completions' ? 'chat' : undefined;
    if (!path) return send(res, entry, 404);

    const rule = rules.find((r) => r.remaining > 0 && (r.endpoint === undefined || r.endpoint === endpoint.id) && (r.path === undefined || r.path === path));
    if (rule) {
      rule.remaining--;
      const answer = fakeErrorAnswer(rule.kind, flavor, model);
      return send(res, entry, answer.status, answer.body);
    }
    if (path === 'models' && endpoint.serveModels === false) return send(res, entry, 404);

    const token = (apiKey ?? authorization?.replace(/^Bearer\s+/i, '') ?? '').trim();
    const grant = keys.get(token);
    const allowedByKey = grant !== undefined && (grant.endpoints === undefined || grant.endpoints.includes(endpoint.id));
    if (!allowedByKey && !(token !== '' && options.acceptToken?.(token, endpoint.id))) {
      const answer = fakeErrorAnswer('invalid-key', flavor);
      return send(res, entry, answer.status, answer.body);
    }
    const served = (endpoint.models ?? models).filter((m) => !grant?.models || grant.models.includes(m));

    if (path === 'models') {
      return send(res, entry, 200, { object: 'list', data: served.map((id) => ({ id, object: 'model', created: 0, owned_by: 'system' })) });
    }
    if (model === undefined || !served.includes(model)) {
      const answer = fakeErrorAnswer('model-not-found', flavor, model ?? '');
      return send(res, entry, answer.status, answer.body);
    }
    if (parsed.stream === true) {
      entry.status = 200;
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (delta: object, finish: string | null): string =>
        `data: ${JSON.stringify({ id: 'chatcmpl-fake', object: 'chat.completion.chunk', created: 0, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      res.end(`${chunk({ role: 'assistant', content: 'ok' }, null)}${chunk({}, 'stop')}data: [DONE]\n\n`);
      return;
    }
    return send(res, entry, 200, {
      id: 'chatcmpl-fake',
      object: 'chat.completion',
      created: 0,
      model,
      choices: [{ index: 0, message: { role: 'assistant', content: 'ok' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    });
  }

  const listening = await listenOnLoopback(handle, options.port ?? 0);
  const server: Server = listening.server;
  origin = listening.origin;
  const baseUrlOf = (id: string): string => {
    const endpoint = endpoints.find((e) => e.id === id);
    if (!endpoint) throw new Error(`no endpoint '${id}'`);
    return `${origin}/${endpoint.id}${basePath(endpoint)}`;
  };

  return {
    url: origin,
    baseUrl: baseUrlOf(endpoints[0]!.id),
    baseUrlOf,
    requests,
    grantKey(key, grant = {}) {
      keys.set(key, grant);
    },
    revokeKey(key) {
      keys.delete(key);
    },
    fail(kind, o = {}) {
      rules.push({
        kind,
        remaining: o.times ?? Number.POSITIVE_INFINITY,
        ...(o.endpoint !== undefined && { endpoint: o.endpoint }),
        ...(o.path !== undefined && { path: o.path }),
      });
    },
    clearFailures() {
      rules = [];
    },
    close() {
      return new Promise((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      });
    },
  };
}
