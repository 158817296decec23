/**
 * The helpers for wrapping qwen-auth in a command line: authFlags works with
 * node:util parseArgs as it stands and maps to commander; overridesFromFlags
 * takes either spelling and checks --auth-type.
 */
import { parseArgs } from 'node:util';
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { authFlags, isAuthError, overridesFromFlags } from '../src/index.js';
import { isFromFlags } from '../src/flags.js';
import { OVERRIDE_FLAGS } from '../src/override-flags.js';

const ARGS = ['--auth-type', 'openai', '--openai-api-key', 'sk-flag-000000000000', '--openai-base-url', 'https://openrouter.ai/api/v1', '--model', 'm1'];
const EXPECTED = { authType: 'openai', apiKey: 'sk-flag-000000000000', baseUrl: 'https://openrouter.ai/api/v1', model: 'm1' };

describe('authFlags', () => {
  it('spells exactly the flags of the overrides', () => {
    expect(
      Object.keys(authFlags)
        .map((n) => `--${n}`)
        .sort(),
    ).toEqual(Object.values(OVERRIDE_FLAGS).sort());
    for (const [name, f] of Object.entries(authFlags)) expect(OVERRIDE_FLAGS[f.override]).toBe(`--${name}`);
  });

  it('is a parseArgs options spec as it stands, and its values make the overrides', () => {
    const { values } = parseArgs({ args: [...ARGS, '--verbose'], options: { ...authFlags, verbose: { type: 'boolean' } }, strict: true });
    expect(overridesFromFlags(values)).toEqual(EXPECTED);
  });

  it('maps to commander in one line, whose camelCase values make the same overrides', () => {
    const program = new Command().exitOverride();
    for (const [name, f] of Object.entries(authFlags)) program.option(`--${name} <${f.valueName}>`, f.description);
    program.parse(ARGS, { from: 'user' });
    expect(program.opts()).toMatchObject({ openaiBaseUrl: 'https://openrouter.ai/api/v1' });
    expect(overridesFromFlags(program.opts())).toEqual(EXPECTED);
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
    let error: unknown;
    try {
      overridesFromFlags(values);
    } catch (e) {
      error = e;
    }
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
