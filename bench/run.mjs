// `npm run bench`: every figure the issues ask for, measured side by side in
// one run on this machine, printed as one table and written to
// bench/results/latest.json. Timings are medians over many runs (the machines
// are shared and noisy); ratios compare runs interleaved with each other.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs, { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const quick = process.argv.includes('--quick');
const results = [];
const record = (group, name, value, unit, note = '') => {
  results.push({ group, name, value, unit, note });
};

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

// ---------------------------------------------------------------------------
// File-system call counting: wrap the fs functions the library can use and
// re-export them to ESM importers (syncBuiltinESMExports).
const counts = new Map();
const SYNC = ['statSync', 'lstatSync', 'readFileSync', 'existsSync', 'openSync', 'readdirSync', 'accessSync'];
const ASYNC = ['stat', 'lstat', 'readFile', 'open', 'readdir', 'access', 'writeFile', 'rename', 'unlink', 'mkdir', 'utimes', 'realpath'];
function instrumentFs() {
  for (const name of SYNC) {
    const original = fs[name];
    fs[name] = function (...args) {
      counts.set(name, (counts.get(name) ?? 0) + 1);
      return original.apply(this, args);
    };
  }
  const nativeRealpath = fs.realpathSync.native;
  const realpathSync = fs.realpathSync;
  fs.realpathSync = function (...args) {
    counts.set('realpathSync', (counts.get('realpathSync') ?? 0) + 1);
    return realpathSync.apply(this, args);
  };
  fs.realpathSync.native = function (...args) {
    counts.set('realpathSync.native', (counts.get('realpathSync.native') ?? 0) + 1);
    return nativeRealpath.apply(this, args);
  };
  for (const name of ASYNC) {
    const original = fs.promises[name];
    fs.promises[name] = function (...args) {
      counts.set(`promises.${name}`, (counts.get(`promises.${name}`) ?? 0) + 1);
      return original.apply(this, args);
    };
  }
  syncBuiltinESMExports();
}
const countCalls = async (fn) => {
  counts.clear();
  await fn();
  const total = [...counts.values()].reduce((a, b) => a + b, 0);
  return { total, by: Object.fromEntries(counts) };
};

instrumentFs();
const { resolveAuth, createQwenOAuthClient, createFileTokenStore } = await import(`${dist}index.js`);
const { startFakeQwenServer, startFakeModelServer } = await import(`${dist}testing.js`);
const { createServer } = await import('node:http');

