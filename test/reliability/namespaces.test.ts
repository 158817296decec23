/**
 * Two PID namespaces sharing one `~/.qwen` (issue 17, hole 5): a container
 * and its host. A writer in a new PID namespace (a real one, made with
 * `unshare`) and a writer on the host save the login over and over into the
 * same folder, each cleaning leftovers after its saves as the file store
 * does. A pid from the other namespace means nothing here: neither may
 * take the other's in-flight temporary file for a dead writer's, and no
 * save may fail.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { createFileTokenStore } from '../../src/index.js';
import { makeTree, type Tree } from '../support/tree.js';
import { Figures } from './harness.js';

const figures = new Figures('namespaces');
afterAll(() => figures.print());
const DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const SAVES = 400;
let tree: Tree | undefined;
afterEach(() => {
  tree?.remove();
  tree = undefined;
});

const UNSHARE = ['--pid', '--fork', '--user', '--map-root-user', '--mount-proc'];
const canUnshare = process.platform === 'linux' && spawnSync('unshare', [...UNSHARE, 'true']).status === 0;
if (!canUnshare) console.warn('[reliability] namespaces SKIPPED: unshare cannot make a PID namespace here');

/** A writer: `SAVES` saves of a distinct login through the built file store; prints its failures. */
function writer(qwenDir: string, label: string, inNamespace: boolean): Promise<{ failures: number; errors: string[]; pid: number }> {
  const script = `
    const { createFileTokenStore } = await import(${JSON.stringify(DIST)});
    const store = createFileTokenStore({ qwenDir: ${JSON.stringify(qwenDir)} });
    let failures = 0; const errors = [];
    for (let i = 0; i < ${SAVES}; i++) {
      try {
        await store.write({ accessToken: 'at-${label}-' + i, refreshToken: 'rt-${label}-' + i, tokenType: 'Bearer', expiresAt: 4102444800000 });
      } catch (e) { failures++; if (errors.length < 3) errors.push(String(e.message)); }
    }
    console.log(JSON.stringify({ failures, errors, pid: process.pid }));`;
  const args = ['--input-type=module', '-e', script];
  const child = inNamespace ? spawn('unshare', [...UNSHARE, process.execPath, ...args]) : spawn(process.execPath, args);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    child.on('close', () => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(out.trim().split('\n').at(-1) ?? ''));
      } catch {
        resolve({ failures: SAVES, errors: ['the writer did not finish'], pid: -1 });
      }
    });
  });
}

describe.skipIf(!canUnshare)('two PID namespaces sharing ~/.qwen', () => {
  it(`a host writer and a container writer, ${SAVES} saves each: none fails, the file is always whole`, async () => {
    tree = makeTree({ 'q/.keep': '' });
    const [host, container] = await Promise.all([writer(tree.path('q'), 'host', false), writer(tree.path('q'), 'container', true)]);
    figures.add('saves', 2 * SAVES);
    figures.add('failedSaves', host.failures + container.failures);
    figures.add('containerPid', container.pid);
    for (const e of [...host.errors, ...container.errors]) figures.problem(e);
    expect(container.pid).toBeLessThan(10); // it really ran in its own PID namespace
    expect({ host: host.failures, container: container.failures }).toEqual({ host: 0, container: 0 });
    const file = JSON.parse(readFileSync(tree.path('q/oauth_creds.json'), 'utf8')) as { access_token: string };
    expect(file.access_token).toMatch(/^at-(host|container)-\d+$/);
    expect(readdirSync(tree.path('q')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  }, 90_000);
});

describe('a temporary file whose pid means nothing here', () => {
  it("a young one without a namespace (an older writer elsewhere) is kept though its pid is dead here; the next write's own cleaning leaves it", async () => {
    tree = makeTree({ 'q/.keep': '' });
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const names = [`.oauth_creds.json.${dead}.0123456789ab.tmp`, `.oauth_creds.json.${dead}-0badf00d.0123456789ab.tmp`];
    for (const n of names) writeFileSync(tree.path(`q/${n}`), '{}', { mode: 0o600 });
    await createFileTokenStore({ qwenDir: tree.path('q') }).write({ accessToken: 'at-1', refreshToken: 'rt-1', tokenType: 'Bearer', expiresAt: 4102444800000 });
    const left = readdirSync(tree.path('q')).filter((f) => f.endsWith('.tmp'));
    figures.add('foreignTempKept', left.length);
    expect(left.sort()).toEqual([...names].sort());
  });
});
