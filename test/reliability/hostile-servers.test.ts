/**
 * Hostile token and model servers (issue 17, hole 7): answers at the edges
 * of the OAuth protocol, and a model endpoint that redirects the credential
 * elsewhere. A short-lived refresh answer keeps its rotated refresh token
 * and is used; an access token dead on arrival is no login; the polling
 * interval never outlives the device code; a `resource_url` on another port
 * of the token endpoint's host is another origin; and no credential header
 * follows a redirect to another origin, whatever `redirect` says.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readFileSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createFileTokenStore, createMemoryTokenStore, createQwenOAuthClient, isAuthError } from '../../src/index.js';
import { defaultRegistry } from '../../src/providers/default-registry.js';
import { apiKeyProvider } from '../../src/requests/api-key-provider.js';
import { requestMethods } from '../../src/requests/request-methods.js';
import { deviceAnswer, type ScriptedServer, startScriptedServer, tokenAnswer } from '../support/scripted-server.js';
import { makeTree, type Tree } from '../support/tree.js';
import { Figures } from './harness.js';

const figures = new Figures('hostile servers');
afterAll(() => figures.print());
let server: ScriptedServer | undefined;
let tree: Tree | undefined;
const servers: Server[] = [];
afterEach(async () => {
  await server?.close();
  server = undefined;
  tree?.remove();
  tree = undefined;
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

const expired = () => ({ accessToken: 'at-old-0001', refreshToken: 'rt-old-0001', tokenType: 'Bearer', expiresAt: 0 });

describe('token server edges', () => {
  it.each([1, 5, 29])('a refresh answer with expires_in %d: the token is used and the rotated refresh token saved', async (seconds) => {
    server = await startScriptedServer(() => ({ body: tokenAnswer({ expires_in: seconds, access_token: 'at-short-0001', refresh_token: 'rt-rotated-0001' }) }));
    tree = makeTree();
    const store = createFileTokenStore({ qwenDir: tree.path('q') });
    await store.write(expired());
    const client = createQwenOAuthClient({ ...server.oauthOptions, store, env: {} });
    const token = await client.getAccessToken().catch((e: unknown) => e);
    const file = JSON.parse(readFileSync(tree.path('q/oauth_creds.json'), 'utf8')) as { refresh_token: string; expiry_date: number };
    figures.add(token === 'at-short-0001' && file.refresh_token === 'rt-rotated-0001' ? 'short-refresh-answers:held' : 'short-refresh-answers:broken');
    expect(token).toBe('at-short-0001');
    expect(file.refresh_token).toBe('rt-rotated-0001');
    expect(file.expiry_date).toBeGreaterThan(Date.now() - 1_000);
  });

  it.each([0, -5])('a device grant with expires_in %d: OAUTH_PROTOCOL_ERROR, nothing stored', async (seconds) => {
    server = await startScriptedServer((r) =>
      r.kind === 'device' ? { body: deviceAnswer('http://127.0.0.1') } : { body: tokenAnswer({ expires_in: seconds }) },
    );
    const store = createMemoryTokenStore();
    const client = createQwenOAuthClient({ ...server.oauthOptions, store, env: {} });
    const error = await client.authorizeDevice({ onVerification: () => undefined, openBrowser: false }).catch((e: unknown) => e);
    figures.add(
      isAuthError(error, 'OAUTH_PROTOCOL_ERROR') && (await store.read()) === undefined
        ? 'dead-on-arrival-grants-refused:held'
        : 'dead-on-arrival-grants-refused:broken',
    );
    expect(isAuthError(error, 'OAUTH_PROTOCOL_ERROR'), String(error)).toBe(true);
    expect(await store.read()).toBeUndefined();
  });

  it('a device interval of 1e7 s on a 2 s code: polled within the code’s life, the login completes', async () => {
    server = await startScriptedServer((r) =>
      r.kind === 'device' ? { body: deviceAnswer('http://127.0.0.1', { expires_in: 2, interval: 1e7 }) } : { body: tokenAnswer() },
    );
    const client = createQwenOAuthClient({ ...server.oauthOptions, store: createMemoryTokenStore(), env: {} });
    const creds = await client.authorizeDevice({ onVerification: () => undefined, openBrowser: false }).catch((e: unknown) => e);
    figures.add(
      (creds as { accessToken?: string }).accessToken === 'at-scripted-0001'
        ? 'huge-intervals-bounded-by-the-code:held'
        : 'huge-intervals-bounded-by-the-code:broken',
    );
    expect((creds as { accessToken?: string }).accessToken, String(creds)).toBe('at-scripted-0001');
  });

  it('a resource_url on the token endpoint’s host but another port is not adopted; its own origin is', async () => {
    server = await startScriptedServer();
    const other = `${server.url.replace(/:\d+$/, '')}:1/v1`;
    let resource = other;
    server.script((r) => (r.kind === 'device' ? { body: deviceAnswer('http://127.0.0.1') } : { body: tokenAnswer({ resource_url: resource }) }));
    const client = createQwenOAuthClient({ ...server.oauthOptions, store: createMemoryTokenStore(), env: {} });
    const hostile = await client.authorizeDevice({ onVerification: () => undefined, openBrowser: false });
    figures.add(hostile.resourceUrl === undefined ? 'other-port-resource_url-refused:held' : 'other-port-resource_url-refused:broken');
    expect(hostile.resourceUrl).toBeUndefined();
    resource = `${server.url}/v1`;
    const own = await client.authorizeDevice({ onVerification: () => undefined, openBrowser: false });
    expect(own.resourceUrl).toBe(`${server.url}/v1`);
  });
});

/** A loopback server: `redirect` answers 302 to where it says, everything else is recorded and answered 200. */
async function origin(
  redirect?: (path: string) => string | undefined,
): Promise<{ url: string; seen: { path: string; headers: IncomingHttpHeaders; body: string }[] }> {
  const seen: { path: string; headers: IncomingHttpHeaders; body: string }[] = [];
  const s = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      seen.push({ path: req.url ?? '', headers: req.headers, body });
      const to = redirect?.(req.url ?? '');
      if (to) res.writeHead(302, { location: to }).end();
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, seen };
}

