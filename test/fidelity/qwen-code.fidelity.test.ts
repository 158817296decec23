/**
 * Differential test against the real Qwen Code CLI (`@qwen-code/qwen-code@0.12.0`):
 * random cases over spec §1–4 are resolved by qwen-auth and run through the
 * CLI, whose first model request is caught on loopback (directly for http
 * base URLs, through a TLS-terminating proxy for https ones). The key,
 * endpoint and model that reach the server must be the ones we resolve,
 * except where the spec says we differ on purpose.
 *
 * Slow (a CLI start per case): opt in with QWEN_AUTH_FIDELITY=<number of cases>.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAuthError, resolveAuth } from '../../src/index.js';
import { startMitmProxy } from '../support/mitm-proxy.js';
import { createTestCa, hasOpenssl, type TestCa } from '../support/tls.js';
import { QWEN_CODE_CLI } from '../support/qwen-code.js';
import { type Case, generateCase } from './generate.js';
import { materialize, oursOptions, runCli, runSeeds } from './harness.js';
import { LayerTally } from './layers.js';

const COUNT = Number(process.env.QWEN_AUTH_FIDELITY ?? 0);
const SEED = Number(process.env.QWEN_AUTH_FIDELITY_SEED ?? 1);
const WORKERS = Number(process.env.QWEN_AUTH_FIDELITY_WORKERS ?? 4);
/** Run only the seeds whose case has settings layers (layers.ts): QWEN_AUTH_FIDELITY_LAYERED=1. */
const LAYERED_ONLY = process.env.QWEN_AUTH_FIDELITY_LAYERED === '1';
/** Only the seeds with a layer tag starting with this (layers.ts), e.g. QWEN_AUTH_FIDELITY_TAG=trust-. */
const TAG = process.env.QWEN_AUTH_FIDELITY_TAG;
const qwenCli = QWEN_CODE_CLI;
const enabled = COUNT > 0 && qwenCli !== undefined && hasOpenssl();
if (!enabled) {
  console.warn(
    `[fidelity] skipped: set QWEN_AUTH_FIDELITY=<cases> to compare with Qwen Code${qwenCli ? '' : ' (not installed)'}${hasOpenssl() ? '' : ' (no openssl)'}`,
  );
}

/** What reached a fake model server. */
interface Hit {
  readonly origin: string;
  readonly path: string;
  readonly key: string;
  readonly model: string;
}

