import { afterEach, describe, expect, it } from 'vitest';
import { resolveAuth } from '../../src/index.js';
import { type FakeModelServer, startFakeModelServer } from '../../src/testing/index.js';
import { type MitmProxy, startMitmProxy } from '../support/mitm-proxy.js';
import { hasOpenssl, useTestCa } from '../support/tls.js';
import { makeTree, type Tree } from '../support/tree.js';

const KEY = 'sk-request0000000000000000proxy';

if (!hasOpenssl()) console.warn('[request-through-proxy] skipped: the openssl command is not available');

describe.skipIf(!hasOpenssl())('Request inputs through a proxy', () => {
  const testCa = useTestCa();
  let proxy: MitmProxy | undefined;
  let models: FakeModelServer | undefined;
  let tree: Tree | undefined;
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
    await models?.close();
    models = undefined;
    tree?.remove();
    tree = undefined;
  });

  it('a GET and a POST with a body, as Request objects, go through the proxy with the credential', async () => {
    models = await startFakeModelServer({ apiKeys: { [KEY]: {} } });
    proxy = await startMitmProxy({ ca: testCa(), route: () => undefined });
    // The proxy comes from the user's settings: a project file cannot set one (issue 16).
    tree = makeTree({
      'home/.qwen/settings.json': JSON.stringify({ env: { HTTP_PROXY: proxy.url } }),
      'w/.env': `OPENAI_API_KEY=${KEY}\nOPENAI_BASE_URL=${models.baseUrl}\n`,
    });
    const auth = await resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: {} });

    const list = await auth.fetch(new Request(`${models.baseUrl}/models`));
    expect(list.status).toBe(200);
    const chat = await auth.fetch(
      new Request(`${models.baseUrl}/chat/completions`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-caller': 'kept' },
        body: JSON.stringify({ model: 'qwen3-coder-plus', messages: [{ role: 'user', content: 'hi' }] }),
      }),
    );
    expect(chat.status).toBe(200);
    expect(((await chat.json()) as { choices: unknown[] }).choices.length).toBe(1);
    // init replaces the Request's own fields, as fetch does.
    const replaced = await auth.fetch(new Request(`${models.baseUrl}/chat/completions`, { method: 'POST', body: 'not json' }), {
      body: JSON.stringify({ model: 'qwen3.7-max', messages: [] }),
      headers: { 'content-type': 'application/json' },
    });
    expect(replaced.status).toBe(200);

    const port = Number(new URL(models.url).port);
    expect(proxy.log.filter((e) => e.kind === 'request').map((e) => [e.host, e.port, e.method, e.path])).toEqual([
      ['127.0.0.1', port, 'GET', '/default/v1/models'],
      ['127.0.0.1', port, 'POST', '/default/v1/chat/completions'],
      ['127.0.0.1', port, 'POST', '/default/v1/chat/completions'],
    ]);
    expect(models.requests.map((r) => [r.authorization, r.model, r.status])).toEqual([
      [`Bearer ${KEY}`, undefined, 200],
      [`Bearer ${KEY}`, 'qwen3-coder-plus', 200],
      [`Bearer ${KEY}`, 'qwen3.7-max', 200],
    ]);
  });
});
