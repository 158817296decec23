/**
 * Messages and remedies speak the caller's language: overrides built from
 * flags (or `flags: true`) are named by their flags, never `overrides.*`;
 * with `loginCommand`, no remedy says `qwen-auth login`, "interactive" or
 * resolveAuth({ interactive: true }).
 */
import { afterEach, describe, expect, it } from 'vitest';
import { type AuthOverrides, ERROR_CODES, isAuthError, overridesFromFlags, remedyFor, type ResolvedAuth, resolveAuth } from '../../src/index.js';
import type { ResolveAuthOptions } from '../../src/resolve/options.js';
import { startFakeQwenServer } from '../../src/testing/index.js';
import { makeTree, type Tree } from '../support/tree.js';

let tree: Tree | undefined;
afterEach(() => tree?.remove());

const settings = (value: object) => ({ 'home/.qwen/settings.json': JSON.stringify(value) });
const creds = JSON.stringify({ access_token: 'at-0123456789abcdef', token_type: 'Bearer', expiry_date: Date.parse('2099-01-01') });

/** Scenarios whose error or diagnostics name an override. */
const overrideScenarios: readonly {
  readonly name: string;
  readonly flags: Record<string, string>;
  readonly files?: Record<string, string>;
  readonly env?: Record<string, string>;
  /** The flag the text must name. */
  readonly flag: string;
}[] = [
  { name: 'MISSING_API_KEY', flags: { model: 'm' }, files: settings({ security: { auth: { selectedType: 'openai' } } }), flag: '--openai-api-key' },
  { name: 'NO_CREDENTIALS', flags: { model: 'm' }, flag: '--auth-type' },
  { name: 'UNSUPPORTED_AUTH_TYPE', flags: { model: 'm' }, files: settings({ security: { auth: { selectedType: 'gemini' } } }), flag: '--auth-type' },
  { name: 'INVALID_BASE_URL', flags: { 'openai-base-url': 'ftp://x.example', 'openai-api-key': 'k' }, flag: '--openai-base-url' },
  { name: 'a provider variable set alone', flags: { model: 'm' }, env: { DASHSCOPE_API_KEY: 'sk-d' }, flag: '--openai-base-url' },
  { name: 'API_KEY_WHITESPACE', flags: { 'openai-api-key': ' sk-spaced-00000000 ' }, flag: '--openai-api-key' },
  {
    name: 'OVERRIDE_IGNORED',
    flags: { 'auth-type': 'qwen-oauth', 'openai-base-url': 'https://x.example/v1' },
    files: { 'home/.qwen/oauth_creds.json': creds },
    flag: '--openai-base-url',
  },
];

async function texts(s: (typeof overrideScenarios)[number], overrides: AuthOverrides, extra: Partial<ResolveAuthOptions> = {}): Promise<string> {
  tree = makeTree({ 'home/.keep': '', 'w/.keep': '', ...s.files });
  let out: ResolvedAuth | unknown;
  try {
    out = await resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: s.env ?? {}, overrides, ...extra });
  } catch (e) {
    out = e;
  }
  if (isAuthError(out)) return `${out.message}\n${out.remedy}\n${JSON.stringify(out.details)}`;
  return (out as ResolvedAuth).diagnostics.map((d) => `${d.message}\n${d.remedy}`).join('\n');
}

describe('overrides from flags are named by their flags', () => {
  it.each(overrideScenarios)('$name (overridesFromFlags)', async (s) => {
    const text = await texts(s, overridesFromFlags(s.flags));
    expect(text).toContain(s.flag);
    expect(text).not.toMatch(/overrides\.\w/);
  });

  it.each(overrideScenarios)('$name (flags: true)', async (s) => {
    const text = await texts(s, { ...overridesFromFlags(s.flags) }, { flags: true });
    expect(text).toContain(s.flag);
    expect(text).not.toMatch(/overrides\.\w/);
  });

  it.each(overrideScenarios)('$name (plain overrides: no flag is named; a message may say which override a program passed)', async (s) => {
    const text = await texts(s, { ...overridesFromFlags(s.flags) });
    expect(text).not.toContain(s.flag);
  });
});

const LOGIN_WORDS = /qwen-auth login|interactive/i;

describe('loginCommand', () => {
  it('every remedy of the table can be worded without qwen-auth login or "interactive"', () => {
    for (const code of ERROR_CODES) expect(remedyFor(code, { loginCommand: 'mytool login' }), code).not.toMatch(LOGIN_WORDS);
    expect(remedyFor('LOGIN_REQUIRED', { loginCommand: 'mytool login' })).toContain('`mytool login`');
    expect(remedyFor('NO_CREDENTIALS', { loginCommand: 'mytool login' })).toContain('`mytool login`');
  });

  it.each([
    ['NO_CREDENTIALS', {}],
    ['LOGIN_REQUIRED', settings({ security: { auth: { selectedType: 'qwen-oauth' } } })],
  ])('%s names the tool’s command', async (_name, files) => {
    const s = { name: '', flags: {}, files, flag: '' };
    const text = await texts(s, {}, { loginCommand: 'mytool login' });
    expect(text).toContain('`mytool login`');
    expect(text).not.toMatch(LOGIN_WORDS);
    const plain = await texts(s, {});
    expect(plain).toContain('/auth in Qwen Code');
    expect(plain).not.toMatch(LOGIN_WORDS);
  });

  it('the CREDENTIALS_INVALID diagnostic names it too', async () => {
    const server = await startFakeQwenServer({ autoApproveAfterPolls: 1 });
    try {
      tree = makeTree({ 'home/.keep': '', 'w/.keep': '', 'home/.qwen/oauth_creds.json': '{"nope":1}' });
      const base = { cwd: tree.path('w'), homeDir: tree.path('home'), env: {}, interactive: true, onVerification: () => {} };
      const auth = await resolveAuth({ ...base, oauth: { ...server.oauthOptions, openBrowser: false }, loginCommand: 'mytool login' });
      const d = auth.diagnostics.find((x) => x.code === 'CREDENTIALS_INVALID');
      expect(d?.remedy).toContain('`mytool login`');
      expect(d?.remedy).not.toMatch(LOGIN_WORDS);
    } finally {
      await server.close();
    }
  });

  it('a rejected refresh behind getAccessToken() names it too', async () => {
    const server = await startFakeQwenServer();
    try {
      const minted = server.mintCredentials({ expiresInSeconds: -60 });
      server.revokeAll();
      tree = makeTree({ 'home/.keep': '', 'w/.keep': '', 'home/.qwen/oauth_creds.json': JSON.stringify(minted) });
      const auth = await resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: {}, oauth: server.oauthOptions, loginCommand: 'mytool login' });
      if (auth.type !== 'qwen-oauth') throw new Error('expected qwen-oauth');
      const error = await auth.getAccessToken().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'LOGIN_REQUIRED', details: { reason: 'refresh-rejected' } });
      expect((error as { remedy: string }).remedy).toContain('`mytool login`');
      expect((error as { remedy: string }).remedy).not.toMatch(LOGIN_WORDS);
    } finally {
      await server.close();
    }
  });

  it('is checked', async () => {
    await expect(resolveAuth({ loginCommand: ' ' })).rejects.toMatchObject({ code: 'INVALID_OPTION_TYPE', details: { option: 'loginCommand' } });
    await expect(resolveAuth({ flags: 'yes' as never })).rejects.toMatchObject({ code: 'INVALID_OPTION_TYPE', details: { option: 'flags' } });
  });
});
