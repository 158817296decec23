/**
 * The request side of the `anthropic` and `openai-responses` results: `fetch`
 * puts the key in the header `keyHeader` names, only for the base URL's
 * origin, and `check()` speaks the result's wire. Real loopback servers;
 * `api.anthropic.com` is reached through a transport that forwards to one.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolveAuth } from '../../../src/index.js';
import type { FetchLike } from '../../../src/types.js';
import type { ApiKeyAuth } from '../../../src/resolve/types.js';
import { makeTree, type Tree } from '../../support/tree.js';

interface Seen {
  readonly method: string;
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
}

let tree: Tree | undefined;
let server: Server | undefined;
let seen: Seen[] = [];
let port = 0;

beforeEach(async () => {
  seen = [];
  server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers });
    req.resume();
    req.on('end', () => {
      if (req.url?.endsWith('/models')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ data: [{ id: 'claude-x' }, { id: 'gpt-r' }] }));
      } else res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterEach(async () => {
  tree?.remove();
  await new Promise((r) => server?.close(r));
});

/** A transport that sends every request to the loopback server, keeping path and headers. */
const toLoopback: FetchLike = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  return fetch(`http://127.0.0.1:${port}${url.pathname}${url.search}`, { ...init, redirect: 'manual' });
};

async function resolve024(settings: object, env: Record<string, string>, fetchOption?: FetchLike): Promise<ApiKeyAuth> {
  tree = makeTree({ 'home/.keep': '', 'w/.keep': '', 'home/.qwen/settings.json': JSON.stringify(settings) });
  const auth = await resolveAuth({
    qwenCode: '0.24',
    cwd: tree.path('w'),
    homeDir: tree.path('home'),
    env,
    ...(fetchOption && { fetch: fetchOption }),
  });
  if (auth.type === 'qwen-oauth') throw new Error('unexpected');
  return auth;
}

const KEY = 'sk-ant-0123456789abcdef9f3a';

describe('anthropic', () => {
  it("on Anthropic's own host: fetch sends x-api-key, never Authorization", async () => {
    const auth = await resolve024(
      { security: { auth: { selectedType: 'anthropic' } }, model: { name: 'claude-x' } },
      { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: 'https://api.anthropic.com' },
      toLoopback,
    );
    expect(auth.keyHeader).toBe('x-api-key');
    const r = await auth.fetch(auth.endpoint, { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } });
    expect(r.status).toBe(200);
    expect(seen[0]).toMatchObject({ method: 'POST', path: '/v1/messages' });
    expect(seen[0]!.headers['x-api-key']).toBe(KEY);
    expect(seen[0]!.headers.authorization).toBeUndefined();
    await expect(auth.getToken()).resolves.toBe(KEY);
  });

  it('on a proxy host: Authorization: Bearer, as Qwen Code 0.24 sends it', async () => {
    const base = `http://127.0.0.1:${port}/proxy`;
    const auth = await resolve024({ security: { auth: { selectedType: 'anthropic' } } }, { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: base });
    expect(auth).toMatchObject({ keyHeader: 'authorization', endpoint: `${base}/v1/messages` });
    await auth.fetch(auth.endpoint, { method: 'POST', body: '{}' });
    expect(seen[0]!.headers.authorization).toBe(`Bearer ${KEY}`);
    expect(seen[0]!.headers['x-api-key']).toBeUndefined();
    // Another origin never gets the key.
    await auth.fetch(`http://localhost:${port}/elsewhere`);
    expect(seen[1]!.headers.authorization).toBeUndefined();
  });

  it('check() lists <base>/v1/models with anthropic-version and the key header', async () => {
    const auth = await resolve024(
      { security: { auth: { selectedType: 'anthropic' } }, model: { name: 'claude-x' } },
      { ANTHROPIC_API_KEY: KEY, ANTHROPIC_BASE_URL: 'https://api.anthropic.com' },
      toLoopback,
    );
    const check = await auth.check();
    expect(check).toMatchObject({ ok: true, status: 200 });
    expect(seen[0]).toMatchObject({ method: 'GET', path: '/v1/models' });
    expect(seen[0]!.headers['anthropic-version']).toBe('2023-06-01');
    expect(seen[0]!.headers['x-api-key']).toBe(KEY);
  });
});

describe('openai-responses', () => {
  it('fetch sends Bearer to the Responses endpoint; check() lists …/v1/models', async () => {
    const base = `http://127.0.0.1:${port}/r/v1`;
    const auth = await resolve024(
      {
        security: { auth: { selectedType: 'openai' } },
        model: { name: 'gpt-r' },
        modelProviders: { openai: [{ id: 'gpt-r', baseUrl: base, envKey: 'K_R', wireApi: 'responses' }] },
      },
      { K_R: 'sk-r-0123456789abcdef' },
    );
    expect(auth).toMatchObject({ type: 'openai-responses', endpoint: `${base}/responses`, keyHeader: 'authorization' });
    await auth.fetch(auth.endpoint, { method: 'POST', body: '{}' });
    expect(seen[0]).toMatchObject({ path: '/r/v1/responses' });
    expect(seen[0]!.headers.authorization).toBe('Bearer sk-r-0123456789abcdef');
    expect(await auth.check()).toMatchObject({ ok: true });
    expect(seen[1]).toMatchObject({ method: 'GET', path: '/r/v1/models' });
  });
});
