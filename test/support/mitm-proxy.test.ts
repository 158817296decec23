import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { connect as tlsConnect } from 'node:tls';
import { fetch, ProxyAgent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startMitmProxy, type MitmProxy } from './mitm-proxy.js';
import { createTestCa, hasOpenssl, type TestCa } from './tls.js';

if (!hasOpenssl()) console.warn('[mitm-proxy] skipped: the openssl command is not available');

const ROOT = join(import.meta.dirname, '..', '..');

/** What the echo server saw. */
interface Echo {
  method: string;
  path: string;
  host: string;
  forwardedHost: string | null;
  forwardedProto: string | null;
  contentType: string | null;
  body: string;
}

/** When the SSE endpoint wrote its second event (performance.now()). */
let secondEventSentAt = Number.POSITIVE_INFINITY;

/** A plain-HTTP loopback server: `/sse` streams two events 100 ms apart, anything else is echoed as JSON. */
async function startEchoServer(): Promise<Server> {
  const server = createServer((req, res) => {
    if (req.url === '/sse') {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
      res.write('data: one\n\n');
      setTimeout(() => {
        secondEventSentAt = performance.now();
        res.end('data: two\n\n');
      }, 100);
      return;
    }
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => (body += chunk));
    req.on('end', () => {
      const echo: Echo = {
        method: req.method ?? '',
        path: req.url ?? '',
        host: req.headers.host ?? '',
        forwardedHost: req.headers['x-forwarded-host']?.toString() ?? null,
        forwardedProto: req.headers['x-forwarded-proto']?.toString() ?? null,
        contentType: req.headers['content-type'] ?? null,
        body,
      };
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(echo));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** Runs `node -e script` in a fresh process (asynchronously: the proxy lives in this one). */
function runNode(script: string, env: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'], timeout: 20_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A child that trusts only what Node trusts by default (plus NODE_EXTRA_CA_CERTS) and fetches through the proxy. */
const CHILD_SCRIPT = `
const { ProxyAgent, setGlobalDispatcher, fetch } = require('undici');
setGlobalDispatcher(new ProxyAgent(process.env.MITM_PROXY_URL));
fetch('https://dashscope.aliyuncs.com/compatible-mode/v1/models', { headers: { authorization: 'Bearer sk-test' } })
  .then((res) => res.text())
  .then((text) => process.stdout.write(text))
  .catch((error) => { process.stderr.write(String(error.cause?.code ?? error.cause ?? error)); process.exitCode = 1; });
`;

describe.skipIf(!hasOpenssl())('MITM proxy for HTTPS fakes', () => {
  let dir: string;
  let ca: TestCa;
  let echo: Server;
  let echoPort: number;
  let proxy: MitmProxy;
  let dispatcher: ProxyAgent;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qwen-auth-ca-'));
    ca = await createTestCa(dir);
    echo = await startEchoServer();
    echoPort = (echo.address() as AddressInfo).port;
    const fakes = new Set(['chat.qwen.ai:443', 'dashscope.aliyuncs.com:443']);
    proxy = await startMitmProxy({
      ca,
      route: (host, port) => (fakes.has(`${host}:${port}`) ? { host: '127.0.0.1', port: echoPort } : undefined),
    });
    dispatcher = new ProxyAgent({ uri: proxy.url, requestTls: { ca: ca.certPem } });
  });

  afterAll(async () => {
    await dispatcher?.close();
    await proxy?.close();
    await new Promise((resolve) => (echo ? echo.close(resolve) : resolve(undefined)));
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('decrypts a CONNECT to chat.qwen.ai and forwards the request to the fake', async () => {
    const res = await fetch('https://chat.qwen.ai/api/v1/oauth2/token', {
      method: 'POST',
      body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'r1' }),
      dispatcher,
    });
    expect(res.status).toBe(200);
    expect((await res.json()) as Echo).toEqual({
      method: 'POST',
      path: '/api/v1/oauth2/token',
      host: `127.0.0.1:${echoPort}`,
      forwardedHost: 'chat.qwen.ai',
      forwardedProto: 'https',
      contentType: 'application/x-www-form-urlencoded;charset=UTF-8',
      body: 'grant_type=refresh_token&refresh_token=r1',
    });
    expect(proxy.log).toContainEqual({ kind: 'connect', host: 'chat.qwen.ai', port: 443 });
    expect(proxy.log).toContainEqual({ kind: 'request', host: 'chat.qwen.ai', port: 443, method: 'POST', path: '/api/v1/oauth2/token' });
  });

  it('keeps a tunnel alive across requests', async () => {
    const keepAlive = new ProxyAgent({ uri: proxy.url, requestTls: { ca: ca.certPem }, connections: 1 });
    try {
      for (const path of ['/a', '/b', '/c']) {
        const res = await fetch(`https://dashscope.aliyuncs.com/compatible-mode/v1${path}`, { dispatcher: keepAlive });
        expect(((await res.json()) as Echo).path).toBe(`/compatible-mode/v1${path}`);
      }
    } finally {
      await keepAlive.close();
    }
    const requests = proxy.log.filter((e) => e.kind === 'request' && /^\/compatible-mode\/v1\/[abc]$/.test(e.path ?? ''));
    expect(requests.map((e) => e.host)).toEqual(Array(3).fill('dashscope.aliyuncs.com'));
    // One CONNECT carried all three (the first test's dispatcher never went to dashscope).
    expect(proxy.log.filter((e) => e.kind === 'connect' && e.host === 'dashscope.aliyuncs.com')).toHaveLength(1);
  });

  it('refuses hosts the route does not know, without dialling them', async () => {
    await expect(fetch('https://example.com/', { dispatcher })).rejects.toThrow();
    expect(proxy.log).toContainEqual({ kind: 'connect', host: 'example.com', port: 443, refused: true });
  });

  it('streams server-sent events as they are sent', async () => {
    const res = await fetch('https://dashscope.aliyuncs.com/sse', { dispatcher });
    expect(res.headers.get('content-type')).toBe('text/event-stream');
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    const first = await reader.read();
    const firstArrivedAt = performance.now();
    let rest = '';
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) rest += decoder.decode(chunk.value, { stream: true });
    expect(decoder.decode(first.value)).toBe('data: one\n\n');
    expect(rest).toBe('data: two\n\n');
    // Buffering would deliver "one" only together with "two", after the 100 ms pause.
    expect(firstArrivedAt).toBeLessThan(secondEventSentAt);
  });

  it('shows a certificate for the CONNECT host and negotiates only http/1.1', async () => {
    // A raw CONNECT, then TLS offering h2 first: the proxy must pick http/1.1.
    const res = await new Promise<{ alpn: string | false; subjectAltName: string | undefined }>((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port: proxy.port, method: 'CONNECT', path: 'chat.qwen.ai:443' });
      req.on('connect', (answer, socket) => {
        if (answer.statusCode !== 200) return reject(new Error(`CONNECT answered ${answer.statusCode}`));
        const tls = tlsConnect({ socket, servername: 'chat.qwen.ai', ca: ca.certPem, ALPNProtocols: ['h2', 'http/1.1'] }, () => {
          resolve({ alpn: tls.alpnProtocol ?? false, subjectAltName: tls.getPeerCertificate().subjectaltname });
          tls.destroy();
        });
        tls.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
    expect(res).toEqual({ alpn: 'http/1.1', subjectAltName: 'DNS:chat.qwen.ai' });
  });

  it('lets plain http:// to loopback through, tunnelled or absolute-form, and refuses other hosts', async () => {
    // undici 7 tunnels http:// targets with CONNECT by default...
    const tunnelled = await fetch(`http://127.0.0.1:${echoPort}/plain?x=1`, { dispatcher });
    expect(((await tunnelled.json()) as Echo).path).toBe('/plain?x=1');
    expect(proxy.log).toContainEqual({ kind: 'connect', host: '127.0.0.1', port: echoPort });
    expect(proxy.log).toContainEqual({ kind: 'request', host: '127.0.0.1', port: echoPort, method: 'GET', path: '/plain?x=1' });

    // ...and sends absolute-form requests with proxyTunnel: false.
    const direct = new ProxyAgent({ uri: proxy.url, proxyTunnel: false });
    try {
      const res = await fetch(`http://127.0.0.1:${echoPort}/absolute`, { dispatcher: direct });
      expect(((await res.json()) as Echo).path).toBe('/absolute');
      const refused = await fetch('http://example.com/nope', { dispatcher: direct });
      expect(refused.status).toBe(403);
      await refused.body?.cancel();
    } finally {
      await direct.close();
    }
    expect(proxy.log).toContainEqual({ kind: 'request', host: '127.0.0.1', port: echoPort, method: 'GET', path: '/absolute' });
    expect(proxy.log).toContainEqual({ kind: 'request', host: 'example.com', port: 80, method: 'GET', path: '/nope', refused: true });
  });

  it('is trusted by a fresh Node process through NODE_EXTRA_CA_CERTS', async () => {
    const env: NodeJS.ProcessEnv = { ...process.env, MITM_PROXY_URL: proxy.url };
    delete env.NODE_EXTRA_CA_CERTS;

    const trusted = await runNode(CHILD_SCRIPT, { ...env, NODE_EXTRA_CA_CERTS: ca.certPath });
    expect(trusted.stderr).toBe('');
    expect(JSON.parse(trusted.stdout) as Echo).toMatchObject({
      method: 'GET',
      path: '/compatible-mode/v1/models',
      forwardedHost: 'dashscope.aliyuncs.com',
    });

    // Without the CA the same fetch fails verification: the trust really comes from NODE_EXTRA_CA_CERTS.
    const untrusted = await runNode(CHILD_SCRIPT, env);
    expect(untrusted.code).toBe(1);
    // The proxy sends only the leaf, so an untrusting client cannot even find the issuer.
    expect(untrusted.stderr).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT/);
  });
});
