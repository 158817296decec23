// `node bench/serve.mjs` (after a build): the latency `qwen-auth serve` adds
// to a request, against the same request sent directly with the key, both to
// the loopback fake model server, interleaved; medians and p90 over N rounds.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startFakeModelServer } from '../dist/testing.js';

const N = Number(process.argv[2] ?? 400);
const KEY = 'sk-bench000000000000000000000serve';
const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const p90 = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)];

const model = await startFakeModelServer({ apiKeys: { [KEY]: {} } });
const dir = realpathSync(mkdtempSync(join(tmpdir(), 'qwen-auth-bench-serve-')));
mkdirSync(join(dir, 'home'));
mkdirSync(join(dir, 'app'));
writeFileSync(join(dir, 'app/.env'), `OPENAI_API_KEY=${KEY}\nOPENAI_BASE_URL=${model.baseUrl}\nOPENAI_MODEL=qwen3-coder-plus\n`);
const child = spawn(process.execPath, [...(process.env.SERVE_PROF ? ['--cpu-prof', '--cpu-prof-dir', process.env.SERVE_PROF] : []), cli, 'serve', '--json'], {
  cwd: join(dir, 'app'),
  env: { PATH: process.env.PATH, HOME: join(dir, 'home') },
  stdio: ['ignore', 'pipe', 'inherit'],
});
const ready = await new Promise((resolve) => {
  let out = '';
  child.stdout.on('data', (d) => {
    out += d;
    if (out.includes('\n')) resolve(JSON.parse(out.slice(0, out.indexOf('\n'))));
  });
});

const body = JSON.stringify({ model: 'qwen3-coder-plus', messages: [{ role: 'user', content: 'hi' }] });
const send = async (url, key) => {
  const t = performance.now();
  const r = await fetch(`${url}/chat/completions`, { method: 'POST', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' }, body });
  await r.arrayBuffer();
  if (r.status !== 200) throw new Error(`HTTP ${r.status}`);
  return performance.now() - t;
};
for (let i = 0; i < 30; i++) await Promise.all([send(model.baseUrl, KEY), send(ready.baseUrl, ready.apiKey)]); // warm-up
// CPU time of the serve process (Linux /proc): a figure the machine's load does not change much.
const cpuTicks = () => {
  try {
    const f = readFileSync(`/proc/${child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return Number(f[11]) + Number(f[12]); // utime + stime, in clock ticks (1/100 s)
  } catch {
    return undefined;
  }
};
const ticksBefore = cpuTicks();
const direct = [];
const served = [];
for (let i = 0; i < N; i++) {
  if (i % 2) {
    direct.push(await send(model.baseUrl, KEY));
    served.push(await send(ready.baseUrl, ready.apiKey));
  } else {
    served.push(await send(ready.baseUrl, ready.apiKey));
    direct.push(await send(model.baseUrl, KEY));
  }
}
const f = (x) => `${(x * 1000).toFixed(0)} µs`;
console.log(`serve, ${N} interleaved POST /chat/completions to the loopback fake model server (Node ${process.version}):`);
console.log(`  direct   median ${f(median(direct))}, p90 ${f(p90(direct))}`);
console.log(`  serve    median ${f(median(served))}, p90 ${f(p90(served))}`);
console.log(`  added    median ${f(median(served) - median(direct))}`);
const ticksAfter = cpuTicks();
if (ticksBefore !== undefined && ticksAfter !== undefined)
  console.log(`  serve's own CPU per request ≈ ${(((ticksAfter - ticksBefore) * 10_000) / N).toFixed(0)} µs (user + system, /proc)`);
child.kill('SIGTERM');
await new Promise((r) => child.on('close', r));
await model.close();
rmSync(dir, { recursive: true, force: true });
