// `npm run bench`: every figure of the performance targets, measured side by
// side in one run with the previous release's build (bench/prev.mjs), printed
// as one table against its target, and written to bench/results/latest.json
// and bench/results/latest.md (the block `npm run bench:docs` puts into
// README.md and CHANGELOG.md). Timings are medians of interleaved batches or
// processes: the machines are shared and noisy, so ratios measured side by
// side are what count. `--quick` runs fewer rounds.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import fs, { mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import { cpus, tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { previousBuild, previousRev } from './prev.mjs';

const here = fileURLToPath(new URL('.', import.meta.url));
const repo = join(here, '..');
const quick = process.argv.includes('--quick');
// `--only 2,4`: only those sections (numbered below); the results files are then not written.
const onlyAt = process.argv.indexOf('--only');
const only =
  onlyAt === -1
    ? undefined
    : new Set(
        String(process.argv[onlyAt + 1] ?? '')
          .split(',')
          .map(Number),
      );
const want = (n) => !only || only.has(n);
const CUR = join(repo, 'dist');
const prevRev = previousRev();
console.error(`bench: building or reusing the previous build (${prevRev})…`);
const PREV = previousBuild(prevRev).dist;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
const quantile = (xs, q) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];
const rotate = (list, r) => list.map((_, i) => list[(i + r) % list.length]);

/** The target table: one row per figure of the issue. */
const table = [];
const row = (figure, target, measured, previous, ok, note = '') => table.push({ figure, target, measured, previous, ok, note });
/** Other figures (earlier issues' measurements). */
const others = [];
const other = (group, name, value) => others.push({ group, name, value });
const fmtNs = (v) => `${v.toFixed(0)} ns`;
const fmtUs = (v) => `${v.toFixed(1)} µs`;
const fmtX = (v) => `${v.toFixed(3)}×`;

// ---------------------------------------------------------------------------
// File-system call counting: the fs functions the library can use, wrapped
// and re-exported to ESM importers (both builds see the same counters).
const counts = new Map();
const SYNC = ['statSync', 'lstatSync', 'readFileSync', 'existsSync', 'openSync', 'readdirSync', 'accessSync', 'fstatSync', 'readSync'];
const ASYNC = ['stat', 'lstat', 'readFile', 'open', 'readdir', 'access', 'writeFile', 'rename', 'unlink', 'mkdir', 'utimes', 'realpath'];
for (const name of SYNC) {
  const original = fs[name];
  fs[name] = function (...args) {
    counts.set(name, (counts.get(name) ?? 0) + 1);
    return original.apply(this, args);
  };
}
for (const name of ASYNC) {
  const original = fs.promises[name];
  fs.promises[name] = function (...args) {
    counts.set(`promises.${name}`, (counts.get(`promises.${name}`) ?? 0) + 1);
    return original.apply(this, args);
  };
}
syncBuiltinESMExports();
const countCalls = async (fn) => {
  counts.clear();
  await fn();
  return { total: [...counts.values()].reduce((a, b) => a + b, 0), by: Object.fromEntries(counts) };
};
const byText = (by) =>
  Object.entries(by)
    .map(([k, v]) => `${k}×${v}`)
    .join(', ') || 'none';

const cur = await import(pathToFileURL(join(CUR, 'index.js')).href);
const prev = await import(pathToFileURL(join(PREV, 'index.js')).href);
const { startFakeQwenServer, startFakeModelServer } = await import(pathToFileURL(join(CUR, 'testing.js')).href);
const { createServer } = await import('node:http');

const root = realpathSync(mkdtempSync(join(tmpdir(), 'qwen-auth-bench-')));
const cpuReporter = join(here, 'cold', 'cpu.mjs');
/**
 * CPU time (user + system, ms) of one fresh node process running `args`. Every
 * process gets the same small environment: an inherited one can cost more than
 * what is measured (NODE_EXTRA_CA_CERTS alone adds tens of ms to each start).
 */
