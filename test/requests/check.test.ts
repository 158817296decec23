/**
 * `check()` against the DashScope-shaped fake: every failure class with the
 * providers' real bodies, the fallback to a one-token chat completion, the
 * transport failures, Qwen OAuth, and what the verdict may never contain.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryTokenStore, createProviderRegistry, createQwenOAuthClient, defaultProviders, type ProviderRegistry } from '../../src/index.js';
import { defaultRegistry } from '../../src/providers/default-registry.js';
import { apiKeyProvider } from '../../src/requests/api-key-provider.js';
import { AUTH_CHECK_CODES, authCheckRemedy } from '../../src/requests/check-codes.js';
import { oauthCredentialProvider } from '../../src/oauth/credential-provider.js';
import { probeCandidates } from '../../src/requests/probe.js';
import { requestMethods } from '../../src/requests/request-methods.js';
import type { AuthCheck, AuthCheckCode } from '../../src/requests/types.js';
import {
  type FakeModelErrorKind,
  type FakeModelFlavor,
  type FakeModelServer,
  type FakeQwenServer,
  startFakeModelServer,
  startFakeQwenServer,
} from '../../src/testing/index.js';

const KEY = 'sk-check-0123456789abcdef0123';
let models: FakeModelServer | undefined;
let qwen: FakeQwenServer | undefined;
let extra: Server | undefined;
afterEach(async () => {
  await models?.close();
  await qwen?.close();
  if (extra) await new Promise((r) => extra!.close(r));
  models = qwen = extra = undefined;
});

/** A registry in which the loopback fake is an Alibaba Cloud endpoint (what the real hosts would be). */
function alibabaAt(baseUrl: string): ProviderRegistry {
  const port = Number(new URL(baseUrl).port);
  return createProviderRegistry([
    ...defaultProviders.filter((p) => !p.anyLoopback),
    {
      id: 'test-alibaba',
      name: 'Alibaba (test)',
      vendor: 'alibaba-cloud',
      authType: 'openai',
      plan: 'pay-as-you-go',
      status: 'active',
      endpoints: [{ region: 'test', regionName: 'Test', baseUrl }],
      loopbackPorts: [port],
      envKeys: [],
    },
  ]);
}

function keyAuth(baseUrl: string, options: { key?: string; model?: string; registry?: ProviderRegistry } = {}) {
  const provider = apiKeyProvider({ key: options.key ?? KEY, baseUrl, reload: async () => undefined });
  return requestMethods({ provider, env: {}, model: options.model ?? 'qwen3-coder-plus', oauth: false, registry: options.registry ?? defaultRegistry() });
}

const failed = (r: AuthCheck): Extract<AuthCheck, { ok: false }> => {
  if (r.ok) throw new Error(`expected a failure, got ${JSON.stringify(r)}`);
  return r;
};

describe('a working key', () => {
  it('GET /models: ok, with the listed models and a latency', async () => {
    models = await startFakeModelServer({ apiKeys: { [KEY]: {} } });
    const r = await keyAuth(models.baseUrl).check();
    expect(r).toMatchObject({ ok: true, status: 200, models: ['qwen3-coder-plus', 'qwen3.7-max'] });
    expect(r.ok && r.latencyMs).toBeGreaterThan(0);
    expect(models.requests.map((q) => [q.method, q.path])).toEqual([['GET', '/default/v1/models']]);
    expect(models.requests[0]!.authorization).toBe(`Bearer ${KEY}`);
  });

  it('no /models: one chat completion of one token with the resolved model, documented as the fallback', async () => {
    models = await startFakeModelServer({ apiKeys: { [KEY]: {} }, endpoints: [{ id: 'cp', flavor: 'coding-plan', serveModels: false }] });
    const r = await keyAuth(models.baseUrl).check();
    expect(r).toEqual({ ok: true, status: 200, latencyMs: expect.any(Number) });
    expect(models.requests.map((q) => [q.method, q.path, q.model])).toEqual([
      ['GET', '/cp/v1/models', undefined],
      ['POST', '/cp/v1/chat/completions', 'qwen3-coder-plus'],
    ]);
  });
});

