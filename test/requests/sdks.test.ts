/**
 * The three SDKs, real, against loopback servers, each given the helper's
 * plain object: the API-key path; the Qwen OAuth path where the server
 * starts rejecting a token before it expires (one refresh, one replay, the
 * credentials file rotated); 40 concurrent requests (one refresh); a server
 * that rejects every token (the 401 reaches the caller after at most one
 * replay); and a request to another origin (no token).
 */
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { ChatOpenAI } from '@langchain/openai';
import { generateText } from 'ai';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import {
  chatOpenAIFields,
  findAuthError,
  isAuthError,
  openAIClientOptions,
  openAICompatibleSettings,
  type ResolvedAuth,
  resolveAuth,
} from '../../src/index.js';
import { type FakeModelServer, type FakeQwenServer, startFakeModelServer, startFakeQwenServer } from '../../src/testing/index.js';
import { makeTree, type Tree } from '../support/tree.js';

interface Driver {
  readonly name: string;
  /** One chat completion through the SDK; its text. `baseURL` overrides the endpoint (another origin). */
  chat(auth: ResolvedAuth, baseURL?: string): Promise<string>;
}

const DRIVERS: readonly Driver[] = [
  {
    name: 'openai',
    async chat(auth, baseURL) {
      const client = new OpenAI({ ...openAIClientOptions(auth), ...(baseURL && { baseURL }), maxRetries: 0 });
      const r = await client.chat.completions.create({ model: auth.model, messages: [{ role: 'user', content: 'hi' }] });
      return r.choices[0]?.message.content ?? '';
    },
  },
  {
    name: 'ai + @ai-sdk/openai-compatible',
    async chat(auth, baseURL) {
      const provider = createOpenAICompatible({ ...openAICompatibleSettings(auth, { name: 'qwen' }), ...(baseURL && { baseURL }) });
      const r = await generateText({ model: provider(auth.model), prompt: 'hi', maxRetries: 0 });
      return r.text;
    },
  },
  {
    name: '@langchain/openai',
    async chat(auth, baseURL) {
      const fields = chatOpenAIFields(auth);
      const model = new ChatOpenAI({ ...fields, configuration: { ...fields.configuration, ...(baseURL && { baseURL }) }, maxRetries: 0 });
      const r = await model.invoke('hi');
      return String(r.content);
    },
  },
];

