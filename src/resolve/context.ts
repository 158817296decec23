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
import type { EnvFileLayer, EnvFileReport, EnvRecord } from '../types.js';
import type { ResolveAuthOptions } from './options.js';

/** Everything resolution has learned before choosing the auth type; shared by both branches. */
export interface ResolutionContext {
  readonly options: ResolveAuthOptions;
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
 */
export async function loadContext(options: ResolveAuthOptions): Promise<ResolutionContext> {
  const realEnv: EnvRecord = options.env ?? process.env;
  const homeDir = resolvePath(options.homeDir ?? homedir());
  const cwd = resolvePath(options.cwd ?? process.cwd());
  const diagnostics: Diagnostic[] = [];

  // 1. The .env file, and with it Qwen's home folder.
  const { search, files, home } = readEnvFilesAndHome(
    { qwenDir: options.qwenDir, env: realEnv, homeDir, cwd, envFile: options.envFile },
    diagnostics,
  );
  const { qwenDir } = home;

  // 2. Settings: user, then workspace (none when cwd is the home folder).
  const docs: SettingsDocument[] = [];
  const user = await readSettingsFile(userSettingsPath(qwenDir), 'user', realEnv, diagnostics);
  if (user) docs.push(user);
  const wsPath = workspaceSettingsPath(cwd);
  if (statOrUndefined(wsPath)?.isFile() && !isHomeFolder(cwd, homeDir) && wsPath !== userSettingsPath(qwenDir)) {
    const ws = await readSettingsFile(wsPath, 'workspace', realEnv, diagnostics);
    if (ws) docs.push(ws);
  }
  const settings = mergeSettings(docs, diagnostics);

  // 3. Layers: real environment > .env > settings.env.
  const env = new LayeredEnv(realEnv);
  const excluded = settings.excludedEnvVars ?? options.envFile?.excludedVars ?? DEFAULT_EXCLUDED_ENV_VARS;
  const layers: EnvFileLayer[] = files.map(({ file, values }) =>
    values ? applyEnvFile(env, file, values, excluded) : { path: file.path, applied: [], excluded: [], shadowed: [] },
  );
  for (const entry of settings.env) {
    env.offer(entry.name, {
      value: entry.value,
      source: { kind: 'settings', name: entry.name, key: entry.key, path: entry.path, scope: entry.scope },
    });
  }

  const envFile: EnvFileReport | null =
    search.found && layers[0]
      ? { ...layers[0], searched: search.searched, scope: search.found.scope, fallbacks: layers.slice(1) }
      : null;

  return {
    options,
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
