/**
 * The settings layers of settings-layers.md, added to the generated cases of
 * both differential suites (generate.ts for 0.12.0, generate-024.ts for
 * 0.24.4): folder trust on, off or undecided with a repository `.env` and
 * workspace settings; system settings and system defaults overlapping the
 * user and workspace files (moved into the case's folder by
 * QWEN_CODE_SYSTEM_SETTINGS_PATH / QWEN_CODE_SYSTEM_DEFAULTS_PATH, never
 * /etc); `security.auth.enforcedType` matching and not; v1 (flat) files;
 * `useExternal`; `$VAR` references the relaunch resolves. Drawn from their
 * own random stream, so the base case of a seed stays what it was.
 *
 * `{root}` in a value is the case's folder, `{port}` the loopback server's.
 */
import { type Rng, rng } from './generate.js';

/** A layer a case exercises, for the per-layer figures. */
export type LayerTag =
  | 'trust-off'
  | 'trust-trusted'
  | 'trust-untrusted'
  | 'trust-undecided'
  | 'system'
  | 'system-defaults'
  | 'enforced-match'
  | 'enforced-mismatch'
  | 'v1'
  | 'v1-mixed'
  | 'use-external'
  | 'relaunch';

export interface LayeredCase {
  readonly files: Record<string, string>;
  readonly env: Record<string, string>;
  readonly cwd: string;
  readonly home: string;
}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function readJson(files: Record<string, string>, path: string): Json | undefined {
  const text = files[path];
  if (text === undefined) return undefined;
  return JSON.parse(text.replace(/^\/\/[^\n]*\n/, '')) as Json;
}

function edit(files: Record<string, string>, path: string, change: (s: Json) => void): void {
  const s = readJson(files, path) ?? {};
  change(s);
  files[path] = `${JSON.stringify(s, null, 2)}\n`;
}

function setIn(s: Json, path: string, value: unknown): void {
  const steps = path.split('.');
  const last = steps.pop()!;
  let node = s;
  for (const step of steps) {
    if (!isObject(node[step])) node[step] = {};
    node = node[step] as Json;
  }
  node[last] = value;
}

const local = (tag: string): string => `http://127.0.0.1:{port}/${tag}/v1`;

/** The folders from the case's root down to its working folder (`w`, `w/b`, …). */
function foldersOf(cwd: string): string[] {
  const parts = cwd.split('/');
  return parts.map((_, i) => parts.slice(0, i + 1).join('/'));
}

/** A layer's own settings values, named after it. */
function layerSettings(r: Rng, tag: string, dialect: '0.12' | '0.24'): Json {
  const s: Json = {};
  if (r.chance(0.4)) setIn(s, 'security.auth.apiKey', `sk-${tag}`);
  if (r.chance(0.4)) setIn(s, 'security.auth.baseUrl', local(tag));
  if (r.chance(0.35)) setIn(s, 'model.name', `model-${tag}`);
  if (dialect === '0.24' && r.chance(0.3)) setIn(s, 'security.auth.selectedType', r.pick(['openai', 'openai', 'anthropic']));
  if (r.chance(0.35)) s.env = { OPENAI_API_KEY: `sk-senv-${tag}`, ...(r.chance(0.5) && { OPENAI_BASE_URL: local(`senv-${tag}`) }) };
  return s;
}

/** The v1 (flat) form of a v2 settings object, as old installers and guides write it. */
function toV1(r: Rng, s: Json): { flat: Json; mixed: boolean } {
  const flat: Json = {};
  const auth = isObject(s.security) && isObject(s.security.auth) ? { ...s.security.auth } : {};
  for (const [key, v1] of [
    ['selectedType', 'selectedAuthType'],
    ['enforcedType', 'enforcedAuthType'],
    ['useExternal', 'useExternalAuth'],
  ] as const) {
    if (key in auth) {
      flat[v1] = auth[key];
      delete auth[key];
    }
  }
  if (isObject(s.model) && 'name' in s.model) flat.model = s.model.name;
  if (isObject(s.advanced) && Array.isArray(s.advanced.excludedEnvVars)) flat.excludedProjectEnvVars = s.advanced.excludedEnvVars;
  if (isObject(s.security) && isObject(s.security.folderTrust) && 'enabled' in s.security.folderTrust) flat.folderTrust = s.security.folderTrust.enabled;
  for (const key of ['env', 'modelProviders', 'providerProtocol']) if (key in s) flat[key] = s[key];
  // The keys v1 has no flat form for stay nested: a mixed file (rule 4 drops the flat auth keys).
  const mixed = Object.keys(auth).length > 0 && r.chance(0.6);
  if (mixed) flat.security = { auth };
  if (Object.keys(flat).every((k) => k === 'env' || k === 'modelProviders' || k === 'providerProtocol' || k === 'security')) flat.theme = 'Default';
  if (r.chance(0.1)) flat.$version = 3;
  return { flat, mixed };
}

