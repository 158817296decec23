/**
 * One answer to "where is Qwen's home" (spec §1.7): every entry point lands in
 * the folder resolveAuth uses, given the same inputs — including a QWEN_HOME
 * set in a home-level .env file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createFileTokenStore,
  createKeychainTokenStore,
  createMemoryTokenStore,
  createQwenOAuthClient,
  locateQwenHome,
  resolveAuth,
  setSelectedAuthType,
} from '../../src/index.js';
import { startFakeQwenServer } from '../../src/testing/index.js';
import { makeTree, type Tree } from '../support/tree.js';

let tree: Tree | undefined;
afterEach(() => {
  tree?.remove();
  tree = undefined;
});

const LOGIN = JSON.stringify({
  access_token: 'at-alt-0000000000000000',
  refresh_token: 'rt-alt-00000000000000',
  token_type: 'Bearer',
  expiry_date: 4102444800000,
});

/** The four ways Qwen's home can be decided, and the folder each must give. */
const cases = [
  { name: 'default', files: {}, env: {}, options: {}, expect: 'home/.qwen' },
  {
    name: 'QWEN_HOME in the environment',
    files: { 'home/.qwen/.env': 'QWEN_HOME=~/ignored' },
    env: { QWEN_HOME: '~/from-env' },
    options: {},
    expect: 'home/from-env',
  },
  { name: 'QWEN_HOME in ~/.qwen/.env', files: { 'home/.qwen/.env': 'QWEN_HOME=~/alt' }, env: {}, options: {}, expect: 'home/alt' },
  { name: 'QWEN_HOME in ~/.env', files: { 'home/.env': 'QWEN_HOME=alt2' }, env: {}, options: {}, expect: 'home/alt2' },
  {
    name: 'a blank QWEN_HOME in the environment does not count',
    files: { 'home/.qwen/.env': 'QWEN_HOME=~/alt' },
    env: { QWEN_HOME: ' ' },
    options: {},
    expect: 'home/alt',
  },
  {
    name: 'a project .env hides the home-level file, as in resolveAuth',
    files: { 'home/.qwen/.env': 'QWEN_HOME=~/alt', 'work/.env': 'X=1' },
    env: {},
    options: {},
    expect: 'home/.qwen',
  },
  {
    name: 'explicit qwenDir wins',
    files: { 'home/.qwen/.env': 'QWEN_HOME=~/alt' },
    env: { QWEN_HOME: '~/from-env' },
    options: { qwenDir: 'explicit' },
    expect: 'explicit',
  },
] as const;