/** Each failure class, each flavour: the code the real body must produce. */
const CASES: readonly [FakeModelErrorKind, FakeModelFlavor, AuthCheckCode, number][] = [
  ['invalid-key', 'dashscope', 'KEY_REJECTED', 401],
  ['invalid-key', 'coding-plan', 'KEY_REJECTED', 401],
  ['invalid-key', 'token-plan', 'KEY_REJECTED', 401],
  ['invalid-key', 'openai', 'KEY_REJECTED', 401],
  ['arrearage', 'dashscope', 'QUOTA_EXHAUSTED', 400],
  ['arrearage', 'token-plan', 'QUOTA_EXHAUSTED', 400],
  ['quota-exhausted', 'coding-plan', 'QUOTA_EXHAUSTED', 429],
  ['quota-exhausted', 'dashscope', 'QUOTA_EXHAUSTED', 429],
  ['quota-exhausted', 'openai', 'QUOTA_EXHAUSTED', 429],
  ['rate-limited', 'dashscope', 'RATE_LIMITED', 429],
  ['rate-limited', 'openai', 'RATE_LIMITED', 429],
  ['client-not-allowed', 'coding-plan', 'CLIENT_NOT_ALLOWED', 405],
  ['server-error', 'dashscope', 'SERVER_ERROR', 500],
  ['not-found', 'dashscope', 'ENDPOINT_NOT_FOUND', 404],
];

describe('each failure class, with the real bodies', () => {
  it.each(CASES)('%s (%s) → %s', async (kind, flavor, code, status) => {
    models = await startFakeModelServer({ apiKeys: { [KEY]: {} }, endpoints: [{ id: 'e', flavor }] });
    models.fail(kind);
    // On the Alibaba hosts the vendor is known; the fake's loopback endpoint stands in for one.
    const registry = flavor === 'openai' ? defaultRegistry() : alibabaAt(models.baseUrl);
    const r = failed(await keyAuth(models.baseUrl, { registry }).check());
    expect(r.code).toBe(code);
    expect(r.status).toBe(status);
    expect(r.remedy).toBe(authCheckRemedy(code));
    expect(r.message).toContain(models.baseUrl);
    expect(r.suggestedBaseUrl).toBeUndefined();
  });

  it.each(['coding-plan', 'dashscope', 'token-plan'] as const)(
    'a model the key may not use (%s) → MODEL_NOT_AVAILABLE, after the list did not name it',
    async (flavor) => {
      models = await startFakeModelServer({ apiKeys: { [KEY]: { models: ['qwen3.7-max'] } }, endpoints: [{ id: 'e', flavor }] });
      const r = failed(await keyAuth(models.baseUrl, { registry: alibabaAt(models.baseUrl) }).check());
      expect(r.code).toBe('MODEL_NOT_AVAILABLE');
      expect(models.requests.map((q) => [q.method, q.status])).toEqual([
        ['GET', 200],
        ['POST', flavor === 'coding-plan' ? 400 : flavor === 'token-plan' ? 403 : 404],
      ]);
    },
  );

  it('the per-minute throttle of DashScope (429 insufficient_quota) is RATE_LIMITED there, QUOTA_EXHAUSTED at OpenAI', async () => {
    models = await startFakeModelServer({ apiKeys: { [KEY]: {} } });
    models.fail('rate-limited');
    expect(failed(await keyAuth(models.baseUrl, { registry: alibabaAt(models.baseUrl) }).check()).code).toBe('RATE_LIMITED');
    expect(failed(await keyAuth(models.baseUrl).check()).code).toBe('QUOTA_EXHAUSTED');
  });

  it('a wrong base URL path: neither /models nor /chat/completions exists → ENDPOINT_NOT_FOUND', async () => {
    models = await startFakeModelServer({ apiKeys: { [KEY]: {} } });
    const r = failed(await keyAuth(`${models.url}/api/v1`).check());
    expect(r).toMatchObject({ code: 'ENDPOINT_NOT_FOUND', status: 404 });
    expect(models.requests.map((q) => q.path)).toEqual(['/api/v1/models', '/api/v1/chat/completions']);
  });
});

