/**
 * `qwen-auth`: which key is in use, from where, why it fails, which `.env`
 * was read — and the Qwen OAuth login. Built on the public API only; also
 * the reference example of wrapping the library in a command.
 */
import { Command, CommanderError } from 'commander';
import { isAuthError, redactText } from 'qwen-auth';
import { env, EXIT, login, logout, providers, status, use } from './commands.js';
import { contextFrom, type GlobalFlags, UsageError } from './context.js';
import { addOptions, COMMANDS, wantsJson } from './options.js';
import { createOutput, printFailure } from './output.js';
import { exec } from './exec.js';
import { serve, type ServeFlags } from './serve.js';
import { token } from './token.js';
import { trust } from './trust.js';

/** Replaced with package.json's version at build time. */
declare const QWEN_AUTH_VERSION: string;

const out = createOutput();
const json = wantsJson(process.argv.slice(2));
const USAGE_REMEDY = 'Run `qwen-auth help <command>` for its options; `qwen-auth --help` lists the commands.';

// Piped into `head` and the like: stop quietly when the reader goes away.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

function program(): Command {
  const cmd = new Command('qwen-auth')
    .description("Qwen Code's authentication and configuration, explained.")
    .version(QWEN_AUTH_VERSION)
    .exitOverride()
    .helpCommand(false)
    // With --json, parsing errors are reported once, as JSON on stdout (see the catch below).
    .configureOutput({
      writeOut: (s) => process.stdout.write(s),
      writeErr: (s) => (json ? true : process.stderr.write(s)),
      // Commander quotes the arguments it rejects: a key pasted into the wrong place is shown redacted.
      outputError: (s, write) =>
        write(
          s
            .split('\n')
            .map((line) => redactText(line, 2_000))
            .join('\n'),
        ),
    });
  if (!json) cmd.showHelpAfterError();

  addOptions(cmd.command('status'), 'status')
    .description('what resolves here: type, provider, base URL, model, key (redacted), each with its source')
    .action(async (flags: GlobalFlags) => {
      process.exitCode = await status(contextFrom(flags), flags, out);
    });

  addOptions(cmd.command('env'), 'env')
    .description('the .env search: folders searched, the file used, keys applied / excluded / shadowed, files not read')
    .action(async (flags: GlobalFlags) => {
      process.exitCode = await env(contextFrom(flags), flags, out);
    });

  addOptions(cmd.command('providers'), 'providers')
    .description('the provider registry: endpoints per region, key formats, variables, status, quotas')
    .action((flags: GlobalFlags) => {
      process.exitCode = providers(flags, out);
    });

  addOptions(cmd.command('use'), 'use')
    .description("switch the auth method (Qwen Code's /auth), in settings.json")
    .argument('<type>', 'openai or qwen-oauth; with --qwen-code 0.24 also anthropic, openai-responses, gemini, vertex-ai')
    .action(async (type: string, flags: GlobalFlags & { scope: string }) => {
      process.exitCode = await use(contextFrom(flags), type, flags.scope, out, flags.json === true);
    });

  addOptions(cmd.command('login'), 'login')
    .description('log in with the Qwen OAuth device flow')
    .action(async (flags: GlobalFlags & { browser?: boolean; qr?: boolean }) => {
      const controller = new AbortController();
      // A command may own SIGINT (the library never does): Ctrl-C cancels the login cleanly.
      const onSigint = (): void => controller.abort();
      process.once('SIGINT', onSigint);
      try {
        process.exitCode = await login(contextFrom(flags), flags, out, controller.signal);
      } finally {
        process.off('SIGINT', onSigint);
      }
    });

  addOptions(cmd.command('logout'), 'logout')
    .description('forget the Qwen OAuth login')
    .action(async (flags: GlobalFlags) => {
      process.exitCode = await logout(contextFrom(flags), flags, out);
    });

  addOptions(cmd.command('token'), 'token')
    .description('print the credential a tool would send (API key, or a fresh Qwen OAuth token) and a newline')
    .action(async (flags: GlobalFlags) => {
      process.exitCode = await token(contextFrom(flags), flags, out);
    });

  addOptions(cmd.command('exec'), 'exec')
    .description('run a command with OPENAI_API_KEY, OPENAI_BASE_URL and OPENAI_MODEL set from what resolves here')
    .usage('[options] -- <command> [args...]')
    .argument('<command...>', 'the command to run, after --')
    .action(async (argv: string[], flags: GlobalFlags) => {
      process.exitCode = await exec(contextFrom(flags), flags, argv, out);
    });

  addOptions(cmd.command('serve'), 'serve')
    .description('a loopback endpoint for any client: forwards to the resolved endpoint with a fresh credential')
    .action(async (flags: ServeFlags) => {
      const stop = new AbortController();
      // A command may own SIGINT/SIGTERM (the library never does): either stops the server cleanly.
      const onSignal = (): void => stop.abort();
      process.once('SIGINT', onSignal);
      process.once('SIGTERM', onSignal);
      try {
        process.exitCode = await serve(contextFrom(flags), flags, out, stop.signal);
      } finally {
        process.off('SIGINT', onSignal);
        process.off('SIGTERM', onSignal);
      }
    });

  addOptions(cmd.command('trust'), 'trust')
    .description("trust a folder in Qwen Code's trusted-folders file: its files may then choose where a key goes")
    .argument('[dir]', 'the folder (default: the current one)')
    .action(async (dir: string | undefined, flags: GlobalFlags) => {
      process.exitCode = await trust(contextFrom(flags), dir, out, flags.json === true);
    });

  cmd
    .command('help')
    .description('help for a command')
    .argument('[command]', COMMANDS.join(', '))
    .option('--json', 'failures as JSON on stdout')
    .action((name: string | undefined) => {
      if (name === undefined) cmd.help();
      const sub = cmd.commands.find((c) => c.name() === name);
      if (!sub) throw new UsageError(`unknown command '${name}'; the commands are ${COMMANDS.join(', ')}.`);
      sub.help();
    });

  return cmd;
}

/** Reports any failure (as JSON on stdout with --json) and returns the exit code. */
function fail(error: unknown): number {
  if (error instanceof CommanderError) {
    if (error.exitCode === 0) return EXIT.ok; // --help, --version
    // commander has printed the message (and the help) to stderr, unless --json.
    if (json) printFailure(out, true, { code: 'USAGE', message: redactText(error.message.replace(/^error: /, ''), 2_000), remedy: USAGE_REMEDY });
    return EXIT.usage;
  }
  if (error instanceof UsageError) {
    if (json) printFailure(out, true, { code: 'USAGE', message: error.message, remedy: USAGE_REMEDY });
    else out.error(`error: ${error.message}\n${USAGE_REMEDY}`);
    return EXIT.usage;
  }
  if (isAuthError(error)) {
    printFailure(out, json, error.toJSON());
    // A malformed option (e.g. --auth-type gemini) is a usage error.
    return error.code === 'INVALID_OPTION' || error.code === 'INVALID_OPTION_TYPE' ? EXIT.usage : error.code === 'ABORTED' ? EXIT.cancelled : EXIT.failed;
  }
  const message = error instanceof Error ? error.message : String(error);
  if (json) printFailure(out, true, { code: 'INTERNAL', message, remedy: 'This is a bug in qwen-auth; please report it with this output.' });
  else out.error(error instanceof Error && error.stack ? error.stack : message);
  return EXIT.failed;
}

try {
  await program().parseAsync(process.argv);
} catch (error) {
  process.exitCode = fail(error);
}
