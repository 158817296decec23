/**
 * Failure reasons through the three real SDKs (openai, the AI SDK with
 * @ai-sdk/openai-compatible, LangChain's ChatOpenAI), each with its default
 * retries: when `auth.fetch` gives up, `findAuthError(e)` on the SDK's own
 * error gives the classified reason, and no SDK retries an auth failure (each
 * chat makes exactly one call of the fetch).
 *
 * The wrong-region case plays the Alibaba Cloud registry endpoints with the
 * fake model server: the transport (`resolveAuth({ fetch })`) sends each
 * registry host to it on loopback (`X-Forwarded-Host`), and refuses any other.
 */
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { ChatOpenAI } from '@langchain/openai';
import { generateText } from 'ai';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import {
  chatOpenAIFields,
  defaultProviders,
  type FetchLike,
  findAuthError,
  openAIClientOptions,
  openAICompatibleSettings,
  type ResolvedAuth,
  resolveAuth,
} from '../../src/index.js';
import { type FakeModelServer, type FakeQwenServer, startFakeModelServer, startFakeQwenServer } from '../../src/testing/index.js';
import { makeTree, type Tree } from '../support/tree.js';

interface Driver {
  readonly name: string;
  /** One chat completion through the SDK with its default retries; `fetch` wraps the auth's (to count calls). */
  chat(auth: ResolvedAuth, wrap: (f: FetchLike) => FetchLike): Promise<string>;
}

const DRIVERS: readonly Driver[] = [
  {
    name: 'openai',
    async chat(auth, wrap) {
      const o = openAIClientOptions(auth);
      const client = new OpenAI({ ...o, fetch: wrap(o.fetch) });
      const r = await client.chat.completions.create({ model: auth.model, messages: [{ role: 'user', content: 'hi' }] });
      return r.choices[0]?.message.content ?? '';
    },
  },
  {
    name: 'ai + @ai-sdk/openai-compatible',
    async chat(auth, wrap) {
      const s = openAICompatibleSettings(auth, { name: 'qwen' });
      const provider = createOpenAICompatible({ ...s, fetch: wrap(s.fetch) });
      const r = await generateText({ model: provider(auth.model), prompt: 'hi' });
      return r.text;
    },
  },
  {
    name: '@langchain/openai',
    async chat(auth, wrap) {
      const f = chatOpenAIFields(auth);
      const model = new ChatOpenAI({ ...f, configuration: { ...f.configuration, fetch: wrap(f.configuration.fetch) } });
      const r = await model.invoke('hi');
      return String(r.content);
    },
  },
];

let qwen: FakeQwenServer | undefined;
let models: FakeModelServer | undefined;
let tree: Tree | undefined;
afterEach(async () => {
  await qwen?.close();
  await models?.close();
  tree?.remove();
  qwen = models = tree = undefined;
});

/** Counts the calls of a fetch. */
function counted(): { calls: number; wrap: (f: FetchLike) => FetchLike } {
  const c = {
    calls: 0,
    wrap:
      (f: FetchLike): FetchLike =>
      (input, init) => {
        c.calls++;
        return f(input, init);
      },
  };
  return c;
}

async function failure(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );
}

const CODING_BJ = 'https://coding.dashscope.aliyuncs.com/v1';
const CODING_INTL = 'https://coding-intl.dashscope.aliyuncs.com/v1';
const TOKEN_SG = 'https://token-plan.ap-southeast-1.maas.aliyuncs.com/compatible-mode/v1';
const INTL_KEY = 'sk-sp-intl0000000000000000000a1';
const TOKEN_KEY = 'sk-sp-token000000000000000000b2';

