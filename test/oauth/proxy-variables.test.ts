/**
 * Malformed proxy variables (issue 10, finding 6), from the environment or
 * from a project `.env`: a typed INVALID_PROXY naming the variable, the
 * password never shown — in the library and in the command.
 */
import { spawn } from 'node:child_process';
import { inspect } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryTokenStore, createQwenOAuthClient, isAuthError, resolveAuth } from '../../src/index.js';
import { makeTree, type Tree } from '../support/tree.js';

let tree: Tree | undefined;
afterEach(() => tree?.remove());

const PASSWORD = 'Pr0xyPa55wordXYZ987';
const BAD = [
  'garbage',
  'http://[::1',
  'http://proxy.example:99999',
  'ftp://proxy.example:21',
  'http://pro\u0000xy:8080',
  `http://user:${PASSWORD}@[::1`,
  `user:${PASSWORD}@proxy.example:8080`,
  'http://',
  ' :// ',
];
const expired = () => ({ accessToken: 'at-old-0001', refreshToken: 'rt-old-0001', tokenType: 'Bearer', expiresAt: 0 });

describe('the OAuth transport', () => {
  for (const variable of ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy']) {
    it.each(BAD)(`${variable}=%j: INVALID_PROXY naming ${variable}, redacted`, async (value) => {
      const client = createQwenOAuthClient({ store: createMemoryTokenStore(expired()), env: { [variable]: value }, tokenEndpoint: 'http://127.0.0.1:1/token' });
      const error = await client.getAccessToken().catch((e: unknown) => e);
      expect(isAuthError(error, 'INVALID_PROXY'), String(error)).toBe(true);
      expect((error as { details: { variable: string } }).details.variable).toBe(variable);
      const shown = `${inspect(error, { depth: 10 })}${JSON.stringify(error)}`;
      expect(shown).not.toContain(PASSWORD.slice(0, 12));
      expect(shown).not.toContain('\u0000');
    });
  }

  it('a valid proxy with a password is accepted (and never printed)', async () => {
    const client = createQwenOAuthClient({
      store: createMemoryTokenStore(expired()),
      env: { HTTPS_PROXY: `http://u:${PASSWORD}@127.0.0.1:1` },
      tokenEndpoint: 'https://127.0.0.1:1/token',
      refreshRetry: { attempts: 1 },
    });
    const error = await client.getAccessToken().catch((e: unknown) => e);
    expect(isAuthError(error, 'NETWORK_ERROR'), String(error)).toBe(true);
    expect(`${inspect(error, { depth: 10 })}${JSON.stringify(error)}`).not.toContain(PASSWORD.slice(0, 12));
  });

  it('from a project .env: ignored (PROJECT_TRANSPORT_IGNORED); the login never goes through it (issue 16)', async () => {
    tree = makeTree({
      'home/.qwen/oauth_creds.json': JSON.stringify({ access_token: 'at-0123456789', refresh_token: 'rt-0123456789', token_type: 'Bearer', expiry_date: 1 }),
      'w/.env': `HTTPS_PROXY=http://user:${PASSWORD}@[::1\nHTTP_PROXY=http://127.0.0.1:9\n`,
    });
    const auth = await resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: {}, oauth: { tokenEndpoint: 'http://127.0.0.1:1/token' } });
    if (auth.type !== 'qwen-oauth') throw new Error('expected qwen-oauth');
    expect(auth.diagnostics.map((d) => d.code)).toContain('PROJECT_TRANSPORT_IGNORED');
    const error = await auth.getAccessToken().catch((e: unknown) => e);
    // Straight to the (closed) token endpoint: a network error, not the project's proxy.
    expect(isAuthError(error, 'INVALID_PROXY'), String(error)).toBe(false);
    expect(isAuthError(error, 'NETWORK_ERROR'), String(error)).toBe(true);
  });

  it('from a home .env: INVALID_PROXY when the token is needed', async () => {
    tree = makeTree({
      'home/.qwen/oauth_creds.json': JSON.stringify({ access_token: 'at-0123456789', refresh_token: 'rt-0123456789', token_type: 'Bearer', expiry_date: 1 }),
      'w/.keep': '',
      'home/.qwen/.env': `HTTPS_PROXY=http://user:${PASSWORD}@[::1\n`,
    });
    const auth = await resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: {}, oauth: { tokenEndpoint: 'http://127.0.0.1:1/token' } });
    if (auth.type !== 'qwen-oauth') throw new Error('expected qwen-oauth');
    const error = await auth.getAccessToken().catch((e: unknown) => e);
    expect(isAuthError(error, 'INVALID_PROXY'), String(error)).toBe(true);
    expect(inspect(error, { depth: 10 })).not.toContain(PASSWORD.slice(0, 12));
  });
});

describe('the command', () => {
  const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));
  it.each(['garbage', `http://user:${PASSWORD}@[::1`])('login with HTTPS_PROXY=%j: a typed error, exit 1, no stack', async (value) => {
    tree = makeTree({ 'home/.keep': '' });
    const r = await new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(
        process.execPath,
        [CLI, 'login', '--no-browser', '--device-endpoint', 'http://127.0.0.1:1/device', '--token-endpoint', 'http://127.0.0.1:1/token'],
        {
          env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tree!.path('home'), HTTPS_PROXY: value },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d));
      child.stderr.on('data', (d: Buffer) => (out += d));
      child.on('close', (code) => resolve({ code, out }));
    });
    expect(r.code).toBe(1);
    expect(r.out).toContain('INVALID_PROXY');
    expect(r.out).toContain('HTTPS_PROXY');
    expect(r.out).not.toMatch(/^\s+at /m);
    expect(r.out).not.toContain(PASSWORD.slice(0, 12));
  });
});
