import { describe, expect, it } from 'vitest';
import { qwenFetch } from '../../src/oauth/qwen-fetch.js';

const POLL = new URLSearchParams({ grant_type: 'urn:ietf:params:oauth:grant-type:device_code', device_code: 'd' });
const REFRESH = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: 'r' });

/** Runs the adapter over one canned answer. */
async function through(body: string, init: ResponseInit, request: URLSearchParams = POLL) {
  const adapter = qwenFetch(async () => new Response(body, init));
  const res = await adapter('https://chat.qwen.ai/api/v1/oauth2/token', { method: 'POST', body: request });
  const text = await res.text();
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    text,
    json: (() => {
      try {
        return JSON.parse(text);
      } catch {
        return undefined;
      }
    })(),
  };
}

describe('qwenFetch: Qwen’s departures from the RFCs, in one place', () => {
  it('429 slow_down while polling becomes the standard 400 slow_down', async () => {
    expect(await through('{"error":"slow_down"}', { status: 429, headers: { 'content-type': 'application/json' } })).toMatchObject({
      status: 400,
      json: { error: 'slow_down' },
    });
  });

  it('a 429 with an HTML body while polling is slow_down too', async () => {
    expect(await through('<html>Too Many Requests</html>', { status: 429, headers: { 'content-type': 'text/html' } })).toMatchObject({
      status: 400,
      json: { error: 'slow_down' },
    });
  });

  it('a 429 on a refresh stays 429 (retried, never taken for a rejected token)', async () => {
    expect(await through('{"error":"rate_limited"}', { status: 429 }, REFRESH)).toMatchObject({ status: 429, json: { error: 'rate_limited' } });
    expect(await through('<html/>', { status: 429 }, REFRESH)).toMatchObject({ status: 429, json: { error: 'invalid_request' } });
  });

  it.each([
    [502, 'server_error'],
    [503, 'server_error'],
    [404, 'invalid_request'],
  ])('a non-JSON %i becomes a JSON %s with the same status', async (status, error) => {
    const r = await through('<html><h1>Bad gateway</h1></html>', { status, headers: { 'content-type': 'text/html' } });
    expect(r).toMatchObject({ status, type: 'application/json', json: { error } });
  });

  it('JSON served as text/plain is served as JSON; resource_url passes; id_token is dropped', async () => {
    const r = await through(JSON.stringify({ access_token: 'a', token_type: 'Bearer', resource_url: 'portal.qwen.ai', id_token: 'x.y.z' }), {
      status: 200,
      headers: { 'content-type': 'text/plain' },
    });
    expect(r.type).toBe('application/json');
    expect(r.json).toEqual({ access_token: 'a', token_type: 'Bearer', resource_url: 'portal.qwen.ai' });
  });

  it('a 200 that is not JSON is passed as it is (openid-client reports it)', async () => {
    expect(await through('hello', { status: 200, headers: { 'content-type': 'text/plain' } })).toMatchObject({ status: 200, text: 'hello' });
  });

  it('always hands back a global Response', async () => {
    const adapter = qwenFetch(async () => ({ status: 200, statusText: 'OK', headers: new Headers(), text: async () => '{}' }) as unknown as Response);
    expect(await adapter('https://x', { body: REFRESH })).toBeInstanceOf(Response);
  });
});
