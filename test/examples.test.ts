/**
 * The examples/ tools run, against the built package and the real SDKs, as
 * long-running processes: a first prompt is answered; then the key is
 * edited in the project's .env and the old one revoked; the second prompt is
 * answered with the new key, by the same client, without a restart.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeModelServer, startFakeModelServer } from '../src/testing/index.js';
import { makeTree, type Tree } from './support/tree.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const EXAMPLES = join(ROOT, 'examples');
const DIST = join(ROOT, 'dist');
const files = readdirSync(EXAMPLES).filter((f) => f.endsWith('.ts'));

const OLD = 'sk-example-old-0123456789abcdef';
const NEW = 'sk-example-new-0123456789abcdef';

let server: FakeModelServer | undefined;
let tree: Tree | undefined;
let scratch: string | undefined;
afterEach(async () => {
  await server?.close();
  tree?.remove();
  if (scratch) rmSync(scratch, { recursive: true, force: true });
  server = tree = scratch = undefined;
});

/** The example as ESM, importing the build; kept below the repository so the SDKs resolve from node_modules. */
function compiled(file: string): string {
  const cache = join(ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  scratch = mkdtempSync(join(cache, 'qwen-auth-example-'));
  const js = ts
    .transpileModule(readFileSync(join(EXAMPLES, file), 'utf8'), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } })
    .outputText.replaceAll("'qwen-auth'", JSON.stringify(join(DIST, 'index.js')));
  const out = join(scratch, file.replace(/\.ts$/, '.mjs'));
  writeFileSync(out, js);
  return out;
}

describe('examples/', () => {
  it('has one tool per SDK', () => {
    expect(files.sort()).toEqual(['ai-sdk-chat.ts', 'langchain-chat.ts', 'openai-chat.ts']);
  });

  it.each(files)('%s answers, and keeps answering after the key is edited in .env', async (file) => {
    server = await startFakeModelServer({ apiKeys: { [OLD]: {} } });
    const env = (key: string): string => `OPENAI_API_KEY=${key}\nOPENAI_BASE_URL=${server!.baseUrl}\nOPENAI_MODEL=qwen3-coder-plus\n`;
    tree = makeTree({ 'home/.keep': '', 'project/.env': env(OLD) });
    const child = spawn(process.execPath, [compiled(file)], {
      cwd: tree.path('project'),
      env: { PATH: process.env.PATH, HOME: tree.path('home') },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const answers = (n: number): Promise<void> =>
      new Promise((resolve, reject) => {
        const check = (): void => {
          if ((stdout.match(/^> ok$/gm) ?? []).length >= n) resolve();
        };
        child.stdout.on('data', (d: Buffer) => {
          stdout += d;
          check();
        });
        child.once('exit', () => reject(new Error(`exited early: ${stdout}\n${stderr}`)));
        check();
      });
    const exited = new Promise<number | null>((resolve) => child.once('close', resolve));

    child.stdin.write('first question\n');
    await answers(1);
    server.revokeKey(OLD);
    server.grantKey(NEW);
    writeFileSync(tree.path('project/.env'), env(NEW));
    child.stdin.write('second question\n');
    await answers(2);
    child.stdin.end();
    expect(await exited, stderr).toBe(0);

    const chats = server.requests.filter((r) => r.path.endsWith('/chat/completions'));
    expect(chats.map((r) => [r.authorization, r.status])).toEqual([
      [`Bearer ${OLD}`, 200],
      [`Bearer ${OLD}`, 401],
      [`Bearer ${NEW}`, 200],
    ]);
    expect(stdout + stderr).not.toContain(NEW);
  });

  it.each(files)('%s explains a missing key with its code and remedy', async (file) => {
    tree = makeTree({ 'home/.keep': '', 'project/.keep': '' });
    const child = spawn(process.execPath, [compiled(file)], {
      cwd: tree.path('project'),
      env: { PATH: process.env.PATH, HOME: tree.path('home') },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.stdin.end('hi\n');
    const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
    expect(code).toBe(1);
    expect(stderr).toMatch(/^NO_CREDENTIALS: /);
  });
});
