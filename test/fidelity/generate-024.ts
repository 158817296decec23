/**
 * Random resolution cases for the `qwenCode: '0.24'` mode, for comparing
 * qwen-auth with the real Qwen Code 0.24.4 CLI. Seeded, so a failing case
 * replays by its seed. Families:
 * - layers: `.env` files in the walk and at home, exported empty variables,
 *   settings (`security.auth.*`, `model.name`, `env`, excluded variables),
 *   every auth type's variables, inference;
 * - presets: settings as 0.24's `/auth` writes them (Coding Plan, Token Plan,
 *   DashScope "Standard", OpenRouter, DeepSeek), then edited the way people
 *   edit them (another model, a stale or pinned `model.baseUrl`, a key moved);
 * - custom: `/auth`'s Custom Provider (openai, anthropic; Chat Completions or
 *   Responses), written with `model.baseUrl` and its generated env key;
 * - protocols: `providerProtocol`, `wireApi`, ids under other protocols;
 * - home: `QWEN_HOME` bootstrapped from `~/.qwen/.env` or `~/.env` (or
 *   exported, or exported empty), settings and `.env` files in the moved folder.
 */
import { rng, type Rng } from './generate.js';
import { addLayers, type LayerTag } from './layers.js';

export interface Case024 {
  readonly seed: number;
  readonly family: 'layers' | 'presets' | 'custom' | 'protocols' | 'home';
  /** Files relative to the case root; `{port}` is the loopback model server's port. */
  readonly files: Record<string, string>;
  readonly cwd: string;
  readonly home: string;
  readonly env: Record<string, string>;
  /** `--auth-type`, `--openai-api-key`, `--openai-base-url`, `--model`. */
  readonly overrides: { authType?: string; apiKey?: string; baseUrl?: string; model?: string };
  /** The settings layers of settings-layers.md the case exercises (layers.ts); set by generateCase024. */
  readonly layers?: readonly LayerTag[];
}

/** A loopback base URL whose path names where it came from. */
const local = (tag: string, suffix = '/v1'): string => `http://127.0.0.1:{port}/${tag}${suffix}`;
const clean = (s: string): string => s.replace(/[^a-z0-9]+/gi, '-').replace(/^-|-$/g, '');

interface Preset {
  readonly id: string;
  readonly envKey: string;
  readonly urls: readonly string[];
  readonly models: readonly string[];
  readonly prefix: string;
  readonly keyPrefix: string;
}

// The shapes 0.24.4's /auth writes (a few models each; ids shared between plans on purpose).
const PRESETS: readonly Preset[] = [
  {
    id: 'coding-plan',
    envKey: 'BAILIAN_CODING_PLAN_API_KEY',
    urls: ['https://coding.dashscope.aliyuncs.com/v1', 'https://coding-intl.dashscope.aliyuncs.com/v1'],
    models: ['qwen3.5-plus', 'qwen3.6-plus', 'qwen3.7-plus', 'glm-5', 'kimi-k2.5'],
    prefix: 'ModelStudio Coding Plan',
    keyPrefix: 'sk-sp-',
  },
  {
    id: 'token-plan',
    envKey: 'BAILIAN_TOKEN_PLAN_API_KEY',
    urls: ['https://token-plan.cn-beijing.maas.aliyuncs.com/compatible-mode/v1', 'https://token-plan.ap-southeast-1.maas.aliyuncs.com/compatible-mode/v1'],
    models: ['qwen3.7-plus', 'qwen3.6-plus', 'qwen3.7-max', 'glm-5', 'kimi-k2.5'],
    prefix: 'ModelStudio Token Plan',
    keyPrefix: 'tp-',
  },
  {
    id: 'alibabaStandard',
    envKey: 'DASHSCOPE_API_KEY',
    urls: [
      'https://dashscope.aliyuncs.com/compatible-mode/v1',
      'https://dashscope-intl.aliyuncs.com/compatible-mode/v1',
      'https://dashscope-us.aliyuncs.com/compatible-mode/v1',
      'https://cn-hongkong.dashscope.aliyuncs.com/compatible-mode/v1',
    ],
    models: ['qwen3.6-plus', 'qwen3.7-plus', 'qwen3.7-max', 'glm-5.1'],
    prefix: 'ModelStudio Standard',
    keyPrefix: 'sk-',
  },
  {
    id: 'openrouter',
    envKey: 'OPENROUTER_API_KEY',
    urls: ['https://openrouter.ai/api/v1'],
    models: ['z-ai/glm-4.5-air:free', 'openai/gpt-oss-120b:free'],
    prefix: 'OpenRouter',
    keyPrefix: 'sk-or-v1-',
  },
  {
    id: 'deepseek',
    envKey: 'DEEPSEEK_API_KEY',
    urls: ['https://api.deepseek.com'],
    models: ['deepseek-v4-pro', 'deepseek-v4-flash'],
    prefix: 'DeepSeek',
    keyPrefix: 'sk-',
  },
];

