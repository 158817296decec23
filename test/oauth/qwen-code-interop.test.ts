/**
 * One login shared with the real Qwen Code CLI (`@qwen-code/qwen-code@0.12.0`)
 * through `<HOME>/.qwen/oauth_creds.json` and `<HOME>/.qwen/oauth_creds.lock`.
 *
 * Qwen Code's OAuth endpoints are hard-coded to https://chat.qwen.ai, so it
 * runs with `--proxy` pointing at a TLS-terminating proxy (trusted through
 * NODE_EXTRA_CA_CERTS) that sends chat.qwen.ai:443 to the fake Qwen server
 * and refuses every other host. Its chat requests go to the login's
 * `resource_url`: a small recorder on loopback in front of the fake server,
 * so the exact access token Qwen Code used can be checked.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createFileTokenStore, createQwenOAuthClient } from '../../src/index.js';
import { type FakeQwenServer, type FakeQwenServerOptions, startFakeQwenServer } from '../../src/testing/index.js';
import { type MitmProxy, startMitmProxy } from '../support/mitm-proxy.js';
import { run, STORE_CHILD } from '../support/processes.js';
import { createTestCa, hasOpenssl, type TestCa } from '../support/tls.js';
import { QWEN_CODE_CLI } from '../support/qwen-code.js';
import { makeTree, type Tree } from '../support/tree.js';

const qwenCli = QWEN_CODE_CLI;
const enabled = qwenCli !== undefined && hasOpenssl();
if (!enabled) {
  console.warn(
    `[qwen-code-interop] skipped:${qwenCli ? '' : ' @qwen-code/qwen-code is not installed'}${hasOpenssl() ? '' : ' the openssl command is not available'}`,
  );
}

/** A chat request as it reached the recorder. */
interface ChatHit {
  readonly path: string;
  readonly token: string;
  readonly at: number;
}

/**
 * A loopback HTTP server that records the bearer token of every request and
 * forwards it, unchanged, to `target` (the fake server), streaming the answer
 * back. Used as the login's `resource_url`.
 */
