/**
 * The authenticated fetch, on real loopback servers and a real credentials
 * file: where the credential goes, the one refresh and one replay on a 401,
 * concurrency, bodies that cannot be sent twice, and a moving base URL.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileTokenStore, createMemoryTokenStore, createQwenOAuthClient } from '../../src/index.js';
import { defaultRegistry } from '../../src/providers/default-registry.js';
import { apiKeyProvider } from '../../src/requests/api-key-provider.js';
import { oauthCredentialProvider } from '../../src/oauth/credential-provider.js';
import { requestMethods } from '../../src/requests/request-methods.js';
import type { AuthRequests } from '../../src/requests/types.js';
import { type FakeQwenServer, startFakeModelServer, startFakeQwenServer, type FakeModelServer } from '../../src/testing/index.js';
import { makeTree, type Tree } from '../support/tree.js';

/** A loopback server that records the headers of every request and answers 200. */
async function recorder(): Promise<{ url: string; seen: IncomingHttpHeaders[]; close(): Promise<void> }> {
  const seen: IncomingHttpHeaders[] = [];
  const server: Server = createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    req.on('end', () => res.end('{}'));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

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

/** Request methods over a Qwen OAuth login kept in a real oauth_creds.json. */
async function oauthAuth(server: FakeQwenServer): Promise<{ auth: AuthRequests; file: string; provider: ReturnType<typeof oauthCredentialProvider> }> {
  tree = makeTree({ 'q/.keep': '' });
  const file = join(tree.path('q'), 'oauth_creds.json');
  writeFileSync(file, JSON.stringify(server.mintCredentials()));
  const store = createFileTokenStore({ qwenDir: tree.path('q') });
  const client = createQwenOAuthClient({ ...server.oauthOptions, store, env: {} });
  const provider = oauthCredentialProvider(client, (await store.read())!, { tokenEndpoint: server.tokenEndpoint });
  const auth = requestMethods({ provider, env: {}, model: 'coder-model', oauth: true, registry: defaultRegistry() });
  return { auth, file, provider };
}

const chat = (auth: AuthRequests, base: string, init: RequestInit = {}): Promise<Response> =>
  auth.fetch(`${base}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'coder-model', messages: [{ role: 'user', content: 'hi' }] }),
    ...init,
  });

describe('where the credential goes', () => {
  it('only to the origin of the base URL; another origin gets none, and keeps what the caller set', async () => {
    qwen = await startFakeQwenServer();
    other = await recorder();
    const { auth } = await oauthAuth(qwen);
    const ours = await chat(auth, qwen.baseUrl);
    expect(ours.status).toBe(200);
    const token = qwen.apiRequests.at(-1)!.authorization;
    expect(token).toMatch(/^Bearer fake-at-/);

    await auth.fetch(`${other.url}/v1/chat/completions`, { method: 'POST', body: '{}' });
    await auth.fetch(`${other.url}/x`, { headers: { authorization: 'Bearer theirs-not-ours' } });
    await auth.fetch(new Request(`${other.url}/y`, { headers: { authorization: 'Basic dXNlcjpwYXNz' } }));
    // Our own token, set by the caller (an SDK given `apiKey: () => auth.getToken()`), never leaves for another origin.
    await auth.fetch(`${other.url}/z`, { headers: { authorization: token!, 'x-api-key': token!.slice(7), 'x-other': 'kept' } });
    expect(other.seen.map((h) => h.authorization)).toEqual([undefined, 'Bearer theirs-not-ours', 'Basic dXNlcjpwYXNz', undefined]);
    expect(other.seen[3]!['x-api-key']).toBeUndefined();
    expect(other.seen[3]!['x-other']).toBe('kept');
  });

  it('the same host on another port or scheme is another origin', async () => {
    qwen = await startFakeQwenServer();
    other = await recorder();
    const { auth } = await oauthAuth(qwen);
    await auth.fetch(other.url.replace('127.0.0.1', 'localhost'));
    await auth.fetch(`${other.url}/v1/models`);
    expect(other.seen.every((h) => h.authorization === undefined)).toBe(true);
    expect(qwen.apiRequests).toEqual([]);
  });

  it('an API key goes as x-api-key when the auth says so, and the caller Authorization to the endpoint is replaced', async () => {
    other = await recorder();
    const provider = apiKeyProvider({
      key: 'sk-ant-key-000000000000000000',
      baseUrl: `${other.url}/v1`,
      keyHeader: 'x-api-key',
      reload: async () => undefined,
    });
    const auth = requestMethods({ provider, env: {}, model: 'm', oauth: false, registry: defaultRegistry() });
    await auth.fetch(`${other.url}/v1/messages`, { method: 'POST', body: '{}' });
    expect(other.seen[0]!['x-api-key']).toBe('sk-ant-key-000000000000000000');
    const bearer = apiKeyProvider({ key: 'sk-bearer-0000000000000000', baseUrl: `${other.url}/v1`, reload: async () => undefined });
    const auth2 = requestMethods({ provider: bearer, env: {}, model: 'm', oauth: false, registry: defaultRegistry() });
    await auth2.fetch(`${other.url}/v1/models`, { headers: { authorization: 'Bearer stale' } });
    expect(other.seen[1]!.authorization).toBe('Bearer sk-bearer-0000000000000000');
  });
});

describe('a 401 from the endpoint', () => {
  it('a token rejected before it expires: one refresh, one replay, the credentials file rotated', async () => {
    qwen = await startFakeQwenServer();
    const { auth, file } = await oauthAuth(qwen);
    const before = JSON.parse(readFileSync(file, 'utf8')) as { access_token: string; refresh_token: string };
    qwen.revokeAccessTokens();
    const res = await chat(auth, qwen.baseUrl);
    expect(res.status).toBe(200);
    expect(qwen.stats.refreshRequests).toBe(1);
    expect(qwen.apiRequests.map((r) => r.status)).toEqual([401, 200]);
    const after = JSON.parse(readFileSync(file, 'utf8')) as { access_token: string; refresh_token: string };
    expect(after.access_token).not.toBe(before.access_token);
    expect(after.refresh_token).not.toBe(before.refresh_token);
    expect(qwen.apiRequests[1]!.authorization).toBe(`Bearer ${after.access_token}`);
  });

  it('40 concurrent requests with a rejected token share one refresh', async () => {
    qwen = await startFakeQwenServer({ refreshLatencyMs: 30 });
    const { auth } = await oauthAuth(qwen);
    await chat(auth, qwen.baseUrl);
    qwen.revokeAccessTokens();
    const answers = await Promise.all(Array.from({ length: 40 }, () => chat(auth, qwen!.baseUrl)));
    expect(answers.map((r) => r.status)).toEqual(Array(40).fill(200));
    expect(qwen.stats.refreshRequests).toBe(1);
    expect(qwen.stats.apiRejections).toBe(40);
  });

  it('a server that rejects every token: the 401 reaches the caller after at most one replay', async () => {
    qwen = await startFakeQwenServer();
    const { auth } = await oauthAuth(qwen);
    qwen.rejectAccessTokens();
    const res = await chat(auth, qwen.baseUrl);
    expect(res.status).toBe(401);
    expect(qwen.apiRequests.length).toBe(2);
    expect(qwen.stats.refreshRequests).toBe(1);
    const again = await Promise.all(Array.from({ length: 5 }, () => chat(auth, qwen!.baseUrl)));
    expect(again.every((r) => r.status === 401)).toBe(true);
    expect(qwen.apiRequests.length).toBeLessThanOrEqual(2 + 5 * 2);
  });

  it('a body that can be read only once is not replayed; the next request has a fresh token', async () => {
    qwen = await startFakeQwenServer();
    const { auth } = await oauthAuth(qwen);
    await chat(auth, qwen.baseUrl);
    qwen.revokeAccessTokens();
    const stream = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode(JSON.stringify({ model: 'coder-model', messages: [] })));
        c.close();
      },
    });
    const res = await chat(auth, qwen.baseUrl, { body: stream, duplex: 'half' } as RequestInit);
    expect(res.status).toBe(401);
    expect(qwen.apiRequests.map((r) => r.status)).toEqual([200, 401]);
    expect(qwen.stats.refreshRequests).toBe(0);
    expect((await chat(auth, qwen.baseUrl)).status).toBe(200);
    expect(qwen.stats.refreshRequests).toBe(1);
  });

  it('a Request input is handled like (url, init): its bodiless form is replayed', async () => {
    qwen = await startFakeQwenServer();
    const { auth } = await oauthAuth(qwen);
    await auth.getToken();
    qwen.revokeAccessTokens();
    const res = await auth.fetch(new Request(`${qwen.baseUrl}/models`));
    expect(res.status).toBe(200);
    expect(qwen.apiRequests.map((r) => r.status)).toEqual([401, 200]);
  });

  it('an API key: the configuration is re-read once; an edited key is replayed, an unchanged one is not', async () => {
    models = await startFakeModelServer({ apiKeys: { 'sk-new-000000000000000000': {} } });
    let onDisk = 'sk-old-000000000000000000';
    let reads = 0;
    const provider = apiKeyProvider({
      key: onDisk,
      baseUrl: models.baseUrl,
      reload: async () => {
        reads++;
        return onDisk;
      },
    });
    const auth = requestMethods({ provider, env: {}, model: 'qwen3-coder-plus', oauth: false, registry: defaultRegistry() });
    const rejected = await auth.fetch(`${models.baseUrl}/models`);
    expect(rejected.status).toBe(401);
    expect(reads).toBe(1);
    expect(models.requests.length).toBe(1);
    onDisk = 'sk-new-000000000000000000';
    const answers = await Promise.all(Array.from({ length: 10 }, () => auth.fetch(`${models!.baseUrl}/models`)));
    expect(answers.every((r) => r.status === 200)).toBe(true);
    expect(reads).toBe(2);
    expect(await auth.getToken()).toBe('sk-new-000000000000000000');
  });
});

describe('a refreshed resource_url moves the base URL', () => {
  it('the replay and later requests built for the old base URL go to the new one, with the new token only there', async () => {
    qwen = await startFakeQwenServer();
    // The login's first resource_url is another server, which rejects every token.
    models = await startFakeModelServer({ endpoints: [{ id: 'old' }] });
    const oldBase = models.baseUrlOf('old');
    const minted = qwen.mintStoreCredentials();
    const store = createMemoryTokenStore({ ...minted, resourceUrl: oldBase });
    // Another port of the token endpoint's host is another origin: trusted here by name.
    const client = createQwenOAuthClient({ ...qwen.oauthOptions, store, env: {}, allowedResourceHosts: ['127.0.0.1'] });
    const provider = oauthCredentialProvider(client, (await store.read())!, { tokenEndpoint: qwen.tokenEndpoint, allowedHosts: ['127.0.0.1'] });
    const auth = requestMethods({ provider, env: {}, model: 'coder-model', oauth: true, registry: defaultRegistry() });
    expect(provider.baseUrl()).toBe(oldBase);

    const res = await chat(auth, oldBase);
    expect(res.status).toBe(200);
    expect(provider.baseUrl()).toBe(qwen.baseUrl);
    expect(models.requests.map((r) => r.status)).toEqual([401]);
    const sent = qwen.apiRequests.map((r) => [r.path, r.status]);
    expect(sent).toEqual([['/v1/chat/completions', 200]]);
    // A client built with the old base URL keeps working, the URL already sent once included (it is placed anew).
    expect((await auth.fetch(`${oldBase}/models`)).status).toBe(200);
    expect((await chat(auth, oldBase)).status).toBe(200);
    expect(models.requests.length).toBe(1);
    expect(qwen.apiRequests.map((r) => r.path)).toEqual(['/v1/chat/completions', '/v1/models', '/v1/chat/completions']);
    const newToken = (await store.read())!.accessToken;
    expect(models.requests.every((r) => r.authorization !== `Bearer ${newToken}`)).toBe(true);
  });
});
