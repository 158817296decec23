/**
 * `qwen-auth`: which key is in use, from where, why it fails, which `.env`
 * was read — and the Qwen OAuth login. Built on the public API only; also
 * the reference example of wrapping the library in a command.
 */
import { Command, CommanderError, Option } from 'commander';
import { isAuthError, QWEN_CODE_AUTH_TYPES } from 'qwen-auth';
import { env, EXIT, login, logout, providers, status, use } from './commands.js';
import { contextFrom, type GlobalFlags, UsageError } from './context.js';
import { createOutput } from './output.js';

/** Replaced with package.json's version at build time. */
declare const QWEN_AUTH_VERSION: string;

const out = createOutput();

// Piped into `head` and the like: stop quietly when the reader goes away.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

function program(): Command {
  const cmd = new Command('qwen-auth')
    .description("Qwen Code's authentication and configuration, explained.")
    .version(QWEN_AUTH_VERSION)
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: (s) => process.stdout.write(s), writeErr: (s) => process.stderr.write(s) });

  // Which Qwen Code to resolve as: on every command that resolves.
  const mode = (c: Command): Command =>
    c.addOption(
      new Option('--qwen-code <version>', "resolve as this Qwen Code does: 0.12 (default, the auth documents) or 0.24 (today's CLI)").choices([
        '0.12',
        '0.24',
      ]),
    );
  // Qwen Code's own flags, where they overlap, plus ours.
  const shared = (c: Command): Command =>
    mode(c)
      .option('--cwd <dir>', 'resolve as if run from this folder')
      .addOption(new Option('--auth-type <type>', 'force the auth method').choices([...QWEN_CODE_AUTH_TYPES]))
      .option('--openai-api-key <key>', 'API key, as Qwen Code takes it')
      .option('--openai-base-url <url>', 'base URL, as Qwen Code takes it')
      .option('--model <model>', 'model, as Qwen Code takes it')
      .option('--json', 'machine-readable output');
  const oauth = (c: Command): Command =>
    c
      .addOption(new Option('--store <store>', 'where the login lives').choices(['file', 'keychain']))
      .option('--device-endpoint <url>', 'device authorization endpoint (default: Qwen)')
      .option('--token-endpoint <url>', 'token endpoint (default: Qwen)')
      .option('--client-id <id>', 'OAuth client id (default: Qwen Code)');

  oauth(shared(cmd.command('status')))
    .description('what resolves here: type, provider, base URL, model, key (redacted), each with its source')
    .action(async (flags: GlobalFlags) => {
      process.exitCode = await status(contextFrom(flags), flags, out);
    });

  shared(cmd.command('env'))
    .description('the .env search: folders searched, the file used, keys applied / excluded / shadowed')
    .action(async (flags: GlobalFlags) => {
      process.exitCode = await env(contextFrom(flags), flags, out);
    });

  cmd
    .command('providers')
    .description('the provider registry: endpoints per region, key formats, variables, status, quotas')
    .option('--json', 'machine-readable output')
    .action((flags: GlobalFlags) => {
      process.exitCode = providers(flags, out);
    });

  mode(cmd.command('use'))
    .description("switch the auth method (Qwen Code's /auth), in settings.json")
    .argument('<type>', 'openai or qwen-oauth; with --qwen-code 0.24 also anthropic, openai-responses, gemini, vertex-ai')
    .option('--scope <scope>', 'user (~/.qwen/settings.json) or workspace (.qwen/settings.json)', 'user')
    .option('--cwd <dir>', 'the workspace folder')
    .option('--json', 'machine-readable output')
    .action(async (type: string, flags: GlobalFlags & { scope: string }) => {
      process.exitCode = await use(contextFrom(flags), type, flags.scope, out, flags.json === true);
    });

  mode(oauth(cmd.command('login')))
    .description('log in with the Qwen OAuth device flow')
    .option('--no-browser', 'do not try to open a browser')
    .option('--no-qr', 'do not print a QR code')
    .option('--json', 'machine-readable events')
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

  mode(oauth(cmd.command('logout')))
    .description('forget the Qwen OAuth login')
    .option('--json', 'machine-readable output')
    .action(async (flags: GlobalFlags) => {
      process.exitCode = await logout(contextFrom(flags), flags, out);
    });

  return cmd;
}

try {
  await program().parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) {
    process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
  } else if (error instanceof UsageError) {
    out.error(error.message);
    process.exitCode = EXIT.usage;
  } else if (isAuthError(error)) {
    out.error(`${out.red('Error')}: ${out.bold(error.code)} — ${error.message}`);
    out.error(`${out.bold('Remedy')}: ${error.remedy}`);
    process.exitCode = EXIT.failed;
  } else {
    throw error;
  }
}
