import { lstatSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveAuth, setSelectedAuthType } from '../../src/index.js';
import { makeTree, type Tree } from '../support/tree.js';

let tree: Tree | undefined;
afterEach(() => tree?.remove());

const COMMENTED = `{
  // Theme chosen by hand.
  "ui": { "theme": "Default" },
  "security": {
    /* keep me */
    "auth": { "selectedType": "openai", "apiKey": "sk-keep" }
  },
  "model": { "name": "qwen3-coder-plus" } // trailing
}
`;

describe('setSelectedAuthType (the /auth switch)', () => {
  it('changes only security.auth.selectedType, keeping the rest and its comments', async () => {
    tree = makeTree({ 'home/.qwen/settings.json': COMMENTED });
    const r = await setSelectedAuthType('qwen-oauth', { homeDir: tree.path('home'), env: {} });
    expect(r).toEqual({ path: tree.path('home/.qwen/settings.json'), scope: 'user', previous: 'openai', changed: true });
    const text = readFileSync(r.path, 'utf8');
    expect(text).toBe(COMMENTED.replace('"selectedType": "openai"', '"selectedType": "qwen-oauth"'));
  });

  it('adds the key where it is missing, in the file’s own indentation', async () => {
    tree = makeTree({ 'home/.qwen/settings.json': '{\n\t"ui": {}\n}\n' });
    await setSelectedAuthType('openai', { homeDir: tree.path('home'), env: {} });
    const text = readFileSync(tree.path('home/.qwen/settings.json'), 'utf8');
    expect(JSON.parse(text)).toEqual({ ui: {}, security: { auth: { selectedType: 'openai' } } });
    expect(text).toContain('\n\t"security"');
  });

  it('creates the file (0600) when there is none, and the workspace scope writes <cwd>/.qwen', async () => {
    tree = makeTree({ 'home/.keep': '', 'w/.keep': '' });
    const r = await setSelectedAuthType('openai', { scope: 'workspace', cwd: tree.path('w'), homeDir: tree.path('home') });
    expect(r.path).toBe(tree.path('w/.qwen/settings.json'));
    expect(JSON.parse(readFileSync(r.path, 'utf8'))).toEqual({ security: { auth: { selectedType: 'openai' } } });
    expect(statSync(r.path).mode & 0o777).toBe(0o600);
  });

  it('writes nothing when the value is already set', async () => {
    tree = makeTree({ 'home/.qwen/settings.json': COMMENTED });
    const before = statSync(tree.path('home/.qwen/settings.json')).mtimeMs;
    const r = await setSelectedAuthType('openai', { homeDir: tree.path('home'), env: {} });
    expect(r.changed).toBe(false);
    expect(statSync(tree.path('home/.qwen/settings.json')).mtimeMs).toBe(before);
  });

  it('refuses to touch a file that is not valid JSON, saying where', async () => {
    const broken = '{\n  "ui": {},\n  oops\n}';
    tree = makeTree({ 'home/.qwen/settings.json': broken });
    await expect(setSelectedAuthType('openai', { homeDir: tree.path('home'), env: {} })).rejects.toMatchObject({
      code: 'SETTINGS_INVALID',
      details: { path: tree.path('home/.qwen/settings.json'), line: 3 },
    });
    expect(readFileSync(tree.path('home/.qwen/settings.json'), 'utf8')).toBe(broken);
  });

  it('writes through a symlinked settings file, keeping the link', async () => {
    tree = makeTree({ 'dotfiles/qwen.json': '{}', 'home/.qwen/settings.json': { symlink: 'dotfiles/qwen.json' } });
    await setSelectedAuthType('openai', { homeDir: tree.path('home'), env: {} });
    expect(lstatSync(tree.path('home/.qwen/settings.json')).isSymbolicLink()).toBe(true);
    expect(JSON.parse(readFileSync(tree.path('dotfiles/qwen.json'), 'utf8')).security.auth.selectedType).toBe('openai');
  });

  it('keeps the mode of an existing file and leaves no temporary file behind', async () => {
    tree = makeTree({ 'home/.qwen/settings.json': '{}' });
    const { chmodSync } = await import('node:fs');
    chmodSync(tree.path('home/.qwen/settings.json'), 0o640);
    await setSelectedAuthType('qwen-oauth', { homeDir: tree.path('home'), env: {} });
    expect(statSync(tree.path('home/.qwen/settings.json')).mode & 0o777).toBe(0o640);
    expect(readdirSync(tree.path('home/.qwen'))).toEqual(['settings.json']);
  });

  it('the next resolution sees the switch (resolving itself never writes)', async () => {
    tree = makeTree({ 'home/.qwen/settings.json': COMMENTED, 'w/.keep': '' });
    const opts = { cwd: tree.path('w'), homeDir: tree.path('home'), env: {} };
    expect((await resolveAuth(opts)).type).toBe('openai');
    const ino = statSync(tree.path('home/.qwen/settings.json')).ino;
    await setSelectedAuthType('qwen-oauth', opts);
    expect(statSync(tree.path('home/.qwen/settings.json')).ino).not.toBe(ino); // written (atomically: a new file)
    await expect(resolveAuth(opts)).rejects.toMatchObject({ code: 'LOGIN_REQUIRED' });
  });

  it.each([
    ['an unknown type', () => setSelectedAuthType('gemini' as never, {}), 'UNSUPPORTED_AUTH_TYPE'],
    ['the workspace scope in the home folder', () => setSelectedAuthType('openai', { scope: 'workspace', cwd: '/tmp', homeDir: '/tmp' }), 'INVALID_OPTION'],
  ])('rejects %s', async (_name, call, code) => {
    await expect(call()).rejects.toMatchObject({ code });
  });

  it('reports a settings tree that cannot hold the key', async () => {
    tree = makeTree({ 'home/.qwen/settings.json': '{"security": 5}' });
    await expect(setSelectedAuthType('openai', { homeDir: tree.path('home'), env: {} })).rejects.toMatchObject({
      code: expect.stringMatching(/SETTINGS_/),
    });
    expect(readFileSync(tree.path('home/.qwen/settings.json'), 'utf8')).toBe('{"security": 5}');
  });

  it.each([['anthropic'], ['openai-responses'], ['gemini'], ['vertex-ai']])(
    "%s only with qwenCode: '0.24' (then Qwen Code 0.24's resolution sees it)",
    async (type) => {
      tree = makeTree({ 'home/.qwen/settings.json': COMMENTED, 'w/.keep': '' });
      const opts = { homeDir: tree.path('home'), env: {} };
      const refused = await setSelectedAuthType(type as never, opts).catch((e) => e);
      expect(refused).toMatchObject({ code: 'UNSUPPORTED_AUTH_TYPE', details: { value: type, knownTo: 'Qwen Code 0.24' } });
      expect(refused.remedy).toContain("qwenCode: '0.24'");
      expect(readFileSync(tree.path('home/.qwen/settings.json'), 'utf8')).toBe(COMMENTED);
      const r = await setSelectedAuthType(type as never, { ...opts, qwenCode: '0.24' });
      expect(r).toMatchObject({ previous: 'openai', changed: true });
      expect(readFileSync(r.path, 'utf8')).toBe(COMMENTED.replace('"selectedType": "openai"', `"selectedType": "${type}"`));
      if (type !== 'anthropic') return;
      const auth = await resolveAuth({
        qwenCode: '0.24',
        cwd: tree.path('w'),
        homeDir: tree.path('home'),
        env: { ANTHROPIC_API_KEY: 'sk-ant-0123456789abcdef', ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/a' },
      });
      expect(auth.type).toBe('anthropic');
    },
  );
});
