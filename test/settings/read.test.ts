import { afterEach, describe, expect, it } from 'vitest';
import { resolveAuth } from '../../src/index.js';
import { stripJsonComments } from '../../src/internal/jsonc.js';
import type { OpenAIAuth } from '../../src/resolve/types.js';
import { makeTree, type Tree } from '../support/tree.js';

let tree: Tree | undefined;
afterEach(() => tree?.remove());

async function resolveWith(files: Record<string, string>, env: Record<string, string> = {}, cwd = 'w') {
  tree = makeTree({ 'home/.keep': '', 'w/.keep': '', ...files });
  // How settings are read and merged; where a key may go is test/resolve/destination.test.ts's (issue 16).
  return resolveAuth({ cwd: tree.path(cwd), homeDir: tree.path('home'), env, trustWorkspace: true });
}

describe('JSON with comments', () => {
  it('blanks comments but keeps offsets and strings', () => {
    const text = '{\n  // line\n  "a": "x // not a comment", /* block */ "b": "/* nor this */"\n}';
    const stripped = stripJsonComments(text);
    expect(stripped).toHaveLength(text.length);
    expect(JSON.parse(stripped)).toEqual({ a: 'x // not a comment', b: '/* nor this */' });
    expect(stripped.split('\n')).toHaveLength(text.split('\n').length);
  });

  it('handles escaped quotes and an unterminated block comment', () => {
    expect(JSON.parse(stripJsonComments('{"a":"q\\"//x"}'))).toEqual({ a: 'q"//x' });
    expect(stripJsonComments('{} /* open')).toBe(`{}${' '.repeat(8)}`);
  });

  it('settings with comments are read', async () => {
    const auth = (await resolveWith({
      'home/.qwen/settings.json': '{\n  // my key\n  "security": { "auth": { "apiKey": "sk-commented" /* here */ } }\n}',
    })) as OpenAIAuth;
    expect(auth.apiKey).toBe('sk-commented');
  });
});

describe('bad settings are reported and ignored, never fatal', () => {
  it.each([
    ['trailing comma', '{\n  "model": { "name": "m" },\n}', 3, 1],
    ['missing colon', '{\n  "model" { "name": "m" }\n}', 2, 11],
    ['truncated', '{\n  "model": {', 2, 13],
  ])('%s: path, line and column', async (_name, text, line, column) => {
    const auth = await resolveWith({ 'home/.qwen/settings.json': text, 'w/.qwen/settings.json': '{"model":{"name":"ws-model"}}' }, { OPENAI_API_KEY: 'sk-x' });
    const d = auth.diagnostics.find((x) => x.code === 'SETTINGS_INVALID_JSON');
    expect(d).toMatchObject({ level: 'error', path: tree!.path('home/.qwen/settings.json'), line, column });
    // The other scope still applies.
    expect(auth.model).toBe('ws-model');
  });

  it('never quotes the file (which may hold a key) in the diagnostic', async () => {
    const auth = await resolveWith({ 'home/.qwen/settings.json': '{"security":{"auth":{"apiKey":"sk-secret-value-123456"}} tru}' }, { OPENAI_API_KEY: 'sk-x' });
    expect(JSON.stringify(auth.diagnostics)).not.toContain('sk-secret');
  });

  it.each([
    ['an array', '[1,2]', 'SETTINGS_NOT_OBJECT'],
    ['a string', '"x"', 'SETTINGS_NOT_OBJECT'],
  ])('a file holding %s', async (_name, text, code) => {
    const auth = await resolveWith({ 'home/.qwen/settings.json': text }, { OPENAI_API_KEY: 'sk-x' });
    expect(auth.diagnostics.map((d) => d.code)).toContain(code);
  });

  it('values of the wrong type are reported and ignored', async () => {
    const auth = (await resolveWith(
      {
        'home/.qwen/settings.json': JSON.stringify({
          model: { name: 42 },
          security: { auth: { apiKey: 'sk-ok', baseUrl: ['x'] } },
          advanced: { excludedEnvVars: 'DEBUG' },
          modelProviders: { openai: [{ name: 'no id' }, { id: 'good', envKey: 'GOOD_KEY' }] },
        }),
      },
      { GOOD_KEY: 'sk-good' },
    )) as OpenAIAuth;
    const invalid = auth.diagnostics.filter((d) => d.code === 'SETTINGS_INVALID_VALUE').map((d) => d.message);
    expect(invalid).toHaveLength(4);
    expect(invalid.join('\n')).toMatch(/model\.name/);
    expect(invalid.join('\n')).toMatch(/modelProviders\.openai\[0\]/);
    // The valid key counts; it comes from outside modelProviders, so the first entry does not stand in.
    expect([auth.model, auth.apiKey]).toEqual(['qwen3.5-plus', 'sk-ok']);
  });
});