async function startRecorder(target: () => string, hits: ChatHit[]): Promise<Server> {
  const server = createServer((req, res) => {
    hits.push({ path: req.url ?? '', token: (req.headers.authorization ?? '').replace(/^Bearer\s+/i, ''), at: Date.now() });
    const to = new URL(target());
    const out = httpRequest({
      host: to.hostname,
      port: to.port,
      method: req.method,
      path: req.url,
      headers: { ...req.headers, host: to.host },
    });
    out.on('response', (reply) => {
      res.writeHead(reply.statusCode ?? 502, reply.headers);
      reply.pipe(res);
    });
    out.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(out);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}

/** What one Qwen Code run did. */
interface QwenRun {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly startedAt: number;
  readonly endedAt: number;
}

/**
 * Settings that keep Qwen Code from phoning home (usage statistics, update
 * checks); whatever it still tries is refused by the proxy.
 */
const QUIET_SETTINGS = {
  $version: 3,
  general: { enableAutoUpdate: false },
  privacy: { usageStatisticsEnabled: false },
  telemetry: { enabled: false },
};

describe.skipIf(!enabled)('one login shared with Qwen Code 0.12', () => {
  let caDir: string;
  let ca: TestCa;
  let server: FakeQwenServer | undefined;
  let recorder: Server | undefined;
  let proxy: MitmProxy | undefined;
  let tree: Tree | undefined;
  let hits: ChatHit[] = [];
  const children = new Set<ChildProcess>();
  /** Called when a client opens a tunnel to chat.qwen.ai:443 (only Qwen Code does: it is about to refresh). */
  let onChatQwenConnect: (() => void) | undefined;

  beforeAll(async () => {
    caDir = mkdtempSync(join(tmpdir(), 'qwen-auth-ca-'));
    ca = await createTestCa(caDir);
  });
  afterAll(() => {
    if (caDir && existsSync(caDir)) rmSync(caDir, { recursive: true, force: true });
  });

  /** Fake server behind a recorder, the proxy, and a home whose `.qwen` holds quiet settings. */
  async function setup(options: FakeQwenServerOptions = {}): Promise<{ server: FakeQwenServer; home: string; qwenDir: string }> {
    hits = [];
    let serverUrl = '';
    recorder = await startRecorder(() => serverUrl, hits);
    const recorderUrl = `http://127.0.0.1:${(recorder.address() as AddressInfo).port}`;
    server = await startFakeQwenServer({ resourceUrl: recorderUrl, ...options });
    serverUrl = server.url;
    const port = Number(new URL(server.url).port);
    proxy = await startMitmProxy({
      ca,
      route: (host, p) => {
        if (host !== 'chat.qwen.ai' || p !== 443) return undefined;
        onChatQwenConnect?.();
        return { host: '127.0.0.1', port };
      },
    });
    tree = makeTree({ 'home/.qwen/settings.json': JSON.stringify(QUIET_SETTINGS), 'work/README.md': 'scratch project\n' });
    return { server, home: tree.path('home'), qwenDir: tree.path('home/.qwen') };
  }

  afterEach(async () => {
    onChatQwenConnect = undefined;
    for (const child of children) child.kill('SIGKILL');
    children.clear();
    await proxy?.close();
    await server?.close();
    if (recorder) await new Promise((r) => recorder!.close(r));
    recorder = undefined;
    proxy = undefined;
    server = undefined;
    tree?.remove();
    tree = undefined;
  });

  /** Runs `qwen --auth-type qwen-oauth -p hi` with HOME=`home`, through the proxy. */
  function runQwenCode(home: string): Promise<QwenRun> {
    const startedAt = Date.now();
    return new Promise((resolve, reject) => {
      const child = spawn(process.execPath, [qwenCli!, '--auth-type', 'qwen-oauth', '-p', 'hi', '--proxy', proxy!.url], {
        cwd: tree!.path('work'),
        env: { HOME: home, PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_EXTRA_CA_CERTS: ca.certPath, NO_COLOR: '1' },
        stdio: ['ignore', 'pipe', 'pipe'],
        timeout: 25_000,
        killSignal: 'SIGKILL',
      });
      children.add(child);
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d));
      child.stderr.on('data', (d: Buffer) => (stderr += d));
      child.on('error', reject);
      child.on('close', (code, signal) => {
        children.delete(child);
        resolve({ code, signal, stdout, stderr, startedAt, endedAt: Date.now() });
      });
    });
  }

  /** Reads the credentials file as Qwen Code's JSON (undefined when it is gone). */
  function readLogin(qwenDir: string): Record<string, unknown> | undefined {
    const path = join(qwenDir, 'oauth_creds.json');
    return existsSync(path) ? (JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>) : undefined;
  }

  /** What Qwen Code sent to chat.qwen.ai through the proxy (its OAuth requests). */
  const qwenCodeTokenRequests = (): number =>
    proxy!.log.filter((e) => e.kind === 'request' && e.host === 'chat.qwen.ai' && e.path === '/api/v1/oauth2/token').length;

  it('a login made by qwen-auth is used by Qwen Code as is', async () => {
    const { server, home, qwenDir } = await setup();
    const client = createQwenOAuthClient({ ...server.oauthOptions, store: createFileTokenStore({ qwenDir }), env: {}, allowedResourceHosts: ['127.0.0.1'] }); // the model server: another port of the token endpoint's host
    const creds = await client.authorizeDevice({ openBrowser: false, onVerification: () => server.approve() });
    expect(readLogin(qwenDir)?.access_token).toBe(creds.accessToken);

    const r = await runQwenCode(home);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toContain('ok'); // the fake model's answer
    // Exactly our token, on the login's resource_url, and Qwen Code saw no reason to refresh it.
    expect(hits).toEqual([{ path: '/v1/chat/completions', token: creds.accessToken, at: expect.any(Number) }]);
    expect(server.stats.chatRequests).toBe(1);
    expect(server.stats.refreshRequests).toBe(0);
    expect(qwenCodeTokenRequests()).toBe(0);
    // The login is untouched and the lock is gone.
    expect(readLogin(qwenDir)?.access_token).toBe(creds.accessToken);
    expect(existsSync(join(qwenDir, 'oauth_creds.lock'))).toBe(false);
  }, 30_000);

  it('a refresh made by Qwen Code is picked up by qwen-auth without another refresh', async () => {
    const { server, home, qwenDir } = await setup();
    const expired = server.mintCredentials({ expiresInSeconds: -60 });
    writeFileSync(join(qwenDir, 'oauth_creds.json'), JSON.stringify(expired, null, 2));

    const r = await runQwenCode(home);
    expect(r.code, r.stderr).toBe(0);
    expect(server.stats.refreshRequests).toBe(1);
    expect(qwenCodeTokenRequests()).toBe(1); // through the proxy, as https://chat.qwen.ai
    const written = readLogin(qwenDir);
    expect(written).toBeDefined();
    const renewed = written!.access_token as string;
    expect(renewed).not.toBe(expired.access_token);
    expect(server.isValidAccessToken(renewed)).toBe(true);
    expect(hits.map((h) => h.token)).toEqual([renewed]);

    const client = createQwenOAuthClient({ ...server.oauthOptions, store: createFileTokenStore({ qwenDir }), env: {}, allowedResourceHosts: ['127.0.0.1'] });
    expect(await client.getAccessToken()).toBe(renewed);
    const creds = await client.getCredentials();
    expect(creds).toMatchObject({ refreshToken: written!.refresh_token, expiresAt: written!.expiry_date });
    expect(server.stats.refreshRequests).toBe(1);
  }, 30_000);

  it('Qwen Code and 4 qwen-auth processes refreshing at once: one refresh, no one logged out', async () => {
    // Each refresh takes a while, so whoever holds the lock holds it long
    // enough for the others to arrive and wait.
    const { server, home, qwenDir } = await setup({ refreshLatencyMs: 800 });

    // Started literally together, the children would be done long before Qwen
    // Code (~1.5 s to boot) even reads the file. So first measure how long it
    // takes from spawn to its refresh (in a home of its own), then aim there.
    const calibration = tree!.path('calibration');
    mkdirSync(join(calibration, '.qwen'), { recursive: true });
    writeFileSync(join(calibration, '.qwen', 'settings.json'), JSON.stringify(QUIET_SETTINGS));
    writeFileSync(join(calibration, '.qwen', 'oauth_creds.json'), JSON.stringify(server.mintCredentials({ expiresInSeconds: -60 })));
    // When Qwen Code's refreshes reach the proxy, and when any refresh reaches the server.
    const refreshSeenAt: number[] = [];
    const serverRefreshAt: number[] = [];
    const watch = setInterval(() => {
      if (qwenCodeTokenRequests() > refreshSeenAt.length) refreshSeenAt.push(Date.now());
      if (server.stats.refreshRequests > serverRefreshAt.length) serverRefreshAt.push(Date.now());
    }, 2);
    try {
      const c = await runQwenCode(calibration);
      expect(c.code, c.stderr).toBe(0);
      expect(refreshSeenAt).toHaveLength(1);
      const delay = refreshSeenAt[0]! - c.startedAt;

      // The race: the same expired login for everyone.
      const before = { ...server.stats };
      const proxyBefore = qwenCodeTokenRequests();
      hits.length = 0;
      const expired = server.mintCredentials({ expiresInSeconds: -60 });
      writeFileSync(join(qwenDir, 'oauth_creds.json'), JSON.stringify(expired, null, 2));
      const t0 = Date.now();
      const qwen = runQwenCode(home);
      // The children go around the moment Qwen Code is expected to refresh:
      // some just before (Qwen Code must wait for them), some just after
      // (they must wait for Qwen Code).
      const offsets = [-500, -150, 150, 500];
      const kids = offsets.map((offset) =>
        run(STORE_CHILD, ['token', JSON.stringify({ qwenDir, tokenEndpoint: server.tokenEndpoint, startAt: t0 + delay + offset })], {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: home,
        }),
      );
      for (const k of kids) children.add(k.child);
      const [q, ...results] = await Promise.all([qwen, ...kids.map((k) => k.done)]);

      const tokens = results.map((k) => {
        expect(k.code, k.stderr).toBe(0);
        return JSON.parse(k.stdout.trim()) as { token?: string; error?: string; at?: number };
      });
      const refreshes = server.stats.refreshRequests - before.refreshRequests;
      const byQwenCode = qwenCodeTokenRequests() - proxyBefore;
      const lastHeld = Math.max(...tokens.map((t) => t.at ?? Number.NaN), ...hits.map((h) => h.at));
      const firstRefresh = serverRefreshAt[1] ?? Number.NaN; // [0] was the calibration's
      console.log(
        `[qwen-code-interop] race: ${refreshes} refresh request(s) (${byQwenCode} from Qwen Code, ${refreshes - byQwenCode} from qwen-auth); ` +
          `Qwen Code reached its refresh ${delay} ms after spawn in the calibration run; everyone held the new token ` +
          `${lastHeld - t0} ms after the start, ${lastHeld - firstRefresh} ms after the refresh request (server latency 800 ms)`,
      );

      // Every qwen-auth process got a token the server accepts.
      for (const t of tokens) {
        expect(t.error).toBeUndefined();
        expect(server.isValidAccessToken(t.token!)).toBe(true);
      }
      // Qwen Code's chat request succeeded.
      expect(q.code, q.stderr).toBe(0);
      expect(q.stdout).toContain('ok');
      expect(hits).toHaveLength(1);
      expect(server.isValidAccessToken(hits[0]!.token)).toBe(true);
      expect(server.stats.chatRequests - before.chatRequests).toBe(1);
      // No one was logged out: the file is there, with a valid token, and no refresh was rejected.
      const file = readLogin(qwenDir);
      expect(file).toBeDefined();
      expect(server.isValidAccessToken(file!.access_token as string)).toBe(true);
      expect(server.stats.refreshesRejected - before.refreshesRejected).toBe(0);
      // One refresh for all: everyone holds the same token.
      expect(refreshes).toBe(1);
      expect(new Set([...tokens.map((t) => t.token), hits[0]!.token, file!.access_token]).size).toBe(1);
    } finally {
      clearInterval(watch);
    }
  }, 30_000);

  it('qwen-auth processes that arrive while Qwen Code refreshes wait for its result', async () => {
    const { server, home, qwenDir } = await setup({ refreshLatencyMs: 1_500 });
    const expired = server.mintCredentials({ expiresInSeconds: -60 });
    writeFileSync(join(qwenDir, 'oauth_creds.json'), JSON.stringify(expired, null, 2));
    // Qwen Code opens its tunnel to chat.qwen.ai once it holds the lock: start the others then.
    let connectAt = 0;
    let lockHeld = false;
    let kids: ReturnType<typeof run>[] = [];
    onChatQwenConnect = () => {
      if (kids.length > 0) return;
      connectAt = Date.now();
      lockHeld = existsSync(join(qwenDir, 'oauth_creds.lock'));
      kids = Array.from({ length: 4 }, () =>
        run(STORE_CHILD, ['token', JSON.stringify({ qwenDir, tokenEndpoint: server.tokenEndpoint })], {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: home,
        }),
      );
      for (const k of kids) children.add(k.child);
    };

    const q = await runQwenCode(home);
    expect(q.code, q.stderr).toBe(0);
    expect(lockHeld).toBe(true);
    expect(kids).toHaveLength(4);
    const results = (await Promise.all(kids.map((k) => k.done))).map((k) => {
      expect(k.code, k.stderr).toBe(0);
      return JSON.parse(k.stdout.trim()) as { token?: string; error?: string; at?: number };
    });

    const renewed = readLogin(qwenDir)?.access_token;
    expect(server.stats.refreshRequests).toBe(1);
    expect(qwenCodeTokenRequests()).toBe(1); // the one refresh was Qwen Code's
    expect(hits.map((h) => h.token)).toEqual([renewed]);
    for (const r of results) {
      expect(r).toEqual({ token: renewed, at: expect.any(Number) });
      // They started during Qwen Code's refresh and had to wait for its answer (1.5 s).
      expect(r.at! - connectAt).toBeGreaterThanOrEqual(1_400);
    }
  }, 30_000);

  it('documents Qwen Code 0.12: on exit it deletes the lock file, even one qwen-auth holds', async () => {
    // Its exit handler unlinks `oauth_creds.lock` unconditionally, refresh or
    // not: while a qwen-auth process is refreshing, a Qwen Code that exits
    // opens the lock to a second refresher. If this starts failing, Qwen
    // Code changed its cleanup (good news: update this note).
    const { server, home, qwenDir } = await setup();
    writeFileSync(join(qwenDir, 'oauth_creds.json'), JSON.stringify(server.mintCredentials(), null, 2));
    const holder = run(STORE_CHILD, ['hold', JSON.stringify({ qwenDir, ms: 25_000 })], { PATH: process.env.PATH ?? '/usr/bin:/bin' });
    children.add(holder.child);
    await holder.waitFor('locked');
    expect(existsSync(join(qwenDir, 'oauth_creds.lock'))).toBe(true);

    const q = await runQwenCode(home);
    expect(q.code, q.stderr).toBe(0);
    expect(server.stats.refreshRequests).toBe(0); // it never needed the lock
    expect(holder.child.exitCode).toBeNull(); // qwen-auth still believes it holds the lock…
    expect(existsSync(join(qwenDir, 'oauth_creds.lock'))).toBe(false); // …but it is gone
  }, 30_000);
});
