/**
 * `qwen-auth serve` driven as a user would: started as a child, its ready
 * line read, then curl and the real `openai` SDK (plain and streaming)
 * through it — through an OAuth token the fake Qwen server revokes mid-run
 * (one refresh, answered) — a request without the local key (401), a body
 * too large (413), a stream passed on as it arrives, and a non-loopback
 * `--host` (refused, exit 2).
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenAI from 'openai';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeQwenServer, startFakeQwenServer } from '../../src/testing/index.js';
import { CLI, runCli } from '../support/cli.js';
import { makeTree, type Tree } from '../support/tree.js';

let tree: Tree | undefined;
let qwen: FakeQwenServer | undefined;
let upstream: Server | undefined;
let served: ChildProcess | undefined;
afterEach(async () => {
  if (served && served.exitCode === null && served.signalCode === null) served.kill('SIGKILL');
  served = undefined;
  await qwen?.close();
  qwen = undefined;
  if (upstream) await new Promise((r) => (upstream!.closeAllConnections(), upstream!.close(r)));
  upstream = undefined;
  tree?.remove();
  tree = undefined;
});

interface Served {
  readonly baseUrl: string;
  readonly apiKey: string;
  /** Sends SIGTERM (or `signal`) and resolves with the exit code and stderr. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; stderr: string }>;
}

/** Starts `qwen-auth serve --json …` in the project folder and waits for its one ready line. */
async function startServe(args: readonly string[] = []): Promise<Served> {
  const child = spawn(process.execPath, [CLI, 'serve', '--json', ...args], {
    cwd: tree!.path('app'),
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tree!.path('home') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  served = child;
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => (stderr += d));
  const closed = new Promise<number | null>((resolve) => child.on('close', resolve));
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      stdout += d;
      if (stdout.includes('\n')) resolve(stdout.slice(0, stdout.indexOf('\n')));
    });
    void closed.then((code) => reject(new Error(`serve exited ${code}: ${stdout}${stderr}`)));
  });
  const ready = JSON.parse(line) as { baseUrl: string; apiKey: string };
  expect(Object.keys(ready).sort()).toEqual(['apiKey', 'baseUrl']);
  return {
    ...ready,
    async stop(signal = 'SIGTERM') {
      child.kill(signal);
      const code = await closed;
      return { code, stderr };
    },
  };
}

function curl(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('curl', ['-sS', ...args], (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }));
  });
}

const qwenProject = (creds: object) => makeTree({ 'home/.qwen/oauth_creds.json': JSON.stringify(creds), 'app/.keep': '' });
const oauthFlags = () => ['--auth-type', 'qwen-oauth', '--token-endpoint', qwen!.tokenEndpoint];

