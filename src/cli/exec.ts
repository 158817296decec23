/**
 * `qwen-auth exec [flags] -- <command> [args…]`: runs a command with the
 * resolved credential in its environment (the OpenAI variable names, and the
 * Anthropic ones for an `anthropic` result). The secret goes into that
 * child's environment only. Its stdio is ours, the signals we get are
 * forwarded, and we exit with its status (128 + n after signal n).
 */
import { delimiter, isAbsolute, join } from 'node:path';
import { type Context, type GlobalFlags, UsageError } from './context.js';
import { EXIT } from './exit.js';
import type { Output } from './output.js';
import { nodeChildProcess, nodeFs, nodeOs, statSync } from './node.js';
import { resolveForTool, tokenReport, type TokenReport } from './token.js';

/** The signals passed on to the child (SIGKILL and SIGSTOP cannot be caught). */
const FORWARDED: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH'];

/** The variables the child gets. */
export function childVariables(report: TokenReport): Record<string, string> {
  const vars: Record<string, string> = {
    OPENAI_API_KEY: report.token,
    OPENAI_BASE_URL: report.baseUrl,
    OPENAI_MODEL: report.model,
  };
  if (report.type === 'anthropic') {
    vars.ANTHROPIC_API_KEY = report.token;
    vars.ANTHROPIC_BASE_URL = report.baseUrl;
    vars.ANTHROPIC_MODEL = report.model;
  }
  return vars;
}

function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    if (process.platform !== 'win32') nodeFs().accessSync(path, nodeFs().constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * The program to start: a name with a slash as given; a bare name from the
 * absolute PATH entries only (never the working folder). Windows resolves
 * names itself (PATHEXT), so there the name is passed on.
 */
export function findProgram(name: string, path: string | undefined): string | undefined {
  if (process.platform === 'win32' || name.includes('/')) return name;
  for (const dir of (path ?? '').split(delimiter)) {
    if (!isAbsolute(dir)) continue;
    const candidate = join(dir, name);
    if (isExecutableFile(candidate)) return candidate;
  }
  return undefined;
}

/** `qwen-auth exec`: resolves first; when nothing resolves the command is not started (the error is thrown). */
export async function exec(ctx: Context, flags: GlobalFlags, argv: readonly string[], out: Output): Promise<number> {
  const [command, ...args] = argv;
  if (command === undefined || command === '') throw new UsageError('exec needs a command: qwen-auth exec [flags] -- <command> [args…]');
  const report = await tokenReport(await resolveForTool(ctx, flags));
  const program = findProgram(command, ctx.env.PATH);
  if (program === undefined) {
    out.error(`qwen-auth exec: ${command}: command not found (looked in the absolute folders of PATH)`);
    return 127;
  }
  const child = nodeChildProcess().spawn(program, args, { stdio: 'inherit', env: { ...ctx.env, ...childVariables(report) } });
  const forward = (signal: NodeJS.Signals): void => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
  };
  for (const signal of FORWARDED) process.on(signal, forward);
  try {
    return await new Promise<number>((resolve) => {
      child.once('error', (error: NodeJS.ErrnoException) => {
        out.error(`qwen-auth exec: ${command}: ${error.code === 'EACCES' ? 'permission denied' : error.message}`);
        resolve(error.code === 'ENOENT' ? 127 : 126);
      });
      child.once('exit', (code, signal) => {
        if (signal !== null) resolve(128 + (nodeOs().constants.signals[signal] ?? 0));
        else resolve(code ?? EXIT.failed);
      });
    });
  } finally {
    for (const signal of FORWARDED) process.off(signal, forward);
  }
}
