/**
 * Differential test of `qwenCode: '0.24'` against the real Qwen Code CLI
 * `@qwen-code/qwen-code@0.24.4` (installed by `node scripts/install-qwen-code-024.mjs`, not a devDependency: it declares Node >= 22): random
 * cases (generate-024.ts) are resolved by qwen-auth and run through the CLI,
 * whose first model request is caught on loopback — directly for http base
 * URLs, through a TLS-terminating proxy for every https host (the real plan
 * hosts, api.openai.com, api.anthropic.com). The full request URL, the key,
 * the header that carried it and the model that reach the server must be
 * what we resolve; when nothing reaches it, our error code must be the one
 * Qwen Code's message stands for.
 *
 * Slow (a CLI start per case, ~2–3 s): opt in with QWEN_AUTH_FIDELITY_024=<number of cases>.
 */
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type Diagnostic, inspectEnvironment, isAuthError, resolveAuth } from '../../src/index.js';
import { QWEN_CODE_024_CLI } from '../support/qwen-code.js';
import { hasOpenssl, type TestCa, useTestCa } from '../support/tls.js';
import { type Case024, generateCase024 } from './generate-024.js';
import { materialize, oursOptions, runCli, runSeeds, startCaseServers } from './harness.js';
import { LayerTally } from './layers.js';

const COUNT = Number(process.env.QWEN_AUTH_FIDELITY_024 ?? 0);
const SEED = Number(process.env.QWEN_AUTH_FIDELITY_024_SEED ?? 1);
const WORKERS = Number(process.env.QWEN_AUTH_FIDELITY_024_WORKERS ?? 4);
/** A file to write every mismatch to, as JSON (for study). */
const REPORT = process.env.QWEN_AUTH_FIDELITY_024_REPORT;
/** Run only the seeds whose case has settings layers (layers.ts): QWEN_AUTH_FIDELITY_LAYERED=1. */
const LAYERED_ONLY = process.env.QWEN_AUTH_FIDELITY_LAYERED === '1';
/** Only the seeds with a layer tag starting with this (layers.ts), e.g. QWEN_AUTH_FIDELITY_TAG=trust-. */
const TAG = process.env.QWEN_AUTH_FIDELITY_TAG;
const cli = QWEN_CODE_024_CLI;
const enabled = COUNT > 0 && cli !== undefined && hasOpenssl();
if (!enabled) {
  console.warn(
    `[fidelity 0.24] skipped: set QWEN_AUTH_FIDELITY_024=<cases> to compare with Qwen Code 0.24.4${cli ? '' : ' (run node scripts/install-qwen-code-024.mjs)'}${hasOpenssl() ? '' : ' (no openssl)'}`,
  );
}

interface Outcome {
  readonly ok: boolean;
  readonly type?: string;
  readonly endpoint?: string;
  readonly key?: string;
  readonly keyHeader?: string;
  readonly model?: string;
  readonly code?: string;
  /** Why Qwen Code 0.24 is expected to differ (then the case is not compared). */
  readonly differs?: string;
}

/** The error code a Qwen Code 0.24 message stands for. */
export function codeOfMessage(text: string): string {
  if (/No auth type is selected/.test(text)) return 'NO_AUTH_TYPE';
  // Before the discontinued notice: 0.24.4 prints that notice first, then stops on the mismatch.
  if (/The configured auth type is .*, but the current auth type is/.test(text)) return 'ENFORCED_AUTH_TYPE_MISMATCH';
  if (/free tier was discontinued/.test(text)) return 'QWEN_OAUTH_DISCONTINUED';
  if (/ANTHROPIC_BASE_URL environment variable not found|missing required baseUrl|Missing baseUrl/.test(text)) return 'MISSING_BASE_URL';
  if (/Missing API key|environment variable not found|Missing credentials for modelProviders/.test(text)) return 'MISSING_API_KEY';
  if (/Invalid auth method|Unsupported authType/.test(text)) return 'UNSUPPORTED_AUTH_TYPE';
  return 'UNKNOWN';
}

/**
 * Documented difference: Qwen Code 0.24 refuses to start on an invalid `wireApi`, or a `wireApi` under a
 * non-OpenAI protocol ("wireApi is only supported for OpenAI-compatible models"); we skip the entry.
 */
export function refusedWireApi(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.code === 'SETTINGS_INVALID_VALUE' && d.key?.endsWith('.wireApi'));
}