describe('qwen-auth serve', () => {
  it('curl and the openai SDK (plain and streaming) through a Qwen OAuth token revoked mid-run: one refresh, every request answered', async () => {
    qwen = await startFakeQwenServer();
    tree = qwenProject(qwen.mintCredentials());
    const s = await startServe(oauthFlags());
    expect(s.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);

    const models = await curl(['-f', '-H', `Authorization: Bearer ${s.apiKey}`, `${s.baseUrl}/models`]);
    expect(models.code).toBe(0);
    expect(JSON.parse(models.stdout).data[0].id).toBe('coder-model');

    const client = new OpenAI({ baseURL: s.baseUrl, apiKey: s.apiKey, maxRetries: 0 });
    const first = await client.chat.completions.create({ model: 'coder-model', messages: [{ role: 'user', content: 'hi' }] });
    expect(first.choices[0]!.message.content).toBe('ok');

    qwen.revokeAccessTokens(); // the server forgets the token the client still holds
    const second = await client.chat.completions.create({ model: 'coder-model', messages: [{ role: 'user', content: 'again' }] });
    expect(second.choices[0]!.message.content).toBe('ok');
    const stream = await client.chat.completions.create({ model: 'coder-model', messages: [{ role: 'user', content: 'stream' }], stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('ok');

    expect(qwen.stats.refreshesGranted).toBe(1);
    expect(qwen.stats.apiRejections).toBe(1);
    // The local key never reached the server; the OAuth token did.
    for (const r of qwen.apiRequests) expect(r.authorization).not.toContain(s.apiKey);
    expect(qwen.apiRequests.at(-1)!.authorization).toMatch(/^Bearer fake-at-/);

    const { code } = await s.stop('SIGINT');
    expect(code).toBe(0);
  });

  it('without the local key (or with the OAuth token instead): 401, nothing forwarded', async () => {
    qwen = await startFakeQwenServer();
    const creds = qwen.mintCredentials();
    tree = qwenProject(creds);
    const s = await startServe(oauthFlags());
    const before = qwen.apiRequests.length;
    const none = await curl(['-o', '/dev/null', '-w', '%{http_code}', `${s.baseUrl}/models`]);
    expect(none.stdout).toBe('401');
    const wrong = await curl(['-o', '/dev/null', '-w', '%{http_code}', '-H', `Authorization: Bearer ${creds.access_token}`, `${s.baseUrl}/models`]);
    expect(wrong.stdout).toBe('401');
    const sdk = new OpenAI({ baseURL: s.baseUrl, apiKey: 'not-the-key', maxRetries: 0 });
    await expect(sdk.models.list()).rejects.toMatchObject({ status: 401 });
    expect(qwen.apiRequests.length).toBe(before);
    expect((await s.stop()).code).toBe(0);
  });

  it('passes server-sent events on as they arrive, strips the local key, adds no header, bounds bodies (413), serves /v1/models', async () => {
    // An upstream that sends one event, then waits until the client has it before sending the rest:
    // a buffering pass-through would never deliver the first one.
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    const seen: { path: string; headers: IncomingHttpHeaders }[] = [];
    upstream = createServer((req, res) => {
      seen.push({ path: req.url ?? '', headers: req.headers });
      req.resume();
      if (req.url === '/api/v1/models') {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write('data: {"n":1}\n\n');
      void released.then(() => res.end('data: {"n":2}\n\ndata: [DONE]\n\n'));
    });
    await new Promise<void>((r) => upstream!.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}/api/v1`;
    tree = makeTree({ 'home/.keep': '', 'app/.env': `OPENAI_API_KEY=sk-upstream000000000000000001\nOPENAI_BASE_URL=${base}\nOPENAI_MODEL=m-local\n` });
    const s = await startServe();

    const response = await fetch(`${s.baseUrl}/chat/completions?x=1`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.apiKey}`, 'content-type': 'application/json', 'user-agent': 'my-tool/1.0', 'x-trace': s.apiKey },
      body: JSON.stringify({ model: 'm-local', stream: true }),
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let got = '';
    while (!got.includes('"n":1')) got += decoder.decode((await reader.read()).value);
    expect(got).not.toContain('"n":2');
    release();
    for (let r = await reader.read(); !r.done; r = await reader.read()) got += decoder.decode(r.value);
    expect(got).toBe('data: {"n":1}\n\ndata: {"n":2}\n\ndata: [DONE]\n\n');

    const sent = seen[0]!;
    expect(sent.path).toBe('/api/v1/chat/completions?x=1');
    expect(sent.headers.authorization).toBe('Bearer sk-upstream000000000000000001');
    expect(sent.headers['user-agent']).toBe('my-tool/1.0');
    expect(sent.headers['x-trace']).toBeUndefined();
    expect(JSON.stringify(sent.headers)).not.toContain(s.apiKey);
    const ours = Object.keys(sent.headers).filter(
      (h) =>
        ![
          'host',
          'connection',
          'content-type',
          'content-length',
          'user-agent',
          'authorization',
          'accept',
          'accept-language',
          'sec-fetch-mode',
          'accept-encoding',
        ].includes(h),
    );
    expect(ours).toEqual([]);

    // An endpoint without GET /models: the resolved model is listed.
    const models = await new OpenAI({ baseURL: s.baseUrl, apiKey: s.apiKey, maxRetries: 0 }).models.list();
    expect(models.data.map((m) => m.id)).toEqual(['m-local']);

    const big = await fetch(`${s.baseUrl}/chat/completions`, {
      method: 'POST',
      headers: { authorization: `Bearer ${s.apiKey}` },
      body: new Uint8Array(17 * 1024 * 1024),
    });
    expect(big.status).toBe(413);
    expect(seen.filter((r) => r.path.includes('/chat/completions')).length).toBe(1);
    // curl sends `Expect: 100-continue` with a body over 1 MiB: answered, not forwarded.
    tree.write({ 'big.json': `{"pad":"${'x'.repeat(2 * 1024 * 1024)}"}` });
    const large = await curl([
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '-H',
      `Authorization: Bearer ${s.apiKey}`,
      '-H',
      'content-type: application/json',
      '--data-binary',
      `@${tree.path('big.json')}`,
      `${s.baseUrl}/chat/completions`,
    ]);
    expect(large.stdout).toBe('200');
    expect(seen.at(-1)!.headers.expect).toBeUndefined();
    expect(Number(seen.at(-1)!.headers['content-length'])).toBe(2 * 1024 * 1024 + 10);
    expect((await s.stop()).code).toBe(0);
  });

  it('an anthropic result: /v1/messages goes to <base>/v1/messages with the key, the client authenticates with x-api-key; text mode never prints the real key', async () => {
    const seen: { path: string; headers: IncomingHttpHeaders }[] = [];
    upstream = createServer((req, res) => {
      seen.push({ path: req.url ?? '', headers: req.headers });
      req.resume();
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"type":"message","content":[{"type":"text","text":"ok"}]}');
    });
    await new Promise<void>((r) => upstream!.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    const key = 'sk-ant-serve00000000000000000001';
    tree = makeTree({
      'home/.keep': '',
      'app/.qwen/settings.json': JSON.stringify({ security: { auth: { selectedType: 'anthropic' } } }),
      'app/.env': `ANTHROPIC_API_KEY=${key}\nANTHROPIC_BASE_URL=${base}\nANTHROPIC_MODEL=claude-x\n`,
    });
    // Text mode: the local key once, the real one never.
    const child = spawn(process.execPath, [CLI, 'serve', '--qwen-code', '0.24'], {
      cwd: tree.path('app'),
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tree.path('home') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    served = child;
    let text = '';
    await new Promise<void>((resolve) => child.stdout!.on('data', (d: Buffer) => ((text += d), text.includes('Ctrl-C') && resolve())));
    expect(text).not.toContain(key);
    const baseUrl = /Base URL\s+(\S+)/.exec(text)![1]!;
    const apiKey = /API key\s+(\S+)/.exec(text)![1]!;
    expect(text.split(apiKey).length).toBe(2); // printed once

    const r = await fetch(`${baseUrl}/messages`, {
      method: 'POST',
      headers: { 'x-api-key': apiKey, 'anthropic-version': '2023-06-01', 'content-type': 'application/json' },
      body: '{"model":"claude-x","max_tokens":1,"messages":[]}',
    });
    expect(r.status).toBe(200);
    expect(seen[0]!.path).toBe('/v1/messages');
    expect(seen[0]!.headers.authorization).toBe(`Bearer ${key}`);
    expect(seen[0]!.headers['x-api-key']).toBeUndefined();
    expect(seen[0]!.headers['anthropic-version']).toBe('2023-06-01');
    child.kill('SIGTERM');
    expect(await new Promise((resolve) => child.on('close', resolve))).toBe(0);
  });

  it('::1 works; a non-loopback --host is refused before anything listens (exit 2)', async () => {
    tree = makeTree({ 'home/.keep': '', 'app/.env': 'OPENAI_API_KEY=sk-host00000000000000000000001\n' });
    for (const host of ['0.0.0.0', '192.168.1.10', 'example.com', 'localhost', '::']) {
      const r = await runCli(['serve', '--host', host], { cwd: tree.path('app'), home: tree.path('home') });
      expect(r.code, host).toBe(2);
      expect(r.stderr).toContain('--host must be a loopback address');
      expect(r.stdout).toBe('');
    }
    const s = await startServe(['--host', '::1']);
    expect(s.baseUrl).toMatch(/^http:\/\/\[::1\]:\d+\/v1$/);
    expect((await s.stop()).code).toBe(0);
  });

  it('nothing resolves: exit 1 with the code and remedy, nothing listens', async () => {
    tree = makeTree({ 'home/.keep': '', 'app/.keep': '' });
    const r = await runCli(['serve'], { cwd: tree.path('app'), home: tree.path('home') });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('NO_CREDENTIALS');
  });
});
