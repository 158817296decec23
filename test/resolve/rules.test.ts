/**
 * The rules of spec §1–4, restated as plainly as possible in a small oracle,
 * and compared with resolveAuth over random cases (the same generator the
 * Qwen Code fidelity test uses). Always on; seeded, so a failure replays.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { afterEach, describe, expect, it } from 'vitest';
import { isAuthError, resolveAuth } from '../../src/index.js';
import { stripJsonComments } from '../../src/internal/jsonc.js';
import { generateCase } from '../fidelity/generate.js';
import { makeTree, type Tree } from '../support/tree.js';

let tree: Tree | undefined;
afterEach(() => tree?.remove());

type Env = Record<string, string>;
// The oracle reads settings loosely on purpose.
type Json = Record<string, any>;

const isFile = (p: string): boolean => existsSync(p) && statSync(p).isFile();
const present = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';

/** Spec §1: the one .env file, and what it sets. */
function dotenvLayer(cwd: string, home: string, excluded: readonly string[], real: Env): Env {
  const qwenDir = join(home, '.qwen');
  let file: string | undefined;
  for (let d = cwd; ; d = dirname(d)) {
    file = [join(d, '.qwen', '.env'), join(d, '.env')].find(isFile);
    if (file || dirname(d) === d) break;
  }
  file ??= [join(qwenDir, '.env'), join(home, '.env')].find(isFile);
  if (!file) return {};
  const homeLevel = [join(qwenDir, '.env'), join(home, '.env')].includes(file);
  const project = !homeLevel && basename(dirname(file)) !== '.qwen';
  const out: Env = {};
  for (const [k, v] of Object.entries(parseDotenv(readFileSync(file, 'utf8')))) {
    if (project && excluded.includes(k)) continue;
    if (!homeLevel && (k === 'QWEN_HOME' || k === 'QWEN_RUNTIME_DIR')) continue;
    if (!(k in real)) out[k] = v;
  }
  return out;
}

function readJson(path: string): Json | undefined {
  return isFile(path) ? (JSON.parse(stripJsonComments(readFileSync(path, 'utf8'))) as Json) : undefined;
}

/** Spec §2–4 for the openai method; returns what reaches the server, or 'MISSING_API_KEY'. */
function oracle(cwd: string, home: string, real: Env, o: { apiKey?: string; baseUrl?: string; model?: string }) {
  const user = readJson(join(home, '.qwen', 'settings.json')) ?? {};
  const ws = cwd === home ? {} : (readJson(join(cwd, '.qwen', 'settings.json')) ?? {});
  const leaf = (a: string, b: string) => (ws[a] && b in ws[a] ? ws[a][b] : user[a]?.[b]);
  const auth = (k: string) => (ws.security?.auth && k in ws.security.auth ? ws.security.auth[k] : user.security?.auth?.[k]);
  const excludedLists = [user.advanced?.excludedEnvVars, ws.advanced?.excludedEnvVars].filter(Array.isArray);
  const excluded = excludedLists.length ? [...new Set(excludedLists.flat())] : ['DEBUG', 'DEBUG_MODE'];
  const fromFile = dotenvLayer(cwd, home, excluded, real);
  const merged: Json = { ...(user.env ?? {}), ...(ws.env ?? {}) };
  const settingsEnv = Object.fromEntries(Object.entries(merged).filter(([, v]) => typeof v === 'string')) as Env;
  const env: Env = { ...settingsEnv, ...fromFile, ...real };
  const first = (...vs: unknown[]) => vs.find(present) as string | undefined;

  const providers: Json[] = (ws.modelProviders && 'openai' in ws.modelProviders ? ws.modelProviders.openai : user.modelProviders?.openai) ?? [];
  const requested = first(o.model, leaf('model', 'name'));
  let entry = providers.find((p) => p.id === requested);
  if (!entry && providers.length > 0 && !first(o.apiKey, env.OPENAI_API_KEY, auth('apiKey'), o.baseUrl, env.OPENAI_BASE_URL, auth('baseUrl'))) {
    entry = providers[0];
  }
  if (entry) {
    const key = first(env[entry.envKey ?? 'OPENAI_API_KEY']);
    return key ? { key, baseUrl: entry.baseUrl ?? 'https://api.openai.com/v1', model: entry.id } : 'MISSING_API_KEY';
  }
  const key = first(o.apiKey, env.OPENAI_API_KEY, auth('apiKey'));
  if (!key) return 'MISSING_API_KEY';
  return {
    key,
    baseUrl: first(o.baseUrl, env.OPENAI_BASE_URL, auth('baseUrl')) ?? 'https://dashscope.aliyuncs.com/compatible-mode/v1',
    model: first(o.model, env.OPENAI_MODEL, env.QWEN_MODEL, leaf('model', 'name')) ?? 'qwen3.5-plus',
  };
}

describe('resolveAuth against a plain restatement of the rules (random cases)', () => {
  const seeds = Array.from({ length: Number(process.env.QWEN_AUTH_RULE_CASES ?? 300) }, (_, i) => 7000 + i);
  it.each(seeds)('seed %i', async (seed) => {
    const c = generateCase(seed, { layers: false });
    const fill = (v: string) => v.replaceAll('{port}', '9');
    tree = makeTree(Object.fromEntries(Object.entries(c.files).map(([k, v]) => [k, fill(v)])));
    const env = Object.fromEntries(Object.entries(c.env).map(([k, v]) => [k, fill(v)]));
    const overrides = Object.fromEntries(Object.entries(c.overrides).map(([k, v]) => [k, fill(v)]));
    const expected = oracle(tree.path(c.cwd), tree.path(c.home), env, overrides);
    let actual: unknown;
    try {
      // The precedence rules, as the differential tests compare them: the folder is vouched for (issue 16).
      const a = await resolveAuth({
        cwd: tree.path(c.cwd),
        homeDir: tree.path(c.home),
        env,
        overrides: { authType: 'openai', ...overrides },
        trustWorkspace: true,
      });
      actual = a.type === 'openai' ? { key: a.apiKey, baseUrl: a.baseUrl, model: a.model } : a.type;
    } catch (error) {
      actual = isAuthError(error) ? error.code : error;
    }
    expect(actual, JSON.stringify(c)).toEqual(expected);
  });
});