/** A `NAME=value` line in a random dotenv syntax. */
function line(r: Rng, name: string, value: string): string {
  switch (r.int(5)) {
    case 0:
      return `${name}="${value}"`;
    case 1:
      return `export ${name}=${value}`;
    case 2:
      return `${name} = ${value}   # comment`;
    default:
      return `${name}=${value}`;
  }
}

interface Layout {
  readonly folders: string[];
  readonly cwd: string;
  readonly home: string;
}

function layout(r: Rng): Layout {
  const depth = 1 + r.int(4);
  const folders = ['w'];
  for (let i = 1; i < depth; i++) folders.push(`${folders[i - 1]}/${String.fromCharCode(97 + i)}`);
  const cwd = folders.at(-1)!;
  const choice = r.int(6);
  // Mostly a separate home; sometimes the workspace is under home, or is home.
  const home = choice < 3 ? 'home' : choice < 5 ? folders[r.int(folders.length)]! : `${folders[0]}/h`;
  return { folders, cwd, home };
}

/** The variables a layer may set, with values naming the layer. */
function valueFor(name: string, tag: string): string {
  if (name.endsWith('_API_KEY')) return name.startsWith('ANTHROPIC') ? `sk-ant-${tag}` : `sk-${tag}`;
  if (name === 'ANTHROPIC_BASE_URL') return local(`anth-${tag}`, '');
  if (name.endsWith('_BASE_URL')) return local(tag);
  return `model-${tag}`;
}

const OPENAI_VARS = ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OPENAI_MODEL', 'QWEN_MODEL'];
const ANTHROPIC_VARS = ['ANTHROPIC_API_KEY', 'ANTHROPIC_BASE_URL', 'ANTHROPIC_MODEL'];

function dotenv(r: Rng, tag: string, names: readonly string[], p: number): string {
  const lines: string[] = [];
  for (const name of names) {
    if (!r.chance(p)) continue;
    lines.push(r.chance(0.08) ? `${name}=` : line(r, name, valueFor(name, tag)));
  }
  if (r.chance(0.2)) lines.push(line(r, 'DEBUG', '1'));
  return `${lines.join('\n')}\n`;
}

function json(r: Rng, value: object): string {
  const text = JSON.stringify(value, null, 2);
  return r.chance(0.2) ? `// settings\n${text}\n` : `${text}\n`;
}

const pickType = (r: Rng): string | undefined =>
  r.pick([undefined, undefined, 'openai', 'openai', 'openai', 'openai-responses', 'anthropic', 'anthropic', 'qwen-oauth']);

function overrides(r: Rng, names: { model?: readonly string[] } = {}): Case024['overrides'] {
  const o: { authType?: string; apiKey?: string; baseUrl?: string; model?: string } = {};
  if (r.chance(0.15)) o.authType = r.pick(['openai', 'openai-responses', 'anthropic']);
  if (r.chance(0.15)) o.apiKey = 'sk-cli';
  if (r.chance(0.15)) o.baseUrl = local('cli');
  if (r.chance(0.2)) o.model = r.pick(['model-cli', ...(names.model ?? [])]);
  return o;
}

