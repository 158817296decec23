/**
 * The rules of `qwenCode: '0.24'` (spec qwen-code-0.24.md §2), restated as
 * plainly as possible in a small oracle, and compared with resolveAuth over
 * the cases of the 0.24 differential generator. Always on (the real-CLI
 * comparison is opt-in); seeded, so a failure replays. Left out: `QWEN_HOME`
 * exported empty (the double load) and invalid `wireApi` (a documented
 * difference), which the table tests cover.
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseDotenv } from 'dotenv';
import { afterEach, describe, expect, it } from 'vitest';
import { isAuthError, resolveAuth } from '../../../src/index.js';
import { stripJsonComments } from '../../../src/internal/jsonc.js';
import { generateCase024 } from '../../fidelity/generate-024.js';
import { makeTree, type Tree } from '../../support/tree.js';

let tree: Tree | undefined;
afterEach(() => tree?.remove());

type Env = Record<string, string>;
// The oracle reads settings loosely on purpose.
type Json = Record<string, any>;

const exists = (p: string): boolean => existsSync(p);
const isFile = (p: string): boolean => existsSync(p) && statSync(p).isFile();
const present = (v: unknown): v is string => typeof v === 'string' && v.trim() !== '';
const first = (...vs: unknown[]) => vs.find(present) as string | undefined;
const TYPES = ['openai', 'openai-responses', 'anthropic', 'gemini', 'vertex-ai', 'qwen-oauth'];
const HOME_ONLY = ['qwen_home', 'qwen_runtime_dir', 'node_extra_ca_certs', 'node_tls_reject_unauthorized', 'qwen_tls_insecure'];
const VARS: Record<string, { key: string; base?: string; model: string[] }> = {
  openai: { key: 'OPENAI_API_KEY', base: 'OPENAI_BASE_URL', model: ['OPENAI_MODEL', 'QWEN_MODEL'] },
  'openai-responses': { key: 'OPENAI_API_KEY', base: 'OPENAI_BASE_URL', model: ['OPENAI_MODEL'] },
  anthropic: { key: 'ANTHROPIC_API_KEY', base: 'ANTHROPIC_BASE_URL', model: ['ANTHROPIC_MODEL'] },
};

function readJson(path: string): Json {
  return isFile(path) ? (JSON.parse(stripJsonComments(readFileSync(path, 'utf8'))) as Json) : {};
}

/** §2 rules 1–5 and 7–11, for one case: what reaches the server, or the error code. */
function oracle(cwd: string, home: string, real: Env, o: Record<string, string | undefined>): unknown {
  // §1.2.6: QWEN_HOME, bootstrapped from ~/.qwen/.env then ~/.env.
  let qwenHome = real.QWEN_HOME;
  if (qwenHome === undefined) {
    for (const f of [join(home, '.qwen', '.env'), join(home, '.env')]) {
      const v = isFile(f) ? parseDotenv(readFileSync(f, 'utf8')).QWEN_HOME : undefined;
      if (v) {
        qwenHome = v;
        break;
      }
    }
  }
  const qwenDir = !qwenHome
    ? join(home, '.qwen')
    : qwenHome.startsWith('~/')
      ? join(home, qwenHome.slice(2))
      : isAbsolute(qwenHome)
        ? qwenHome
        : resolve(cwd, qwenHome);

  // Rule 1: the project file (the walk stops at home), then the home files.
  const homeFiles = [join(qwenDir, '.env'), ...(qwenDir !== join(home, '.qwen') ? [join(home, '.qwen', '.env')] : []), join(home, '.env')];
  const files: string[] = [];
  if (cwd !== home) {
    for (let d = realpathSync(cwd); d !== home; d = dirname(d)) {
      const found = [join(d, '.qwen', '.env'), join(d, '.env')].find(exists);
      if (found) {
        files.push(found);
        break;
      }
      if (dirname(d) === d) break;
    }
  }
  for (const f of homeFiles) if (exists(f) && !files.includes(f)) files.push(f);

  // Rule 4: settings, workspace over user; modelProviders and providerProtocol per id.
  const user = readJson(join(qwenDir, 'settings.json'));
  const ws = cwd === home ? {} : readJson(join(cwd, '.qwen', 'settings.json'));
  const leaf = (a: string, b: string) => (ws[a] && b in ws[a] ? ws[a][b] : user[a]?.[b]);
  const auth = (k: string) => (ws.security?.auth && k in ws.security.auth ? ws.security.auth[k] : user.security?.auth?.[k]);
  const providers: Json = { ...(user.modelProviders ?? {}), ...(ws.modelProviders ?? {}) };
  const protocolMap: Json = { ...(user.providerProtocol ?? {}), ...(ws.providerProtocol ?? {}) };
  const lists = [user.advanced?.excludedEnvVars, ws.advanced?.excludedEnvVars].filter(Array.isArray);
  const excluded: string[] = lists.length ? [...new Set(lists.flat())] : ['DEBUG', 'DEBUG_MODE'];

  // Rules 2–3: each layer fills what is undefined or empty.
  const env: Env = { ...real };
  const fill = (k: string, v: string) => {
    if (env[k] === undefined || env[k] === '') env[k] = v;
  };
  for (const f of files) {
    const homeLevel = homeFiles.includes(f);
    const qwenScoped = homeLevel || basename(dirname(f)) === '.qwen';
    for (const [k, v] of Object.entries(parseDotenv(readFileSync(f, 'utf8')))) {
      if (k.toUpperCase() === 'NODE_OPTIONS' || (!homeLevel && HOME_ONLY.includes(k.toLowerCase())) || (!qwenScoped && excluded.includes(k))) continue;
      fill(k, v);
    }
  }
  for (const [k, v] of Object.entries({ ...(user.env ?? {}), ...(ws.env ?? {}) })) {
    if (typeof v === 'string' && !HOME_ONLY.includes(k.toLowerCase())) fill(k, v);
  }

  // Rule 5: the auth type.
  const set = (...names: string[]) => names.every((n) => env[n]);
  let type: string | undefined = o.authType || auth('selectedType') || undefined;
  if (!type) {
    if (set('QWEN_OAUTH')) type = 'qwen-oauth';
    else if (set('OPENAI_API_KEY', 'OPENAI_BASE_URL') && (env.OPENAI_MODEL || env.QWEN_MODEL)) type = 'openai';
    else if (set('GEMINI_API_KEY', 'GEMINI_MODEL')) type = 'gemini';
    else if (set('GOOGLE_MODEL') && (env.GOOGLE_API_KEY || env.GOOGLE_CLOUD_PROJECT)) type = 'vertex-ai';
    else if (set('ANTHROPIC_API_KEY', 'ANTHROPIC_MODEL', 'ANTHROPIC_BASE_URL')) type = 'anthropic';
    else return 'NO_AUTH_TYPE';
  }
  if (type === 'qwen-oauth') return 'QWEN_OAUTH_DISCONTINUED';
  if (!VARS[type]) return 'UNSUPPORTED_AUTH_TYPE';

  // Rule 7: entries by protocol; the requested model; the wire switch; the entry.
  const protocolOf = (id: string): string | undefined =>
    id in protocolMap ? (TYPES.includes(protocolMap[id]) ? protocolMap[id] : undefined) : TYPES.includes(id) ? id : undefined;
  const entries: { e: Json; p: string; pid: string }[] = [];
  for (const [pid, list] of Object.entries(providers)) {
    const p = protocolOf(pid);
    if (!p || p === 'qwen-oauth' || !Array.isArray(list)) continue;
    for (const e of list) entries.push({ e, pid, p: e.wireApi === 'responses' ? 'openai-responses' : e.wireApi === 'chat-completions' ? 'openai' : p });
  }
  const modelName = leaf('model', 'name');
  const fromSettings = !o.model && !!modelName;
  const request: string | undefined = o.model || modelName || VARS[type]!.model.map((n) => env[n]).find(Boolean);
  const pinned = fromSettings ? leaf('model', 'baseUrl') : undefined;
  if (request && (type === 'openai' || type === 'openai-responses')) {
    const candidates = entries.filter(
      (t) => t.e.id === request && (t.p === type || ((t.e.wireApi !== undefined || protocolOf(t.pid) === 'openai-responses') && t.p.startsWith('openai'))),
    );
    const preferred = (l: typeof candidates) => l.find((t) => t.p === type) ?? l[0];
    const exact = pinned === undefined ? undefined : preferred(candidates.filter((t) => (t.e.baseUrl || null) === (pinned || null)));
    type = (exact ?? preferred(candidates))?.p ?? type;
  }
  const v = VARS[type]!;
  const mine = entries.filter((t) => t.p === type).map((t) => t.e);
  const defaultModel = type === 'openai' ? 'qwen3.7-max' : 'coder-model';
  let entry: Json | undefined = request
    ? ((pinned ? mine.find((e) => e.id === request && e.baseUrl === pinned) : undefined) ?? mine.find((e) => e.id === request))
    : (mine.find((e) => e.id === defaultModel && !e.baseUrl) ?? mine.find((e) => e.id === defaultModel));

  // Rules 8–10.
  const keyChain = [o.apiKey, env[v.key], auth('apiKey')];
  const baseChain = [o.baseUrl, env[v.base!], auth('baseUrl')];
  let key: string | undefined;
  let base: string | undefined;
  let model: string;
  if (entry) {
    key = first(entry.envKey ? env[entry.envKey] : undefined, ...keyChain);
    base = first(entry.baseUrl, ...baseChain) ?? (type === 'anthropic' ? undefined : 'https://api.openai.com/v1');
    model = entry.id;
  } else if (!first(...keyChain, ...baseChain) && mine.some((e) => !e.imageOnly)) {
    entry = mine.find((e) => !e.imageOnly)!;
    key = first(entry.envKey ? env[entry.envKey] : undefined);
    base = first(entry.baseUrl) ?? (type === 'anthropic' ? undefined : 'https://api.openai.com/v1');
    model = entry.id;
  } else {
    key = first(...keyChain);
    base =
      first(...baseChain) ??
      (type === 'openai' ? 'https://dashscope.aliyuncs.com/compatible-mode/v1' : type === 'openai-responses' ? 'https://api.openai.com/v1' : undefined);
    model = request ?? defaultModel;
  }
  if (!key) return 'MISSING_API_KEY';
  if (type === 'anthropic' && (entry ? !entry.baseUrl : !env.ANTHROPIC_BASE_URL)) return 'MISSING_BASE_URL';

  // Rule 11: the request URL and the key's header.
  const b = base!.trim();
  const endpoint =
    type === 'openai'
      ? `${b.replace(/\/$/, '')}/chat/completions`
      : type === 'openai-responses'
        ? `${b.replace(/\/v1\/?$/, '').replace(/\/$/, '')}/v1/responses`
        : `${b.replace(/\/$/, '')}/v1/messages`;
  const keyHeader = type === 'anthropic' && /(^|\.)anthropic\.com$/.test(new URL(b).hostname) ? 'x-api-key' : 'authorization';
  return { type, key: key.trim(), endpoint, keyHeader, model };
}