/** A fake OpenAI-compatible server answering with a short SSE completion. */
async function startModelServer(origin: (port: number) => string, hits: Hit[]): Promise<Server> {
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      let model = '';
      try {
        model = String((JSON.parse(body) as { model?: unknown }).model ?? '');
      } catch {
        /* not JSON */
      }
      const port = (server.address() as AddressInfo).port;
      hits.push({ origin: origin(port), path: req.url ?? '', key: (req.headers.authorization ?? '').replace(/^Bearer /, ''), model });
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      const chunk = (delta: object, finish: string | null) =>
        `data: ${JSON.stringify({ id: 'x', object: 'chat.completion.chunk', created: 0, model, choices: [{ index: 0, delta, finish_reason: finish }] })}\n\n`;
      res.end(`${chunk({ role: 'assistant', content: 'ok' }, null)}${chunk({}, 'stop')}data: [DONE]\n\n`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return server;
}

const HTTPS_HOSTS = ['dashscope.aliyuncs.com', 'coding.dashscope.aliyuncs.com', 'api.openai.com'];
/** Variables a generated case may put in advanced.excludedEnvVars (see generate.ts). */
const EXCLUDABLE = new Set(['OPENAI_MODEL', 'OPENAI_API_KEY', 'DEBUG', 'QWEN_MODEL']);

interface Outcome {
  readonly ok: boolean;
  readonly key?: string;
  readonly baseUrl?: string;
  readonly model?: string;
  readonly code?: string;
  /** Why Qwen Code is expected to differ (then the case is not compared). */
  readonly differs?: string;
}

async function runCase(c: Case, ca: TestCa): Promise<{ ours: Outcome; theirs: Outcome; stderr: string }> {
  const hits: Hit[] = [];
  const local = await startModelServer((port) => `http://127.0.0.1:${port}`, hits);
  const port = (local.address() as AddressInfo).port;
  const remote = new Map<string, Server>();
  for (const host of HTTPS_HOSTS) remote.set(host, await startModelServer(() => `https://${host}`, hits));
  const proxy = await startMitmProxy({
    ca,
    route: (host, p) => {
      const s = p === 443 ? remote.get(host) : undefined;
      return s ? { host: '127.0.0.1', port: (s.address() as AddressInfo).port } : undefined;
    },
  });
  const m = materialize(c, port);
  const { tree } = m;
  const overrides = Object.fromEntries(Object.entries(c.overrides).map(([k, v]) => [k, m.sub(v)]));
  try {
    // Ours.
    let ours: Outcome;
    try {
      const auth = await resolveAuth(oursOptions(c, m, { overrides: { authType: 'openai', ...overrides } }));
      if (auth.type !== 'openai') throw new Error('expected openai');
      // security.auth.useExternal skips the check that rejects a key given only by flag (settings-layers.md §4).
      const onlyCliKey = auth.sources.apiKey?.kind === 'override' && auth.sources.apiKey.shadowed.length === 0 && !c.layers.includes('use-external');
      // Qwen Code 0.12 applies the exclusion list to ~/.env too (its path has no ".qwen");
      // the spec exempts every home-level file.
      const homeDotenvExclusion = auth.envFile?.path === tree.path(`${c.home}/.env`) && auth.envFile.applied.some((k) => EXCLUDABLE.has(k));
      const differs = onlyCliKey
        ? 'a key given only as --openai-api-key (Qwen Code 0.12 rejects it)'
        : homeDotenvExclusion
          ? '~/.env may set excluded variables (Qwen Code 0.12 treats it as a project file)'
          : undefined;
      ours = { ok: true, key: auth.apiKey, baseUrl: auth.baseUrl, model: auth.model, ...(differs && { differs }) };
    } catch (error) {
      if (!isAuthError(error)) throw error;
      ours = { ok: false, code: error.code };
    }

    // Theirs.
    const args = [qwenCli!, '--auth-type', 'openai', '-p', 'hi', '--proxy', proxy.url];
    if (overrides.apiKey) args.push('--openai-api-key', overrides.apiKey);
    if (overrides.baseUrl) args.push('--openai-base-url', overrides.baseUrl);
    if (overrides.model) args.push('--model', overrides.model);
    const stderr = await runCli(qwenCli!, args.slice(1), c, m, ca, 60_000);
    const hit = hits[0];
    const theirs: Outcome = hit
      ? { ok: true, key: hit.key, baseUrl: `${hit.origin}${hit.path.replace(/\/chat\/completions.*$/, '')}`, model: hit.model }
      : { ok: false };
    return { ours, theirs, stderr };
  } finally {
    tree.remove();
    await proxy.close();
    for (const s of [local, ...remote.values()]) await new Promise((r) => s.close(r));
  }
}

describe.skipIf(!enabled)('fidelity with Qwen Code 0.12 (random cases over spec §1–4)', () => {
  let dir: string;
  let ca: TestCa;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qwen-auth-ca-'));
    ca = await createTestCa(dir);
  });
  afterAll(() => {
    if (dir && existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  });

  it(`${COUNT} cases from seed ${SEED}`, { timeout: 0 }, async () => {
    const mismatches: string[] = [];
    let compared = 0;
    let skipped = 0;
    let resolved = 0;
    const perLayer = new LayerTally();
    await runSeeds(COUNT, SEED, WORKERS, async (seed) => {
      const c = generateCase(seed);
      if (LAYERED_ONLY && (c.layers ?? []).length === 0) return;
      if (TAG && !(c.layers ?? []).some((t) => t.startsWith(TAG))) return;
      const { ours, theirs, stderr } = await runCase(c, ca);
      if (ours.differs) {
        skipped++;
        perLayer.add(c.layers, false, false);
        return;
      }
      compared++;
      if (ours.ok) resolved++;
      const a = { ok: ours.ok, key: ours.key, baseUrl: ours.baseUrl, model: ours.model };
      const b = { ok: theirs.ok, key: theirs.key, baseUrl: theirs.baseUrl, model: theirs.model };
      const mismatch = JSON.stringify(a) !== JSON.stringify(b);
      perLayer.add(c.layers, true, mismatch);
      if (mismatch) {
        mismatches.push(
          `seed ${seed}: ours ${JSON.stringify({ ...a, code: ours.code })}\n  qwen ${JSON.stringify(b)}\n  case ${JSON.stringify(c)}\n  stderr ${stderr.slice(-400)}`,
        );
      }
    });
    console.log(
      `[fidelity] compared ${compared} (${resolved} resolved, ${compared - resolved} missing a key), skipped ${skipped} (documented differences), mismatches ${mismatches.length}; per layer (generated/compared/mismatches): ${perLayer}`,
    );
    expect(mismatches, mismatches.join('\n\n')).toEqual([]);
  });
});