/** The layers family: every rule of `.env` discovery and layering, and the variables of every type. */
function layers(seed: number, r: Rng): Case024 {
  const { folders, cwd, home } = layout(r);
  const files: Record<string, string> = { [`${home}/.keep`]: '', [`${cwd}/.keep`]: '' };
  const names = r.chance(0.6) ? OPENAI_VARS : r.chance(0.5) ? ANTHROPIC_VARS : [...OPENAI_VARS, ...ANTHROPIC_VARS];
  const candidates = [...folders.flatMap((f) => [`${f}/.qwen/.env`, `${f}/.env`]), `${home}/.qwen/.env`, `${home}/.env`];
  for (const c of candidates) if (r.chance(0.3)) files[c] = dotenv(r, clean(c), names, 0.5);
  for (const scope of ['user', 'ws'] as const) {
    if (!r.chance(0.55)) continue;
    if (scope === 'ws' && cwd === home) continue;
    const s: Record<string, unknown> = {};
    const auth: Record<string, unknown> = {};
    const type = pickType(r);
    if (type) auth.selectedType = type;
    if (r.chance(0.3)) auth.apiKey = `sk-settings-${scope}`;
    if (r.chance(0.3)) auth.baseUrl = local(`settings-${scope}`);
    if (Object.keys(auth).length > 0) s.security = { auth };
    if (r.chance(0.3)) s.model = { name: `model-settings-${scope}` };
    if (r.chance(0.35)) {
      const env: Record<string, string> = {};
      for (const n of names) if (r.chance(0.4)) env[n] = valueFor(n, `senv-${scope}`);
      s.env = env;
    }
    if (r.chance(0.25))
      s.advanced = { excludedEnvVars: [r.pick(['OPENAI_MODEL', 'OPENAI_API_KEY', 'OPENAI_BASE_URL', 'ANTHROPIC_MODEL', 'ANTHROPIC_API_KEY'])] };
    if (r.chance(0.3)) s.$version = 4;
    files[scope === 'user' ? `${home}/.qwen/settings.json` : `${cwd}/.qwen/settings.json`] = json(r, s);
  }
  const env: Record<string, string> = {};
  for (const n of names) if (r.chance(0.22)) env[n] = r.chance(0.3) ? '' : valueFor(n, 'exported');
  if (r.chance(0.04)) env.QWEN_OAUTH = '1';
  return { seed, family: 'layers', files, cwd, home, env, overrides: overrides(r) };
}

interface Entry {
  id: string;
  name: string;
  baseUrl?: string;
  envKey?: string;
  wireApi?: string;
  generationConfig?: object;
}

function presetEntries(p: Preset, url: string): Entry[] {
  const intl = p.urls.length > 1 && url === p.urls[1] ? ' for Global/Intl' : '';
  return p.models.map((id) => ({
    id,
    name: `[${p.prefix}${intl}] ${id}`,
    baseUrl: url,
    envKey: p.envKey,
    generationConfig: { extra_body: { enable_thinking: true }, contextWindowSize: 1000000 },
  }));
}

/** Where a key ends up: settings.env (what /auth writes), exported, a home .env, a project .env, or nowhere. */
function placeKey(
  r: Rng,
  name: string,
  value: string,
  home: string,
  cwd: string,
  files: Record<string, string>,
  env: Record<string, string>,
  settingsEnv: Record<string, string>,
): void {
  switch (r.int(6)) {
    case 0:
    case 1:
      settingsEnv[name] = value;
      break;
    case 2:
      env[name] = r.chance(0.15) ? '' : value;
      break;
    case 3:
      files[`${home}/.qwen/.env`] = `${files[`${home}/.qwen/.env`] ?? ''}${name}=${value}\n`;
      break;
    case 4:
      if (cwd !== home) files[`${cwd}/.env`] = `${files[`${cwd}/.env`] ?? ''}${name}=${value}\n`;
      break;
    default:
      break;
  }
}

