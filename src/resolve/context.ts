import { homedir } from 'node:os';
import { resolve as resolvePath } from 'node:path';
import type { Diagnostic } from '../diagnostics.js';
import { LayeredEnv } from '../env/layered-env.js';
import { applyEnvFile, DEFAULT_EXCLUDED_ENV_VARS } from '../env/load.js';
import { readEnvFilesAndHome } from '../env/qwen-home.js';
import { statOrUndefined } from '../internal/fs.js';
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
  const { search, files, home } = readEnvFilesAndHome(
    { qwenDir: options.qwenDir, env: realEnv, homeDir, cwd, envFile: options.envFile, qwenCode },
    diagnostics,
  );
  const { qwenDir } = home;

  // 2. Settings: user, then workspace (none when cwd is the home folder).
  const expandFrom = v024 ? settingsExpansionEnv(realEnv, files, home, homeDir) : realEnv;
  const docs: SettingsDocument[] = [];
  const user = await readSettingsFile(userSettingsPath(qwenDir), 'user', expandFrom, diagnostics);
  if (user) docs.push(user);
  const wsPath = workspaceSettingsPath(cwd);
  if (statOrUndefined(wsPath)?.isFile() && !isHomeFolder(cwd, homeDir) && wsPath !== userSettingsPath(qwenDir)) {
    const ws = await readSettingsFile(wsPath, 'workspace', expandFrom, diagnostics);
    if (ws) docs.push(ws);
  }
  const settings = mergeSettings(docs, diagnostics);

  // 3. Layers: real environment > .env > settings.env.
  const env = new LayeredEnv(realEnv, { emptyIsUnset: v024 });
  const excluded = settings.excludedEnvVars ?? options.envFile?.excludedVars ?? DEFAULT_EXCLUDED_ENV_VARS;
  const apply = v024 ? applyQwenCode024EnvFile : applyEnvFile;
  const layers: EnvFileLayer[] = files.map(({ file, values }) =>
    values ? apply(env, file, values, excluded) : { path: file.path, applied: [], excluded: [], shadowed: [] },
  );
  if (v024) applyQwenCode024SettingsEnv(env, settings);
  else {
    for (const entry of settings.env) {
      env.offer(entry.name, {
        value: entry.value,
        source: { kind: 'settings', name: entry.name, key: entry.key, path: entry.path, scope: entry.scope },
      });
    }
  }

  const envFile: EnvFileReport | null =
    search.found && layers[0]
      ? { ...layers[0], searched: search.searched, scope: search.found.scope, fallbacks: layers.slice(1) }
      : null;

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
    searched: search.searched,
    diagnostics,
    now: options.now ?? Date.now,
  };
}