async function runCase(c: Case024, ca: TestCa): Promise<{ ours: Outcome; theirs: Outcome; stderr: string }> {
  const servers = await startCaseServers(ca);
  const { model, proxy } = servers;
  const m = materialize(c, model.port);
  const { tree } = m;
  const o = Object.fromEntries(Object.entries(c.overrides).map(([k, v]) => [k, m.sub(v)])) as Case024['overrides'];
  try {
    // Ours first: Qwen Code rewrites "$version" into the settings it loads.
    let ours: Outcome;
    const options = oursOptions(c, m, { qwenCode: '0.24', overrides: o as never });
    try {
      const auth = await resolveAuth(options);
      if (auth.type === 'qwen-oauth') throw new Error('qwen-oauth in the 0.24 mode');
      const badWire = refusedWireApi(auth.diagnostics);
      ours = {
        ok: true,
        type: auth.type,
        endpoint: auth.endpoint,
        key: auth.apiKey,
        keyHeader: auth.keyHeader,
        model: auth.model,
        ...(badWire && { differs: 'an invalid wireApi (Qwen Code 0.24 refuses to start)' }),
      };
    } catch (error) {
      if (!isAuthError(error)) throw error;
      // The refusal holds whatever else fails: Qwen Code 0.24 checks every entry before choosing one.
      const badWire = refusedWireApi((await inspectEnvironment(options)).diagnostics);
      ours = { ok: false, code: error.code, ...(badWire && { differs: 'an invalid wireApi (Qwen Code 0.24 refuses to start)' }) };
    }

    const args = ['-p', 'hi', '--proxy', proxy.url];
    if (o.authType) args.push('--auth-type', o.authType);
    if (o.apiKey) args.push('--openai-api-key', o.apiKey);
    if (o.baseUrl) args.push('--openai-base-url', o.baseUrl);
    if (o.model) args.push('--model', o.model);
    const stderr = await runCli(cli!, args, c, m, ca, 90_000);
    // The first model request (Qwen Code also sends usage statistics to its own host).
    const hit = model.hits.find((h) => /\/(chat\/completions|responses|messages)(\?|$)/.test(h.path));
    const theirs: Outcome = hit
      ? {
          ok: true,
          endpoint: `${hit.origin}${hit.path.replace(/\?.*$/, '')}`,
          key: hit.xApiKey ?? hit.authorization?.replace(/^Bearer /, '') ?? '',
          keyHeader: hit.xApiKey !== undefined ? 'x-api-key' : 'authorization',
          model: hit.model,
        }
      : { ok: false, code: codeOfMessage(stderr) };
    return { ours, theirs, stderr };
  } finally {
    tree.remove();
    await servers.close();
  }
}

describe.skipIf(!enabled)("fidelity of qwenCode: '0.24' with Qwen Code 0.24.4 (random cases)", () => {
  const testCa = useTestCa();

  it(`${COUNT} cases from seed ${SEED}`, { timeout: 0 }, async () => {
    const mismatches: string[] = [];
    const report: object[] = [];
    const tally = new Map<string, number>();
    const count = (k: string) => tally.set(k, (tally.get(k) ?? 0) + 1);
    const perLayer = new LayerTally();
    let ran = 0;
    await runSeeds(COUNT, SEED, WORKERS, async (seed) => {
      const c = generateCase024(seed);
      if (LAYERED_ONLY && (c.layers ?? []).length === 0) return;
      if (TAG && !(c.layers ?? []).some((t) => t.startsWith(TAG))) return;
      ran++;
      const { ours, theirs, stderr } = await runCase(c, testCa());
      if (ours.differs) {
        // The refusal itself is compared: Qwen Code must stop on that wireApi.
        if (!/Invalid wireApi|wireApi is only supported for OpenAI-compatible/.test(stderr)) {
          mismatches.push(
            `seed ${seed} (${c.family}): documented difference (${ours.differs}) not seen\n  case ${JSON.stringify(c)}\n  stderr ${stderr.slice(-500)}`,
          );
          report.push({ seed, ours, qwen: theirs, case: c, stderr: stderr.slice(-800) });
        }
        count('skipped (documented difference)');
        perLayer.add(c.layers ?? [], false, false);
        return;
      }
      count(`${c.family}:${ours.ok ? `${ours.type}${ours.keyHeader === 'x-api-key' ? '(x-api-key)' : ''}` : ours.code}`);
      const a = ours.ok ? { ok: true, endpoint: ours.endpoint, key: ours.key, keyHeader: ours.keyHeader, model: ours.model } : { ok: false, code: ours.code };
      const b = theirs.ok
        ? { ok: true, endpoint: theirs.endpoint, key: theirs.key, keyHeader: theirs.keyHeader, model: theirs.model }
        : { ok: false, code: theirs.code };
      const mismatch = JSON.stringify(a) !== JSON.stringify(b);
      perLayer.add(c.layers ?? [], true, mismatch);
      if (mismatch) {
        mismatches.push(
          `seed ${seed} (${c.family}):\n  ours ${JSON.stringify(a)}\n  qwen ${JSON.stringify(b)}\n  case ${JSON.stringify(c)}\n  stderr ${stderr.slice(-500)}`,
        );
        report.push({ seed, ours: a, qwen: b, case: c, stderr: stderr.replace(/Ripgrep not available[^\n]*\n/, '').slice(-800) });
      }
    });
    if (REPORT) writeFileSync(REPORT, JSON.stringify(report, null, 1));
    console.log(
      `[fidelity 0.24] cases ${ran}, compared ${ran - (tally.get('skipped (documented difference)') ?? 0)}, mismatches ${mismatches.length}; ${[
        ...tally.entries(),
      ]
        .sort()
        .map(([k, n]) => `${k} ${n}`)
        .join(', ')}; per layer (generated/compared/mismatches): ${perLayer}`,
    );
    expect(mismatches, mismatches.join('\n\n')).toEqual([]);
  });
});
