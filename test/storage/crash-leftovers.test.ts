/**
 * What a crash, a careless umask or a planted file leaves at the credentials
 * (issue 10, findings 8 and 9): temporary files of dead writers are cleaned
 * (never a live writer's), logout removes them, the folder is tightened
 * before the new file lands; a FIFO is never read; loose modes are reported
 * and fixed on the next write.
 */
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createFileTokenStore, createQwenOAuthClient, isAuthError, resolveAuth, setSelectedAuthType } from '../../src/index.js';
import { pidNamespace } from '../../src/internal/atomic-write.js';
import { makeTree, type Tree } from '../support/tree.js';

let tree: Tree | undefined;
afterEach(() => tree?.remove());

const CREDS = { accessToken: 'at-0123456789abcdef', refreshToken: 'rt-0123456789abcdef', tokenType: 'Bearer', expiresAt: Date.parse('2099-01-01') };
const JSON_CREDS = JSON.stringify({
  access_token: 'at-0123456789abcdef',
  refresh_token: 'rt-0123456789abcdef',
  token_type: 'Bearer',
  expiry_date: Date.parse('2099-01-01'),
});
const OLD = new Date(Date.now() - 120_000);

/** A pid that belonged to a process that has exited. */
function deadPid(): number {
  return spawnSync(process.execPath, ['-e', '0']).pid!;
}

async function within<T>(ms: number, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([p, new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

describe('temporary files left by writers', () => {
  it("the next write removes dead writers' and stale files, and keeps a live writer's", async () => {
    tree = makeTree({ 'q/.keep': '' });
    const live = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      const files = {
        dead: `q/.oauth_creds.json.${deadPid()}-${pidNamespace()}.0123456789ab.tmp`,
        live: `q/.oauth_creds.json.${live.pid}-${pidNamespace()}.0123456789ab.tmp`,
        oldFormat: 'q/.oauth_creds.json.0123456789ab.tmp',
        qwenCodeOld: 'q/oauth_creds.json.tmp.0b5c8f5e-0000-4000-8000-000000000000',
        qwenCodeYoung: 'q/oauth_creds.json.tmp.0b5c8f5e-0000-4000-8000-000000000001',
        unrelated: 'q/.settings.json.0123456789ab.tmp',
      };
      for (const f of Object.values(files)) writeFileSync(tree.path(f), JSON_CREDS, { mode: 0o600 });
      utimesSync(tree.path(files.oldFormat), OLD, OLD);
      utimesSync(tree.path(files.qwenCodeOld), OLD, OLD);
      await createFileTokenStore({ qwenDir: tree.path('q') }).write(CREDS);
      const left = readdirSync(tree.path('q'));
      expect(left.sort()).toEqual(['.keep', files.live, files.qwenCodeYoung, files.unrelated, 'oauth_creds.json'].map((f) => f.replace('q/', '')).sort());
    } finally {
      live.kill('SIGKILL');
    }
  });

  it('logout removes every leftover that holds a token', async () => {
    tree = makeTree({ 'q/.keep': '' });
    const store = createFileTokenStore({ qwenDir: tree.path('q') });
    await store.write(CREDS);
    writeFileSync(tree.path(`q/.oauth_creds.json.${deadPid()}-${pidNamespace()}.0123456789ab.tmp`), JSON_CREDS);
    writeFileSync(tree.path('q/oauth_creds.json.tmp.0b5c8f5e-0000-4000-8000-000000000001'), JSON_CREDS);
    await createQwenOAuthClient({ store, env: {} }).logout();
    expect(readdirSync(tree.path('q')).filter((f) => f !== '.keep')).toEqual([]);
  });

  it("setSelectedAuthType removes a dead writer's copy of settings.json (it may hold a key)", async () => {
    tree = makeTree({ 'home/.qwen/settings.json': '{"security":{"auth":{"apiKey":"sk-0123456789abcdef"}}}' });
    const leftover = `home/.qwen/.settings.json.${deadPid()}-${pidNamespace()}.0123456789ab.tmp`;
    writeFileSync(tree.path(leftover), '{"security":{"auth":{"apiKey":"sk-0123456789abcdef"}}}');
    await setSelectedAuthType('openai', { homeDir: tree.path('home'), env: {} });
    expect(existsSync(tree.path(leftover))).toBe(false);
  });

  it('the folder is tightened before the new file lands (a kill between the two cannot leave it open)', async () => {
    tree = makeTree({ 'q/.keep': '' });
    chmodSync(tree.path('q'), 0o755);
    // The rename will fail: something that is not a file is at the target.
    mkdirSync(tree.path('q/oauth_creds.json/x'), { recursive: true });
    const error = await createFileTokenStore({ qwenDir: tree.path('q') })
      .write(CREDS)
      .catch((e: unknown) => e);
    expect(isAuthError(error, 'STORE_ERROR'), String(error)).toBe(true);
    expect(statSync(tree.path('q')).mode & 0o777).toBe(0o700);
    expect(readdirSync(tree.path('q')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});

describe('what is at oauth_creds.json', () => {
  it('a FIFO: STORE_ERROR at once, never a hang (Qwen OAuth selected)', async () => {
    tree = makeTree({ 'home/.qwen/settings.json': '{"security":{"auth":{"selectedType":"qwen-oauth"}}}', 'w/.keep': '' });
    execFileSync('mkfifo', [tree.path('home/.qwen/oauth_creds.json')]);
    const error = await within(5_000, resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: {} })).catch((e: unknown) => e);
    expect(isAuthError(error, 'STORE_ERROR'), String(error)).toBe(true);
    expect((error as Error).message).toMatch(/not a regular file/);
  });

  it('a FIFO, nothing selected: no login found', async () => {
    tree = makeTree({ 'home/.keep': '', 'w/.keep': '' });
    mkdirSync(tree.path('home/.qwen'));
    execFileSync('mkfifo', [tree.path('home/.qwen/oauth_creds.json')]);
    await expect(within(5_000, resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: {} }))).rejects.toMatchObject({ code: 'NO_CREDENTIALS' });
  });

  it('a file over 1 MiB is not a login', async () => {
    tree = makeTree({ 'home/.qwen/oauth_creds.json': JSON_CREDS.replace('{', `{"pad":"${'x'.repeat(1_100_000)}",`), 'w/.keep': '' });
    await expect(resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: {} })).rejects.toMatchObject({ code: 'NO_CREDENTIALS' });
    expect(await createFileTokenStore({ qwenDir: tree.path('home/.qwen') }).read()).toBeUndefined();
  });
});

