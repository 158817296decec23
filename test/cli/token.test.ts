/**
 * `qwen-auth token` as a tool uses it: in a shell pipeline with curl
 * (`curl -H "Authorization: Bearer $(qwen-auth token)"`), against the fake
 * model server (an API key) and the fake Qwen server (an expired OAuth login,
 * refreshed first).
 */
import { execFile } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeModelServer, type FakeQwenServer, startFakeModelServer, startFakeQwenServer } from '../../src/testing/index.js';
import { CLI, jsonDocuments, runCli } from '../support/cli.js';
import { makeTree, type Tree } from '../support/tree.js';

const KEY = 'sk-token0000000000000000000cafe';

let tree: Tree | undefined;
let model: FakeModelServer | undefined;
let qwen: FakeQwenServer | undefined;
afterEach(async () => {
  tree?.remove();
  tree = undefined;
  await model?.close();
  model = undefined;
  await qwen?.close();
  qwen = undefined;
});

/** Runs a shell line in the project folder, with the built CLI as `qwen-auth`. */
function shell(line: string, env: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      '/bin/sh',
      ['-c', line],
      {
        cwd: tree!.path('app'),
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tree!.path('home'), QWEN_AUTH: `${process.execPath} ${CLI}`, ...env },
      },
      (error, stdout, stderr) => resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
    );
  });
}

describe('qwen-auth token', () => {
  it('an API key: the key and a newline, nothing else; curl uses it in a pipeline', async () => {
    model = await startFakeModelServer({ apiKeys: { [KEY]: {} } });
    tree = makeTree({ 'home/.keep': '', 'app/.env': `OPENAI_API_KEY=${KEY}\nOPENAI_BASE_URL=${model.baseUrl}\nOPENAI_MODEL=qwen3-coder-plus\n` });
    const plain = await runCli(['token'], { cwd: tree.path('app'), home: tree.path('home') });
    expect(plain).toMatchObject({ code: 0, stdout: `${KEY}\n`, stderr: '' });

    const r = await shell(`curl -sS -f -H "Authorization: Bearer $($QWEN_AUTH token)" ${model.baseUrl}/models`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).data.map((m: { id: string }) => m.id)).toContain('qwen3-coder-plus');
    expect(model.requests.at(-1)).toMatchObject({ authorization: `Bearer ${KEY}`, status: 200 });
  });

  it('--json: token, type, baseUrl, model, endpoint, keyHeader, expiresAt (null for a key)', async () => {
    model = await startFakeModelServer({ apiKeys: { [KEY]: {} } });
    tree = makeTree({ 'home/.keep': '', 'app/.env': `OPENAI_API_KEY=${KEY}\nOPENAI_BASE_URL=${model.baseUrl}\n` });
    const r = await runCli(['token', '--json', '--model', 'm-flag'], { cwd: tree.path('app'), home: tree.path('home') });
    expect(r.code).toBe(0);
    expect(jsonDocuments(r.stdout)).toEqual([
      {
        token: KEY,
        type: 'openai',
        baseUrl: model.baseUrl,
        model: 'm-flag',
        endpoint: `${model.baseUrl}/chat/completions`,
        keyHeader: 'authorization',
        expiresAt: null,
      },
    ]);
  });

  it('an expired Qwen OAuth login: refreshed once under the lock, the new token works in the pipeline', async () => {
    qwen = await startFakeQwenServer();
    const creds = qwen.mintCredentials({ expiresInSeconds: -60 });
    tree = makeTree({ 'home/.qwen/oauth_creds.json': JSON.stringify(creds), 'app/.keep': '' });
    const flags = `--auth-type qwen-oauth --token-endpoint ${qwen.tokenEndpoint}`;
    const r = await shell(`curl -sS -f -H "Authorization: Bearer $($QWEN_AUTH token ${flags})" ${qwen.baseUrl}/models`);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).data[0].id).toBe('coder-model');
    expect(qwen.stats.refreshesGranted).toBe(1);

    const json = await runCli(['token', '--json', ...flags.split(' ')], { cwd: tree.path('app'), home: tree.path('home') });
    const doc = jsonDocuments(json.stdout)[0] as Record<string, unknown>;
    expect(doc).toMatchObject({ type: 'qwen-oauth', baseUrl: qwen.baseUrl, keyHeader: 'authorization', endpoint: `${qwen.baseUrl}/chat/completions` });
    expect(qwen.isValidAccessToken(doc.token as string)).toBe(true);
    expect(doc.expiresAt).toEqual(expect.any(Number));
    expect(doc.expiresAt as number).toBeGreaterThan(Date.now());
    expect(qwen.stats.refreshesGranted).toBe(1); // the refreshed token is still good: no second refresh
  });

  it("five `token` processes at once with an expired login: one refresh (Qwen Code's lock), one token for all", async () => {
    qwen = await startFakeQwenServer();
    tree = makeTree({ 'home/.qwen/oauth_creds.json': JSON.stringify(qwen.mintCredentials({ expiresInSeconds: -60 })), 'app/.keep': '' });
    const args = ['token', '--auth-type', 'qwen-oauth', '--token-endpoint', qwen.tokenEndpoint];
    const runs = await Promise.all(Array.from({ length: 5 }, () => runCli(args, { cwd: tree!.path('app'), home: tree!.path('home') })));
    for (const r of runs) expect(r).toMatchObject({ code: 0, stderr: '' });
    expect(new Set(runs.map((r) => r.stdout)).size).toBe(1);
    expect(qwen.isValidAccessToken(runs[0]!.stdout.trim())).toBe(true);
    expect(qwen.stats.refreshRequests).toBe(1);
  });

  it('nothing resolves: the code and remedy on stderr, nothing on stdout, exit 1; --json on stdout', async () => {
    tree = makeTree({ 'home/.keep': '', 'app/.keep': '' });
    const r = await runCli(['token'], { cwd: tree.path('app'), home: tree.path('home') });
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('NO_CREDENTIALS');
    expect(r.stderr).toContain('Remedy:');
    const j = await runCli(['token', '--json'], { cwd: tree.path('app'), home: tree.path('home') });
    expect(j.code).toBe(1);
    expect(jsonDocuments(j.stdout)[0]).toMatchObject({ ok: false, error: { code: 'NO_CREDENTIALS', remedy: expect.any(String) } });
  });
});
