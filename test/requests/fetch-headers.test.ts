/**
 * The headers auth.fetch sends: the caller's own, with the credential set
 * once, whatever case the caller spelled the header in and whatever shape
 * (plain object, Headers, array, a Request) the headers came in; the
 * caller's objects never changed; a credential no header can carry refused
 * redacted; and bodies held in memory sent again, byte for byte, on the
 * replay after a 401.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { isAuthError } from '../../src/errors.js';
import { defaultRegistry } from '../../src/providers/default-registry.js';
import { apiKeyProvider } from '../../src/requests/api-key-provider.js';
import { requestMethods } from '../../src/requests/request-methods.js';
import type { KeyHeader } from '../../src/requests/types.js';

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(
    servers.splice(0).map(
      (s) =>
        new Promise<void>((r) => {
          s.closeAllConnections();
          s.close(() => r());
        }),
    ),
  );
});

interface Seen {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: Buffer;
}

/** A loopback server recording every request; `answer` may choose a status and headers (default 200 `{}`). */
async function recorder(
  answer: (seen: Seen) => { status: number; headers?: Record<string, string> } | undefined = () => undefined,
): Promise<{ url: string; origin: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const one = { path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks) };
      seen.push(one);
      const a = answer(one) ?? { status: 200 };
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers }).end('{}');
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url: `${origin}/v1`, origin, seen };
}

function keyAuth(key: string, baseUrl: string, keyHeader: KeyHeader = 'authorization', reload: () => Promise<string | undefined> = async () => undefined) {
  return requestMethods({
    provider: apiKeyProvider({ key, baseUrl, keyHeader, reload }),
    // As a resolved result: the key it holds is ours from the start.
    known: [key],
    env: {},
    model: 'm',
    oauth: false,
    registry: defaultRegistry(),
  });
}

