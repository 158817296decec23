/**
 * The settings writer (`setSelectedAuthType`, `qwen-auth use`) on hostile
 * files (issue 17, hole 4): a FIFO, a symlink to /dev/zero, a 100 MB file,
 * a workspace symlink to a file outside the repository, and a file with a
 * UTF-8 byte order mark. Each write runs in a child process of the built
 * package, bounded (killed after 10 s) and measured (peak memory): each must
 * end with a result or a typed error, without hanging, without reading a
 * huge file whole, and without writing outside the workspace; a BOM is
 * accepted, as the reader accepts it, and kept.
 */
import { execFileSync, spawn } from 'node:child_process';
import { readFileSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { makeTree, type Tree } from '../support/tree.js';
import { Figures } from './harness.js';

const figures = new Figures('settings writer');
afterAll(() => figures.print());
const DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
let tree: Tree | undefined;
afterEach(() => {
  tree?.remove();
  tree = undefined;
});

interface Outcome {
  readonly kind: 'result' | 'typed' | 'untyped' | 'killed';
  readonly code?: string;
  readonly maxRssMb?: number;
  readonly path?: string;
}

/** `setSelectedAuthType('openai', { scope })` from `cwd` in a child process of the build, killed after 10 s. */
function write(cwd: string, home: string, scope: 'workspace' | 'user'): Promise<Outcome> {
  const script = `
    const { setSelectedAuthType, isAuthError } = await import(${JSON.stringify(DIST)});
    const rss = () => Math.round(process.resourceUsage().maxRSS / 1024);
    try {
      const r = await setSelectedAuthType('openai', { scope: ${JSON.stringify(scope)}, cwd: ${JSON.stringify(cwd)}, homeDir: ${JSON.stringify(home)}, env: {} });
      console.log(JSON.stringify({ kind: 'result', path: r.path, maxRssMb: rss() }));
    } catch (e) {
      console.log(JSON.stringify(isAuthError(e) ? { kind: 'typed', code: e.code, maxRssMb: rss() } : { kind: 'untyped', code: String(e).slice(0, 200), maxRssMb: rss() }));
    }`;
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    child.on('close', () => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1) ?? '') as Outcome);
      } catch {
        resolve({ kind: 'killed' });
      }
    });
  });
}

/** Held: a typed SETTINGS_WRITE_FAILED, below 200 MB of memory. */
function refused(name: string, o: Outcome): void {
  const held = o.kind === 'typed' && o.code === 'SETTINGS_WRITE_FAILED' && (o.maxRssMb ?? 0) < 200;
  figures.add(held ? 'held' : 'broken');
  if (!held) figures.problem(`${name}: ${JSON.stringify(o)}`);
  expect(o, name).toMatchObject({ kind: 'typed', code: 'SETTINGS_WRITE_FAILED' });
  expect(o.maxRssMb ?? 0).toBeLessThan(200);
}

const project = () => makeTree({ 'home/.keep': '', 'repo/.qwen/.keep': '', 'outside/settings.json': '{ "keep": true }\n' });

describe.skipIf(process.platform === 'win32')('the settings writer on hostile files', () => {
  it('a FIFO as the workspace settings: refused at once, no hang', async () => {
    tree = project();
    execFileSync('mkfifo', [tree.path('repo/.qwen/settings.json')]);
    refused('FIFO', await write(tree.path('repo'), tree.path('home'), 'workspace'));
  });

  it('a FIFO as the user settings: refused at once, no hang', async () => {
    tree = makeTree({ 'home/.qwen/.keep': '', 'repo/.keep': '' });
    execFileSync('mkfifo', [tree.path('home/.qwen/settings.json')]);
    refused('user FIFO', await write(tree.path('repo'), tree.path('home'), 'user'));
  });

  it('a user settings symlink to /dev/zero: refused, nothing read', async () => {
    tree = makeTree({ 'home/.qwen/.keep': '', 'repo/.keep': '' });
    symlinkSync('/dev/zero', tree.path('home/.qwen/settings.json'));
    refused('/dev/zero', await write(tree.path('repo'), tree.path('home'), 'user'));
  });

  it('a committed workspace symlink to /dev/zero: refused, nothing read', async () => {
    tree = project();
    symlinkSync('/dev/zero', tree.path('repo/.qwen/settings.json'));
    refused('workspace /dev/zero', await write(tree.path('repo'), tree.path('home'), 'workspace'));
  });

  it('a 100 MB settings file: refused without reading it whole', async () => {
    tree = project();
    writeFileSync(tree.path('repo/.qwen/settings.json'), '{ "a": "');
    truncateSync(tree.path('repo/.qwen/settings.json'), 100 * 1024 * 1024);
    refused('100 MB', await write(tree.path('repo'), tree.path('home'), 'workspace'));
  });

  it('a workspace symlink to a file outside the repository: refused, the file unchanged', async () => {
    tree = project();
    symlinkSync(tree.path('outside/settings.json'), tree.path('repo/.qwen/settings.json'));
    refused('symlink out', await write(tree.path('repo'), tree.path('home'), 'workspace'));
    expect(readFileSync(tree.path('outside/settings.json'), 'utf8')).toBe('{ "keep": true }\n');
  });

  it('a workspace .qwen folder linked outside the repository: refused, the file unchanged', async () => {
    tree = makeTree({ 'home/.keep': '', 'repo/.keep': '', 'outside/settings.json': '{ "keep": true }\n' });
    symlinkSync(tree.path('outside'), tree.path('repo/.qwen'));
    refused('folder link out', await write(tree.path('repo'), tree.path('home'), 'workspace'));
    expect(readFileSync(tree.path('outside/settings.json'), 'utf8')).toBe('{ "keep": true }\n');
  });

  it('a workspace symlink inside the repository is still written through', async () => {
    tree = makeTree({ 'home/.keep': '', 'repo/.qwen/.keep': '', 'repo/config/settings.json': '{ "keep": true }\n' });
    symlinkSync('../config/settings.json', tree.path('repo/.qwen/settings.json'));
    const o = await write(tree.path('repo'), tree.path('home'), 'workspace');
    expect(o).toMatchObject({ kind: 'result', path: tree.path('repo/config/settings.json') });
    expect(JSON.parse(readFileSync(tree.path('repo/config/settings.json'), 'utf8'))).toEqual({ keep: true, security: { auth: { selectedType: 'openai' } } });
  });

  it('a settings file with a UTF-8 BOM: accepted as the reader accepts it, the BOM kept', async () => {
    tree = project();
    writeFileSync(tree.path('repo/.qwen/settings.json'), '\ufeff{\n  // mine\n  "model": { "name": "m" }\n}\n');
    const o = await write(tree.path('repo'), tree.path('home'), 'workspace');
    const held = o.kind === 'result';
    figures.add(held ? 'held' : 'broken');
    if (!held) figures.problem(`BOM: ${JSON.stringify(o)}`);
    expect(o.kind).toBe('result');
    const text = readFileSync(tree.path('repo/.qwen/settings.json'), 'utf8');
    expect(text.charCodeAt(0)).toBe(0xfeff);
    expect(text).toContain('// mine');
    expect(text).toContain('"selectedType": "openai"');
  });
});
