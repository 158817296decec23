import { homedir } from 'node:os';
import { resolve as resolvePath } from 'node:path';
import { addOnce, type Diagnostic } from '../diagnostics.js';
import { LayeredEnv } from '../env/layered-env.js';
import { applyEnvFile, DEFAULT_EXCLUDED_ENV_VARS, type LoadedEnvFile } from '../env/load.js';
import { readEnvFilesAndHome } from '../env/qwen-home.js';
import { statOrUndefined } from '../internal/fs.js';
import { defaultRegistry } from '../providers/default-registry.js';
import { checkedRegistry } from '../providers/registry.js';
import type { ProviderRegistry } from '../providers/types.js';
import { mergeSettings } from '../settings/merge.js';
import { isHomeFolder, readSettingsFile, type SettingsDocument, userSettingsPath, workspaceSettingsPath } from '../settings/read.js';
import type { EffectiveSettings } from '../settings/types.js';
import type { EnvFileLayer, EnvFileReport, EnvRecord, QwenCodeVersion } from '../types.js';
import type { ResolveAuthOptions } from './options.js';
import { applyQwenCode024EnvFile, applyQwenCode024SettingsEnv, settingsExpansionEnv } from './qwen-code-024/env-files.js';

/** Everything resolution has learned before choosing the auth type; shared by both branches. */
export interface ResolutionContext {
  readonly options: ResolveAuthOptions;
  /** Whose rules: `'0.12'` (default) or `'0.24'`. */
  readonly qwenCode: QwenCodeVersion;
  readonly cwd: string;
  readonly homeDir: string;
  readonly qwenDir: string;
  /** The real environment after the `.env` files and `settings.env` filled it. */
  readonly env: LayeredEnv;
  /** The real environment alone. */
  readonly realEnv: EnvRecord;
  readonly settings: EffectiveSettings;
  readonly envFile: EnvFileReport | null;
  /** `.env` candidates checked, also when none was found. */
  readonly searched: readonly string[];
  readonly diagnostics: Diagnostic[];
  readonly now: () => number;
  /** The provider registry: the caller's, checked (its answers too), or the built-in one. */
  readonly registry: ProviderRegistry;
}

/**
 * The values the first pass left for the names settings reference, when one
 * differs from what the first expansion saw (else undefined: a second read
 * would give the same settings).
 */
function relaunchEnv(env: LayeredEnv, names: readonly string[], first: EnvRecord): EnvRecord | undefined {
  const out: Record<string, string> = {};
  let changed = false;
  for (const name of names) {
    const value = env.value(name);
    if (value === undefined) continue;
    out[name] = value;
    if (!Object.hasOwn(first, name) || first[name] !== value) changed = true;
  }
  return changed ? out : undefined;
}

/**
 * Loads the layers as Qwen Code does (spec §1–2): the `.env` file (found
 * before settings: a home-level file may move `QWEN_HOME`), the user and
 * workspace settings, then real environment > `.env` > `settings.env`.
 * With `qwenCode: '0.24'`, Qwen Code 0.24's variant (spec 0.24 §2 rules 1–4):
 * the project file and the home files, empty values filled, its exclusions.
 */