describe('a model endpoint that redirects', () => {
  const KEY = 'sk-ant-redirect0000000000000000cafe';
  for (const keyHeader of ['x-api-key', 'authorization'] as const) {
    for (const redirect of ['follow', undefined] as const) {
      it(`${keyHeader}, redirect: ${String(redirect)}: followed to another origin without the key, within the origin with it`, async () => {
        const elsewhere = await origin();
        const home = await origin((path) => (path === '/v1/away' ? `${elsewhere.url}/landing` : path === '/v1/moved' ? '/v1/here' : undefined));
        const provider = apiKeyProvider({ key: KEY, baseUrl: `${home.url}/v1`, keyHeader, reload: async () => undefined });
        const auth = requestMethods({ provider, env: {}, model: 'm', oauth: false, registry: defaultRegistry() });
        const away = await auth.fetch(`${home.url}/v1/away`, { ...(redirect && { redirect }) });
        const moved = await auth.fetch(`${home.url}/v1/moved`, { method: 'POST', body: '{"a":1}', ...(redirect && { redirect }) });
        const leaked = elsewhere.seen.filter((h) => JSON.stringify(h.headers).includes(KEY.slice(-12))).length;
        figures.add(leaked === 0 ? 'cross-origin-redirects-without-the-key:held' : 'cross-origin-redirects-without-the-key:broken');
        expect(leaked).toBe(0);
        expect(away.status).toBe(200);
        expect(elsewhere.seen.map((h) => h.path)).toEqual(['/landing']);
        expect(moved.status).toBe(200);
        const here = home.seen.find((h) => h.path === '/v1/here')!;
        expect(JSON.stringify(here.headers)).toContain(KEY);
      });
    }
  }
});
