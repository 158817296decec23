/**
 * Our OAuth client behind a proxy, as configured from the environment:
 * HTTPS_PROXY / HTTP_PROXY / NO_PROXY (read from the `env` option, here the
 * child's process.env) and NODE_EXTRA_CA_CERTS (read by Node at start-up
 * only, hence separate processes running the build). The proxy terminates
 * TLS for chat.qwen.ai:443 with a test CA and sends it to the fake Qwen
 * server on loopback; every other host is refused, so nothing real is ever
 * contacted.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeQwenServer, startFakeQwenServer } from '../../src/testing/index.js';
import { type MitmProxy, startMitmProxy } from '../support/mitm-proxy.js';
import { run, STORE_CHILD } from '../support/processes.js';
import { hasOpenssl, useTestCa } from '../support/tls.js';
import { makeTree, type Tree } from '../support/tree.js';

if (!hasOpenssl()) console.warn('[proxy] skipped: the openssl command is not available');

describe.skipIf(!hasOpenssl())('the OAuth client honours HTTPS_PROXY, NO_PROXY and NODE_EXTRA_CA_CERTS', () => {
  const testCa = useTestCa();
  let server: FakeQwenServer | undefined;
  let proxy: MitmProxy | undefined;
  let tree: Tree | undefined;

  afterEach(async () => {
    await proxy?.close();
    await server?.close();
    proxy = undefined;
    server = undefined;
    tree?.remove();
    tree = undefined;
  });

  /** The fake server, a proxy sending chat.qwen.ai:443 to it, and an expired login on disk. */
  async function setup(): Promise<{ server: FakeQwenServer; proxy: MitmProxy; qwenDir: string; login: string; port: number }> {
    server = await startFakeQwenServer();
    const port = Number(new URL(server.url).port);
    proxy = await startMitmProxy({
      ca: testCa(),
      route: (host, p) => (host === 'chat.qwen.ai' && p === 443 ? { host: '127.0.0.1', port } : undefined),
    });
    const login = JSON.stringify(server.mintCredentials({ expiresInSeconds: -60 }), null, 2);
    tree = makeTree({ 'q/oauth_creds.json': login });
    return { server, proxy, qwenDir: tree.path('q'), login, port };
  }

  /**
   * Runs `store-child token` with exactly `env` (plus PATH): nothing of this
   * process's environment leaks in, NODE_EXTRA_CA_CERTS and proxies included.
   */
  async function token(options: object, env: Record<string, string>): Promise<{ token?: string; error?: string }> {
    const r = await run(STORE_CHILD, ['token', JSON.stringify({ ...options, useProcessEnv: true })], {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      ...env,
    }).done;
    expect(r.code, r.stderr).toBe(0);
    return JSON.parse(r.stdout.trim()) as { token?: string; error?: string };
  }

  const fileToken = (qwenDir: string): unknown =>
    (JSON.parse(readFileSync(join(qwenDir, 'oauth_creds.json'), 'utf8')) as { access_token?: unknown }).access_token;

  it('refreshes through HTTPS_PROXY to the default https://chat.qwen.ai, trusting NODE_EXTRA_CA_CERTS', async () => {
    const { server, proxy, qwenDir } = await setup();
    const r = await token({ qwenDir }, { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: testCa().certPath });
    expect(r.error).toBeUndefined();
    expect(server.isValidAccessToken(r.token!)).toBe(true);
    expect(fileToken(qwenDir)).toBe(r.token);
    expect(server.stats.refreshRequests).toBe(1);
    expect(proxy.log).toEqual([
      { kind: 'connect', host: 'chat.qwen.ai', port: 443 },
      { kind: 'request', host: 'chat.qwen.ai', port: 443, method: 'POST', path: '/api/v1/oauth2/token' },
    ]);
  });

  it('without NODE_EXTRA_CA_CERTS the proxy certificate is not trusted: NETWORK_ERROR, login kept', async () => {
    const { server, proxy, qwenDir, login } = await setup();
    const r = await token({ qwenDir }, { HTTPS_PROXY: proxy.url });
    expect(r).toEqual({ error: 'NETWORK_ERROR' });
    // The tunnel was opened, but the TLS handshake inside it failed: no request got through.
    expect(proxy.log.length).toBeGreaterThan(0);
    expect(proxy.log.every((e) => e.kind === 'connect' && e.host === 'chat.qwen.ai' && e.port === 443 && !e.refused)).toBe(true);
    expect(server.stats.refreshRequests).toBe(0);
    expect(readFileSync(join(qwenDir, 'oauth_creds.json'), 'utf8')).toBe(login);
  });

  it('NO_PROXY=127.0.0.1 sends a loopback token endpoint direct; without it, through the proxy', async () => {
    const { server, proxy, qwenDir, port } = await setup();
    const proxies = { HTTPS_PROXY: proxy.url, HTTP_PROXY: proxy.url };

    const direct = await token({ qwenDir, tokenEndpoint: server.tokenEndpoint }, { ...proxies, NO_PROXY: '127.0.0.1' });
    expect(server.isValidAccessToken(direct.token!)).toBe(true);
    expect(server.stats.refreshRequests).toBe(1);
    expect(proxy.log).toEqual([]);

    // The same again with an expired login, without NO_PROXY.
    writeFileSync(join(qwenDir, 'oauth_creds.json'), JSON.stringify(server.mintCredentials({ expiresInSeconds: -60 })));
    const proxied = await token({ qwenDir, tokenEndpoint: server.tokenEndpoint }, proxies);
    expect(server.isValidAccessToken(proxied.token!)).toBe(true);
    expect(server.stats.refreshRequests).toBe(2);
    expect(proxy.log.length).toBeGreaterThan(0);
    expect(proxy.log.every((e) => e.host === '127.0.0.1' && e.port === port && !e.refused)).toBe(true);
    expect(proxy.log).toContainEqual({ kind: 'request', host: '127.0.0.1', port, method: 'POST', path: '/api/v1/oauth2/token' });
  });
});