export async function loadContext(options: ResolveAuthOptions): Promise<ResolutionContext> {
  const realEnv: EnvRecord = options.env ?? process.env;
  const homeDir = resolvePath(options.homeDir ?? homedir());
  const cwd = resolvePath(options.cwd ?? process.cwd());
  const diagnostics: Diagnostic[] = [];
  const qwenCode: QwenCodeVersion = options.qwenCode ?? '0.12';
  const v024 = qwenCode === '0.24';

  // 1. The .env file, and with it Qwen's home folder.
  const { search, files, home, before } = readEnvFilesAndHome(
    { qwenDir: options.qwenDir, env: realEnv, homeDir, cwd, envFile: options.envFile, qwenCode },
    diagnostics,
  );
  const { qwenDir } = home;

  // 2. Settings: user, then workspace (none when cwd is the home folder).
  const readSettings = async (dir: string, expandFrom: EnvRecord, into: Diagnostic[]) => {
    const docs: SettingsDocument[] = [];
    const user = await readSettingsFile(userSettingsPath(dir), 'user', expandFrom, into, qwenCode);
    if (user) docs.push(user);
    const wsPath = workspaceSettingsPath(cwd);
    if (statOrUndefined(wsPath)?.isFile() && !isHomeFolder(cwd, homeDir) && wsPath !== userSettingsPath(dir)) {
      const ws = await readSettingsFile(wsPath, 'workspace', expandFrom, into, qwenCode);
      if (ws) docs.push(ws);
    }
    return mergeSettings(docs, into);
  };

  // 3. Layers: real environment > .env > settings.env.
  const env = new LayeredEnv(realEnv, { emptyIsUnset: v024 });
  const layers: EnvFileLayer[] = [];
  const applied = new Set<string>();
  const applyFiles = (list: readonly LoadedEnvFile[], settings: EffectiveSettings): void => {
    const excluded = settings.excludedEnvVars ?? options.envFile?.excludedVars ?? DEFAULT_EXCLUDED_ENV_VARS;
    const apply = v024 ? applyQwenCode024EnvFile : applyEnvFile;
    for (const { file, values } of list) {
      if (applied.has(file.path)) continue;
      applied.add(file.path);
      layers.push(values ? apply(env, file, values, excluded) : { path: file.path, applied: [], excluded: [], shadowed: [] });
    }
  };
  const applySettingsEnv = (settings: EffectiveSettings): void => {
    if (v024) {
      applyQwenCode024SettingsEnv(env, settings);
      return;
    }
    for (const entry of settings.env) {
      env.offer(entry.name, {
        value: entry.value,
        source: { kind: 'settings', name: entry.name, key: entry.key, path: entry.path, scope: entry.scope },
      });
    }
  };
  // Qwen Code 0.24, QWEN_HOME exported empty and filled by a home file: the first pass's layers stay.
  if (before) {
    const quiet: Diagnostic[] = [];
    const first = await readSettings(before.qwenDir, settingsExpansionEnv(realEnv, before.files, { qwenDir: before.qwenDir, source: { kind: 'default' } }, homeDir), quiet);
    for (const d of quiet) addOnce(diagnostics, d);
    applyFiles(before.files, first);
    applySettingsEnv(first);
  }
  const expansion = (from: EnvRecord): EnvRecord => (v024 ? settingsExpansionEnv(from, files, home, homeDir) : from);
  const firstExpansion = expansion(realEnv);
  let settings = await readSettings(qwenDir, firstExpansion, diagnostics);
  applyFiles(files, settings);
  applySettingsEnv(settings);

  // 4. The relaunch (settings-layers.md §7): both CLIs start themselves again on the environment the
  // first pass left, so `$VAR` in settings sees the applied .env files and settings.env, and the first
  // pass's values outrank what only the second pass offers. Read again only when a reference changes.
  const relaunched = relaunchEnv(env, settings.references, firstExpansion);
  if (relaunched) {
    const quiet: Diagnostic[] = [];
    settings = await readSettings(qwenDir, expansion({ ...realEnv, ...relaunched }), quiet);
    for (const d of quiet) addOnce(diagnostics, d);
    applySettingsEnv({ ...settings, env: settings.env.filter((e) => !(v024 ? env.value(e.name) : env.has(e.name))) });
  }

  const searched = before ? [...new Set([...before.searched, ...search.searched])] : search.searched;
  const firstFound = before?.files[0]?.file ?? search.found;
  const envFile: EnvFileReport | null =
    firstFound && layers[0] ? { ...layers[0], searched, scope: firstFound.scope, fallbacks: layers.slice(1) } : null;

  return {
    options,
    qwenCode,
    cwd,
    homeDir,
    qwenDir,
    env,
    realEnv,
    settings,
    envFile,
    searched,
    diagnostics,
    now: options.now ?? Date.now,
    registry: options.registry === undefined ? defaultRegistry() : checkedRegistry(options.registry),
  };
}