/** The presets family: settings as 0.24's /auth writes them, then edited. */
function presets(seed: number, r: Rng): Case024 {
  const { cwd, home } = layout(r);
  const files: Record<string, string> = { [`${home}/.keep`]: '', [`${cwd}/.keep`]: '' };
  const env: Record<string, string> = {};
  const settingsEnv: Record<string, string> = {};
  const installed = r.chance(0.3) ? [r.pick(PRESETS), r.pick(PRESETS)] : [r.pick(PRESETS)];
  let entries: Entry[] = [];
  let first: Entry | undefined;
  const metadata: Record<string, unknown> = {};
  for (const p of installed) {
    const url = r.pick(p.urls);
    const list = presetEntries(p, url);
    entries = [...list, ...entries.filter((e) => e.envKey !== p.envKey)];
    first = list[0];
    metadata[p.id] = { version: 'sha', baseUrl: url };
    placeKey(r, p.envKey, `${p.keyPrefix}${clean(p.id)}-key`, home, cwd, files, env, settingsEnv);
  }
  const s: Record<string, unknown> = {
    $version: 4,
    env: settingsEnv,
    modelProviders: { openai: entries },
    security: { auth: { selectedType: 'openai' } },
    model: { name: first!.id, baseUrl: '' },
    providerMetadata: metadata,
  };
  // The edits people make.
  const model = s.model as Record<string, unknown>;
  switch (r.int(8)) {
    case 0:
      model.name = r.pick(entries).id;
      break;
    case 1:
      model.name = 'qwen3-max';
      break;
    case 2:
      delete model.name;
      break;
    case 3:
      // Pinned to an entry, or stale.
      model.name = r.pick(entries).id;
      model.baseUrl = r.chance(0.6) ? r.pick(entries).baseUrl! : 'https://old.example.com/v1';
      break;
    case 4:
      delete (s.security as { auth: Record<string, unknown> }).auth.selectedType;
      break;
    default:
      break;
  }
  if (r.chance(0.2)) (s.security as { auth: Record<string, unknown> }).auth.apiKey = 'sk-settings-auth';
  // Old shell variables next to the preset.
  if (r.chance(0.25)) env.OPENAI_API_KEY = 'sk-shell';
  if (r.chance(0.2)) env.OPENAI_BASE_URL = local('shell');
  if (r.chance(0.2)) env.OPENAI_MODEL = r.pick(['model-shell', first!.id]);
  const where = r.chance(0.8) || cwd === home ? `${home}/.qwen/settings.json` : `${cwd}/.qwen/settings.json`;
  files[where] = json(r, s);
  if (where !== `${home}/.qwen/settings.json` && r.chance(0.5)) {
    files[`${home}/.qwen/settings.json`] = json(r, { $version: 4, security: { auth: { selectedType: 'openai' } }, model: { name: 'user-model' } });
  }
  return { seed, family: 'presets', files, cwd, home, env, overrides: overrides(r, { model: entries.map((e) => e.id) }) };
}