describe('locateQwenHome and every entry point agree with resolveAuth', () => {
  it.each(cases)('$name', async (c) => {
    tree = makeTree({ 'work/src/.keep': '', ...c.files });
    const homeDir = tree.path('home');
    const cwd = tree.path('work/src');
    const qwenDir = 'qwenDir' in c.options ? tree.path(c.options.qwenDir) : undefined;
    const inputs = { homeDir, cwd, env: { ...c.env, OPENAI_API_KEY: 'sk-test-0000000000000000' }, ...(qwenDir && { qwenDir }) };
    const want = tree.path(c.expect);

    const auth = await resolveAuth(inputs);
    expect(auth.qwenDir).toBe(want);
    expect(locateQwenHome(inputs).qwenDir).toBe(want);
    expect(createFileTokenStore(inputs).path).toBe(`${want}/oauth_creds.json`);
    expect(createQwenOAuthClient({ ...inputs, fetch: () => Promise.reject(new Error('no network')) }).store.location).toBe(`${want}/oauth_creds.json`);
    const keychain = await createKeychainTokenStore({ ...inputs, keytar: () => Promise.reject(new Error('no keychain here')) });
    expect(keychain.location).toBe(`${want}/oauth_creds.json`);
    expect(keychain.fallbackReason).toContain('no keychain here');
    const written = await setSelectedAuthType('openai', inputs);
    expect(written.path).toBe(`${want}/settings.json`);
  });

  it('says what decided it', () => {
    tree = makeTree({ 'home/.qwen/.env': 'QWEN_HOME=~/alt' });
    const home = locateQwenHome({ homeDir: tree.path('home'), cwd: tree.path('home'), env: {} });
    expect(home).toEqual({ qwenDir: tree.path('home/alt'), source: { kind: 'env-file', name: 'QWEN_HOME', path: tree.path('home/.qwen/.env') } });
  });

  it('the /auth switch written with QWEN_HOME from ~/.qwen/.env is what the next resolve reads', async () => {
    tree = makeTree({
      'home/.qwen/.env': 'QWEN_HOME=~/alt',
      'home/alt/settings.json': JSON.stringify({ security: { auth: { selectedType: 'openai' } } }),
      'home/alt/oauth_creds.json': LOGIN,
      'work/.keep': '',
    });
    const inputs = { homeDir: tree.path('home'), cwd: tree.path('work'), env: { OPENAI_API_KEY: 'sk-test-0000000000000000' } };
    expect((await resolveAuth(inputs)).type).toBe('openai');
    const r = await setSelectedAuthType('qwen-oauth', inputs);
    expect(r).toMatchObject({ path: tree.path('home/alt/settings.json'), previous: 'openai', changed: true });
    expect(existsSync(tree.path('home/.qwen/settings.json'))).toBe(false);
    const auth = await resolveAuth(inputs);
    expect(auth.type).toBe('qwen-oauth');
    expect(auth.type === 'qwen-oauth' && auth.credentials.path).toBe(tree.path('home/alt/oauth_creds.json'));
    expect(JSON.parse(readFileSync(tree.path('home/alt/settings.json'), 'utf8'))).toEqual({ security: { auth: { selectedType: 'qwen-oauth' } } });
  });
});

describe('credentials returned by the client print redacted', () => {
  it('authorizeDevice, refresh and getCredentials: util.inspect, JSON and String never hold a token', async () => {
    const server = await startFakeQwenServer({ autoApproveAfterPolls: 1 });
    try {
      const client = createQwenOAuthClient({ ...server.oauthOptions, store: createMemoryTokenStore(), env: {}, openBrowser: false });
      const results = [await client.authorizeDevice({ onVerification: () => {} }), await client.refresh(), await client.getCredentials()];
      for (const c of results) {
        const secrets = [c.accessToken, c.refreshToken!];
        expect(secrets.every((s) => typeof s === 'string' && s.length > 16)).toBe(true);
        for (const shown of [inspect(c), JSON.stringify(c), String(c), inspect({ nested: c }, { depth: 5 })]) {
          for (const s of secrets) {
            expect(shown).not.toContain(s);
            expect(shown).not.toContain(s.slice(0, 12));
          }
        }
        expect(JSON.parse(JSON.stringify(c))).toMatchObject({ tokenType: 'Bearer' });
      }
    } finally {
      await server.close();
    }
  });
});

describe('early misuse errors, before any I/O', () => {
  it('interactive: true without onVerification', async () => {
    await expect(resolveAuth({ interactive: true, cwd: '/nonexistent-qwen-auth' })).rejects.toMatchObject({
      code: 'INVALID_OPTION',
      details: { option: 'onVerification' },
    });
  });
  it('a cwd that does not exist, or is a file', async () => {
    tree = makeTree({ 'file.txt': 'x' });
    for (const cwd of [tree.path('missing'), tree.path('file.txt')]) {
      await expect(resolveAuth({ cwd, homeDir: tree.root, env: { OPENAI_API_KEY: 'sk-x' } })).rejects.toMatchObject({
        code: 'INVALID_OPTION',
        details: { option: 'cwd' },
        message: expect.stringContaining(cwd),
      });
    }
  });
  it('a client device login without onVerification', async () => {
    let requests = 0;
    const client = createQwenOAuthClient({ store: createMemoryTokenStore(), env: {}, fetch: async () => (requests++, new Response('{}')) });
    await expect(client.authorizeDevice()).rejects.toMatchObject({ code: 'INVALID_OPTION', details: { option: 'onVerification' } });
    expect(requests).toBe(0);
  });
});
