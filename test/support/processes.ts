import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const STORE_CHILD = fileURLToPath(new URL('../fixtures/store-child.mjs', import.meta.url));

export interface Run {
  readonly child: ChildProcess;
  /** Resolves with stdout when the process exits. */
  readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  /** Resolves when stdout contains `text`. */
  waitFor(text: string): Promise<void>;
}

/** Starts `node <script> ...args` and collects its output. */
export function run(script: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env): Run {
  const child = spawn(process.execPath, [script, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const watchers: { text: string; resolve: () => void }[] = [];
  child.stdout!.on('data', (d: Buffer) => {
    stdout += d;
    for (const w of [...watchers]) {
      if (stdout.includes(w.text)) {
        watchers.splice(watchers.indexOf(w), 1);
        w.resolve();
      }
    }
  });
  child.stderr!.on('data', (d: Buffer) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return {
    child,
    done,
    waitFor: (text) => (stdout.includes(text) ? Promise.resolve() : new Promise<void>((resolve) => watchers.push({ text, resolve }))),
  };
}

/** Runs the store child and parses its JSON lines. */
export async function storeChild(command: string, options: object): Promise<Record<string, unknown>[]> {
  const r = await run(STORE_CHILD, [command, JSON.stringify(options)]).done;
  if (r.code !== 0) throw new Error(`store child failed (${r.code}): ${r.stderr}`);
  return r.stdout
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);
}
