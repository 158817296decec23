import type { Stats } from 'node:fs';
import { homedir } from '../internal/node.js';
import { basename, dirname, join, normalize, resolve as resolvePath } from 'node:path';
import { addOnce, type Diagnostic } from '../diagnostics.js';
import type { EnvFileFilter, SkippedEnvFile } from '../env/discover.js';
import { homeLevelEnvFiles } from '../env/discover.js';
import { LayeredEnv } from '../env/layered-env.js';
import { applyEnvFile, DEFAULT_EXCLUDED_ENV_VARS, type LoadedEnvFile } from '../env/load.js';
import { type QwenHome, readEnvFilesAndHome } from '../env/qwen-home.js';
import { realPathOr, type StatCache, statCache, statOrUndefined } from '../internal/fs.js';
import { defaultRegistry } from '../providers/default-registry.js';
import { checkedRegistry } from '../providers/registry.js';
import type { ProviderRegistry } from '../providers/types.js';
import { folderTrustEnabled, mergeSettings } from '../settings/merge.js';
import { isHomeFolder, readSettingsFile, type SettingsDocument, userSettingsPath, workspaceSettingsPath } from '../settings/read.js';
import { SYSTEM_DEFAULTS_VARIABLE, SYSTEM_SETTINGS_VARIABLE, systemSettingsPaths } from '../settings/system-paths.js';
import {
  type FolderTrust,
  folderTrustOf,
  readTrustRules,
  TRUSTED_FOLDERS_VARIABLE,
  type TrustRule,
  type TrustRulesFile,
  trustedFoldersPath,
} from '../settings/trusted-folders.js';
import type { EffectiveSettings } from '../settings/types.js';
import type { EnvFileLayer, EnvFileReport, EnvRecord, LayerFile, QwenCodeVersion, SettingsScope } from '../types.js';
import type { ResolveAuthOptions } from './options.js';
import { DEFAULT_DIALECT, type Dialect } from './dialects.js';
import { checkDialectOptions } from './options.js';
import { applySettingsEnv, envFileGuards, settingsExpansionEnv } from './env-file-rules.js';

/** Folder trust as resolution applied it (spec settings-layers §1). */
export interface TrustState {
  /** The switch that decided the workspace settings: system defaults < user < system (0.12: system < user). */
  readonly enabled: boolean;
  /** The rules file (read only while a switch is on; otherwise `exists: false`, no rules). */
  readonly file: TrustRulesFile;
  /** The working folder's standing under the rules (`undecided` when trust is off). */
  readonly verdict: FolderTrust;
  readonly rule?: TrustRule;
  /** Whether the workspace settings were read (false also when there is none to read). */
  readonly workspaceApplied: boolean;
  /** The switch on the full merge (workspace included when applied), which decides the `.env` files (rule 7). */
  readonly envEnabled: boolean;
  /** Whether project `.env` files of the working folder may apply. */
  readonly projectEnvApplied: boolean;
}

/** Everything resolution has learned before choosing the auth type; shared by both branches. */
export interface ResolutionContext {
  readonly options: ResolveAuthOptions;
  /** Whose rules: `'0.12'` (default) or `'0.24'`. */
  readonly qwenCode: QwenCodeVersion;
  /** Those rules, as data (dialects.ts). */
  readonly dialect: Dialect;
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
  /** Folder trust: the switch, the rules file, the working folder's verdict, what it kept out. */
  readonly trust: TrustState;
  /** Every settings file and `.env` file considered, with its scope and what became of it. */
  readonly layerFiles: readonly LayerFile[];
  /**
   * Settings files that stop Qwen Code before it resolves anything (0.24: a
   * system, system-defaults or user file that exists but is not a JSON
   * object). `resolveAuth` throws for the first; `inspectEnvironment` reports.
   */
  readonly fatalSettings: readonly Diagnostic[];
}

/**
 * Each version's rules (dialects.ts). The default mode's table is at hand;
 * Qwen Code 0.24's, with the steps only it takes, is loaded on first use
 * (qwen-code-0.24.ts), so the default mode's import stays light.
 */