/** A loopback server that records headers and answers like a chat endpoint. */
async function recorder(): Promise<{ url: string; seen: IncomingHttpHeaders[]; close(): Promise<void> }> {
  const seen: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          id: 'x',
          object: 'chat.completion',
          created: 0,
          model: 'm',
          choices: [{ index: 0, message: { role: 'assistant', content: 'other' }, finish_reason: 'stop' }],
          usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
        }),
      );
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`,
    seen,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

const statusOf = (e: unknown): number | undefined => {
  const x = e as { status?: unknown; statusCode?: unknown; response?: { status?: unknown } } | null;
  const s = x?.status ?? x?.statusCode ?? x?.response?.status;
  return typeof s === 'number' ? s : undefined;
};

let qwen: FakeQwenServer | undefined;
let models: FakeModelServer | undefined;
let other: Awaited<ReturnType<typeof recorder>> | undefined;
let tree: Tree | undefined;
afterEach(async () => {
  await qwen?.close();
  await models?.close();
  await other?.close();
  tree?.remove();
  qwen = models = other = tree = undefined;
});

const KEY = 'sk-sdk-test-0123456789abcdef';

async function keyAuth(): Promise<ResolvedAuth> {
  models = await startFakeModelServer({ apiKeys: { [KEY]: {} } });
  tree = makeTree({ 'home/.keep': '', 'w/.env': `OPENAI_API_KEY=${KEY}\nOPENAI_BASE_URL=${models.baseUrl}\nOPENAI_MODEL=qwen3-coder-plus\n` });
  return resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: {} });
}

async function oauthAuth(options: { refreshLatencyMs?: number } = {}): Promise<{ auth: ResolvedAuth; file: string }> {
  qwen = await startFakeQwenServer(options);
  tree = makeTree({ 'home/.qwen/oauth_creds.json': JSON.stringify(qwen.mintCredentials()), 'w/.keep': '' });
  const auth = await resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: {}, oauth: qwen.oauthOptions });
  expect(auth.type).toBe('qwen-oauth');
  return { auth, file: tree.path('home/.qwen/oauth_creds.json') };
}

describe.each(DRIVERS)('$name', (driver) => {
  it('the API-key path', async () => {
    const auth = await keyAuth();
    expect(await driver.chat(auth)).toBe('ok');
    expect(models!.requests.map((r) => [r.path, r.status, r.authorization])).toEqual([['/default/v1/chat/completions', 200, `Bearer ${KEY}`]]);
  });

  it('Qwen OAuth, a token rejected before it expires: one refresh, one replay, the credentials file rotated', async () => {
    const { auth, file } = await oauthAuth();
    const before = JSON.parse(readFileSync(file, 'utf8')) as { access_token: string; refresh_token: string };
    qwen!.revokeAccessTokens();
    expect(await driver.chat(auth)).toBe('ok');
    expect(qwen!.stats.refreshRequests).toBe(1);
    expect(qwen!.apiRequests.map((r) => r.status)).toEqual([401, 200]);
    const after = JSON.parse(readFileSync(file, 'utf8')) as { access_token: string; refresh_token: string };
    expect(after.access_token).not.toBe(before.access_token);
    expect(after.refresh_token).not.toBe(before.refresh_token);
    expect(qwen!.apiRequests[1]!.authorization).toBe(`Bearer ${after.access_token}`);
  });

  it('40 concurrent requests with a rejected token: one refresh', async () => {
    const { auth } = await oauthAuth({ refreshLatencyMs: 30 });
    await auth.getToken();
    qwen!.revokeAccessTokens();
    const texts = await Promise.all(Array.from({ length: 40 }, () => driver.chat(auth)));
    expect(texts).toEqual(Array(40).fill('ok'));
    expect(qwen!.stats.refreshRequests).toBe(1);
    expect(qwen!.apiRequests.filter((r) => r.status === 200).length).toBe(40);
  });

  it('a server that rejects every token: the 401 reaches the caller, after at most one replay', async () => {
    const { auth } = await oauthAuth();
    qwen!.rejectAccessTokens();
    const error = await driver.chat(auth).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeDefined();
    expect(statusOf(error)).toBe(401);
    expect(qwen!.apiRequests.length).toBe(2);
    expect(qwen!.stats.refreshRequests).toBe(1);
  });

  it('a request to another origin carries no token', async () => {
    const { auth } = await oauthAuth();
    other = await recorder();
    expect(await driver.chat(auth, other.url)).toBe('other');
    expect(other.seen.length).toBe(1);
    const token = await auth.getToken();
    const values = Object.values(other.seen[0]!).flat().join('\n');
    expect(values).not.toContain(token);
    expect(qwen!.apiRequests).toEqual([]);
  });
});

describe('a dead login through the openai SDK', () => {
  it('is its own AuthenticationError (401), not a wrapped apiKey failure; findAuthError(e) gives the reason', async () => {
    const { auth, file } = await oauthAuth();
    writeFileSync(file, JSON.stringify({ ...qwen!.mintCredentials({ expiresInSeconds: -60 }), refresh_token: 'revoked' }));
    qwen!.revokeAll();
    const client = new OpenAI({ ...openAIClientOptions(auth), maxRetries: 0 });
    const error = await client.chat.completions.create({ model: auth.model, messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.AuthenticationError);
    expect(isAuthError(error)).toBe(false);
    expect(findAuthError(error, 'LOGIN_REQUIRED')?.details.reason).toBe('refresh-rejected');
    expect((error as Error).message).toContain('was rejected');
  });
});

describe('the helpers return plain objects', () => {
  it('with exactly the documented fields, and the auth’s own fetch', async () => {
    const auth = await keyAuth();
    const o = openAIClientOptions(auth);
    expect(Object.keys(o).sort()).toEqual(['apiKey', 'baseURL', 'fetch']);
    expect(await o.apiKey()).toBe(KEY);
    expect(o.fetch).toBe(auth.fetch);
    expect(openAICompatibleSettings(auth)).toEqual({ name: 'qwen-auth', baseURL: auth.baseUrl, fetch: auth.fetch });
    expect(openAICompatibleSettings(auth, { name: 'qwen' }).name).toBe('qwen');
    const f = chatOpenAIFields(auth);
    expect(f).toEqual({ model: 'qwen3-coder-plus', apiKey: expect.any(Function), configuration: { baseURL: auth.baseUrl, fetch: auth.fetch } });
    expect(JSON.parse(readFileSync(join(process.cwd(), 'package.json'), 'utf8')).dependencies).not.toHaveProperty('openai');
  });
});
