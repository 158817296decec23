/**
 * The command line as the parser reads it (src/cli/parse.ts): what commander
 * did, from our own tables — options anywhere, `--name=value`, `--` ending
 * them, `--no-*` switches, choices, defaults, required and extra arguments,
 * help and version winning, and usage errors that quote the line redacted.
 * (test/cli/cli.test.ts and consistency.test.ts run the built command.)
 */
import { describe, expect, it } from 'vitest';
import { UsageError } from '../../src/cli/context.js';
import { COMMANDS, OPTIONS } from '../../src/cli/options.js';
import { parseCommandLine } from '../../src/cli/parse.js';

function usage(args: string[]): UsageError {
  try {
    parseCommandLine(args);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`no usage error for ${args.join(' ')}`);
}

describe('parseCommandLine', () => {
  it('gives the flags by camelCase key, options before or after arguments, --name=value too', () => {
    expect(parseCommandLine(['status', '--cwd', 'a', '--openai-base-url=https://x.example/v1', '--json', '--no-git-check'])).toEqual({
      kind: 'run',
      command: 'status',
      flags: { cwd: 'a', openaiBaseUrl: 'https://x.example/v1', json: true, gitCheck: false },
      args: [],
    });
    expect(parseCommandLine(['use', '--json', 'openai'])).toMatchObject({ command: 'use', flags: { json: true, scope: 'user' }, args: ['openai'] });
    expect(parseCommandLine(['use', 'openai', '--scope', 'workspace'])).toMatchObject({ flags: { scope: 'workspace' } });
    expect(parseCommandLine(['login', '--no-browser', '--no-qr'])).toMatchObject({ flags: { browser: false, qr: false } });
    expect(parseCommandLine(['status', '--trust-workspace'])).toMatchObject({ flags: { trustWorkspace: true } });
  });

  it('a value is the next argument whatever it looks like; the last of a repeated option wins', () => {
    expect(parseCommandLine(['status', '--model', '-x', '--cwd', '--json'])).toMatchObject({ flags: { model: '-x', cwd: '--json' } });
    expect(parseCommandLine(['status', '--model', 'a', '--model', 'b'])).toMatchObject({ flags: { model: 'b' } });
  });

  it('`--` ends the options: exec takes the rest as its command', () => {
    expect(parseCommandLine(['exec', '--json', '--', 'node', '--version', '-e'])).toMatchObject({
      command: 'exec',
      flags: { json: true },
      args: ['node', '--version', '-e'],
    });
    expect(parseCommandLine(['trust', 'some dir'])).toMatchObject({ args: ['some dir'] });
    expect(usage(['status', '--', '--json']).message).toBe("too many arguments for 'status'. Expected 0 arguments but got 1.");
  });

  it('help and version: alone, per command, and winning over the rest of the line', () => {
    expect(parseCommandLine([])).toEqual({ kind: 'help', error: true });
    for (const args of [['--help'], ['-h'], ['help']]) expect(parseCommandLine(args)).toEqual({ kind: 'help' });
    for (const args of [['--version'], ['-V'], ['status', '--version'], ['use', '-V']]) expect(parseCommandLine(args)).toEqual({ kind: 'version' });
    expect(parseCommandLine(['help', 'status'])).toEqual({ kind: 'help', command: 'status' });
    expect(parseCommandLine(['help', 'help'])).toEqual({ kind: 'help', command: 'help' });
    expect(parseCommandLine(['status', '--nope', '-h'])).toEqual({ kind: 'help', command: 'status' });
    expect(parseCommandLine(['use', '--help'])).toEqual({ kind: 'help', command: 'use' });
    // After `--`, -h is an argument.
    expect(parseCommandLine(['exec', '--', 'ls', '-h'])).toMatchObject({ kind: 'run', args: ['ls', '-h'] });
  });

  it.each([
    [['nope'], "unknown command 'nope'", undefined],
    [['stauts'], "unknown command 'stauts' (did you mean status?)", undefined],
    [['-x'], "unknown option '-x'", undefined],
    [['help', 'nope'], "unknown command 'nope'; the commands are status, env, providers, use, login, logout, token, exec, serve, trust.", undefined],
    [['status', '--nope'], "unknown option '--nope'", 'status'],
    [['status', '--jsno'], "unknown option '--jsno' (did you mean --json?)", 'status'],
    [['login', '--browser'], "unknown option '--browser' (did you mean --no-browser?)", 'login'],
    [['providers', '--cwd', '.'], "unknown option '--cwd'", 'providers'],
    [['status', '-x'], "unknown option '-x'", 'status'],
    [['status', '--cwd'], "option '--cwd <dir>' argument missing", 'status'],
    [['status', '--json=1'], "option '--json' takes no value", 'status'],
    [['status', '--qwen-code', '0.3'], "option '--qwen-code <version>' argument '0.3' is invalid. Allowed choices are 0.12, 0.24.", 'status'],
    [['logout', '--store', 'vault'], "option '--store <store>' argument 'vault' is invalid. Allowed choices are file, keychain.", 'logout'],
    [['use'], "missing required argument 'type'", 'use'],
    [['use', 'openai', 'extra'], "too many arguments for 'use'. Expected 1 argument but got 2.", 'use'],
    [['exec'], "missing required argument 'command'", 'exec'],
    [['trust', 'a', 'b'], "too many arguments for 'trust'. Expected 1 argument but got 2.", 'trust'],
  ])('%j: %s', (args, message, command) => {
    const error = usage(args);
    expect(error.message).toBe(message);
    expect(error.command).toBe(command);
  });

  it('the first mistake on the line is the one reported', () => {
    expect(usage(['status', '--nope', '--qwen-code', '0.3']).message).toBe("unknown option '--nope'");
    expect(usage(['status', '--qwen-code', '0.3', '--nope']).message).toMatch(/^option '--qwen-code <version>'/);
  });

  it('quotes what was typed redacted: a key pasted into the wrong place never appears whole', () => {
    const key = 'sk-secret-0000000000000000beef';
    for (const args of [['status', '--qwen-code', key], [key], ['help', key], ['status', `--${key}`]]) {
      const { message } = usage(args);
      expect(message).not.toContain(key);
      expect(message).toContain('…beef');
    }
  });

  it('every command of the options table parses with each of its options', () => {
    for (const command of COMMANDS) {
      for (const o of OPTIONS.filter((x) => x.commands.includes(command))) {
        const name = o.flags.split(' ')[0]!;
        const value = o.choices?.[0] ?? (o.flags.includes('<') ? 'v' : undefined);
        const args = [command, ...(command === 'use' ? ['openai'] : command === 'exec' ? ['true'] : []), name, ...(value === undefined ? [] : [value])];
        expect(parseCommandLine(args), args.join(' ')).toMatchObject({ kind: 'run', command });
      }
    }
  });
});
