/**
 * Secrets in outputs (issue 10, finding 7 and 9d): a password in a base URL,
 * a key pasted into the base URL or the auth type, never printed whole — in
 * results (`util.inspect`, JSON), errors, and the command's text and JSON.
 * "Whole" is strict here: no 12 consecutive characters of a secret.
 */
import { spawn } from 'node:child_process';
import { inspect } from 'node:util';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { isAuthError, redact, resolveAuth, setSelectedAuthType } from '../src/index.js';
import { redactText, redactUrl } from '../src/redact.js';
import { makeTree, type Tree } from './support/tree.js';

let tree: Tree | undefined;
afterEach(() => tree?.remove());

const KEY = 'sk-PASTEDkeyAb12Cd34Ef56Gh78Ij90';
const PASSWORD = 'Bas3UrlPassw0rdQrStUv';

/** The first 12-character window of `secret` found in `text`, if any. */
export function leak(text: string, secret: string): string | undefined {
  for (let i = 0; i + 12 <= secret.length; i++) if (text.includes(secret.slice(i, i + 12))) return secret.slice(i, i + 12);
  return undefined;
}

const views = (v: unknown): string => `${inspect(v, { depth: 20 })}\n${JSON.stringify(v)}`;

describe('results', () => {
  it('a password in the base URL: neither the field (issue 17) nor inspect and JSON hold it', async () => {
    tree = makeTree({ 'home/.keep': '', 'w/.keep': '' });
    const baseUrl = `https://user:${PASSWORD}@llm.example/v1`;
    const auth = await resolveAuth({
      cwd: tree.path('w'),
      homeDir: tree.path('home'),
      env: { OPENAI_API_KEY: 'sk-env-0123456789abcdef', OPENAI_BASE_URL: baseUrl },
    });
    expect(auth.baseUrl).toBe('https://llm.example/v1');
    expect(leak(views(auth), PASSWORD)).toBeUndefined();
    expect(leak(views(auth), 'sk-env-0123456789abcdef')).toBeUndefined();
  });
});

describe('errors quoting what the user gave', () => {
  it.each([
    ['a key as the base URL (override)', { overrides: { baseUrl: KEY } }, 'INVALID_BASE_URL'],
    ['a key as the base URL (env)', { env: { OPENAI_API_KEY: 'sk-env-0123456789abcdef', OPENAI_BASE_URL: KEY } }, 'INVALID_BASE_URL'],
    ['a key with a password-looking URL', { overrides: { baseUrl: `user:${PASSWORD}@host` } }, 'INVALID_BASE_URL'],
    ['a key as the auth type (override)', { overrides: { authType: KEY as never } }, 'UNSUPPORTED_AUTH_TYPE'],
  ] as const)('%s: %s, redacted', async (_name, options, code) => {
    tree = makeTree({ 'home/.keep': '', 'w/.keep': '' });
    const error = await resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: { OPENAI_API_KEY: 'sk-env-0123456789abcdef' }, ...options }).catch(
      (e: unknown) => e,
    );
    expect(isAuthError(error, code), String(error)).toBe(true);
    expect(leak(views(error) + String(error), KEY)).toBeUndefined();
    expect(leak(views(error) + String(error), PASSWORD)).toBeUndefined();
  });

  it('a key as selectedType in settings: UNSUPPORTED_AUTH_TYPE, redacted', async () => {
    tree = makeTree({ 'home/.qwen/settings.json': JSON.stringify({ security: { auth: { selectedType: KEY } } }), 'w/.keep': '' });
    const error = await resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: {} }).catch((e: unknown) => e);
    expect(isAuthError(error, 'UNSUPPORTED_AUTH_TYPE')).toBe(true);
    expect(leak(views(error), KEY)).toBeUndefined();
  });

  it('setSelectedAuthType(key): UNSUPPORTED_AUTH_TYPE, redacted', async () => {
    const error = await setSelectedAuthType(KEY as never, { homeDir: '/nonexistent' }).catch((e: unknown) => e);
    expect(isAuthError(error, 'UNSUPPORTED_AUTH_TYPE')).toBe(true);
    expect(leak(views(error), KEY)).toBeUndefined();
  });

  it('readable names stay readable', async () => {
    tree = makeTree({ 'home/.keep': '', 'w/.keep': '' });
    const error = (await resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: {}, overrides: { authType: 'vertex-ai' as never } }).catch(
      (e: unknown) => e,
    )) as Error;
    expect(error.message).toContain("'vertex-ai'");
  });
});