describe("qwenCode: '0.24' against a plain restatement of its rules (random cases)", () => {
  const seeds = Array.from({ length: Number(process.env.QWEN_AUTH_RULE_CASES ?? 300) }, (_, i) => 40000 + i)
    .map((seed) => generateCase024(seed, { layers: false }))
    .filter(
      (c) =>
        c.env.QWEN_HOME !== '' &&
        !Object.values(c.files).some((t) => /"wireApi": "(responses|chat-completions)"/.test(t) && /"providerProtocol"[^}]*"anthropic"/.test(t)),
    );

  it.each(seeds.map((c) => [c.seed, c] as const))('seed %i', async (_seed, c) => {
    tree = makeTree({});
    const fill = (v: string) => v.replaceAll('{port}', '9').replaceAll('{home}', tree!.path(c.home));
    tree.write(Object.fromEntries(Object.entries(c.files).map(([k, v]) => [k, fill(v)])));
    const env = Object.fromEntries(Object.entries(c.env).map(([k, v]) => [k, fill(v)]));
    const overrides = Object.fromEntries(Object.entries(c.overrides).map(([k, v]) => [k, fill(v)]));
    const expected = oracle(tree.path(c.cwd), tree.path(c.home), env, overrides);
    let actual: unknown;
    try {
      // The precedence rules, as the differential tests compare them: the folder is vouched for (issue 16).
      const a = await resolveAuth({
        qwenCode: '0.24',
        cwd: tree.path(c.cwd),
        homeDir: tree.path(c.home),
        env,
        overrides: overrides as never,
        trustWorkspace: true,
      });
      actual = a.type === 'qwen-oauth' ? a.type : { type: a.type, key: a.apiKey, endpoint: a.endpoint, keyHeader: a.keyHeader, model: a.model };
    } catch (error) {
      actual = isAuthError(error) ? error.code : error;
    }
    expect(actual, JSON.stringify(c)).toEqual(expected);
  });
});