const DIALECTS: Readonly<Record<QwenCodeVersion, () => Dialect | Promise<Dialect>>> = {
  '0.12': () => DEFAULT_DIALECT,
  '0.24': async () => (await import('./qwen-code-0.24.js')).QWEN_CODE_024,
};

/** The variables that move the system files and the trust rules. */
const PATH_VARIABLES = [SYSTEM_SETTINGS_VARIABLE, SYSTEM_DEFAULTS_VARIABLE, TRUSTED_FOLDERS_VARIABLE] as const;
type PathEnv = Readonly<Partial<Record<(typeof PATH_VARIABLES)[number], string>>>;

/** Diagnostics of a settings file that exists but does not give a JSON object. */
const UNREADABLE_SETTINGS = new Set(['SETTINGS_INVALID_JSON', 'SETTINGS_NOT_OBJECT', 'SETTINGS_UNREADABLE']);

function pathEnvOf(get: (name: string) => string | undefined): PathEnv {
  const out: Partial<Record<(typeof PATH_VARIABLES)[number], string>> = {};
  for (const name of PATH_VARIABLES) {
    const v = get(name);
    if (v !== undefined && v !== '') out[name] = v;
  }
  return out;
}

const samePathEnv = (a: PathEnv, b: PathEnv): boolean => PATH_VARIABLES.every((n) => a[n] === b[n]);