/** Every Alibaba Cloud registry endpoint, played by one fake; a transport that sends their hosts to it. */
async function registryPlayed(keys: Record<string, readonly string[]>): Promise<{ transport: FetchLike; hosts: string[] }> {
  const endpoints = defaultProviders
    .filter((p) => p.vendor === 'alibaba-cloud')
    .flatMap((p) =>
      p.endpoints.map((e) => {
        const url = new URL(e.baseUrl);
        return {
          id: `${p.id}:${e.region}`,
          host: url.host,
          basePath: url.pathname,
          flavor: p.plan === 'coding-plan' ? ('coding-plan' as const) : p.plan === 'token-plan' ? ('token-plan' as const) : ('dashscope' as const),
          serveModels: p.plan !== 'coding-plan',
        };
      }),
    );
  models = await startFakeModelServer({ endpoints, apiKeys: Object.fromEntries(Object.entries(keys).map(([k, where]) => [k, { endpoints: where }])) });
  const known = new Set(endpoints.map((e) => e.host));
  const hosts: string[] = [];
  const transport: FetchLike = async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (url.protocol !== 'https:' || !known.has(url.host)) throw new Error(`the test transport refuses ${url.origin}`);
    hosts.push(url.host);
    const headers = new Headers(request.headers);
    headers.set('x-forwarded-host', url.host);
    const body = request.body ? await request.arrayBuffer() : undefined;
    return fetch(`${models!.url}${url.pathname}${url.search}`, {
      method: request.method,
      headers,
      ...(body && { body }),
      redirect: 'manual',
      signal: request.signal,
    });
  };
  return { transport, hosts };
}

async function keyAuthAt(key: string, baseUrl: string, transport: FetchLike, probeOnFailure: boolean): Promise<ResolvedAuth> {
  tree = makeTree({ 'home/.keep': '', 'w/.env': `OPENAI_API_KEY=${key}\nOPENAI_BASE_URL=${baseUrl}\nOPENAI_MODEL=qwen3-coder-plus\n` });
  return resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: {}, fetch: transport, probeOnFailure });
}

describe.each(DRIVERS)('$name', (driver) => {
  it('a key of another region, with probeOnFailure: findAuthError(e) is WRONG_REGION with the base URL that works; not retried', async () => {
    const { transport } = await registryPlayed({ [INTL_KEY]: ['alibaba-coding-plan:intl'] });
    const auth = await keyAuthAt(INTL_KEY, CODING_BJ, transport, true);
    const c = counted();
    const e = await failure(driver.chat(auth, c.wrap));
    const reason = findAuthError(e, 'WRONG_REGION');
    expect(reason?.details).toMatchObject({ suggestedBaseUrl: CODING_INTL, status: 401, endpoint: CODING_BJ });
    expect(reason?.remedy).toContain('base URL');
    // The SDK's own message says why, too.
    expect(String((e as Error).message)).toContain(CODING_INTL);
    expect(c.calls).toBe(1);
    // The probe ran once: a second failure does not probe again.
    const before = models!.requests.length;
    await failure(driver.chat(auth, c.wrap));
    expect(models!.requests.length - before).toBeLessThanOrEqual(2);
  });

  it('a Token Plan key on a Coding Plan endpoint, with probeOnFailure: WRONG_PLAN_ENDPOINT', async () => {
    const { transport } = await registryPlayed({ [TOKEN_KEY]: ['alibaba-token-plan:ap-southeast-1'] });
    const auth = await keyAuthAt(TOKEN_KEY, CODING_BJ, transport, true);
    const e = await failure(driver.chat(auth, (f) => f));
    expect(findAuthError(e, 'WRONG_PLAN_ENDPOINT')?.details.suggestedBaseUrl).toBe(TOKEN_SG);
  });

  it('without probeOnFailure: KEY_REJECTED, and the key went nowhere else', async () => {
    const { transport, hosts } = await registryPlayed({ [INTL_KEY]: ['alibaba-coding-plan:intl'] });
    const auth = await keyAuthAt(INTL_KEY, CODING_BJ, transport, false);
    const c = counted();
    const e = await failure(driver.chat(auth, c.wrap));
    expect(findAuthError(e)?.code).toBe('KEY_REJECTED');
    expect(new Set(hosts)).toEqual(new Set(['coding.dashscope.aliyuncs.com']));
    expect(c.calls).toBe(1);
  });

  it('a dead login (refresh token rejected): LOGIN_REQUIRED refresh-rejected, first and second time, never retried; the login file stays', async () => {
    qwen = await startFakeQwenServer();
    tree = makeTree({ 'home/.qwen/oauth_creds.json': JSON.stringify(qwen.mintCredentials()), 'w/.keep': '' });
    const file = tree.path('home/.qwen/oauth_creds.json');
    const auth = await resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: {}, oauth: qwen.oauthOptions, loginCommand: 'mytool login' });
    writeFileSync(file, JSON.stringify({ ...qwen.mintCredentials({ expiresInSeconds: -60 }), refresh_token: 'revoked' }));
    qwen.revokeAll();
    const saved = readFileSync(file, 'utf8');
    for (const round of [1, 2]) {
      const c = counted();
      const e = await failure(driver.chat(auth, c.wrap));
      const reason = findAuthError(e, 'LOGIN_REQUIRED');
      expect(reason?.details.reason, `round ${round}`).toBe('refresh-rejected');
      expect(reason?.remedy).toContain('`mytool login`');
      expect(c.calls, `round ${round}`).toBe(1);
    }
    expect(qwen.stats.refreshRequests).toBe(1);
    expect(qwen.apiRequests).toEqual([]);
    expect(existsSync(file)).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe(saved);
  });

  it('a server that honours no token: LOGIN_REQUIRED token-rejected after one refresh and one replay', async () => {
    qwen = await startFakeQwenServer();
    tree = makeTree({ 'home/.qwen/oauth_creds.json': JSON.stringify(qwen.mintCredentials()), 'w/.keep': '' });
    const auth = await resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: {}, oauth: qwen.oauthOptions });
    qwen.rejectAccessTokens();
    const c = counted();
    const e = await failure(driver.chat(auth, c.wrap));
    expect(findAuthError(e, 'LOGIN_REQUIRED')?.details.reason).toBe('token-rejected');
    expect(c.calls).toBe(1);
    expect(qwen.apiRequests.length).toBe(2);
  });
});