const cleanEnv = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir() };
const cpuOf = (args, env = cleanEnv) => {
  const r = spawnSync(process.execPath, ['--import', cpuReporter, ...args], { stdio: ['ignore', 'ignore', 'pipe', 'pipe'], env });
  if (r.status !== 0) throw new Error(`${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return Number(String(r.output[3]).trim()) / 1000;
};
/** An executable file `name` in an absolute PATH entry (never a relative one, as src/internal/which.ts), or undefined. */
const programOnPath = (name) =>
  (process.env.PATH ?? '')
    .split(':')
    .filter(isAbsolute)
    .map((dir) => join(dir, name))
    .find((file) => {
      try {
        fs.accessSync(file, fs.constants.X_OK);
        return fs.statSync(file).isFile();
      } catch {
        return false;
      }
    });
/** callgrind options that leave out V8's hash seed setup (see instructionsOf). */
const valgrindSkip = ['--toggle-collect=*HashSeed::InitializeRoots*', '--collect-atstart=yes'];
/**
 * Instructions (all threads) of one fresh node process running `args` under
 * valgrind's callgrind, without the CPU reporter (whose `--import` also loads
 * the ES module loader into `node -e 0`: 106 M instead of 78 M instructions):
 * about 50× slower than a plain run, but repeated runs agree within ~1 % where
 * CPU times move by ±1–2 ms.
 * Left out: V8's per-process hash seed setup (HashSeed::InitializeRoots, in
 * Node 20.20), which tests random numbers for primality and so costs 8–26 M
 * instructions by the luck of the draw. (`--collect-atstart=yes` must follow
 * `--toggle-collect`, which otherwise turns it off.)
 */
const instructionsOf = (valgrind, args, env = cleanEnv) =>
  new Promise((done, fail) => {
    const child = spawn(valgrind, ['--tool=callgrind', '--callgrind-out-file=/dev/null', ...valgrindSkip, process.execPath, ...args], {
      stdio: ['ignore', 'ignore', 'pipe'],
      env,
    });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      const n = /Collected\s*:\s*(\d+)/.exec(err);
      if (code === 0 && n) done(Number(n[1]));
      else fail(new Error(`valgrind ${args.join(' ')} exited ${code}: ${err.slice(-500)}`));
    });
  });

try {
  // Folders: an API-key project eight folders deep, and a home with a cached Qwen OAuth login.
  const home = join(root, 'home');
  const deep = join(root, 'p', 'a', 'b', 'c', 'd', 'e', 'f', 'g');
  mkdirSync(join(home, '.qwen'), { recursive: true });
  mkdirSync(deep, { recursive: true });
  writeFileSync(join(home, '.qwen', 'settings.json'), '{\n  // user settings\n  "model": { "name": "qwen3-coder-plus" }\n}\n');
  const oauthHome = join(root, 'oauth-home');
  mkdirSync(join(oauthHome, '.qwen'), { recursive: true });
  const login = (resourceUrl) =>
    JSON.stringify({
      access_token: `at-${'0'.repeat(40)}`,
      refresh_token: `rt-${'0'.repeat(40)}`,
      token_type: 'Bearer',
      resource_url: resourceUrl,
      expiry_date: Date.now() + 3 * 3600_000,
    });
  writeFileSync(join(oauthHome, '.qwen', 'oauth_creds.json'), login('portal.qwen.ai'));

  // -------------------------------------------------------------------------
  // 1. The resolved result's getAccessToken() / getToken() on a valid token, against the floor.
  if (want(1)) {
    const options = { cwd: oauthHome, homeDir: oauthHome, env: {} };
    const a = await cur.resolveAuth(options);
    const b = await prev.resolveAuth(options);
    if (a.type !== 'qwen-oauth' || b.type !== 'qwen-oauth') throw new Error('bench: not a Qwen OAuth result');
    await a.getAccessToken();
    await b.getAccessToken();
    // The floor: one property read, one clock compare, one await.
    const held = { accessToken: 'at-floor', expiresAt: Date.now() + 3600_000 };
    const floor = async () => {
      if (Date.now() < held.expiresAt - 30_000) return held.accessToken;
      return undefined;
    };
    const cases = [
      ['floor', floor],
      ['cur getAccessToken', () => a.getAccessToken()],
      ['cur getToken', () => a.getToken()],
      ['prev getAccessToken', () => b.getAccessToken()],
      ['prev getToken', () => b.getToken()],
    ];
    const batch = 1000;
    const samples = Object.fromEntries(cases.map(([k]) => [k, []]));
    for (let r = 0; r < 20; r++) for (const [, fn] of cases) for (let i = 0; i < batch; i++) await fn();
    for (let r = 0; r < (quick ? 60 : 400); r++) {
      for (const [name, fn] of rotate(cases, r)) {
        const t = performance.now();
        for (let i = 0; i < batch; i++) await fn();
        samples[name].push(((performance.now() - t) / batch) * 1e6);
      }
    }
    const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
    const hotCur = await countCalls(async () => {
      for (let i = 0; i < 1000; i++) await a.getAccessToken();
    });
    const hotPrev = await countCalls(async () => {
      for (let i = 0; i < 1000; i++) await b.getAccessToken();
    });
    for (const name of ['getAccessToken', 'getToken']) {
      const c = m[`cur ${name}`];
      const p = m[`prev ${name}`];
      row(
        `resolved result's \`${name}()\`, valid token (Qwen OAuth)`,
        '≤ 2× the floor',
        `${fmtNs(c)} = ${fmtX(c / m.floor)} the floor (${fmtNs(m.floor)})`,
        `${fmtNs(p)} = ${fmtX(p / m.floor)}`,
        c / m.floor <= 2,
        `batches of ${batch}, ${samples.floor.length} rounds interleaved`,
      );
    }
    row(
      'file-system calls per `getAccessToken()` between store checks',
      '0',
      `${hotCur.total / 1000}`,
      `${hotPrev.total / 1000}`,
      hotCur.total === 0,
      '1,000 calls counted',
    );
  }

  // -------------------------------------------------------------------------
  // 2. auth.fetch against a plain fetch with the header set by hand (loopback keep-alive POST).
  if (want(2)) {
    const server = createServer((req, res) => {
      req.resume();
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      });
    });
    await new Promise((r) => server.listen(0, '127.0.0.1', r));
    try {
      const origin = `http://127.0.0.1:${server.address().port}`;
      const base = `${origin}/v1`;
      const key = 'sk-bench-0000000000000000';
      const keyHome = join(root, 'fetch-key');
      mkdirSync(keyHome, { recursive: true });
      const keyOptions = { cwd: keyHome, homeDir: keyHome, env: { OPENAI_API_KEY: key, OPENAI_BASE_URL: base } };
      const oauthFetchHome = join(root, 'fetch-oauth');
      mkdirSync(join(oauthFetchHome, '.qwen'), { recursive: true });
      writeFileSync(join(oauthFetchHome, '.qwen', 'oauth_creds.json'), login(origin));
      // The token endpoint's host is trusted for resource_url: the loopback server (never called).
      const oauthOptions = {
        cwd: oauthFetchHome,
        homeDir: oauthFetchHome,
        env: {},
        oauth: { tokenEndpoint: `${origin}/token`, deviceAuthorizationEndpoint: `${origin}/device` },
      };
      const url = `${base}/chat/completions`;
      const init = { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model":"m","messages":[]}' };
      const one = async (f, i) => {
        const r = await f(url, i);
        await r.arrayBuffer();
      };
      for (const [kind, options] of [
        ['API key', keyOptions],
        ['Qwen OAuth', oauthOptions],
      ]) {
        const a = await cur.resolveAuth(options);
        const b = await prev.resolveAuth(options);
        if (a.baseUrl !== base && a.baseUrl !== `${origin}/v1`) throw new Error(`bench: ${kind} resolved to ${a.baseUrl}`);
        const token = await a.getToken();
        const plainInit = { ...init, headers: { ...init.headers, authorization: `Bearer ${token}` } };
        const cases = [
          ['plain', () => one(globalThis.fetch, plainInit)],
          ['cur', () => one(a.fetch, init)],
          ['prev', () => one(b.fetch, init)],
        ];
        for (let i = 0; i < 300; i++) for (const [, fn] of cases) await fn();
        // Each request timed alone, the three interleaved request by request: on a shared machine a
        // batch's mean follows the load of its moment (the same build measured 0.81–1.26× in batches
        // of 20 within a minute); the median of single requests taken side by side does not.
        const samples = { plain: [], cur: [], prev: [] };
        for (let r = 0; r < (quick ? 1500 : 8000); r++) {
          for (const [name, fn] of rotate(cases, r)) {
            const t = performance.now();
            await fn();
            samples[name].push((performance.now() - t) * 1000);
          }
        }
        const plain = median(samples.plain);
        const c = median(samples.cur) / plain;
        const p = median(samples.prev) / plain;
        row(
          `\`auth.fetch\` vs plain \`fetch\` + header, ${kind}`,
          '≤ 1.05×',
          `${fmtX(c)} (${fmtUs(median(samples.cur))} vs ${fmtUs(plain)})`,
          fmtX(p),
          c <= 1.05,
          `loopback keep-alive POST, medians of ${samples.plain.length} requests each, interleaved one by one`,
        );
      }
    } finally {
      await new Promise((r) => {
        server.closeAllConnections();
        server.close(r);
      });
    }
  }

  // -------------------------------------------------------------------------
  // 3. Warm resolveAuth(), API key, cwd eight folders deep.
  if (want(3)) {
    const options = { cwd: deep, homeDir: home, env: { OPENAI_API_KEY: 'sk-bench-0000000000000000' } };
    for (let i = 0; i < 300; i++) {
      await cur.resolveAuth(options);
      await prev.resolveAuth(options);
    }
    const t = { cur: [], prev: [] };
    for (let i = 0; i < (quick ? 500 : 3000); i++) {
      for (const [name, lib] of rotate(
        [
          ['cur', cur],
          ['prev', prev],
        ],
        i,
      )) {
        const s = performance.now();
        await lib.resolveAuth(options);
        t[name].push((performance.now() - s) * 1000);
      }
    }
    const cc = await countCalls(() => cur.resolveAuth(options));
    const pc = await countCalls(() => prev.resolveAuth(options));
    const ratio = median(t.cur) / median(t.prev);
    row(
      'warm `resolveAuth()`, API key, 8 folders deep',
      'no worse than the previous build',
      `${fmtUs(median(t.cur))} (${fmtX(ratio)} the previous), ${cc.total} fs calls`,
      `${fmtUs(median(t.prev))}, ${pc.total} fs calls`,
      ratio <= 1.05 && cc.total <= pc.total,
      `${t.cur.length} runs interleaved; p95 ${fmtUs(quantile(t.cur, 0.95))}; ${byText(cc.by)}`,
    );
  }

  // -------------------------------------------------------------------------
  // 4. Cold processes (CPU, user + system), interleaved, against an empty ES module and `node -e 0`.
  if (want(4)) {
    const ohome = oauthHome;
    const cliEnv = { ...cleanEnv, HOME: home, OPENAI_API_KEY: 'sk-bench-0000000000000000' };
    const cold = (script, ...rest) => [join(here, 'cold', script), ...rest];
    // The compile-free floor (an experiment: the package never writes a code cache): one warm-up
    // process writes the V8 code cache of the CommonJS build after its resolve; every timed one reads it.
    const codeCache = join(root, 'code-cache.bin');
    cpuOf(cold('code-cache.cjs', CUR, deep, home, codeCache, '--write'));
    /** [name, node arguments, environment]. */
    const cases = [
      ['empty', cold('empty.mjs')],
      ['cur api', cold('api-key.mjs', CUR, deep, home)],
      ['prev api', cold('api-key.mjs', PREV, deep, home)],
      ['cur oauth', cold('cached-oauth.mjs', CUR, ohome, ohome)],
      ['prev oauth', cold('cached-oauth.mjs', PREV, ohome, ohome)],
      ['cur cjs', cold('cjs.cjs', CUR, deep, home)],
      ['prev cjs', cold('cjs.cjs', PREV, deep, home)],
      ['cur cache', cold('code-cache.cjs', CUR, deep, home, codeCache)],
      ['node -e 0', ['-e', '0'], cliEnv],
      ['cur status', [join(CUR, 'cli.js'), 'status', '--no-git-check', '--cwd', deep], cliEnv],
      ['prev status', [join(PREV, 'cli.js'), 'status', '--no-git-check', '--cwd', deep], cliEnv],
    ];
    for (const [, args, env] of cases) cpuOf(args, env);
    const s = Object.fromEntries(cases.map(([k]) => [k, []]));
    const runs = quick ? 11 : 41;
    for (let i = 0; i < runs; i++) for (const [name, args, env] of rotate(cases, i)) s[name].push(cpuOf(args, env));
    const m = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, median(v)]));
    const note = `CPU ms (user+sys) medians of ${runs} processes each, interleaved, environment PATH and HOME only`;
    /** A row for `cur`/`prev` against `base`, with the CPU times `shown` in the measured cell. */
    const coldRow = (figure, limit, cur, prev, base, shown) => {
      const r = m[cur] / m[base];
      row(figure, `≤ ${limit.toFixed(2)}×`, `${fmtX(r)} (${shown.map((k) => m[k].toFixed(1)).join(' vs ')} ms)`, fmtX(m[prev] / m[base]), r <= limit, note);
    };
    coldRow('cold process, API key (import + resolve) vs empty ES module', 1.1, 'cur api', 'prev api', 'empty', ['cur api', 'empty']);
    coldRow('cold process, cached Qwen OAuth + `getAccessToken()` vs empty ES module', 1.15, 'cur oauth', 'prev oauth', 'empty', ['cur oauth']);
    coldRow('`qwen-auth status --no-git-check` vs `node -e 0`', 1.3, 'cur status', 'prev status', 'node -e 0', ['cur status', 'node -e 0']);
    const cpuGroup = 'cold process (CPU), for the CommonJS decision';
    other(cpuGroup, '`require()` + resolve, API key, vs empty ES module', `${fmtX(m['cur cjs'] / m.empty)} (previous build ${fmtX(m['prev cjs'] / m.empty)})`);
    const floorName =
      'API key, CommonJS build with every function it runs precompiled (V8 code cache): the compile-free floor of this build, vs empty ES module';
    other(
      cpuGroup,
      floorName,
      `${fmtX(m['cur cache'] / m.empty)} (${m['cur cache'].toFixed(1)} vs ${m.empty.toFixed(1)} ms); plain \`require()\` ${fmtX(m['cur cjs'] / m.empty)}`,
    );

    // The same processes counted in instructions, once each, two at a time (counts do not depend on load).
    const countGroup = 'cold process, instructions (valgrind callgrind, every thread, V8 hash seed setup left out)';
    const valgrind = programOnPath('valgrind');
    if (!valgrind) other(countGroup, 'skipped', 'valgrind not found in an absolute PATH entry');
    else if (quick && !only?.has(4)) other(countGroup, 'skipped', 'under --quick (name section 4 in --only to count)');
    else {
      const counted = ['empty', 'cur api', 'prev api', 'cur oauth', 'cur cjs', 'cur cache', 'node -e 0', 'cur status'];
      const queue = cases.filter(([k]) => counted.includes(k));
      const n = {};
      const worker = async () => {
        for (let c; (c = queue.shift()); ) n[c[0]] = await instructionsOf(valgrind, c[1], c[2]);
      };
      await Promise.all([worker(), worker()]);
      const mi = (k) => `${(n[k] / 1e6).toFixed(1)} M`;
      const vs = (k, base, then = '') => `${fmtX(n[k] / n[base])} (${mi(k)} vs ${mi(base)})${then}`;
      other(countGroup, 'API key vs empty ES module', vs('cur api', 'empty', `; previous build ${fmtX(n['prev api'] / n.empty)}`));
      other(countGroup, 'cached Qwen OAuth + `getAccessToken()` vs empty ES module', vs('cur oauth', 'empty'));
      other(countGroup, '`qwen-auth status --no-git-check` vs `node -e 0`', vs('cur status', 'node -e 0'));
      other(countGroup, floorName, vs('cur cache', 'empty', `; plain \`require()\` ${vs('cur cjs', 'empty')}`));
    }
  }

  // -------------------------------------------------------------------------
  // 5. 1,000 concurrent callers on an expired login (this build), and 16 processes.
  if (want(5)) {
    const server = await startFakeQwenServer({ refreshLatencyMs: 0 });
    try {
      const expired = server.mintCredentials({ expiresInSeconds: -60 });
      const store = cur.createFileTokenStore({ qwenDir: join(root, 'oauth1000') });
      await store.write({ accessToken: expired.access_token, refreshToken: expired.refresh_token, tokenType: 'Bearer', expiresAt: expired.expiry_date });
      const client = cur.createQwenOAuthClient({ ...server.oauthOptions, store, env: {} });
      const before = server.stats.refreshRequests;
      const tokens = await Promise.all(Array.from({ length: 1000 }, () => client.getAccessToken()));
      const n1000 = server.stats.refreshRequests - before;

      const latency = 200;
      const server16 = await startFakeQwenServer({ refreshLatencyMs: latency });
      try {
        const qwenDir = join(root, 'oauth16');
        mkdirSync(qwenDir, { recursive: true });
        writeFileSync(join(qwenDir, 'oauth_creds.json'), JSON.stringify(server16.mintCredentials({ expiresInSeconds: -60 })));
        const startAt = Date.now() + 2_000;
        const done = await Promise.all(
          Array.from(
            { length: 16 },
            () =>
              new Promise((resolveChild, reject) => {
                const child = spawn(
                  process.execPath,
                  [
                    join(here, 'refresh-child.mjs'),
                    JSON.stringify({ qwenDir, tokenEndpoint: server16.tokenEndpoint, deviceEndpoint: server16.deviceAuthorizationEndpoint, startAt }),
                  ],
                  { stdio: ['ignore', 'pipe', 'inherit'] },
                );
                let out = '';
                child.stdout.on('data', (d) => (out += d));
                child.on('close', (code) => (code === 0 ? resolveChild(JSON.parse(out)) : reject(new Error(`child exited ${code}`))));
              }),
          ),
        );
        const n16 = server16.stats.refreshRequests;
        row(
          '1,000 concurrent callers / 16 processes on an expired login',
          '1 refresh request',
          `${n1000} / ${n16}`,
          '',
          n1000 === 1 && n16 === 1,
          `distinct tokens ${new Set(tokens).size} / ${new Set(done.map((d) => d.token)).size}; the 16 hold it ${Math.max(...done.map((d) => d.at)) - startAt - latency} ms after the server's ${latency} ms`,
        );
      } finally {
        await server16.close();
      }
    } finally {
      await server.close();
    }
  }

  // -------------------------------------------------------------------------
  // 6. The package: bytes of what `import('qwen-auth')` loads (static imports of our files).
  if (want(6)) {
    const graph = (entry) => {
      const seen = new Map();
      const visit = (file) => {
        if (seen.has(file)) return;
        const text = readFileSync(file, 'utf8');
        seen.set(file, Buffer.byteLength(text));
        const re = file.endsWith('.cjs') ? /\brequire\(\s*['"](\.[^'"]+)['"]\s*\)/g : /^\s*(?:import|export)\s*(?:[^'"]*?\sfrom\s*)?['"](\.[^'"]+)['"]/gm;
        for (const m of text.matchAll(re)) visit(resolve(dirname(file), m[1]));
      };
      visit(entry);
      return { files: seen.size, bytes: [...seen.values()].reduce((a, b) => a + b, 0) };
    };
    const budgets = JSON.parse(readFileSync(join(repo, 'test', 'package', 'size-budget.json'), 'utf8'));
    for (const [entry, budget] of Object.entries(budgets.entries)) {
      const c = graph(join(CUR, entry));
      let p;
      try {
        p = graph(join(PREV, entry));
      } catch {
        p = undefined;
      }
      row(
        `package: what \`${entry}\` loads`,
        `≤ ${(budget / 1024).toFixed(0)} KiB (test/package/size-budget.json)`,
        `${(c.bytes / 1024).toFixed(1)} KiB in ${c.files} file${c.files === 1 ? '' : 's'}`,
        p ? `${(p.bytes / 1024).toFixed(1)} KiB in ${p.files} file${p.files === 1 ? '' : 's'}` : 'none',
        c.bytes <= budget,
      );
    }
    const pack = JSON.parse(execFileSync('npm', ['pack', '--dry-run', '--json'], { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }))[0];
    other('package', 'tarball / unpacked', `${(pack.size / 1024).toFixed(1)} KiB / ${(pack.unpackedSize / 1024).toFixed(0)} KiB, ${pack.entryCount} files`);
  }

  // -------------------------------------------------------------------------
  // 7. Earlier issues' figures (this build only): check(), 100 concurrent 401s.
  if (want(7)) {
    const server8 = await startFakeQwenServer({ refreshLatencyMs: 20 });
    try {
      const home8 = join(root, 'home8');
      mkdirSync(join(home8, '.qwen'), { recursive: true });
      writeFileSync(join(home8, '.qwen', 'oauth_creds.json'), JSON.stringify(server8.mintCredentials()));
      const auth8 = await cur.resolveAuth({ cwd: home8, homeDir: home8, env: {}, oauth: server8.oauthOptions });
      await auth8.getToken();
      server8.revokeAccessTokens();
      const before = server8.stats.refreshRequests;
      const answers = await Promise.all(Array.from({ length: 100 }, () => auth8.fetch(`${auth8.baseUrl}/models`).then((r) => r.status)));
      other(
        '100 concurrent requests, token rejected before it expires',
        'refresh requests; answered 200',
        `${server8.stats.refreshRequests - before}; ${answers.filter((s) => s === 200).length}/100`,
      );
    } finally {
      await server8.close();
    }
    const server9 = await startFakeModelServer({ apiKeys: { 'sk-bench-0000000000000000': {} } });
    try {
      const home9 = join(root, 'home9');
      mkdirSync(home9, { recursive: true });
      const auth9 = await cur.resolveAuth({
        cwd: home9,
        homeDir: home9,
        env: { OPENAI_API_KEY: 'sk-bench-0000000000000000', OPENAI_BASE_URL: server9.baseUrl, OPENAI_MODEL: 'qwen3-coder-plus' },
      });
      const hand = [];
      const checks = [];
      for (let i = 0; i < (quick ? 100 : 400); i++) {
        let t = performance.now();
        const r = await fetch(`${server9.baseUrl}/models`, { headers: { authorization: 'Bearer sk-bench-0000000000000000', accept: 'application/json' } });
        await r.text();
        hand.push(performance.now() - t);
        t = performance.now();
        const v = await auth9.check();
        if (!v.ok) throw new Error(`check failed: ${v.code}`);
        checks.push(performance.now() - t);
      }
      other('check() on a loopback server', 'check() − the same GET /models by hand (median)', fmtUs((median(checks) - median(hand)) * 1000));
    } finally {
      await server9.close();
    }
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}

// ---------------------------------------------------------------------------
const header = `qwen-auth bench — node ${process.version}, ${cpus().length} CPUs${quick ? ', --quick' : ''}; previous build: ${prevRev}`;
console.log(`\n${header}\n`);
const w = [62, 34, 44, 26];
const line = (cells) => cells.map((c, i) => String(c).padEnd(w[i] ?? 0)).join('  ');
console.log(line(['figure', 'target', 'measured', 'previous build', 'ok']));
for (const r of table) {
  console.log(line([r.figure.replaceAll('`', ''), r.target, r.measured, r.previous, r.ok ? 'yes' : 'NO']));
  if (r.note) console.log(`  ${r.note}`);
}
console.log('\nother figures');
for (const o of others) console.log(`  ${o.group}: ${o.name}: ${o.value}`);

const md = [
  `<!-- generated by \`npm run bench\` (bench/run.mjs); do not edit by hand -->`,
  `\`npm run bench\` on Node ${process.version}, ${cpus().length} shared CPUs${quick ? ' (--quick)' : ''}; medians and ratios measured side by side in one run with the previous build (${prevRev}).`,
  '',
  '| figure | target | measured | previous build | met |',
  '| --- | --- | --- | --- | --- |',
  ...table.map((r) => `| ${r.figure} | ${r.target} | ${r.measured} | ${r.previous || '—'} | ${r.ok ? 'yes' : 'no'} |`),
  '',
  ...others.map((o) => `- ${o.group}: ${o.name}: ${o.value}`),
].join('\n');
if (only) {
  console.log('\n--only: bench/results not written');
  process.exit(0);
}
mkdirSync(join(here, 'results'), { recursive: true });
writeFileSync(join(here, 'results', 'latest.md'), `${md}\n`);
writeFileSync(
  join(here, 'results', 'latest.json'),
  `${JSON.stringify({ node: process.version, cpus: cpus().length, date: new Date().toISOString(), previous: prevRev, quick, table, others }, null, 2)}\n`,
);
console.log('\nwritten: bench/results/latest.json, bench/results/latest.md (npm run bench:docs puts it into README.md and CHANGELOG.md)');
