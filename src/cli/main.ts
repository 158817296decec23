/**
 * `qwen-auth`: which key is in use, from where, why it fails, which `.env`
 * was read — and the Qwen OAuth login. Built on the public API only; also
 * the reference example of wrapping the library in a command.
 *
 * A start costs what the command runs: the line is parsed from two small
 * tables (./commands.ts, ./options.ts), and only then is the chosen
 * command's code loaded (help's too).
 */
import { isAuthError, redactText } from 'qwen-auth';
import type { CommandOrHelp } from './commands.js';
import { contextFrom, UsageError } from './context.js';
import { EXIT } from './exit.js';
import { type CommandName, wantsJson } from './options.js';
import { createOutput, printFailure } from './output.js';
import { type CommandLine, parseCommandLine } from './parse.js';
import type { ServeFlags } from './serve.js';

/** Every command's flags (./options.ts), as the parser gives them. */
type Flags = ServeFlags & { readonly browser?: boolean; readonly qr?: boolean; readonly scope?: string };

/** Replaced with package.json's version at build time. */
declare const QWEN_AUTH_VERSION: string;

const out = createOutput();
const argv = process.argv.slice(2);
const json = wantsJson(argv);
const USAGE_REMEDY = 'Run `qwen-auth help <command>` for its options; `qwen-auth --help` lists the commands.';

/** Runs a command, its module loaded now; returns the exit code. */
async function run(command: CommandName, flags: Flags, args: readonly string[]): Promise<number> {
  switch (command) {
    case 'status':
      return (await import('./status.js')).status(contextFrom(flags), flags, out);
    case 'env':
      return (await import('./env.js')).env(contextFrom(flags), flags, out);
    case 'providers':
      return (await import('./providers.js')).providers(flags, out);
    case 'use':
      return (await import('./use.js')).use(contextFrom(flags), args[0]!, String(flags.scope), out, flags.json === true);
    case 'login': {
      const { login } = await import('./login.js');
      const controller = new AbortController();
      // A command may own SIGINT (the library never does): Ctrl-C cancels the login cleanly.
      const onSigint = (): void => controller.abort();
      process.once('SIGINT', onSigint);
      try {
        return await login(contextFrom(flags), flags, out, controller.signal);
      } finally {
        process.off('SIGINT', onSigint);
      }
    }
    case 'logout':
      return (await import('./login.js')).logout(contextFrom(flags), flags, out);
    case 'token':
      return (await import('./token.js')).token(contextFrom(flags), flags, out);
    case 'exec':
      return (await import('./exec.js')).exec(contextFrom(flags), flags, args, out);
    case 'serve': {
      const { serve } = await import('./serve.js');
      const stop = new AbortController();
      // A command may own SIGINT/SIGTERM (the library never does): either stops the server cleanly.
      const onSignal = (): void => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        return await serve(contextFrom(flags), flags, out, stop.signal);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    }
    case 'trust':
      return (await import('./trust.js')).trust(contextFrom(flags), args[0], out, flags.json === true);
  }
}

/** Help on stdout (exit 0), or on stderr when nothing was asked (exit 2). */
async function help(command: CommandOrHelp | undefined, error: boolean): Promise<number> {
  const { helpText } = await import('./help.js');
  out[error ? 'error' : 'line'](helpText(command, out.width).trimEnd());
  return error ? EXIT.usage : EXIT.ok;
}

/** Reports any failure (as JSON on stdout with --json) and returns the exit code. */
function fail(error: unknown, command: string | undefined): number {
  if (error instanceof UsageError) {
    const about = error.command ?? command;
    const remedy = about ? `Run \`qwen-auth help ${about}\` for its options; \`qwen-auth --help\` lists the commands.` : USAGE_REMEDY;
    if (json) printFailure(out, true, { code: 'USAGE', message: error.message, remedy });
    else out.error(`error: ${error.message}\n${remedy}`);
    return EXIT.usage;
  }
  if (isAuthError(error)) {
    printFailure(out, json, error.toJSON());
    // A malformed option (e.g. --auth-type gemini) is a usage error.
    return error.code === 'INVALID_OPTION' || error.code === 'INVALID_OPTION_TYPE' ? EXIT.usage : error.code === 'ABORTED' ? EXIT.cancelled : EXIT.failed;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (json)
    printFailure(out, true, {
      code: 'INTERNAL',
      message: redactText(message, 2_000),
      remedy: 'This is a bug in qwen-auth; please report it with this output.',
    });
  else out.error(error instanceof Error && error.stack ? error.stack : message);
  return EXIT.failed;
}

let line: CommandLine | undefined;
try {
  line = parseCommandLine(argv);
  if (line.kind === 'version') {
    out.line(QWEN_AUTH_VERSION);
    process.exitCode = EXIT.ok;
  } else if (line.kind === 'help') {
    process.exitCode = await help(line.command, line.error === true);
  } else {
    process.exitCode = await run(line.command, line.flags as Flags, line.args);
  }
} catch (error) {
  process.exitCode = fail(error, line?.kind === 'run' ? line.command : undefined);
}
