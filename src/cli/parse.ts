/**
 * The command line, parsed: `node:util`'s `parseArgs` splits it into tokens
 * (`--opt value`, `--opt=value`, `-h`, `--`), and the tables of
 * ./commands.ts and ./options.ts say what each command takes. Every mistake
 * is a UsageError (exit 2) naming what was wrong; values quoted from the
 * command line are redacted (a key pasted into the wrong place).
 */
import { redactText } from 'qwen-auth';
import { COMMAND_TABLE, type CommandOrHelp, HELP_OPTIONS, isCommand } from './commands.js';
import { UsageError } from './context.js';
import { nodeUtil } from './node.js';
import { COMMANDS, type CommandName, optionsOf } from './options.js';

/** What the command line asks for. */
export type CommandLine =
  /** Help for a command, or (no command) the list of commands; `error`: asked for by nothing (no arguments), so on stderr, exit 2. */
  | { readonly kind: 'help'; readonly command?: CommandOrHelp; readonly error?: boolean }
  | { readonly kind: 'version' }
  /** Run a command: its flags by camelCase key (`openaiBaseUrl`, `gitCheck: false`), and its arguments. */
  | { readonly kind: 'run'; readonly command: CommandName; readonly flags: Readonly<Record<string, unknown>>; readonly args: readonly string[] };

const quote = (value: string): string => `'${redactText(value, 200)}'`;

/** Levenshtein distance, for "did you mean". */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length]!;
}

/** ` (did you mean --json?)` when one of `known` is close to `given`, else empty. */
function suggestion(given: string, known: readonly string[]): string {
  const bare = given.replace(/=.*$/, '');
  let best: string | undefined;
  let bestDistance = Math.max(1, Math.floor(bare.length / 3)) + 1;
  for (const k of known) {
    const d = k === bare ? 0 : distance(bare, k);
    if (d < bestDistance) [best, bestDistance] = [k, d];
  }
  return best === undefined ? '' : ` (did you mean ${best}?)`;
}

/** The options and arguments of one command (or of `help`). */
function parseCommand(command: CommandOrHelp, args: readonly string[]): CommandLine {
  const options = optionsOf(command, command === 'help' ? HELP_OPTIONS : []);
  const byName = new Map(options.map((o) => [o.name, o]));
  const spec: Record<string, { type: 'string' | 'boolean'; short?: string }> = {
    help: { type: 'boolean', short: 'h' },
    version: { type: 'boolean', short: 'V' },
  };
  for (const o of options) spec[o.name] = { type: o.takesValue ? 'string' : 'boolean' };
  const { tokens } = nodeUtil().parseArgs({ args: [...args], options: spec, strict: false, allowPositionals: true, tokens: true });
  // --help and --version win over everything else on the line (before `--`).
  if (tokens.some((t) => t.kind === 'option' && t.name === 'help')) return { kind: 'help', command };
  if (tokens.some((t) => t.kind === 'option' && t.name === 'version')) return { kind: 'version' };

  const flags: Record<string, unknown> = {};
  const positionals: string[] = [];
  for (const t of tokens) {
    if (t.kind === 'positional') positionals.push(t.value);
    if (t.kind !== 'option') continue;
    const o = byName.get(t.name);
    // Only long options are ours (-h and -V are handled above).
    if (o === undefined || !t.rawName.startsWith('--')) {
      throw new UsageError(
        `unknown option ${quote(t.rawName)}${suggestion(
          t.rawName,
          [...byName.keys()].map((n) => `--${n}`),
        )}`,
        command,
      );
    }
    if (!o.takesValue) {
      if (t.inlineValue) throw new UsageError(`option '${o.spec.flags}' takes no value`, command);
      flags[o.key] = !o.negated;
      continue;
    }
    if (t.value === undefined) throw new UsageError(`option '${o.spec.flags}' argument missing`, command);
    if (o.spec.choices && !o.spec.choices.includes(t.value)) {
      throw new UsageError(`option '${o.spec.flags}' argument ${quote(t.value)} is invalid. Allowed choices are ${o.spec.choices.join(', ')}.`, command);
    }
    flags[o.key] = t.value;
  }
  for (const o of options) if (o.spec.defaultValue !== undefined && flags[o.key] === undefined) flags[o.key] = o.spec.defaultValue;

  const expected = COMMAND_TABLE[command].arguments;
  const missing = expected.filter((a) => a.required)[positionals.length];
  if (missing) throw new UsageError(`missing required argument '${missing.name}'`, command);
  if (!expected.at(-1)?.variadic && positionals.length > expected.length) {
    const n = expected.length;
    throw new UsageError(`too many arguments for '${command}'. Expected ${n} argument${n === 1 ? '' : 's'} but got ${positionals.length}.`, command);
  }

  if (command !== 'help') return { kind: 'run', command, flags, args: positionals };
  // `help [command]`
  const [name] = positionals;
  if (name === undefined) return { kind: 'help' };
  if (name !== 'help' && !isCommand(name)) throw new UsageError(`unknown command ${quote(name)}; the commands are ${COMMANDS.join(', ')}.`);
  return { kind: 'help', command: name };
}

/** Parses the arguments after `qwen-auth`. Throws a UsageError for a mistake. */
export function parseCommandLine(argv: readonly string[]): CommandLine {
  const args = argv[0] === '--' ? argv.slice(1) : argv;
  const first = args[0];
  if (first === undefined) return { kind: 'help', error: true };
  if (first === '-h' || first === '--help') return { kind: 'help' };
  if (first === '-V' || first === '--version') return { kind: 'version' };
  if (first.startsWith('-')) throw new UsageError(`unknown option ${quote(first)}`);
  if (first !== 'help' && !isCommand(first)) throw new UsageError(`unknown command ${quote(first)}${suggestion(first, [...COMMANDS, 'help'])}`);
  return parseCommand(first, args.slice(1));
}