describe('findAuthError on what auth.fetch answers', () => {
  it('finds the reason of a Response itself, and nothing for a header a server made up', async () => {
    const { transport } = await registryPlayed({ [INTL_KEY]: ['alibaba-coding-plan:intl'] });
    const auth = await keyAuthAt(INTL_KEY, CODING_BJ, transport, false);
    const r = await auth.fetch(`${CODING_BJ}/chat/completions`, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(401);
    expect(r.headers.get('x-should-retry')).toBe('false');
    expect(findAuthError(r)?.code).toBe('KEY_REJECTED');
    const body = (await r.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('KEY_REJECTED');
    expect(body.error.message).not.toContain(INTL_KEY);
    expect(findAuthError({ headers: new Headers({ 'x-qwen-auth-reason': 'qa-00000000-0000-4000-8000-000000000000' }) })).toBeUndefined();
  });
});

describe('the reason never carries a credential whole', () => {
  it('a provider that echoes the key in its 401: the message, the body and the error hold it redacted', async () => {
    const { createServer } = await import('node:http');
    const key = 'sk-echo-9f8e7d6c5b4a39281706';
    const server = createServer((req, res) => {
      const sent = String(req.headers.authorization ?? '').replace('Bearer ', '');
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${sent}.`, code: 'invalid_api_key' } }));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    try {
      const base = `http://127.0.0.1:${(server.address() as { port: number }).port}/v1`;
      tree = makeTree({ 'home/.keep': '', 'w/.env': `OPENAI_API_KEY=${key}\nOPENAI_BASE_URL=${base}\nOPENAI_MODEL=m\n` });
      const auth = await resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: {} });
      const r = await auth.fetch(`${base}/chat/completions`, { method: 'POST', body: '{}' });
      const text = await r.text();
      const reason = findAuthError(r);
      expect(reason?.code).toBe('KEY_REJECTED');
      expect(text).not.toContain(key);
      expect(JSON.stringify(reason)).not.toContain(key);
      expect(reason!.message).toContain('Incorrect API key provided');
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});