describe('redaction helpers', () => {
  it('redact keeps code points: a surrogate pair is never cut', () => {
    for (const s of ['😀'.repeat(20), `sk-${'😀'.repeat(20)}`, `${'a'.repeat(16)}😀😀`, `${'😀'.repeat(13)}a`]) {
      const shown = redact(s);
      expect(shown, s).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
    }
    expect(redact('😀'.repeat(20))).toBe(`…${'😀'.repeat(4)}`);
  });

  it('redactText hides user-info and key-shaped runs, keeps the rest', () => {
    expect(redactText(`see https://u:${PASSWORD}@h.example/v1`)).toBe('see https://…@h.example/v1');
    expect(leak(redactText(`the key ${KEY} was wrong`), KEY)).toBeUndefined();
    for (const plain of ['qwen3-coder-plus', 'gpt-4o-2024-08-06', 'https://dashscope.aliyuncs.com/compatible-mode/v1', 'vertex-ai', 'invalid_grant']) {
      expect(redactText(plain)).toBe(plain);
    }
    expect(Array.from(redactText('x'.repeat(5_000), 50)).length).toBeLessThanOrEqual(50);
  });

  it('redactUrl leaves no password, parseable or not', () => {
    for (const u of [`https://user:${PASSWORD}@h/v1`, `https://user:${PASSWORD}@[::1`, `user:${PASSWORD}@h`])
      expect(leak(redactUrl(u), PASSWORD), u).toBeUndefined();
  });
});

describe('the command', () => {
  const CLI = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
  const cli = (args: string[], env: Record<string, string> = {}) =>
    new Promise<{ code: number | null; out: string }>((resolve) => {
      const child = spawn(process.execPath, [CLI, ...args], {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tree!.path('home'), ...env },
        cwd: tree!.path('w'),
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let out = '';
      child.stdout.on('data', (d: Buffer) => (out += d));
      child.stderr.on('data', (d: Buffer) => (out += d));
      child.on('close', (code) => resolve({ code, out }));
    });

  it.each([
    [
      'status with a password in the base URL',
      ['status'],
      { OPENAI_API_KEY: 'sk-env-0123456789abcdef', OPENAI_BASE_URL: `https://user:${PASSWORD}@llm.example/v1` },
    ],
    [
      'status --json with a password in the base URL',
      ['status', '--json'],
      { OPENAI_API_KEY: 'sk-env-0123456789abcdef', OPENAI_BASE_URL: `https://user:${PASSWORD}@llm.example/v1` },
    ],
    ['a key as --openai-base-url', ['status', '--openai-api-key', 'sk-env-0123456789abcdef', '--openai-base-url', KEY], {}],
    ['a key as --openai-base-url, --json', ['status', '--json', '--openai-api-key', 'sk-env-0123456789abcdef', '--openai-base-url', KEY], {}],
    ['a key as --auth-type', ['status', '--auth-type', KEY], {}],
    ['a key as --store', ['login', '--store', KEY], {}],
    ['a key as use <type>', ['use', KEY], {}],
    ['a key as use --scope', ['use', 'openai', '--scope', KEY], {}],
    ['a key as a command', [KEY], {}],
    ['a key as an option', [`--${KEY}`], {}],
  ])('%s', async (_name, args, env) => {
    tree = makeTree({ 'home/.keep': '', 'w/.keep': '' });
    const r = await cli(args, env);
    expect(r.out).not.toMatch(/^\s+at /m);
    expect(leak(r.out, KEY), r.out).toBeUndefined();
    expect(leak(r.out, PASSWORD), r.out).toBeUndefined();
    expect(leak(r.out, 'sk-env-0123456789abcdef'), r.out).toBeUndefined();
  });
});