const root = realpathSync(mkdtempSync(join(tmpdir(), 'qwen-auth-bench-')));
try {
  // -------------------------------------------------------------------------
  // 1. resolveAuth() warm, API-key path, cwd eight folders deep, no .env files.
  const home = join(root, 'home');
  const deep = join(root, 'p', 'a', 'b', 'c', 'd', 'e', 'f', 'g');
  mkdirSync(join(home, '.qwen'), { recursive: true });
  mkdirSync(deep, { recursive: true });
  writeFileSync(join(home, '.qwen', 'settings.json'), '{\n  // user settings\n  "model": { "name": "qwen3-coder-plus" }\n}\n');
  const options = { cwd: deep, homeDir: home, env: { OPENAI_API_KEY: 'sk-bench-0000000000000000' } };
  const folders = deep.split('/').length; // from deep up to /
  for (let i = 0; i < 300; i++) await resolveAuth(options);
  const n = quick ? 500 : 3000;
  const times = [];
  for (let i = 0; i < n; i++) {
    const t = performance.now();
    await resolveAuth(options);
    times.push(performance.now() - t);
  }
  const calls = await countCalls(() => resolveAuth(options));
  record('resolveAuth (warm, API key, 8 folders deep, no .env)', 'median', median(times) * 1000, 'µs', `p95 ${(quantile(times, 0.95) * 1000).toFixed(0)} µs, ${n} runs`);
  record(
    'resolveAuth (warm, API key, 8 folders deep, no .env)',
    'file-system calls',
    calls.total,
    'calls',
    `${Object.entries(calls.by).map(([k, v]) => `${k}×${v}`).join(', ')}; floor ${2 * folders + 2 + 5}: 2 per folder × ${folders} folders up to /, 2 home fallbacks, settings (user and workspace: 2 stats, 1 read; system and system defaults: 2 stats)`,
  );

  // -------------------------------------------------------------------------
  // 2. A whole process: import + resolve once, against `node -e 0`, interleaved.
  const coldScript = join(here, 'cold-resolve.mjs');
  const runs = quick ? 15 : 41;
  const bare = [];
  const esm = [];
  const cjs = [];
  const wall = (args) => {
    const t = performance.now();
    const r = spawnSync(process.execPath, args, { stdio: 'ignore' });
    if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}`);
    return performance.now() - t;
  };
  const coldArgs = [deep, home];
  wall(['-e', '0']);
  wall([coldScript, 'esm', ...coldArgs]);
  for (let i = 0; i < runs; i++) {
    bare.push(wall(['-e', '0']));
    esm.push(wall([coldScript, 'esm', ...coldArgs]));
    cjs.push(wall([coldScript, 'cjs', ...coldArgs]));
  }
  const group2 = 'whole process: import qwen-auth and resolve once';
  record(group2, 'node -e 0 (median)', median(bare), 'ms', `${runs} runs, interleaved`);
  record(group2, 'ESM import + resolve (median)', median(esm), 'ms');
  record(group2, 'CJS require + resolve (median)', median(cjs), 'ms');
  record(group2, 'ratio ESM / bare', median(esm) / median(bare), '×', 'target ≤ 1.35');
  record(group2, 'ratio CJS / bare', median(cjs) / median(bare), '×');

  // 2b. Inside the process: the import, the first and the second resolve (the figures README quotes).
  const inProcess = [];
  for (let i = 0; i < (quick ? 9 : 21); i++) {
    const r = spawnSync(process.execPath, [join(here, 'in-process.mjs'), deep, home], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`in-process.mjs exited ${r.status}: ${r.stderr}`);
    inProcess.push(JSON.parse(r.stdout));
  }
  const group2b = 'inside one process: import, then resolve';
  const span = (k) => `min ${Math.min(...inProcess.map((x) => x[k])).toFixed(1)}, max ${Math.max(...inProcess.map((x) => x[k])).toFixed(1)} ms, ${inProcess.length} processes`;
  record(group2b, 'import qwen-auth (median)', median(inProcess.map((x) => x[0])), 'ms', span(0));
  record(group2b, 'first resolveAuth() (median)', median(inProcess.map((x) => x[1])), 'ms', span(1));
  record(group2b, 'second resolveAuth() (median)', median(inProcess.map((x) => x[2])), 'ms', span(2));

  // -------------------------------------------------------------------------
  // 3. getAccessToken() on a valid token.
  const server = await startFakeQwenServer({ refreshLatencyMs: 0 });
  try {
    const qwenDir = join(root, 'oauth');
    const store = createFileTokenStore({ qwenDir });
    const minted = server.mintCredentials();
    await store.write({ accessToken: minted.access_token, refreshToken: minted.refresh_token, tokenType: 'Bearer', resourceUrl: minted.resource_url, expiresAt: minted.expiry_date });
    let now = Date.now();
    const client = createQwenOAuthClient({ ...server.oauthOptions, store, env: {}, now: () => now });
    await client.getAccessToken();
    const batch = 1000;
    const perCall = [];
    for (let r = 0; r < (quick ? 50 : 300); r++) {
      const t = performance.now();
      for (let i = 0; i < batch; i++) await client.getAccessToken();
      perCall.push(((performance.now() - t) / batch) * 1e6);
    }
    const hot = await countCalls(async () => {
      for (let i = 0; i < 1000; i++) await client.getAccessToken();
    });
    now += 5_000; // the 5 s check of another process's changes
    const check = await countCalls(() => client.getAccessToken());
    const group3 = 'getAccessToken() on a valid token';
    record(group3, 'median per call', perCall.length ? median(perCall) : 0, 'ns', `batches of ${batch}`);
    record(group3, 'file-system calls per call (hot)', hot.total / 1000, 'calls', 'no I/O between checks');
    record(group3, 'file-system calls per 5 s check', check.total, 'calls', Object.entries(check.by).map(([k, v]) => `${k}×${v}`).join(', '));

    // -----------------------------------------------------------------------
    // 4. 1,000 concurrent callers on an expired token.
    const expired = server.mintCredentials({ expiresInSeconds: -60 });
    const store2 = createFileTokenStore({ qwenDir: join(root, 'oauth2') });
    await store2.write({ accessToken: expired.access_token, refreshToken: expired.refresh_token, tokenType: 'Bearer', expiresAt: expired.expiry_date });
    const before = server.stats.refreshRequests;
    const client2 = createQwenOAuthClient({ ...server.oauthOptions, store: store2, env: {} });
    const t4 = performance.now();
    const tokens = await Promise.all(Array.from({ length: 1000 }, () => client2.getAccessToken()));
    const group4 = '1,000 concurrent callers, expired token';
    record(group4, 'refresh requests', server.stats.refreshRequests - before, 'requests', `distinct tokens returned: ${new Set(tokens).size}`);
    record(group4, 'time until all hold the new token', performance.now() - t4, 'ms', 'includes loading openid-client');
  } finally {
    await server.close();
  }

  // -------------------------------------------------------------------------
  // 5. 16 processes at once on an expired login.
  const latency = 200;
  const server5 = await startFakeQwenServer({ refreshLatencyMs: latency });
  try {
    const qwenDir = join(root, 'oauth16');
    const expired = server5.mintCredentials({ expiresInSeconds: -60 });
    mkdirSync(qwenDir, { recursive: true });
    writeFileSync(join(qwenDir, 'oauth_creds.json'), JSON.stringify(expired));
    const startAt = Date.now() + 2_000;
    const children = Array.from({ length: 16 }, () =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [join(here, 'refresh-child.mjs'), JSON.stringify({ qwenDir, tokenEndpoint: server5.tokenEndpoint, deviceEndpoint: server5.deviceAuthorizationEndpoint, startAt })], { stdio: ['ignore', 'pipe', 'inherit'] });
        let out = '';
        child.stdout.on('data', (d) => (out += d));
        child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`child exited ${code}`))));
      }),
    );
    const done = await Promise.all(children);
    const last = Math.max(...done.map((d) => d.at));
    const group5 = `16 processes at once, expired login (server latency ${latency} ms)`;
    record(group5, 'refresh requests', server5.stats.refreshRequests, 'requests', `distinct tokens: ${new Set(done.map((d) => d.token)).size}`);
    record(group5, 'time until all hold the new token − server latency', last - startAt - latency, 'ms', `raw ${last - startAt} ms from the common start`);
  } finally {
    await server5.close();
  }

  // -------------------------------------------------------------------------
  // 6. The git check (issue 12): `qwen-auth status` runs it by default; the
  //    same command with --no-git-check, interleaved, in a repository of
  //    2,000 committed files whose .qwen/.env is ignored (one git process) or
  //    force-added (tracked: a second process, check-ignore). Then
  //    resolveAuth() warm with and without gitCheck.
  const gitHome = join(root, 'git-home');
  mkdirSync(gitHome, { recursive: true });
  const setupEnv = {
    PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: gitHome, GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@example.invalid', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@example.invalid',
  };
  const makeRepo = (name, track) => {
    const repo = join(root, name);
    for (let d = 0; d < 100; d++) {
      mkdirSync(join(repo, 'src', `d${d}`), { recursive: true });
      for (let f = 0; f < 20; f++) writeFileSync(join(repo, 'src', `d${d}`, `f${f}.ts`), `export const x${f} = ${d};\n`);
    }
    mkdirSync(join(repo, '.qwen'), { recursive: true });
    writeFileSync(join(repo, '.qwen', '.env'), 'OPENAI_API_KEY=sk-sp-bench000000000000000000000000\n');
    writeFileSync(join(repo, '.gitignore'), '.env\n');
    const g = (...args) => execFileSync('git', args, { cwd: repo, env: setupEnv, stdio: 'ignore' });
    g('init', '-q');
    g('add', '.');
    if (track) g('add', '-f', '.qwen/.env');
    g('commit', '-qm', 'bench');
    return repo;
  };
  const ignoredRepo = makeRepo('git-ignored', false);
  const trackedRepo = makeRepo('git-tracked', true);
  const cliEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: gitHome };
  const cli = join(dist, 'cli.js');
  const status = (repo, ...flags) => {
    const t = performance.now();
    const r = spawnSync(process.execPath, [cli, 'status', '--cwd', repo, ...flags], { env: cliEnv, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`qwen-auth status exited ${r.status}: ${r.stderr}`);
    return { ms: performance.now() - t, out: r.stdout };
  };
  // The states are what they should be: nothing for the ignored file, a warning for the tracked one.
  if (status(ignoredRepo).out.includes('SECRET_FILE') || !status(trackedRepo).out.includes('SECRET_FILE_TRACKED')) {
    throw new Error('bench: the git check did not report what it should');
  }
  const off = [];
  const onIgnored = [];
  const onTracked = [];
  for (let i = 0; i < runs; i++) {
    off.push(status(ignoredRepo, '--no-git-check').ms);
    onIgnored.push(status(ignoredRepo).ms);
    onTracked.push(status(trackedRepo).ms);
  }
  const group6 = 'git check on `qwen-auth status` (repository of 2,000 committed files)';
  record(group6, 'status --no-git-check (median)', median(off), 'ms', `${runs} runs, interleaved`);
  record(group6, 'status, .env ignored: 1 git process (median)', median(onIgnored), 'ms', `+${(median(onIgnored) - median(off)).toFixed(1)} ms`);
  record(group6, 'status, .env tracked: 2 git processes (median)', median(onTracked), 'ms', `+${(median(onTracked) - median(off)).toFixed(1)} ms`);
  record(group6, 'ratio with / without (ignored)', median(onIgnored) / median(off), '×');
  record(group6, 'ratio with / without (tracked)', median(onTracked) / median(off), '×');

  const resolveOptions = { cwd: ignoredRepo, homeDir: gitHome, env: cliEnv };
  const warm = quick ? 30 : 200;
  const plain = [];
  const checked = [];
  for (let i = 0; i < 20; i++) await resolveAuth({ ...resolveOptions, gitCheck: true });
  for (let i = 0; i < warm; i++) {
    let t = performance.now();
    await resolveAuth(resolveOptions);
    plain.push(performance.now() - t);
    t = performance.now();
    await resolveAuth({ ...resolveOptions, gitCheck: true });
    checked.push(performance.now() - t);
  }
  const group6b = 'resolveAuth() warm, .env in a git repository (ignored)';
  record(group6b, 'without gitCheck (median)', median(plain) * 1000, 'µs', `${warm} runs, interleaved`);
  record(group6b, 'with gitCheck: true (median)', median(checked) * 1000, 'µs', `p95 ${(quantile(checked, 0.95) * 1000).toFixed(0)} µs`);
  // 7. Calling a model: auth.fetch against a plain fetch, interleaved, to one loopback server.
  const plainServer = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
  });
  await new Promise((r) => plainServer.listen(0, '127.0.0.1', r));
  try {
    const base = `http://127.0.0.1:${plainServer.address().port}/v1`;
    const home7 = join(root, 'home7');
    mkdirSync(home7, { recursive: true });
    const auth7 = await resolveAuth({ cwd: home7, homeDir: home7, env: { OPENAI_API_KEY: 'sk-bench-0000000000000000', OPENAI_BASE_URL: base } });
    const url = `${base}/chat/completions`;
    const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"m","messages":[]}' };
    const plainInit = { ...init, headers: { ...init.headers, authorization: 'Bearer sk-bench-0000000000000000' } };
    const one = async (f, i) => {
      const r = await f(url, i);
      await r.arrayBuffer();
    };
    for (let i = 0; i < 200; i++) {
      await one(globalThis.fetch, plainInit);
      await one(auth7.fetch, init);
    }
    const plainPer = [];
    const authPer = [];
    const batch7 = 50;
    for (let r = 0; r < (quick ? 20 : 120); r++) {
      // Alternate which goes first, so neither always runs on a warmer connection pool.
      const runs7 = [
        [plainPer, () => one(globalThis.fetch, plainInit)],
        [authPer, () => one(auth7.fetch, init)],
      ];
      if (r % 2) runs7.reverse();
      for (const [into, call] of runs7) {
        const t = performance.now();
        for (let i = 0; i < batch7; i++) await call();
        into.push(((performance.now() - t) / batch7) * 1000);
      }
    }
    const group7 = 'auth.fetch vs plain fetch (loopback POST, API key, interleaved)';
    record(group7, 'plain fetch, median per request', median(plainPer), 'µs', `batches of ${batch7}, Authorization set by hand`);
    record(group7, 'auth.fetch, median per request', median(authPer), 'µs');
    record(group7, 'overhead per request', median(authPer) - median(plainPer), 'µs');
    record(group7, 'ratio auth.fetch / plain', median(authPer) / median(plainPer), '×');
  } finally {
    await new Promise((r) => {
      plainServer.closeAllConnections();
      plainServer.close(r);
    });
  }

  // 8. 100 concurrent requests hitting a 401 (a Qwen OAuth token rejected before it expires).
  const server8 = await startFakeQwenServer({ refreshLatencyMs: 20 });
  try {
    const home8 = join(root, 'home8');
    mkdirSync(join(home8, '.qwen'), { recursive: true });
    writeFileSync(join(home8, '.qwen', 'oauth_creds.json'), JSON.stringify(server8.mintCredentials()));
    const auth8 = await resolveAuth({ cwd: home8, homeDir: home8, env: {}, oauth: server8.oauthOptions });
    await auth8.getToken();
    server8.revokeAccessTokens();
    const before = server8.stats.refreshRequests;
    const t8 = performance.now();
    const answers = await Promise.all(Array.from({ length: 100 }, () => auth8.fetch(`${auth8.baseUrl}/models`).then((r) => r.status)));
    const group8 = '100 concurrent requests, token rejected before it expires';
    record(group8, 'refresh requests', server8.stats.refreshRequests - before, 'requests', `answers 200: ${answers.filter((s) => s === 200).length}/100; 401s seen by the server: ${server8.stats.apiRejections}`);
    record(group8, 'time until all answered', performance.now() - t8, 'ms', 'server refresh latency 20 ms');
  } finally {
    await server8.close();
  }

  // 9. check() against a loopback server, minus the server's own latency (the same GET /models by hand).
  const server9 = await startFakeModelServer({ apiKeys: { 'sk-bench-0000000000000000': {} } });
  try {
    const home9 = join(root, 'home9');
    mkdirSync(home9, { recursive: true });
    const auth9 = await resolveAuth({ cwd: home9, homeDir: home9, env: { OPENAI_API_KEY: 'sk-bench-0000000000000000', OPENAI_BASE_URL: server9.baseUrl, OPENAI_MODEL: 'qwen3-coder-plus' } });
    const byHand = async () => {
      const t = performance.now();
      const r = await fetch(`${server9.baseUrl}/models`, { headers: { authorization: 'Bearer sk-bench-0000000000000000', accept: 'application/json' } });
      await r.text();
      return performance.now() - t;
    };
    const viaCheck = async () => {
      const t = performance.now();
      const v = await auth9.check();
      if (!v.ok) throw new Error(`check failed: ${v.code}`);
      return performance.now() - t;
    };
    for (let i = 0; i < 50; i++) {
      await byHand();
      await viaCheck();
    }
    const hand = [];
    const checks = [];
    for (let i = 0; i < (quick ? 100 : 500); i++) {
      hand.push(await byHand());
      checks.push(await viaCheck());
    }
    const group9 = 'check() on a loopback server (GET /models, interleaved)';
    record(group9, 'the same request by hand (server + transport), median', median(hand) * 1000, 'µs');
    record(group9, 'check(), median', median(checks) * 1000, 'µs');
    record(group9, 'check() − the request by hand', (median(checks) - median(hand)) * 1000, 'µs', 'classification, model list, timeout signal');
  } finally {
    await server9.close();
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------
// 7. The package: what `npm pack` ships and what an install pulls in.
const pack = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: join(here, '..'), encoding: 'utf8' }))[0];
// Production packages of the lock file: what `npm install qwen-auth` adds.
const lock = JSON.parse(fs.readFileSync(join(here, '..', 'package-lock.json'), 'utf8'));
const prod = Object.entries(lock.packages)
  .filter(([path, entry]) => path.startsWith('node_modules/') && !entry.dev && !entry.peer)
  .map(([path]) => path);