/** The custom-provider family: one or more custom models, Chat Completions, Responses or Anthropic. */
function custom(seed: number, r: Rng): Case024 {
  const { cwd, home } = layout(r);
  const files: Record<string, string> = { [`${home}/.keep`]: '', [`${cwd}/.keep`]: '' };
  const env: Record<string, string> = {};
  const settingsEnv: Record<string, string> = {};
  const providers: Record<string, Entry[]> = {};
  const n = 1 + r.int(2);
  let firstType = 'openai';
  let firstEntry: Entry | undefined;
  for (let i = 0; i < n; i++) {
    const kind = r.pick(['chat', 'responses', 'anthropic', 'anthropic-native']);
    const tag = `custom${i}-${kind}`;
    const baseUrl =
      kind === 'anthropic-native'
        ? 'https://api.anthropic.com'
        : kind === 'anthropic'
          ? r.pick([local(tag, ''), local(tag, '/'), 'https://coding.dashscope.aliyuncs.com/apps/anthropic'])
          : kind === 'responses'
            ? r.pick([local(tag), local(tag, ''), local(tag, '/v1/')])
            : local(tag);
    const protocol = kind.startsWith('anthropic') ? 'anthropic' : 'openai';
    const envKey = `QWEN_CUSTOM_API_KEY_${protocol.toUpperCase()}_${clean(baseUrl).toUpperCase().replace(/-/g, '_')}_0123456789AB`;
    const entry: Entry = {
      id: `${kind}-model-${i}`,
      name: `${kind}-model-${i}`,
      baseUrl,
      ...(r.chance(0.9) && { envKey }),
      ...(kind === 'responses' && { wireApi: 'responses' }),
      ...(kind === 'chat' && r.chance(0.3) && { wireApi: 'chat-completions' }),
    };
    (providers[protocol] ??= []).unshift(entry);
    firstEntry = entry;
    firstType = kind === 'responses' ? 'openai-responses' : protocol;
    if (entry.envKey) placeKey(r, entry.envKey, protocol === 'anthropic' ? `sk-ant-${tag}` : `sk-${tag}`, home, cwd, files, env, settingsEnv);
  }
  const s: Record<string, unknown> = {
    $version: 4,
    env: settingsEnv,
    modelProviders: providers,
    security: { auth: { selectedType: firstType } },
    model: { name: firstEntry!.id, baseUrl: firstEntry!.baseUrl },
  };
  const model = s.model as Record<string, unknown>;
  switch (r.int(6)) {
    case 0:
      model.name = r.pick(Object.values(providers).flat()).id;
      break;
    case 1:
      delete model.baseUrl;
      break;
    case 2:
      (s.security as { auth: Record<string, unknown> }).auth.selectedType = r.pick(['openai', 'openai-responses', 'anthropic']);
      break;
    default:
      break;
  }
  if (r.chance(0.25)) env.ANTHROPIC_BASE_URL = local('anth-shell', '');
  if (r.chance(0.2)) env.ANTHROPIC_API_KEY = 'sk-ant-shell';
  if (r.chance(0.2)) env.OPENAI_API_KEY = 'sk-shell';
  files[`${home}/.qwen/settings.json`] = json(r, s);
  const models = Object.values(providers)
    .flat()
    .map((e) => e.id);
  return { seed, family: 'custom', files, cwd, home, env, overrides: overrides(r, { model: models }) };
}

/** The protocols family: providerProtocol, wireApi, and ids under protocols the type does not use. */
function protocols(seed: number, r: Rng): Case024 {
  const { cwd, home } = layout(r);
  const files: Record<string, string> = { [`${home}/.keep`]: '', [`${cwd}/.keep`]: '' };
  const env: Record<string, string> = {};
  const providers: Record<string, Entry[]> = {};
  const providerProtocol: Record<string, string> = {};
  const ids = ['openai', 'anthropic', 'openai-responses', 'myproxy', 'other'];
  const used = ids.filter(() => r.chance(0.45));
  if (used.length === 0) used.push('myproxy');
  const all: Entry[] = [];
  for (const pid of used) {
    const list: Entry[] = [];
    for (let i = 0; i < 1 + r.int(2); i++) {
      const id = r.chance(0.3) ? 'shared-model' : `${pid}-m${i}`;
      const e: Entry = {
        id,
        name: id,
        ...(r.chance(0.85) && { baseUrl: pid === 'anthropic' ? local(`${pid}-${i}`, '') : local(`${pid}-${i}`) }),
        ...(r.chance(0.85) && { envKey: `KEY_${clean(pid).toUpperCase().replace(/-/g, '_')}_${i}` }),
        ...(pid !== 'anthropic' && r.chance(0.3) && { wireApi: r.pick(['responses', 'chat-completions']) }),
      };
      list.push(e);
      all.push(e);
      if (e.envKey && r.chance(0.8)) env[e.envKey] = `sk-${clean(pid)}-${i}`;
    }
    providers[pid] = list;
  }
  if (used.includes('myproxy') && r.chance(0.8)) providerProtocol.myproxy = r.pick(['openai', 'openai-responses', 'anthropic', 'bogus']);
  if (r.chance(0.2)) providerProtocol.other = 'openai';
  const s: Record<string, unknown> = {
    modelProviders: providers,
    ...(Object.keys(providerProtocol).length > 0 && { providerProtocol }),
    security: { auth: { selectedType: r.pick(['openai', 'openai-responses', 'anthropic', 'openai']) } },
    ...(r.chance(0.8) && { model: { name: r.chance(0.8) ? r.pick(all).id : 'missing-model' } }),
  };
  if (r.chance(0.3)) env.OPENAI_API_KEY = 'sk-shell';
  if (r.chance(0.2)) env.ANTHROPIC_BASE_URL = local('anth-shell', '');
  if (r.chance(0.2)) env.ANTHROPIC_API_KEY = 'sk-ant-shell';
  // A workspace that overrides one provider id only (lists merge per id).
  if (cwd !== home && r.chance(0.3)) {
    const pid = r.pick(used);
    files[`${cwd}/.qwen/settings.json`] = json(r, {
      modelProviders: { [pid]: [{ id: `ws-${pid}`, baseUrl: local(`ws-${pid}`, pid === 'anthropic' ? '' : '/v1'), envKey: 'WS_KEY' }] },
    });
    if (r.chance(0.8)) env.WS_KEY = 'sk-ws';
  }
  files[`${home}/.qwen/settings.json`] = json(r, s);
  return { seed, family: 'protocols', files, cwd, home, env, overrides: overrides(r, { model: all.map((e) => e.id) }) };
}