describe('auth.fetch headers', () => {
  it('sets the credential once over any spelling and shape of the caller headers', async () => {
    const { url, seen } = await recorder();
    const key = 'sk-test-000000000000000000000000';
    const auth = keyAuth(key, url);
    const shapes: RequestInit[] = [
      {},
      { headers: { Authorization: 'Bearer theirs', 'X-Trace': 'a' } },
      { headers: new Headers({ authorization: 'Bearer theirs', 'x-trace': 'a' }) },
      {
        headers: [
          ['AUTHORIZATION', 'Bearer theirs'],
          ['x-trace', 'a'],
        ],
      },
    ];
    for (const init of shapes) await (await auth.fetch(`${url}/models`, init)).text();
    await (await auth.fetch(new Request(`${url}/models`, { headers: { Authorization: 'Bearer theirs', 'x-trace': 'a' } }))).text();
    expect(seen.map((h) => h.headers.authorization)).toEqual(Array(5).fill(`Bearer ${key}`));
    expect(seen.slice(1).map((h) => h.headers['x-trace'])).toEqual(Array(4).fill('a'));
  });

  it('x-api-key replaces any spelling of it and leaves the caller Authorization alone', async () => {
    const { url, seen } = await recorder();
    const auth = keyAuth('sk-ant-000000000000000000000000', url, 'x-api-key');
    await (await auth.fetch(`${url}/messages`, { method: 'POST', headers: { 'X-Api-Key': 'stale', Authorization: 'Basic dXNlcg==' }, body: '{}' })).text();
    expect(seen[0]!.headers['x-api-key']).toBe('sk-ant-000000000000000000000000');
    expect(seen[0]!.headers.authorization).toBe('Basic dXNlcg==');
  });

  it("the caller's headers and init are never changed, so one init serves request after request", async () => {
    const { url, seen } = await recorder();
    const auth = keyAuth('sk-test-111111111111111111111111', url);
    const record = { 'content-type': 'application/json', Authorization: 'Bearer theirs' };
    const headers = new Headers(record);
    const init: RequestInit = { method: 'POST', headers: record, body: '{"a":1}' };
    for (let i = 0; i < 3; i++) await (await auth.fetch(`${url}/chat/completions`, init)).text();
    await (await auth.fetch(`${url}/chat/completions`, { method: 'POST', headers, body: '{"a":1}' })).text();
    expect(record).toEqual({ 'content-type': 'application/json', Authorization: 'Bearer theirs' });
    expect([...headers]).toEqual([
      ['authorization', 'Bearer theirs'],
      ['content-type', 'application/json'],
    ]);
    expect(init).toEqual({ method: 'POST', headers: record, body: '{"a":1}' });
    expect(seen.map((s) => s.headers.authorization)).toEqual(Array(4).fill('Bearer sk-test-111111111111111111111111'));
    expect(seen.map((s) => s.body.toString())).toEqual(Array(4).fill('{"a":1}'));
  });

  it('our credential in Headers or any spelling of a plain object never goes to another origin; the rest does', async () => {
    const home = await recorder();
    const other = await recorder();
    const key = 'sk-test-222222222222222222222222';
    const auth = keyAuth(key, home.url);
    await (await auth.fetch(`${other.url}/a`, { headers: new Headers({ authorization: `Bearer ${key}`, 'x-trace': 'h' }) })).text();
    await (await auth.fetch(`${other.url}/b`, { headers: { AUTHORIZATION: `bearer ${key}`, 'X-Api-Key': key, 'x-trace': 'r' } })).text();
    await (await auth.fetch(`${other.url}/c`, { headers: { authorization: 'Bearer theirs' } })).text();
    expect(other.seen.map((s) => [s.headers.authorization, s.headers['x-api-key'], s.headers['x-trace']])).toEqual([
      [undefined, undefined, 'h'],
      [undefined, undefined, 'r'],
      ['Bearer theirs', undefined, undefined],
    ]);
    expect(home.seen).toEqual([]);
  });

  it('a same-origin redirect keeps the credential (once) and the caller headers; another origin gets neither credential', async () => {
    const other = await recorder();
    const home = await recorder((s) =>
      s.path === '/v1/moved'
        ? { status: 307, headers: { location: '/v1/here' } }
        : s.path === '/v1/away'
          ? { status: 302, headers: { location: `${other.origin}/landing` } }
          : undefined,
    );
    const key = 'sk-test-333333333333333333333333';
    for (const keyHeader of ['authorization', 'x-api-key'] as const) {
      const auth = keyAuth(key, home.url, keyHeader);
      const headers = { 'Content-Type': 'application/json', [keyHeader === 'x-api-key' ? 'X-API-KEY' : 'Authorization']: 'stale', 'x-trace': 't' };
      const moved = await auth.fetch(`${home.url}/moved`, { method: 'POST', headers, body: '{"b":2}' });
      expect(moved.status).toBe(200);
      const away = await auth.fetch(`${home.url}/away`, { headers });
      expect(away.status).toBe(200);
    }
    const here = home.seen.filter((s) => s.path === '/v1/here');
    expect(here.map((s) => [s.headers.authorization, s.headers['x-api-key'], s.headers['x-trace'], s.body.toString()])).toEqual([
      [`Bearer ${key}`, undefined, 't', '{"b":2}'],
      [undefined, key, 't', '{"b":2}'],
    ]);
    // The caller's own stale value of the other header went along; ours never did.
    expect(other.seen.map((s) => [s.path, s.headers['x-trace']])).toEqual([
      ['/landing', 't'],
      ['/landing', 't'],
    ]);
    expect(other.seen.every((s) => !JSON.stringify(s.headers).includes(key))).toBe(true);
  });

  it('a credential no header can carry is INVALID_API_KEY, redacted, every time, and nothing is sent', async () => {
    const { url, seen } = await recorder();
    const key = 'sk-test-44444444\n4444444444444444';
    const auth = keyAuth(key, url);
    for (let i = 0; i < 2; i++) {
      const error = await auth.fetch(`${url}/models`).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isAuthError(error) && error.code).toBe('INVALID_API_KEY');
      expect(String((error as Error).message)).not.toContain('4444444444444444');
    }
    expect(seen).toEqual([]);
  });

  it('an aborted signal ends the request before anything is sent', async () => {
    const { url, seen } = await recorder();
    const auth = keyAuth('sk-test-555555555555555555555555', url);
    const error = await auth.fetch(`${url}/models`, { signal: AbortSignal.abort() }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeDefined();
    expect(seen).toEqual([]);
    // A live signal takes the fast path and is sent.
    expect((await auth.fetch(`${url}/models`, { signal: new AbortController().signal })).status).toBe(200);
    expect(seen.length).toBe(1);
  });
});

describe('the replay after a 401 sends the same body', () => {
  const bodies: [string, () => NonNullable<RequestInit['body']>, string][] = [
    ['a string', () => '{"model":"m","messages":[]}', '{"model":"m","messages":[]}'],
    ['bytes', () => new TextEncoder().encode('{"bytes":true}'), '{"bytes":true}'],
    ['an ArrayBuffer', () => new TextEncoder().encode('{"buffer":1}').buffer as ArrayBuffer, '{"buffer":1}'],
    ['a Blob', () => new Blob(['{"blob":1}']), '{"blob":1}'],
    ['search parameters', () => new URLSearchParams({ a: '1' }), 'a=1'],
  ];
  for (const [what, body, text] of bodies) {
    it(what, async () => {
      const { url, seen } = await recorder((s) => (s.headers.authorization === 'Bearer sk-old-000000000000000000' ? { status: 401 } : undefined));
      const auth = keyAuth('sk-old-000000000000000000', url, 'authorization', async () => 'sk-new-000000000000000000');
      const res = await auth.fetch(`${url}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: body() });
      expect(res.status).toBe(200);
      expect(seen.map((s) => [s.headers.authorization, s.body.toString()])).toEqual([
        ['Bearer sk-old-000000000000000000', text],
        ['Bearer sk-new-000000000000000000', text],
      ]);
    });
  }
});
