/** The Qwen OAuth branch: the store choices of `oauth.store`. */
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryTokenStore, resolveAuth, type TokenStoreContext } from '../../src/index.js';
import { makeTree, type Tree } from '../support/tree.js';

let tree: Tree | undefined;
afterEach(() => {
  tree?.remove();
  tree = undefined;
});

const login = { accessToken: 'at-0000000000000000000000', refreshToken: 'rt-0000000000000000000000', tokenType: 'Bearer', expiresAt: 4102444800000 };

describe('oauth.store', () => {
  it('a factory is called once with the Qwen folder resolution found (QWEN_HOME from ~/.qwen/.env)', async () => {
    tree = makeTree({ 'home/.qwen/.env': 'QWEN_HOME=~/alt\n', 'work/.keep': '' });
    const calls: TokenStoreContext[] = [];
    const auth = await resolveAuth({
      cwd: tree.path('work'),
      homeDir: tree.path('home'),
      env: { QWEN_OAUTH: '1' },
      oauth: {
        store: (where) => {
          calls.push(where);
          return createMemoryTokenStore(login);
        },
      },
    });
    expect(auth.type).toBe('qwen-oauth');
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ qwenDir: tree.path('home/alt'), homeDir: tree.path('home') });
    expect(auth.type === 'qwen-oauth' && auth.credentials.store).toBe('memory');
  });

  it("'memory' holds no login: LOGIN_REQUIRED names the memory store; nothing selected → NO_CREDENTIALS lists it", async () => {
    tree = makeTree({ 'home/.keep': '', 'work/.keep': '' });
    const base = { cwd: tree.path('work'), homeDir: tree.path('home'), oauth: { store: 'memory' as const } };
    await expect(resolveAuth({ ...base, env: { QWEN_OAUTH: '1' } })).rejects.toMatchObject({
      code: 'LOGIN_REQUIRED',
      details: { reason: 'no-credentials', location: 'memory' },
    });
    await expect(resolveAuth({ ...base, env: {} })).rejects.toMatchObject({
      code: 'NO_CREDENTIALS',
      message: expect.stringContaining('cached Qwen OAuth credentials (memory)'),
    });
  });

  it("'keychain' with a keychain that cannot be opened falls back to the file, with a typed reason and a diagnostic", async () => {
    tree = makeTree({
      'home/.qwen/oauth_creds.json': JSON.stringify({
        access_token: login.accessToken,
        refresh_token: login.refreshToken,
        token_type: 'Bearer',
        expiry_date: login.expiresAt,
      }),
      'work/.keep': '',
    });
    // Where no Secret Service answers (no session bus), keytar fails and the file store stands in;
    // where one answers (CI runs a gnome-keyring), the keychain is used and holds no login.
    const outcome = await resolveAuth({
      cwd: tree.path('work'),
      homeDir: tree.path('home'),
      env: { QWEN_OAUTH: '1' },
      oauth: { store: 'keychain' },
    }).catch((error: unknown) => error);
    if (outcome instanceof Error) {
      expect(outcome).toMatchObject({ code: 'LOGIN_REQUIRED', details: { location: expect.stringMatching(/^keychain service/) } });
      return;
    }
    if (typeof outcome !== 'object' || outcome === null || (outcome as { type?: string }).type !== 'qwen-oauth') throw new Error('expected qwen-oauth');
    const auth = outcome as Extract<Awaited<ReturnType<typeof resolveAuth>>, { type: 'qwen-oauth' }>;
    expect(auth.credentials).toMatchObject({ store: 'file', path: tree.path('home/.qwen/oauth_creds.json') });
    expect(auth.diagnostics.map((d) => d.code)).toContain('KEYCHAIN_UNAVAILABLE');
  });
});