describe('no answer', () => {
  it('a closed port → NETWORK_ERROR', async () => {
    const port = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const r = failed(await keyAuth(`http://127.0.0.1:${port}/v1`).check());
    expect(r.code).toBe('NETWORK_ERROR');
    expect(r.status).toBeUndefined();
    expect(r.message).toContain('ECONNREFUSED');
  });

  it('slower than timeoutMs → NETWORK_ERROR naming the timeout', async () => {
    models = await startFakeModelServer({ apiKeys: { [KEY]: {} }, latencyMs: 300 });
    const r = failed(await keyAuth(models.baseUrl).check({ timeoutMs: 50 }));
    expect(r).toMatchObject({ code: 'NETWORK_ERROR', message: expect.stringContaining('50 ms') });
  });

  it('the caller’s signal rejects with ABORTED (not a verdict)', async () => {
    models = await startFakeModelServer({ apiKeys: { [KEY]: {} }, latencyMs: 300 });
    const controller = new AbortController();
    const pending = keyAuth(models.baseUrl).check({ signal: controller.signal });
    setTimeout(() => controller.abort(), 20);
    await expect(pending).rejects.toMatchObject({ code: 'ABORTED' });
  });

  it('timeoutMs must be a positive number', async () => {
    await expect(keyAuth('http://127.0.0.1:9/v1').check({ timeoutMs: 0 })).rejects.toMatchObject({ code: 'INVALID_OPTION_TYPE' });
  });
});

describe('Qwen OAuth', () => {
  async function oauth() {
    qwen = await startFakeQwenServer();
    const store = createMemoryTokenStore(qwen.mintStoreCredentials());
    const client = createQwenOAuthClient({ ...qwen.oauthOptions, store, env: {} });
    const provider = oauthCredentialProvider(client, (await store.read())!, { tokenEndpoint: qwen.tokenEndpoint });
    return requestMethods({ provider, env: {}, model: 'coder-model', oauth: true, registry: defaultRegistry() });
  }

  it('a valid login: ok, coder-model listed', async () => {
    const auth = await oauth();
    expect(await auth.check()).toMatchObject({ ok: true, status: 200, models: ['coder-model'] });
  });

  it('a token rejected early is refreshed and the check passes', async () => {
    const auth = await oauth();
    await auth.getToken();
    qwen!.revokeAccessTokens();
    expect(await auth.check()).toMatchObject({ ok: true });
    expect(qwen!.stats.refreshRequests).toBe(1);
  });

  it('a server that honours no token (the free tier ended) → LOGIN_REQUIRED', async () => {
    const auth = await oauth();
    qwen!.rejectAccessTokens();
    const r = failed(await auth.check());
    expect(r).toMatchObject({ code: 'LOGIN_REQUIRED', status: 401 });
    expect(r.message).toContain('invalid access token or token expired');
  });

  it('a refresh token the server rejects → LOGIN_REQUIRED', async () => {
    const auth = await oauth();
    await auth.getToken();
    qwen!.revokeAccessTokens();
    qwen!.revokeAll();
    expect(failed(await auth.check()).code).toBe('LOGIN_REQUIRED');
  });
});

