/**
 * The helpers for wrapping qwen-auth in a command line: authFlags works with
 * node:util parseArgs as it stands (Qwen Code's four flags and
 * --trust-workspace); overridesFromFlags takes either spelling and checks
 * --auth-type; optionsFromFlags gives everything the flags carry, and a
 * remedy that names --trust-workspace names a flag the tool now has.
 */
import { parseArgs } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { authFlags, isAuthError, optionsFromFlags, overridesFromFlags, resolveAuth } from '../src/index.js';
import { isFromFlags } from '../src/flags.js';
import { OVERRIDE_FLAGS } from '../src/override-flags.js';
import { makeTree, type Tree } from './support/tree.js';

/** What `fn` throws (undefined when it returns). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

const ARGS = ['--auth-type', 'openai', '--openai-api-key', 'sk-flag-000000000000', '--openai-base-url', 'https://openrouter.ai/api/v1', '--model', 'm1'];
const EXPECTED = { authType: 'openai', apiKey: 'sk-flag-000000000000', baseUrl: 'https://openrouter.ai/api/v1', model: 'm1' };

describe('authFlags', () => {
  it('spells exactly the flags of the overrides (those taking a value), and --trust-workspace (a switch)', () => {
    const values = Object.entries(authFlags).filter(([, f]) => f.type === 'string');
    expect(values.map(([n]) => `--${n}`).sort()).toEqual(Object.values(OVERRIDE_FLAGS).sort());
    for (const [name, f] of values) expect(f.type === 'string' && OVERRIDE_FLAGS[f.override]).toBe(`--${name}`);
    expect(authFlags['trust-workspace']).toEqual({ type: 'boolean', option: 'trustWorkspace', description: expect.stringContaining('vouch for this folder') });
    expect(Object.isFrozen(authFlags['trust-workspace'])).toBe(true);
  });

  it('is a parseArgs options spec as it stands, and its values make the overrides', () => {
    const { values } = parseArgs({ args: [...ARGS, '--verbose'], options: { ...authFlags, verbose: { type: 'boolean' } }, strict: true });
    expect(overridesFromFlags(values)).toEqual(EXPECTED);
  });

  it('parses --trust-workspace as a switch with parseArgs, and optionsFromFlags carries it', () => {
    const { values } = parseArgs({ args: [...ARGS, '--trust-workspace'], options: { ...authFlags }, strict: true });
    expect(values['trust-workspace']).toBe(true);
    expect(optionsFromFlags(values)).toEqual({ overrides: EXPECTED, trustWorkspace: true });
    expect(() => parseArgs({ args: ['--trust-workspace=yes'], options: { ...authFlags }, strict: true })).toThrow();
  });

  it('camelCase values (as commander and yargs give them) make the same overrides', () => {
    const camel = {
      authType: 'openai',
      openaiApiKey: 'sk-flag-000000000000',
      openaiBaseUrl: 'https://openrouter.ai/api/v1',
      model: 'm1',
      trustWorkspace: true,
    };
    expect(overridesFromFlags(camel)).toEqual(EXPECTED);
    expect(optionsFromFlags(camel)).toEqual({ overrides: EXPECTED, trustWorkspace: true });
  });

  it('takes yargs-style values (both spellings, same value)', () => {
    expect(overridesFromFlags({ 'openai-base-url': 'https://x.example/v1', openaiBaseUrl: 'https://x.example/v1', _: [], $0: 'tool' })).toEqual({
      baseUrl: 'https://x.example/v1',
    });
  });
});

describe('overridesFromFlags', () => {
  it('leaves unset flags out and ignores other keys', () => {
    expect(overridesFromFlags({ model: undefined, cwd: '/x', json: true })).toEqual({});
  });

  it.each([
    [{ 'auth-type': 'gemini' }, '--auth-type', /must be 'openai' or 'qwen-oauth', not "gemini"/],
    [{ authType: '' }, '--auth-type', /not ""/],
    [{ 'openai-base-url': ['a', 'b'] }, '--openai-base-url', /several values/],
    [{ model: true }, '--model', /no value/],
    [{ 'openai-api-key': 'a', openaiApiKey: 'b' }, '--openai-api-key', /twice/],
  ])('%j is INVALID_OPTION (a person’s mistake, not the program’s) naming %s', (values, option, message) => {
    const error = thrown(() => overridesFromFlags(values));
    expect(isAuthError(error, 'INVALID_OPTION')).toBe(true);
    expect(error).toMatchObject({ kind: 'operational', details: { option } });
    expect((error as Error).message).toMatch(message);
    expect((error as { remedy: string }).remedy).toContain(option);
  });

  it('marks the result without changing how it prints or compares; a spread copy is unmarked', () => {
    const o = overridesFromFlags({ model: 'm' });
    expect(isFromFlags(o)).toBe(true);
    expect(JSON.stringify(o)).toBe('{"model":"m"}');
    expect(Object.keys(o)).toEqual(['model']);
    expect(Object.isFrozen(o)).toBe(true);
    expect(isFromFlags({ ...o })).toBe(false);
    expect(isFromFlags({ model: 'm' })).toBe(false);
  });
});

describe('optionsFromFlags', () => {
  it('leaves trustWorkspace out unless the switch is on; the overrides are marked', () => {
    for (const values of [{}, { 'trust-workspace': false }, { trustWorkspace: undefined }]) {
      const o = optionsFromFlags(values);
      expect(o).toEqual({ overrides: {} });
      expect(Object.hasOwn(o, 'trustWorkspace')).toBe(false);
      expect(isFromFlags(o.overrides)).toBe(true);
    }
    expect(Object.isFrozen(optionsFromFlags({ model: 'm' }))).toBe(true);
  });

  it('checks the values like overridesFromFlags, with { qwenCode } too', () => {
    expect(optionsFromFlags({ 'auth-type': 'anthropic' }, { qwenCode: '0.24' }).overrides).toEqual({ authType: 'anthropic' });
    expect(() => optionsFromFlags({ 'auth-type': 'anthropic' })).toThrow(/--auth-type/);
    expect(() => optionsFromFlags(null as never)).toThrow(/optionsFromFlags\(\) takes the values object/);
  });

  it.each([[{ 'trust-workspace': 'yes' }], [{ trustWorkspace: ['a'] }]])('%j is INVALID_OPTION naming --trust-workspace', (values) => {
    const error = thrown(() => optionsFromFlags(values));
    expect(isAuthError(error, 'INVALID_OPTION')).toBe(true);
    expect(error).toMatchObject({ details: { option: '--trust-workspace' } });
    expect((error as { remedy: string }).remedy).toContain('--trust-workspace');
  });
});

describe('a wrapping tool: the remedy names --trust-workspace, a flag of authFlags, and passing it works', () => {
  let tree: Tree | undefined;
  afterEach(() => tree?.remove());
  const KEY = 'sk-user-flags-000000000000000000';
  const EVIL = 'http://127.0.0.1:9/v1';

  it.each(['0.12', '0.24'] as const)('qwenCode %s', async (qwenCode) => {
    tree = makeTree({
      'home/.qwen/settings.json': '{"security":{"auth":{"selectedType":"openai"}}}',
      'w/.qwen/settings.json': JSON.stringify({ security: { auth: { baseUrl: EVIL } } }),
    });
    const resolve = (args: string[]) => {
      const { values } = parseArgs({ args, options: { ...authFlags }, strict: true });
      return resolveAuth({
        ...optionsFromFlags(values, { qwenCode }),
        qwenCode,
        cwd: tree!.path('w'),
        homeDir: tree!.path('home'),
        env: { OPENAI_API_KEY: KEY },
      });
    };
    const error = await resolve([]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isAuthError(error, 'UNTRUSTED_DESTINATION')).toBe(true);
    const remedy = (error as { remedy: string }).remedy;
    const named = /--[a-z-]+/.exec(remedy.slice(remedy.indexOf('--trust-workspace')))?.[0];
    expect(named).toBe('--trust-workspace');
    expect(Object.keys(authFlags)).toContain(named!.slice(2));
    const auth = await resolve(['--trust-workspace']);
    expect(auth.baseUrl).toBe(EVIL);
  });
});
