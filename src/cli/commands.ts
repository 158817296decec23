/**
 * The commands: what each one does (for help) and the arguments it takes
 * (for the parser and help). Their options are in ./options.ts; their code
 * is in a module of its own, loaded by ./main.ts only when that command runs.
 */
import { COMMANDS, type CliOption, type CommandName } from './options.js';

/** A positional argument: `<type>` (required), `[dir]` (optional), `<command...>` (one or more). */
export interface CliArgument {
  readonly name: string;
  readonly description: string;
  readonly required: boolean;
  readonly variadic?: boolean;
}

export interface CliCommand {
  readonly description: string;
  readonly arguments: readonly CliArgument[];
  /** The usage line after the command's name, when not `[options]` and the arguments. */
  readonly usage?: string;
}

/** Every command, and `help`. */
export type CommandOrHelp = CommandName | 'help';

export const COMMAND_TABLE: { readonly [C in CommandOrHelp]: CliCommand } = {
  status: { description: 'what resolves here: type, provider, base URL, model, key (redacted), each with its source', arguments: [] },
  env: { description: 'the .env search: folders searched, the file used, keys applied / excluded / shadowed, files not read', arguments: [] },
  providers: { description: 'the provider registry: endpoints per region, key formats, variables, status, quotas', arguments: [] },
  use: {
    description: "switch the auth method (Qwen Code's /auth), in settings.json",
    arguments: [
      {
        name: 'type',
        description: 'openai or qwen-oauth; with --qwen-code 0.24 also anthropic, openai-responses, gemini, vertex-ai',
        required: true,
      },
    ],
  },
  login: { description: 'log in with the Qwen OAuth device flow', arguments: [] },
  logout: { description: 'forget the Qwen OAuth login', arguments: [] },
  token: { description: 'print the credential a tool would send (API key, or a fresh Qwen OAuth token) and a newline', arguments: [] },
  exec: {
    description: 'run a command with OPENAI_API_KEY, OPENAI_BASE_URL and OPENAI_MODEL set from what resolves here',
    arguments: [{ name: 'command', description: 'the command to run, after --', required: true, variadic: true }],
    usage: '[options] -- <command> [args...]',
  },
  serve: { description: 'a loopback endpoint for any client: forwards to the resolved endpoint with a fresh credential', arguments: [] },
  trust: {
    description: "trust a folder in Qwen Code's trusted-folders file: its files may then choose where a key goes",
    arguments: [{ name: 'dir', description: 'the folder (default: the current one)', required: false }],
  },
  help: { description: 'help for a command', arguments: [{ name: 'command', description: COMMANDS.join(', '), required: false }] },
};

/** The options of `help` itself (the commands' are in ./options.ts). */
export const HELP_OPTIONS: readonly CliOption[] = [{ flags: '--json', description: 'failures as JSON on stdout', commands: [] }];

export const isCommand = (name: string): name is CommandName => (COMMANDS as readonly string[]).includes(name);
