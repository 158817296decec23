/**
 * Random resolution cases over the rules of spec §1–4, for comparing
 * qwen-auth with the real Qwen Code CLI. Seeded, so a failing case can be
 * replayed by its seed. The settings layers of settings-layers.md (trust,
 * system files, enforcedType, v1 files, useExternal, the relaunch) are added
 * by layers.ts.
 */
import { addLayers, type LayerTag } from './layers.js';

export interface Rng {
  next(): number;
  int(n: number): number;
  pick<T>(list: readonly T[]): T;
  chance(p: number): boolean;
}

/** mulberry32: small, fast, good enough for test cases. */
export function rng(seed: number): Rng {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    next,
    int: (n) => Math.floor(next() * n),
    pick: (list) => list[Math.floor(next() * list.length)]!,
    chance: (p) => next() < p,
  };
}

export interface Case {
  readonly seed: number;
  /** Files relative to the case root. */
  readonly files: Record<string, string>;
  /** cwd and home, relative to the root. */
  readonly cwd: string;
  readonly home: string;
  /** The exported environment. `{port}` is replaced by the fake server's port. */
  readonly env: Record<string, string>;
  /** CLI-style overrides. */
  readonly overrides: { apiKey?: string; baseUrl?: string; model?: string };
  /** The settings layers the case exercises (layers.ts). */
  readonly layers: readonly LayerTag[];
}

const VARS = ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OPENAI_MODEL', 'QWEN_MODEL'] as const;

/** A base URL on the fake server whose path names where it came from. */
export const baseUrlFor = (tag: string): string => `http://127.0.0.1:{port}/${tag}/v1`;

function valueFor(name: string, tag: string): string {
  switch (name) {
    case 'OPENAI_API_KEY':
      return `sk-${tag}`;
    case 'OPENAI_BASE_URL':
      return baseUrlFor(tag);
    default:
      return `model-${tag}`;
  }
}

/** One `NAME=value` line in a random dotenv syntax that dotenv parses to `value`. */
function dotenvLine(r: Rng, name: string, value: string): string {
  switch (r.int(7)) {
    case 0:
      return `${name}="${value}"`;
    case 1:
      return `${name}='${value}'`;
    case 2:
      return `export ${name}=${value}`;
    case 3:
      return `${name} = ${value}   # a comment`;
    case 4:
      return `${name}: ${value}`;
    case 5:
      return `  ${name}=\`${value}\``;
    default:
      return `${name}=${value}`;
  }
}

function dotenvFile(r: Rng, tag: string): string {
  const lines: string[] = [];
  if (r.chance(0.3)) lines.push('# project settings');
  for (const name of VARS) {
    if (r.chance(0.55)) lines.push(dotenvLine(r, name, valueFor(name, tag)));
  }
  if (r.chance(0.3)) lines.push(dotenvLine(r, 'DEBUG', '1'));
  if (r.chance(0.2)) lines.push(dotenvLine(r, 'UNRELATED', 'x'));
  if (r.chance(0.2)) lines.push('');
  return `${lines.join(r.chance(0.2) ? '\r\n' : '\n')}\n`;
}

function settingsFile(r: Rng, tag: string): string {
  const s: Record<string, unknown> = {};
  const auth: Record<string, unknown> = {};
  if (r.chance(0.35)) auth.apiKey = `sk-settings-${tag}`;
  if (r.chance(0.35)) auth.baseUrl = baseUrlFor(`settings-${tag}`);
  if (Object.keys(auth).length > 0) s.security = { auth };
  if (r.chance(0.35)) s.model = { name: `model-settings-${tag}` };
  if (r.chance(0.35)) {
    const env: Record<string, string> = {};
    for (const name of VARS) if (r.chance(0.4)) env[name] = valueFor(name, `senv-${tag}`);
    s.env = env;
  }
  if (r.chance(0.15)) s.advanced = { excludedEnvVars: [r.pick(['OPENAI_MODEL', 'OPENAI_API_KEY', 'DEBUG', 'QWEN_MODEL'])] };
  if (r.chance(0.2)) {
    const entries = [];
    const n = 1 + r.int(2);
    for (let i = 0; i < n; i++) {
      entries.push({
        id: `mp-${tag}-${i}`,
        envKey: `MP_KEY_${i}`,
        ...(r.chance(0.7) && { baseUrl: baseUrlFor(`mp-${tag}-${i}`) }),
      });
    }
    s.modelProviders = { openai: entries };
    if (r.chance(0.5)) s.model = { name: r.pick([...entries.map((e) => e.id), 'no-such-model']) };
  }
  const json = JSON.stringify(s, null, 2);
  return r.chance(0.3) ? `// ${tag} settings\n${json}\n` : `${json}\n`;
}

/**
 * A random case. Folders up to five deep; home outside, above or inside the
 * workspace. `layers: false` leaves out the settings layers of layers.ts
 * (for oracles that restate only spec §1–4).
 */
export function generateCase(seed: number, options: { readonly layers?: boolean } = {}): Case {
  const r = rng(seed);
  const depth = 1 + r.int(5);
  const folders = ['w'];
  for (let i = 1; i < depth; i++) folders.push(`${folders[i - 1]}/${String.fromCharCode(97 + i)}`);
  const cwd = folders.at(-1)!;
  const homeChoice = r.int(3);
  const home = homeChoice === 0 ? 'home' : homeChoice === 1 ? folders[r.int(folders.length)]! : `${folders[r.int(folders.length)]}/h`;

  const files: Record<string, string> = { [`${home}/.keep`]: '', [`${cwd}/.keep`]: '' };
  const candidates = [...folders.flatMap((f) => [`${f}/.qwen/.env`, `${f}/.env`]), `${home}/.qwen/.env`, `${home}/.env`];
  for (const c of candidates) {
    if (r.chance(0.25)) files[c] = dotenvFile(r, c.replace(/[^a-z0-9]+/gi, '-'));
  }
  if (r.chance(0.5)) files[`${home}/.qwen/settings.json`] = settingsFile(r, 'user');
  if (r.chance(0.5) && cwd !== home) files[`${cwd}/.qwen/settings.json`] = settingsFile(r, 'ws');

  const env: Record<string, string> = {};
  for (const name of VARS) {
    if (r.chance(0.25)) env[name] = r.chance(0.25) ? '' : valueFor(name, 'exported');
  }
  for (let i = 0; i < 2; i++) if (r.chance(0.5)) env[`MP_KEY_${i}`] = r.chance(0.2) ? '' : `sk-mp-${i}`;

  const overrides: Case['overrides'] = {};
  if (r.chance(0.2)) overrides.apiKey = 'sk-cli';
  if (r.chance(0.2)) overrides.baseUrl = baseUrlFor('cli');
  if (r.chance(0.2)) overrides.model = r.chance(0.5) ? 'model-cli' : 'mp-user-0';

  const layers = options.layers === false ? [] : addLayers(seed, { files, env, cwd, home }, '0.12');
  return { seed, files, cwd, home, env, overrides, layers };
}