/** `rule LEVEL at PATH in FILE`, or what undecided means, for a skip reason. */
function why(verdict: FolderTrust, rule: TrustRule | undefined, file: TrustRulesFile, folder: string, qwenCode: QwenCodeVersion): string {
  if (rule) return `folder ${verdict} (rule ${rule.level} at ${rule.path} in ${file.path})`;
  return `folder undecided (no rule in ${file.path} covers ${folder}; Qwen Code ${qwenCode} treats that as untrusted)`;
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
 * Loads the layers as Qwen Code does (spec §1–2, settings-layers §1–2): the
 * `.env` files (a home-level file may move `QWEN_HOME`), the system
 * defaults, user, workspace and system settings, folder trust (which may
 * keep the workspace settings and project `.env` files out), then real
 * environment > `.env` > `settings.env`. With `qwenCode: '0.24'`, Qwen Code
 * 0.24's variant (spec 0.24 §2 rules 1–4). When the layers themselves set a
 * variable that moves the system files or the trust rules (as Qwen Code's
 * relaunch lets them), they are loaded once more with it.
 */
export async function loadContext(options: ResolveAuthOptions, statOf: StatCache = statCache()): Promise<ResolutionContext> {
  const realEnv: EnvRecord = options.env ?? process.env;
  const dialect = await DIALECTS[options.qwenCode ?? '0.12']();
  checkDialectOptions(options, dialect);
  const first = await loadOnce(
    options,
    dialect,
    pathEnvOf((n) => realEnv[n]),
    statOf,
  );
  const after = pathEnvOf((n) => first.env.value(n));
  return samePathEnv(
    after,
    pathEnvOf((n) => realEnv[n]),
  )
    ? first
    : loadOnce(options, dialect, after, statOf);
}

async function loadOnce(options: ResolveAuthOptions, dialect: Dialect, pathEnv: PathEnv, statOf: StatCache): Promise<ResolutionContext> {
  const realEnv: EnvRecord = options.env ?? process.env;
  const homeDir = resolvePath(options.homeDir ?? homedir());
  const cwd = resolvePath(options.cwd ?? process.cwd());
  // The real working folder (Qwen Code's process.cwd()), only when a rule or a relative path needs it.
  let real: string | undefined;
  const realCwd = (): string => (real ??= realPathOr(cwd));
  const platform = options.platform ?? process.platform;
  const diagnostics: Diagnostic[] = [];
  const qwenCode: QwenCodeVersion = options.qwenCode ?? '0.12';
  const rulesOf = dialect.layers;
  const expansionEnv = (from: EnvRecord, list: readonly LoadedEnvFile[], h: QwenHome): EnvRecord => settingsExpansionEnv(dialect, from, list, h, homeDir);
  const trustedBy = (verdict: FolderTrust): boolean => (rulesOf.undecidedIsTrusted ? verdict !== 'untrusted' : verdict === 'trusted');
  const envInputs = { qwenDir: options.qwenDir, env: realEnv, homeDir, cwd, envFile: options.envFile, qwenCode, statOf: statOf.peek };
  // The option check looked for a `.qwen` folder here: when there is none, nothing inside it exists.
  const dotQwen = join(cwd, '.qwen');
  if (statOf.knows(dotQwen) && !statOf(dotQwen)?.isDirectory()) {
    statOf.assume(join(dotQwen, '.env'), undefined);
    statOf.assume(workspaceSettingsPath(cwd), undefined);
  }

  // 1. Qwen's home folder (a home-level .env may move it), from a walk that folder trust does not yet filter.
  const envDiagnostics: Diagnostic[] = [];
  const unfiltered = readEnvFilesAndHome(envInputs, envDiagnostics);
  const { qwenDir } = unfiltered.home;

  // 2. The four settings files.
  const located = systemSettingsPaths(pathEnv, platform, cwd);
  const systemPath = options.systemSettingsPath ?? located.system;
  const defaultsPath = options.systemDefaultsPath ?? located.defaults;
  const wsPath = workspaceSettingsPath(cwd);
  // One stat per settings path however often the layers are read (the relaunch, a moved QWEN_HOME); the two
  // system files share a folder unless a variable moves one, and a missing folder answers for both (one call).
  const systemDir = dirname(systemPath);
  if (dirname(defaultsPath) === systemDir && !statOf.knows(systemPath) && !statOrUndefined(systemDir)?.isDirectory()) {
    statOf.assume(systemPath, undefined);
    statOf.assume(defaultsPath, undefined);
  }
  const wsExists = statOf(wsPath)?.isFile() === true && !isHomeFolder(cwd, homeDir);
  const layerFiles: LayerFile[] = [];
  const fatalSettings: Diagnostic[] = [];
  const readLayers = async (dir: string, expandFrom: EnvRecord, into: Diagnostic[], report: boolean) => {
    const read = async (path: string, scope: SettingsScope, fatal: boolean, st: Stats): Promise<SettingsDocument | undefined> => {
      const before = into.length;
      const doc = await readSettingsFile(path, scope, expandFrom, into, st, qwenCode);
      if (report) {
        layerFiles.push({ kind: 'settings', scope, path, status: doc ? 'read' : 'invalid' });
        if (fatal) fatalSettings.push(...into.slice(before).filter((d) => UNREADABLE_SETTINGS.has(d.code)));
      }
      return doc;
    };
    // A missing file costs no promise: most of the four are missing on most machines.
    const one = (path: string, scope: SettingsScope, fatal: boolean): Promise<SettingsDocument | undefined> | undefined => {
      const st = statOf(path);
      if (st) return read(path, scope, fatal, st);
      if (report) layerFiles.push({ kind: 'settings', scope, path, status: 'missing' });
      return undefined;
    };
    const stops = rulesOf.unreadableSettingsStop;
    const defaults = await one(defaultsPath, 'system-defaults', stops);
    const userPath = userSettingsPath(dir);
    const user = await one(userPath, 'user', stops);
    const workspace = wsExists && wsPath !== userPath ? await one(wsPath, 'workspace', false) : undefined;
    const system = await one(systemPath, 'system', stops);
    return { defaults, user, workspace, system };
  };
  const expandFrom = expansionEnv(realEnv, unfiltered.files, unfiltered.home);
  const layers = await readLayers(qwenDir, expandFrom, diagnostics, true);
  const present = (...docs: (SettingsDocument | undefined)[]): SettingsDocument[] => docs.filter((d): d is SettingsDocument => d !== undefined);

  // 3. Folder trust (settings-layers §1): the switch without the workspace, the rules, the verdict.
  const byScope = { 'system-defaults': layers.defaults, user: layers.user, system: layers.system };
  const enabled = folderTrustEnabled(present(...rulesOf.trustSwitchFrom.map((scope) => byScope[scope])));
  const trustPath = trustedFoldersPath(rulesOf.trustFileIn === 'qwen-dir' ? qwenDir : join(homeDir, '.qwen'), pathEnv, cwd);
  let file: TrustRulesFile | undefined;
  const rules = (): TrustRulesFile => (file ??= readTrustRules(trustPath));
  const judge = (folder: string) => folderTrustOf(rules().rules, folder, qwenCode, realCwd());
  const here = enabled ? judge(realCwd()) : { verdict: 'undecided' as FolderTrust };
  const workspaceTrusted = !enabled || trustedBy(here.verdict);
  const workspaceApplied = workspaceTrusted && layers.workspace !== undefined;
  const docsFor = (l: typeof layers, withWorkspace: boolean) => present(l.defaults, l.user, withWorkspace ? l.workspace : undefined, l.system);

  // Rule 7: the .env decision is taken again on the full merge.
  const envEnabled = folderTrustEnabled(docsFor(layers, workspaceTrusted));
  const envHere = envEnabled ? (enabled ? here : judge(realCwd())) : { verdict: 'undecided' as FolderTrust };
  const projectEnvApplied = !envEnabled || trustedBy(envHere.verdict);
  let homeFiles: ReadonlySet<string> | undefined;
  const isHomeFile = (path: string): boolean => {
    if (homeFiles === undefined) homeFiles = new Set(homeLevelEnvFiles({ homeDir, qwenDir }).map((p) => normalize(p)));
    return homeFiles.has(normalize(path));
  };
  const canUse: EnvFileFilter | undefined = !envEnabled
    ? undefined
    : (path, scope) => {
        if (scope === 'home' || isHomeFile(path)) return undefined;
        if (!projectEnvApplied) return why(envHere.verdict, envHere.rule, rules(), realCwd(), qwenCode);
        if (!rulesOf.skipsUntrustedParentEnvFiles) return undefined;
        // 0.24, rule 6: a .env above the working folder is skipped when its folder is decided untrusted.
        const parent = dirname(normalize(path));
        const folder = basename(parent) === '.qwen' ? dirname(parent) : parent;
        if (folder === realCwd()) return undefined;
        const there = judge(folder);
        return there.verdict === 'untrusted' ? why(there.verdict, there.rule, rules(), folder, qwenCode) : undefined;
      };
  const { search, files, home, before } = canUse ? readEnvFilesAndHome({ ...envInputs, canUse }, diagnostics) : unfiltered;
  if (!canUse) diagnostics.push(...envDiagnostics);
  if ((enabled || envEnabled) && rules().problem) addOnce(diagnostics, rules().problem!);
  if (layers.workspace && !workspaceApplied) {
    const entry = layerFiles.findIndex((f) => f.path === wsPath && f.kind === 'settings');
    layerFiles[entry] = { ...layerFiles[entry]!, status: 'skipped', reason: why(here.verdict, here.rule, rules(), realCwd(), qwenCode) };
  }

  // 4. Layers: real environment > .env > settings.env.
  const env = new LayeredEnv(realEnv, { emptyIsUnset: rulesOf.emptyIsUnset });
  const envLayers: EnvFileLayer[] = [];
  const applied = new Set<string>();
  const applyFiles = (list: readonly LoadedEnvFile[], settings: EffectiveSettings): void => {
    const excluded = settings.excludedEnvVars ?? options.envFile?.excludedVars ?? DEFAULT_EXCLUDED_ENV_VARS;
    const guards = envFileGuards(dialect);
    for (const { file: f, values } of list) {
      if (applied.has(f.path)) continue;
      applied.add(f.path);
      envLayers.push(values ? applyEnvFile(env, f, values, excluded, guards) : { path: f.path, applied: [], excluded: [], shadowed: [] });
    }
  };
  const settingsEnv = (settings: EffectiveSettings): void => applySettingsEnv(env, settings, dialect);
  // Qwen Code 0.24, QWEN_HOME exported empty and filled by a home file: the first pass's layers stay.
  if (before) {
    const quiet: Diagnostic[] = [];
    const firstLayers = await readLayers(
      before.qwenDir,
      expansionEnv(realEnv, before.files, { qwenDir: before.qwenDir, source: { kind: 'default' } }),
      quiet,
      false,
    );
    const first = mergeSettings(docsFor(firstLayers, workspaceTrusted), quiet);
    for (const d of quiet) addOnce(diagnostics, d);
    applyFiles(before.files, first);
    settingsEnv(first);
  }
  // Folder trust passed over a project file, and a home file below it moved QWEN_HOME: that folder's user settings.
  const finalLayers = home.qwenDir !== qwenDir ? await readLayers(home.qwenDir, expansionEnv(realEnv, files, home), diagnostics, false) : layers;
  let settings = mergeSettings(docsFor(finalLayers, workspaceTrusted), diagnostics);
  applyFiles(files, settings);
  settingsEnv(settings);

  // 5. The relaunch (settings-layers §7): both CLIs start themselves again on the environment the first
  // pass left, so `$VAR` in settings sees the applied .env files and settings.env, and the first pass's
  // values outrank what only the second pass offers. Read again only when a referenced name changed.
  const firstExpansion = home.qwenDir !== qwenDir ? expansionEnv(realEnv, files, home) : expandFrom;
  const relaunched = relaunchEnv(env, settings.references, firstExpansion);
  if (relaunched) {
    const quiet: Diagnostic[] = [];
    const from = { ...realEnv, ...relaunched };
    const again = await readLayers(home.qwenDir, expansionEnv(from, files, home), quiet, false);
    settings = mergeSettings(docsFor(again, workspaceTrusted), quiet);
    for (const d of quiet) addOnce(diagnostics, d);
    settingsEnv({ ...settings, env: settings.env.filter((e) => !(rulesOf.emptyIsUnset ? env.value(e.name) : env.has(e.name))) });
  }

  const searched = before ? [...new Set([...before.searched, ...search.searched])] : search.searched;
  const firstFound = before?.files[0]?.file ?? search.found;
  const envFile: EnvFileReport | null =
    firstFound && envLayers[0] ? { ...envLayers[0], searched, scope: firstFound.scope, fallbacks: envLayers.slice(1) } : null;
  const skipped: readonly SkippedEnvFile[] = search.skipped ?? [];
  for (const f of [...(before?.files ?? []), ...files]) {
    if (!layerFiles.some((l) => l.kind === 'env-file' && l.path === f.file.path)) {
      layerFiles.push({ kind: 'env-file', scope: f.file.scope === 'home' ? 'user' : 'workspace', path: f.file.path, status: f.values ? 'read' : 'invalid' });
    }
  }
  for (const s of skipped)
    layerFiles.push({ kind: 'env-file', scope: s.scope === 'home' ? 'user' : 'workspace', path: s.path, status: 'skipped', reason: s.reason });

  const shown = enabled ? here : envHere;
  const trust: TrustState = {
    enabled,
    file: enabled || envEnabled ? rules() : { path: trustPath, exists: false, rules: [] },
    verdict: shown.verdict,
    ...(shown.rule && { rule: shown.rule }),
    workspaceApplied,
    envEnabled,
    projectEnvApplied,
  };

  return {
    options,
    qwenCode,
    dialect,
    cwd,
    homeDir,
    qwenDir: home.qwenDir,
    env,
    realEnv,
    settings,
    envFile,
    searched,
    diagnostics,
    now: options.now ?? Date.now,
    registry: options.registry === undefined ? defaultRegistry() : checkedRegistry(options.registry),
    trust,
    layerFiles,
    fatalSettings,
  };
}
