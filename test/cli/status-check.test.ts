/**
 * `qwen-auth status --check [--probe]`, the built command in a child process.
 * The probe runs against the real Coding Plan and Token Plan host names: a
 * TLS-terminating loopback proxy (HTTPS_PROXY, trusted through
 * NODE_EXTRA_CA_CERTS) sends them to the fake model server, which plays each
 * endpoint; every other host is refused, so nothing real is contacted.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { defaultProviders } from '../../src/index.js';
import { type FakeModelServer, startFakeModelServer } from '../../src/testing/index.js';
import { type MitmProxy, startMitmProxy } from '../support/mitm-proxy.js';
import { createTestCa, hasOpenssl, type TestCa } from '../support/tls.js';
import { makeTree, type Tree } from '../support/tree.js';

const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
const CODING_BJ = 'https://coding.dashscope.aliyuncs.com/v1';
const CODING_INTL = 'https://coding-intl.dashscope.aliyuncs.com/v1';
const TOKEN_SG = 'https://token-plan.ap-southeast-1.maas.aliyuncs.com/compatible-mode/v1';
const INTL_KEY = 'sk-sp-intl0000000000000000000a1';
const TOKEN_KEY = 'sk-sp-token000000000000000000b2';

let tree: Tree | undefined;
let server: FakeModelServer | undefined;
let proxy: MitmProxy | undefined;
afterEach(async () => {
  tree?.remove();
  await proxy?.close();
  await server?.close();
  tree = proxy = server = undefined;
});

function cli(args: string[], env: Record<string, string>) {
  return new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tree!.path('home'), ...env },
      cwd: tree!.root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('status --check, on loopback', () => {
  it('a working key: the verdict in text and JSON, exit 0', async () => {
    server = await startFakeModelServer({ apiKeys: { 'sk-ok-0000000000000000000000': {} } });
    tree = makeTree({
      'home/.keep': '',
      'w/.env': `OPENAI_API_KEY=sk-ok-0000000000000000000000\nOPENAI_BASE_URL=${server.baseUrl}\nOPENAI_MODEL=qwen3-coder-plus\n`,
    });
    const text = await cli(['status', '--check', '--cwd', tree.path('w')], {});
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Check\s+works\s+HTTP 200 in \d+ ms, 2 models listed/);
    const json = await cli(['status', '--check', '--json', '--cwd', tree.path('w')], {});
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: true, type: 'openai', check: { ok: true, status: 200, models: ['qwen3-coder-plus', 'qwen3.7-max'] } });
  });

  it('a rejected key: verdict, remedy, exit 1, and the key never printed whole', async () => {
    server = await startFakeModelServer();
    const key = 'sk-bad-0000000000000000000042';
    tree = makeTree({ 'home/.keep': '', 'w/.env': `OPENAI_API_KEY=${key}\nOPENAI_BASE_URL=${server.baseUrl}\n` });
    const text = await cli(['status', '--check', '--cwd', tree.path('w')], {});
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/Check\s+fails\s+KEY_REJECTED \(HTTP 401\)/);
    expect(text.stdout).toContain('Incorrect API key provided');
    expect(text.stdout).toMatch(/Remedy\s+Copy the key again/);
    const json = await cli(['status', '--check', '--json', '--cwd', tree.path('w')], {});
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toMatchObject({ ok: false, check: { ok: false, code: 'KEY_REJECTED', status: 401 } });
    expect(`${text.stdout}${text.stderr}${json.stdout}`).not.toContain(key);
  });

  it('without --check, no request is made', async () => {
    server = await startFakeModelServer();
    tree = makeTree({ 'home/.keep': '', 'w/.env': `OPENAI_API_KEY=sk-x-00000000000000000000\nOPENAI_BASE_URL=${server.baseUrl}\n` });
    expect((await cli(['status', '--json', '--cwd', tree.path('w')], {})).code).toBe(0);
    expect(server.requests).toEqual([]);
  });
});

if (!hasOpenssl()) console.warn('[status-check] probe tests skipped: the openssl command is not available');

describe.skipIf(!hasOpenssl())('status --check --probe, through a TLS-terminating proxy standing in for the real hosts', () => {
  let caDir: string;
  let ca: TestCa;
  beforeAll(async () => {
    caDir = mkdtempSync(join(tmpdir(), 'qwen-auth-ca-'));
    ca = await createTestCa(caDir);
  });
  afterAll(() => {
    if (caDir && existsSync(caDir)) rmSync(caDir, { recursive: true, force: true });
  });

  /** Every Alibaba Cloud endpoint of the registry, played by the fake; the proxy sends exactly those hosts to it. */
  async function setup(keys: Record<string, readonly string[]>, baseUrl: string): Promise<Record<string, string>> {
    const alibaba = defaultProviders.filter((p) => p.vendor === 'alibaba-cloud');
    const endpoints = alibaba.flatMap((p) =>
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
    server = await startFakeModelServer({
      endpoints,
      apiKeys: Object.fromEntries(Object.entries(keys).map(([k, where]) => [k, { endpoints: where }])),
    });
    const port = Number(new URL(server.url).port);
    const hosts = new Set(endpoints.map((e) => e.host));
    proxy = await startMitmProxy({ ca, route: (host, p) => (hosts.has(host) && p === 443 ? { host: '127.0.0.1', port } : undefined) });
    tree = makeTree({ 'home/.keep': '', 'w/.env': `OPENAI_API_KEY=${Object.keys(keys)[0]}\nOPENAI_BASE_URL=${baseUrl}\nOPENAI_MODEL=qwen3-coder-plus\n` });
    return { HTTPS_PROXY: proxy.url, NODE_EXTRA_CA_CERTS: ca.certPath };
  }

  const vendorHosts = new Set(defaultProviders.filter((p) => p.vendor === 'alibaba-cloud').flatMap((p) => p.endpoints.map((e) => new URL(e.baseUrl).hostname)));

  it('an international Coding Plan key on the Beijing endpoint → WRONG_REGION, with the international base URL', async () => {
    const env = await setup({ [INTL_KEY]: ['alibaba-coding-plan:intl'] }, CODING_BJ);
    const r = await cli(['status', '--check', '--probe', '--json', '--cwd', tree!.path('w')], env);
    expect(r.code, r.stderr).toBe(1);
    const out = JSON.parse(r.stdout) as { check: Record<string, unknown> };
    expect(out.check).toMatchObject({ ok: false, code: 'WRONG_REGION', status: 401, suggestedBaseUrl: CODING_INTL });
    expect(out.check.message).toContain('invalid access token or token expired');
    // The key went only to the vendor's registry hosts a sk-sp- key fits: Coding Plan and Token Plan, never DashScope.
    const connected = new Set(proxy!.log.map((e) => e.host));
    expect([...connected].every((h) => vendorHosts.has(h))).toBe(true);
    expect([...connected].sort()).toEqual([
      'coding-intl.dashscope.aliyuncs.com',
      'coding.dashscope.aliyuncs.com',
      'token-plan.ap-southeast-1.maas.aliyuncs.com',
      'token-plan.cn-beijing.maas.aliyuncs.com',
    ]);
    expect(proxy!.log.some((e) => e.refused)).toBe(false);
    expect(server!.requests.every((q) => q.authorization === `Bearer ${INTL_KEY}`)).toBe(true);
    expect(server!.requests.find((q) => q.endpoint === 'alibaba-coding-plan:intl' && q.status === 200)).toBeDefined();
    expect(r.stdout).not.toContain(INTL_KEY);
  });

  it('a Token Plan key on a Coding Plan endpoint → WRONG_PLAN_ENDPOINT, with the Token Plan base URL (text output)', async () => {
    const env = await setup({ [TOKEN_KEY]: ['alibaba-token-plan:ap-southeast-1'] }, CODING_BJ);
    const r = await cli(['status', '--check', '--probe', '--cwd', tree!.path('w')], env);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toMatch(/Check\s+fails\s+WRONG_PLAN_ENDPOINT \(HTTP 401\)/);
    expect(r.stdout).toMatch(new RegExp(`Suggested base URL\\s+${TOKEN_SG.replaceAll('.', '\\.')}`));
    expect(r.stdout).toMatch(/Remedy\s+Set the base URL/);
  });

  it('a key no endpoint accepts → KEY_REJECTED after the probe', async () => {
    const env = await setup({ 'sk-sp-nowhere0000000000000000c3': [] }, CODING_INTL);
    const r = await cli(['status', '--check', '--probe', '--json', '--cwd', tree!.path('w')], env);
    expect(JSON.parse(r.stdout).check).toMatchObject({ code: 'KEY_REJECTED', message: expect.stringContaining('3 other endpoint(s)') });
  });

  it('without --probe the key goes nowhere but the resolved endpoint', async () => {
    const env = await setup({ [INTL_KEY]: ['alibaba-coding-plan:intl'] }, CODING_BJ);
    const r = await cli(['status', '--check', '--json', '--cwd', tree!.path('w')], env);
    expect(JSON.parse(r.stdout).check).toMatchObject({ code: 'KEY_REJECTED' });
    expect(new Set(proxy!.log.map((e) => e.host))).toEqual(new Set(['coding.dashscope.aliyuncs.com']));
    expect(new Set(server!.requests.map((q) => q.endpoint))).toEqual(new Set(['alibaba-coding-plan:cn-beijing']));
  });

  it('a Coding Plan endpoint without /models is checked with a one-token chat completion', async () => {
    const env = await setup({ [INTL_KEY]: ['alibaba-coding-plan:intl'] }, CODING_INTL);
    const r = await cli(['status', '--check', '--json', '--cwd', tree!.path('w')], env);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).check).toEqual({ ok: true, status: 200, latencyMs: expect.any(Number) });
    expect(server!.requests.map((q) => [q.method, q.path, q.status])).toEqual([
      ['GET', '/v1/models', 404],
      ['POST', '/v1/chat/completions', 200],
    ]);
  });
});