describe('scopes (spec §2)', () => {
  it('the workspace wins leaf by leaf', async () => {
    const auth = (await resolveWith({
      'home/.qwen/settings.json': '{"security":{"auth":{"apiKey":"sk-user","baseUrl":"https://user.example/v1"}},"model":{"name":"user-model"}}',
      'w/.qwen/settings.json': '{"security":{"auth":{"apiKey":"sk-ws"}}}',
    })) as OpenAIAuth;
    expect([auth.apiKey, auth.baseUrl, auth.model]).toEqual(['sk-ws', 'https://user.example/v1', 'user-model']);
    expect(auth.sources.apiKey).toMatchObject({ kind: 'settings', scope: 'workspace', key: 'security.auth.apiKey' });
    expect(auth.sources.baseUrl).toMatchObject({ kind: 'settings', scope: 'user' });
  });

  it('an empty workspace value unsets the user one', async () => {
    const auth = (await resolveWith(
      {
        'home/.qwen/settings.json': '{"model":{"name":"user-model"}}',
        'w/.qwen/settings.json': '{"model":{"name":""}}',
      },
      { OPENAI_API_KEY: 'sk-x' },
    )) as OpenAIAuth;
    expect(auth.model).toBe('qwen3.5-plus');
  });

  it('no workspace scope when cwd is the home folder', async () => {
    tree = makeTree({ 'home/.qwen/settings.json': '{"model":{"name":"user-model"}}' });
    const auth = await resolveAuth({ cwd: tree.path('home'), homeDir: tree.path('home'), env: { OPENAI_API_KEY: 'sk-x' } });
    expect(auth.model).toBe('user-model');
    expect(auth.sources.model).toMatchObject({ scope: 'user' });
  });

  it('modelProviders merges key by key; its lists are replaced, not joined', async () => {
    const auth = (await resolveWith(
      {
        'home/.qwen/settings.json': '{"modelProviders":{"openai":[{"id":"u1","envKey":"K"}],"anthropic":[]},"model":{"name":"u1"}}',
        'w/.qwen/settings.json': '{"modelProviders":{"openai":[{"id":"w1","envKey":"K","baseUrl":"https://w.example/v1"}]}}',
      },
      { K: 'sk-k' },
    )) as OpenAIAuth;
    // u1 is gone (replaced), so no entry matches model.name; nothing else configures a key: the first entry.
    expect([auth.model, auth.baseUrl]).toEqual(['w1', 'https://w.example/v1']);
  });
});

describe('$VAR references (expanded from the real environment, as Qwen Code does)', () => {
  it.each([
    ['$NAME', '$MY_KEY', 'sk-expanded'],
    ['${NAME}', 'pre-${MY_KEY}-post', 'pre-sk-expanded-post'],
    ['unset stays literal', '$NOT_SET_ANYWHERE', '$NOT_SET_ANYWHERE'],
  ])('%s', async (_name, value, expected) => {
    const auth = (await resolveWith(
      { 'home/.qwen/settings.json': JSON.stringify({ security: { auth: { apiKey: value } } }) },
      { MY_KEY: 'sk-expanded' },
    )) as OpenAIAuth;
    expect(auth.apiKey).toBe(expected);
  });

  it('a .env value reaches settings references through the relaunch (settings-layers.md §7)', async () => {
    const auth = (await resolveWith({
      'w/.env': 'FROM_DOTENV=sk-dotenv',
      'home/.qwen/settings.json': '{"security":{"auth":{"apiKey":"$FROM_DOTENV"}}}',
    })) as OpenAIAuth;
    expect(auth.apiKey).toBe('sk-dotenv');
  });
});