describe('loose modes', () => {
  it.each([
    ['the file', 0o644, 0o700],
    ['the folder', 0o600, 0o755],
    ['both', 0o666, 0o777],
  ])('%s readable by others: CREDENTIALS_INSECURE_MODE on resolve; the next write fixes the modes', async (_name, fileMode, dirMode) => {
    tree = makeTree({ 'home/.qwen/oauth_creds.json': JSON_CREDS, 'w/.keep': '' });
    chmodSync(tree.path('home/.qwen/oauth_creds.json'), fileMode);
    chmodSync(tree.path('home/.qwen'), dirMode);
    const auth = await resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: {} });
    const found = auth.diagnostics.filter((d) => d.code === 'CREDENTIALS_INSECURE_MODE');
    expect(found.length, JSON.stringify(auth.diagnostics)).toBe((fileMode & 0o077 ? 1 : 0) + (dirMode & 0o077 ? 1 : 0));
    expect(found.every((d) => d.level === 'warning')).toBe(true);
    await createFileTokenStore({ qwenDir: tree.path('home/.qwen') }).write(CREDS);
    expect(statSync(tree.path('home/.qwen/oauth_creds.json')).mode & 0o777).toBe(0o600);
    expect(statSync(tree.path('home/.qwen')).mode & 0o777).toBe(0o700);
    const again = await resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: {} });
    expect(again.diagnostics.map((d) => d.code)).not.toContain('CREDENTIALS_INSECURE_MODE');
  });

  it('0600 in 0700: no warning', async () => {
    tree = makeTree({ 'w/.keep': '' });
    await createFileTokenStore({ qwenDir: tree.path('home/.qwen') }).write(CREDS);
    const auth = await resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: {} });
    expect(auth.diagnostics.map((d) => d.code)).not.toContain('CREDENTIALS_INSECURE_MODE');
    expect(existsSync(tree.path('home/.qwen/oauth_creds.json'))).toBe(true);
  });
});
