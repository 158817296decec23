/**
 * The headers auth.fetch sends: the caller's own, with the credential set
 * once, whatever case the caller spelled the header in and whatever shape
 * (plain object, Headers, array, a Request) the headers came in.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { defaultRegistry } from '../../src/providers/default-registry.js';
import { apiKeyProvider } from '../../src/requests/api-key-provider.js';
import { requestMethods } from '../../src/requests/request-methods.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((r) => {
    server?.closeAllConnections();
    server ? server.close(() => r()) : r();
  });
  server = undefined;
});

async function recorder(): Promise<{ url: string; seen: IncomingHttpHeaders[] }> {
  const seen: IncomingHttpHeaders[] = [];
  server = createServer((req, res) => {
    seen.push(req.headers);
    req.resume();
    req.on('end', () => res.end('{}'));
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', () => r()));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, seen };
}

describe('auth.fetch headers', () => {
  it('sets the credential once over any spelling and shape of the caller headers', async () => {
    const { url, seen } = await recorder();
    const key = 'sk-test-000000000000000000000000';
    const auth = requestMethods({
      provider: apiKeyProvider({ key, baseUrl: url, reload: async () => undefined }),
      env: {},
      model: 'm',
      oauth: false,
      registry: defaultRegistry(),
    });
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
    expect(seen.map((h) => h.authorization)).toEqual(Array(5).fill(`Bearer ${key}`));
    expect(seen.slice(1).map((h) => h['x-trace'])).toEqual(Array(4).fill('a'));
  });
});