/**
 * Adds layers to a generated case in place and says which. About half the
 * cases get at least one.
 */
export function addLayers(seed: number, c: LayeredCase, dialect: '0.12' | '0.24'): LayerTag[] {
  const r = rng((seed ^ 0x5bd1e995) >>> 0);
  const tags: LayerTag[] = [];
  const { files, env, cwd, home } = c;
  const userPath = `${home}/.qwen/settings.json`;
  const wsPath = `${cwd}/.qwen/settings.json`;
  const hasWorkspace = cwd !== home;

  // System settings and system defaults, moved into the case's folder.
  let systemPath: string | undefined;
  if (r.chance(0.2)) {
    systemPath = 'sys/settings.json';
    env.QWEN_CODE_SYSTEM_SETTINGS_PATH = `{root}/${systemPath}`;
    files[systemPath] = `${JSON.stringify(layerSettings(r, 'system', dialect), null, 2)}\n`;
    tags.push('system');
  }
  if (r.chance(0.2)) {
    const beside = systemPath !== undefined && r.chance(0.5);
    const path = beside ? 'sys/system-defaults.json' : 'sysd/defaults.json';
    if (!beside) env.QWEN_CODE_SYSTEM_DEFAULTS_PATH = `{root}/${path}`;
    else if (!systemPath) env.QWEN_CODE_SYSTEM_SETTINGS_PATH = '{root}/sys/settings.json';
    files[path] = `${JSON.stringify(layerSettings(r, 'sysdef', dialect), null, 2)}\n`;
    tags.push('system-defaults');
  }

  // Folder trust, with a repository .env and workspace settings that would change the answer.
  if (hasWorkspace && r.chance(0.3)) {
    files[`${cwd}/.env`] ??= `OPENAI_API_KEY=sk-repo\nOPENAI_BASE_URL=${local('repo')}\n`;
    if (!files[wsPath] || r.chance(0.5)) edit(files, wsPath, (s) => Object.assign(s, layerSettings(r, 'ws-trust', dialect)));
    const on = r.chance(0.8);
    const where = r.pick(systemPath ? ['user', 'user', 'system', 'workspace'] : ['user', 'user', 'workspace']);
    edit(files, where === 'system' ? systemPath! : where === 'workspace' ? wsPath : userPath, (s) => setIn(s, 'security.folderTrust.enabled', on));
    const folders = foldersOf(cwd);
    const rules: Record<string, string> = {};
    // The rules: the folder itself, an ancestor, a child, a sibling, and the ties each version
    // settles its own way (0.24: longest match, DO_NOT_TRUST wins a tie, undecided is untrusted;
    // 0.12: a covering TRUST_* beats DO_NOT_TRUST, which matches its own path only).
    const choice = r.int(12);
    const sibling = `{root}/${folders[0]}-sibling`;
    if (choice === 1) rules[`{root}/${cwd}`] = 'TRUST_FOLDER';
    else if (choice === 2) rules[`{root}/${folders[0]}`] = 'TRUST_FOLDER';
    else if (choice === 3) rules[`{root}/${cwd}/x`] = 'TRUST_PARENT';
    else if (choice === 4) rules[`{root}/${cwd}`] = 'DO_NOT_TRUST';
    else if (choice === 5) {
      rules[`{root}/${folders[0]}`] = 'DO_NOT_TRUST';
      rules[`{root}/${cwd}`] = 'TRUST_FOLDER';
    } else if (choice === 6) {
      rules[`{root}/${folders[0]}`] = 'TRUST_FOLDER';
      rules[`{root}/${cwd}`] = 'DO_NOT_TRUST';
    } else if (choice === 7) rules[`{root}/${folders[0]}`] = 'DO_NOT_TRUST';
    else if (choice === 8) rules[sibling] = 'TRUST_FOLDER';
    else if (choice === 9) rules[`{root}/${cwd}`] = 'TRUST_PARENT';
    else if (choice === 10) {
      rules[`{root}/${cwd}`] = 'DO_NOT_TRUST';
      rules[`{root}/${cwd}/x`] = 'TRUST_PARENT';
    } else if (choice === 11) {
      rules[`{root}/${folders[0]}`] = 'DO_NOT_TRUST';
      rules[sibling] = 'TRUST_FOLDER';
    }
    if (choice !== 0 || r.chance(0.5)) files[`${home}/.qwen/trustedFolders.json`] = `${JSON.stringify(rules, null, 2)}\n`;
    // The tag is a rough class for the tally (the versions disagree on some of these by design).
    const untrusted = [4, 6, 7, 10, 11].includes(choice);
    const trusted = [1, 2, 3, 5, 9].includes(choice);
    tags.push(!on ? 'trust-off' : untrusted ? 'trust-untrusted' : trusted ? 'trust-trusted' : 'trust-undecided');
  }

  // security.auth.enforcedType in one layer.
  if (r.chance(0.15)) {
    const value = r.pick(['openai', 'openai', 'openai', 'anthropic', 'openai-responses', 'qwen-oauth', 'OpenAI', '']);
    const where = systemPath && r.chance(0.3) ? systemPath : hasWorkspace && r.chance(0.3) ? wsPath : userPath;
    edit(files, where, (s) => setIn(s, 'security.auth.enforcedType', value));
    tags.push(value === 'openai' || value === '' ? 'enforced-match' : 'enforced-mismatch');
  }

  // useExternal (user settings).
  if (r.chance(0.1)) {
    edit(files, userPath, (s) => setIn(s, 'security.auth.useExternal', true));
    tags.push('use-external');
  }

  // $VAR references the relaunch resolves: names set only in a project .env, a settings.env, or exported empty.
  if (r.chance(0.15)) {
    const key = r.pick(['$RL_KEY', '${RL_KEY}']);
    edit(files, userPath, (s) => {
      setIn(s, 'security.auth.apiKey', key);
      if (r.chance(0.5)) setIn(s, 'model.name', '${RL_MODEL}');
      if (r.chance(0.4)) s.env = { ...(isObject(s.env) ? s.env : {}), RL_MODEL: 'model-relaunch-senv' };
    });
    const where = hasWorkspace ? r.pick(['project', 'home', 'settings']) : r.pick(['home', 'settings']);
    if (where === 'project') files[`${cwd}/.env`] = `${files[`${cwd}/.env`] ?? ''}RL_KEY=sk-relaunch-project\nRL_MODEL=model-relaunch-project\n`;
    else if (where === 'home') files[`${home}/.qwen/.env`] = `${files[`${home}/.qwen/.env`] ?? ''}RL_KEY=sk-relaunch-home\n`;
    else edit(files, userPath, (s) => (s.env = { ...(isObject(s.env) ? s.env : {}), RL_KEY: 'sk-relaunch-senv' }));
    if (r.chance(0.3)) env.RL_KEY = '';
    tags.push('relaunch');
  }

  // The user file in v1 (flat) form, last, so it carries the layers above.
  if (files[userPath] !== undefined && r.chance(0.15)) {
    const { flat, mixed } = toV1(r, readJson(files, userPath)!);
    files[userPath] = `${JSON.stringify(flat, null, 2)}\n`;
    tags.push(mixed ? 'v1-mixed' : 'v1');
  }
  return tags;
}

/** Per-layer figures: cases generated with the layer, compared, mismatches. */
export class LayerTally {
  readonly #rows = new Map<string, { generated: number; compared: number; mismatches: number }>();
  add(tags: readonly string[], compared: boolean, mismatch: boolean): void {
    for (const tag of tags.length > 0 ? tags : ['(none)']) {
      const row = this.#rows.get(tag) ?? { generated: 0, compared: 0, mismatches: 0 };
      row.generated++;
      if (compared) row.compared++;
      if (mismatch) row.mismatches++;
      this.#rows.set(tag, row);
    }
  }
  toString(): string {
    return [...this.#rows.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([tag, r]) => `${tag} ${r.generated}/${r.compared}/${r.mismatches}`)
      .join(', ');
  }
}