record('package', 'unpacked size', pack.unpackedSize / 1024, 'KiB', `${pack.entryCount} files, tarball ${(pack.size / 1024).toFixed(1)} KiB`);
record('package', 'installed dependencies', prod.length, 'packages', prod.map((p) => p.split('node_modules/').at(-1)).join(', '));

// ---------------------------------------------------------------------------
const fmt = (v, unit) =>
  unit === '×' ? v.toFixed(3) : ['calls', 'requests', 'packages'].includes(unit) ? String(Math.round(v * 100) / 100) : v.toFixed(unit === 'µs' || unit === 'ns' ? 0 : 1);
let group = '';
console.log(`qwen-auth bench — node ${process.version}, ${cpus().length} cpus${quick ? ', --quick' : ''}\n`);
for (const r of results) {
  if (r.group !== group) {
    group = r.group;
    console.log(`\n${group}`);
  }
  console.log(`  ${r.name.padEnd(52)} ${`${fmt(r.value, r.unit)} ${r.unit}`.padStart(14)}  ${r.note}`);
}
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(
  join(here, 'results', 'latest.json'),
  `${JSON.stringify({ node: process.version, cpus: cpus().length, date: new Date().toISOString(), results }, null, 2)}\n`,
);
console.log('\nwritten: bench/results/latest.json');