describe('secrets', () => {
  it('a key the provider echoes back is never in the verdict whole', async () => {
    const long = 'sk-echo-9f8e7d6c5b4a39281706';
    extra = createServer((req, res) => {
      const key = String(req.headers.authorization ?? '').replace('Bearer ', '');
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: { message: `Incorrect API key provided: ${key}.`, code: 'invalid_api_key' } }));
    });
    await new Promise<void>((r) => extra!.listen(0, '127.0.0.1', () => r()));
    const base = `http://127.0.0.1:${(extra.address() as AddressInfo).port}/v1`;
    const r = await keyAuth(base, { key: long }).check({ probe: true });
    expect(JSON.stringify(r)).not.toContain(long);
    expect(failed(r).message).toContain('sk-…1706');
  });
});

describe('the verdict codes', () => {
  it('include every code the contract names, each with a remedy', () => {
    for (const code of [
      'KEY_REJECTED',
      'WRONG_REGION',
      'WRONG_PLAN_ENDPOINT',
      'MODEL_NOT_AVAILABLE',
      'QUOTA_EXHAUSTED',
      'CLIENT_NOT_ALLOWED',
      'LOGIN_REQUIRED',
      'ENDPOINT_NOT_FOUND',
      'NETWORK_ERROR',
    ] as const) {
      expect(AUTH_CHECK_CODES).toContain(code);
      expect(authCheckRemedy(code).length).toBeGreaterThan(20);
    }
  });
});

describe('the probe’s candidates', () => {
  const registry = defaultRegistry();
  const hosts = (baseUrl: string, key: string): string[] => probeCandidates(registry, baseUrl, key).map((c) => new URL(c.endpoint.baseUrl).host);
  const vendorHosts = new Set(defaultProviders.filter((p) => p.vendor === 'alibaba-cloud').flatMap((p) => p.endpoints.map((e) => new URL(e.baseUrl).host)));

  it('an sk-sp- key on a Coding Plan host: the other Coding Plan region, then Token Plan; never DashScope', () => {
    expect(hosts('https://coding-intl.dashscope.aliyuncs.com/v1', 'sk-sp-0123456789abcdef')).toEqual([
      'coding.dashscope.aliyuncs.com',
      'token-plan.cn-beijing.maas.aliyuncs.com',
      'token-plan.ap-southeast-1.maas.aliyuncs.com',
    ]);
  });

  it('a plain key on DashScope: the other DashScope regions and Token Plan; never Coding Plan (it requires sk-sp-)', () => {
    expect(hosts('https://dashscope.aliyuncs.com/compatible-mode/v1', 'sk-0123456789abcdef')).toEqual([
      'dashscope-intl.aliyuncs.com',
      'dashscope-us.aliyuncs.com',
      'cn-hongkong.dashscope.aliyuncs.com',
      'token-plan.cn-beijing.maas.aliyuncs.com',
      'token-plan.ap-southeast-1.maas.aliyuncs.com',
    ]);
  });

  it('only ever the vendor’s registry hosts, over https, never the one already tried', () => {
    for (const p of defaultProviders) {
      for (const e of p.endpoints) {
        for (const key of ['sk-sp-0123456789abcdef', 'sk-0123456789abcdef', 'sk-or-v1-0123456789abcdef', 'ms-0123456789abcdef']) {
          for (const c of probeCandidates(registry, e.baseUrl, key)) {
            expect(new URL(c.endpoint.baseUrl).protocol).toBe('https:');
            expect(c.endpoint.baseUrl).not.toBe(e.baseUrl);
            if (p.vendor) expect(vendorHosts.has(new URL(c.endpoint.baseUrl).host)).toBe(true);
            else expect(c.provider).toBe(p);
          }
        }
      }
    }
  });

  it('nothing for a base URL that is not exactly a registry endpoint', () => {
    expect(hosts('https://my-proxy.example/v1', 'sk-sp-0123456789abcdef')).toEqual([]);
    expect(hosts('http://127.0.0.1:8080/v1', 'sk-sp-0123456789abcdef')).toEqual([]);
    expect(hosts('https://openrouter.ai/api/v1', 'sk-or-v1-0123456789abcdef')).toEqual([]);
  });
});
