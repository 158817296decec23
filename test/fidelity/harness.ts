/**
 * The differential harness both suites share (qwen-code.fidelity.test.ts for
 * @qwen-code/qwen-code@0.12.0, qwen-code-024.fidelity.test.ts for 0.24.4):
 * a case's files written into a fresh folder with its placeholders filled,
 * qwen-auth's options for it, the real CLI run on it, and the seeds run by a
 * few workers.
 */
import { spawn } from 'node:child_process';
import type { ResolveAuthOptions } from '../../src/index.js';
import { type MitmProxy, startMitmProxy } from '../support/mitm-proxy.js';
import { type ModelServer, startModelServer } from '../support/model-server.js';
import type { TestCa } from '../support/tls.js';
import { makeTree, type Tree } from '../support/tree.js';

/** The loopback model server and, in front of it, the TLS proxy that every https host goes to. */
export interface CaseServers {
  readonly model: ModelServer;
  readonly proxy: MitmProxy;
  close(): Promise<void>;
}

export async function startCaseServers(ca: TestCa): Promise<CaseServers> {
  const model = await startModelServer();
  // The proxy tells the model server which host was asked for (x-forwarded-host).
  const proxy = await startMitmProxy({ ca, route: (_host, p) => (p === 443 ? { host: '127.0.0.1', port: model.port } : undefined) });
  return {
    model,
    proxy,
    close: async () => {
      await proxy.close();
      await model.close();
    },
  };
}

/** What every generated case has. */
export interface GeneratedCase {
  readonly files: Record<string, string>;
  readonly cwd: string;
  readonly home: string;
  readonly env: Record<string, string>;
}

/** A case written to disk: `{port}` is the loopback server's port, `{root}` the case's folder, `{home}` its home. */
export interface Materialized {
  readonly tree: Tree;
  readonly env: Record<string, string>;
  readonly sub: (value: string) => string;
}

export function materialize(c: GeneratedCase, port: number): Materialized {
  const tree = makeTree({});
  const sub = (v: string): string => v.replaceAll('{port}', String(port)).replaceAll('{home}', tree.path(c.home)).replaceAll('{root}', tree.root);
  tree.write(Object.fromEntries(Object.entries(c.files).map(([k, v]) => [k, sub(v)])));
  const env = Object.fromEntries(Object.entries(c.env).map(([k, v]) => [k, sub(v)]));
  return { tree, env, sub };
}

/**
 * qwen-auth's options for a case. `trustWorkspace: true`: the CLI is run on
 * the same folder, so no destination is refused for being chosen by an
 * untrusted workspace (issue #16's check is not what is measured here).
 */
export function oursOptions(c: GeneratedCase, m: Materialized, more: Partial<ResolveAuthOptions>): ResolveAuthOptions {
  return { cwd: m.tree.path(c.cwd), homeDir: m.tree.path(c.home), env: m.env, ...({ trustWorkspace: true } as object), ...more };
}

/** Runs the real CLI non-interactively on the case; resolves with what it printed. */
export function runCli(cli: string, args: readonly string[], c: GeneratedCase, m: Materialized, ca: TestCa, timeout: number): Promise<string> {
  return runCliIn(cli, args, { cwd: m.tree.path(c.cwd), home: m.tree.path(c.home), env: m.env }, ca, timeout);
}

/** Runs the real CLI in a folder with a home and an environment; resolves with what it printed. */
export function runCliIn(
  cli: string,
  args: readonly string[],
  where: { readonly cwd: string; readonly home: string; readonly env: Record<string, string> },
  ca: TestCa,
  timeout: number,
): Promise<string> {
  return new Promise<string>((resolve) => {
    const child = spawn(process.execPath, [cli, ...args], {
      cwd: where.cwd,
      env: { ...where.env, HOME: where.home, PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_EXTRA_CA_CERTS: ca.certPath, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout,
    });
    let out = '';
    child.stderr.on('data', (d: Buffer) => (out += d));
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.on('close', () => resolve(out));
  });
}

/** Runs `count` seeds from `first` with `workers` in parallel. */
export async function runSeeds(count: number, first: number, workers: number, each: (seed: number) => Promise<void>): Promise<void> {
  const seeds = Array.from({ length: count }, (_, i) => first + i);
  await Promise.all(
    Array.from({ length: workers }, async () => {
      for (let seed = seeds.shift(); seed !== undefined; seed = seeds.shift()) await each(seed);
    }),
  );
}