/** The home family: where Qwen's folder is, and what is read from it. */
function homeFolder(seed: number, r: Rng): Case024 {
  const { cwd, home } = layout(r);
  const files: Record<string, string> = { [`${home}/.keep`]: '', [`${cwd}/.keep`]: '' };
  const env: Record<string, string> = {};
  const alt = r.pick(['~/alt', `~/alt/nested`]);
  const altDir = alt.replace('~', home);
  switch (r.int(5)) {
    case 0:
      files[`${home}/.qwen/.env`] = `QWEN_HOME=${alt}
`;
      break;
    case 1:
      files[`${home}/.env`] = `QWEN_HOME=${alt}
OPENAI_MODEL=model-home-env
`;
      break;
    case 2:
      env.QWEN_HOME = altDir.replace(home, '{home}');
      break;
    case 3:
      env.QWEN_HOME = '';
      files[`${home}/.env`] = `QWEN_HOME=${alt}
`;
      break;
    default:
      if (cwd !== home)
        files[`${cwd}/.env`] = `QWEN_HOME=${alt}
`;
      break;
  }
  const settings = (tag: string) =>
    json(r, {
      security: { auth: { selectedType: 'openai', ...(r.chance(0.5) && { apiKey: `sk-settings-${tag}` }) } },
      ...(r.chance(0.6) && { model: { name: `model-${tag}` } }),
      ...(r.chance(0.5) && { env: { OPENAI_BASE_URL: local(`senv-${tag}`) } }),
    });
  if (r.chance(0.8)) files[`${altDir}/settings.json`] = settings('alt');
  if (r.chance(0.6)) files[`${home}/.qwen/settings.json`] = settings('legacy');
  if (r.chance(0.6))
    files[`${altDir}/.env`] = `OPENAI_API_KEY=sk-alt-env
${
  r.chance(0.5)
    ? `OPENAI_BASE_URL=${local('alt-env')}
`
    : ''
}`;
  if (r.chance(0.5))
    files[`${home}/.qwen/.env`] = `${files[`${home}/.qwen/.env`] ?? ''}OPENAI_API_KEY=sk-legacy-env
OPENAI_BASE_URL=${local('legacy-env')}
`;
  if (r.chance(0.3)) env.OPENAI_API_KEY = r.chance(0.3) ? '' : 'sk-exported';
  return { seed, family: 'home', files, cwd, home, env, overrides: overrides(r) };
}

function baseCase(seed: number): Case024 {
  const r = rng(seed);
  const family = r.int(11);
  if (family < 4) return layers(seed, r);
  if (family < 7) return presets(seed, r);
  if (family < 9) return custom(seed, r);
  if (family < 10) return protocols(seed, r);
  return homeFolder(seed, r);
}

/**
 * A random case of one of the families, with the settings layers of
 * layers.ts (not in the home family, whose Qwen folder moves; not with
 * `layers: false`, for oracles that restate only the 0.24 spec).
 */
export function generateCase024(seed: number, options: { readonly layers?: boolean } = {}): Case024 {
  const c = baseCase(seed);
  if (c.family === 'home' || options.layers === false) return { ...c, layers: [] };
  return { ...c, layers: addLayers(seed, c, '0.24') };
}
