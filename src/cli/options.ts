/**
 * Every option of the command, declared once with the commands it applies
 * to. docs/cli.md has the same table, and a test compares it with each
 * command's `--help`. To add an option, add a row here.
 */
import { authFlags } from 'qwen-auth';
import { STORE_KINDS } from './context.js';

export const COMMANDS = ['status', 'env', 'providers', 'use', 'login', 'logout', 'token', 'exec', 'serve', 'trust'] as const;
export type CommandName = (typeof COMMANDS)[number];

export interface CliOption {
  /** The option as help shows it: `--cwd <dir>` (takes a value), `--json` (a switch), `--no-qr` (a switch that turns `qr` off). */
  readonly flags: string;
  readonly description: string;
  readonly commands: readonly CommandName[];
  readonly choices?: readonly string[];
  readonly defaultValue?: string;
}

/** Commands that hand a tool the resolved credential: every resolution flag of `status` applies. */
const TOOL_COMMANDS: readonly CommandName[] = ['token', 'exec', 'serve'];
/** Commands that touch the Qwen OAuth login (its store and endpoints). */
const LOGIN_COMMANDS: readonly CommandName[] = ['status', 'login', 'logout', ...TOOL_COMMANDS];
/** Commands that resolve from a folder. */
const FOLDER_COMMANDS: readonly CommandName[] = ['status', 'env', 'use', 'login', 'logout', ...TOOL_COMMANDS];

export const OPTIONS: readonly CliOption[] = [
  { flags: '--cwd <dir>', description: 'resolve as if run from this folder', commands: FOLDER_COMMANDS },
  { flags: '--json', description: 'machine-readable output; failures too, on stdout', commands: COMMANDS },
  {
    flags: '--qwen-code <version>',
    description: "resolve as this Qwen Code does: 0.12 (default: the auth documents) or 0.24 (today's CLI: also anthropic, openai-responses)",
    choices: ['0.12', '0.24'],
    commands: [...FOLDER_COMMANDS, 'trust'],
  },
  // The library's flags for wrapping tools: Qwen Code's own four, and --trust-workspace.
  ...Object.entries(authFlags).map(
    ([name, f]): CliOption =>
      f.type === 'string'
        ? { flags: `--${name} <${f.valueName}>`, description: `${f.description}, as Qwen Code takes it`, commands: ['status', ...TOOL_COMMANDS] }
        : { flags: `--${name}`, description: f.description, commands: ['status', 'env', ...TOOL_COMMANDS] },
  ),
  { flags: '--strict', description: 'exit 1 when a diagnostic of level warning or error is present', commands: ['status'] },
  {
    flags: '--check',
    description: 'send one cheap live request: does the key (or login) work at this endpoint, and if not, why (exit 1 when not)',
    commands: ['status'],
  },
  {
    flags: '--probe',
    description: "after a rejected key, try the same vendor's other regions and plans (implies --check)",
    commands: ['status'],
  },
  {
    flags: '--no-git-check',
    description: 'do not ask git whether the files holding keys are tracked or not ignored',
    commands: ['status', 'env'],
  },
  { flags: '--store <store>', description: 'where the login lives', choices: STORE_KINDS, commands: LOGIN_COMMANDS },
  { flags: '--device-endpoint <url>', description: 'device authorization endpoint (default: Qwen)', commands: LOGIN_COMMANDS },
  { flags: '--token-endpoint <url>', description: 'token endpoint (default: Qwen)', commands: LOGIN_COMMANDS },
  { flags: '--client-id <id>', description: 'OAuth client id (default: Qwen Code)', commands: LOGIN_COMMANDS },
  {
    flags: '--scope <scope>',
    description: 'user (~/.qwen/settings.json) or workspace (.qwen/settings.json)',
    choices: ['user', 'workspace'],
    defaultValue: 'user',
    commands: ['use'],
  },
  { flags: '--port <port>', description: 'port on the loopback address (default 0: any free port)', commands: ['serve'] },
  { flags: '--host <host>', description: 'loopback address to listen on: 127.0.0.1 (default) or ::1', commands: ['serve'] },
  { flags: '--no-browser', description: 'do not try to open a browser', commands: ['login'] },
  { flags: '--no-qr', description: 'do not print a QR code', commands: ['login'] },
];

/** An option as the parser sees it. */
export interface ParsedOption {
  /** The long name without dashes, as typed: `cwd`, `no-git-check`. */
  readonly name: string;
  /** Where its value goes in the flags: `cwd`, `gitCheck` (camelCase, without `no-`). */
  readonly key: string;
  /** Takes a value (`--cwd <dir>`); else a switch. */
  readonly takesValue: boolean;
  /** A `--no-…` switch: sets its key to false. */
  readonly negated: boolean;
  readonly spec: CliOption;
}

const camel = (name: string): string => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** The options of a command, in the order help lists them (`extra`: options of its own, as `help` has). */
export function optionsOf(command: string, extra: readonly CliOption[] = []): ParsedOption[] {
  return [...OPTIONS.filter((o) => (o.commands as readonly string[]).includes(command)), ...extra].map((spec) => {
    const name = /^--([a-z0-9-]+)/.exec(spec.flags)![1]!;
    const negated = name.startsWith('no-');
    return { name, key: camel(negated ? name.slice(3) : name), takesValue: spec.flags.includes('<'), negated, spec };
  });
}

/** True when `--json` is among the arguments (before a `--`): failures of parsing are JSON too. */
export function wantsJson(args: readonly string[]): boolean {
  const end = args.indexOf('--');
  return (end === -1 ? args : args.slice(0, end)).includes('--json');
}
