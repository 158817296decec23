import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** The built command. */
export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface CliRun {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the built command in `cwd` with a clean environment (PATH and HOME, plus `env`). */
export function runCli(
  args: readonly string[],
  options: { readonly cwd: string; readonly home: string; readonly env?: Record<string, string> },
): Promise<CliRun> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: options.home, ...options.env },
      cwd: options.cwd,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.stdin.end('');
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The JSON documents the command printed (each pretty-printed, one after the other). */
export function jsonDocuments(stdout: string): unknown[] {
  const docs: unknown[] = [];
  let start = 0;
  for (const m of stdout.matchAll(/^[}\]]$/gm)) {
    const end = m.index! + 1;
    docs.push(JSON.parse(stdout.slice(start, end)));
    start = end;
  }
  if (stdout.slice(start).trim() !== '') throw new Error(`not only JSON on stdout:\n${stdout}`);
  return docs;
}
