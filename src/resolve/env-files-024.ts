import { join, normalize } from 'node:path';
import type { LayeredEnv } from '../env/layered-env.js';
import type { EnvFileGuards, LoadedEnvFile } from '../env/load.js';
import type { QwenHome } from '../env/qwen-home.js';
import type { EffectiveSettings } from '../settings/types.js';
import type { EnvRecord } from '../types.js';

/**
 * What Qwen Code 0.24 lets each `.env` file and `settings.env` set (spec
 * 0.24 §1.2.3–5, §2 rules 2–3). The lists hold the variables that matter for
 * resolution and safety; Qwen Code's own lists are longer (tool and sandbox
 * switches), and none of their other names is read here.
 */

/** Only home-level `.env` files may set these (case-insensitive); never a project file or `settings.env`. */
export const HOME_ONLY_VARS: readonly string[] = Object.freeze([
  'QWEN_HOME',
  'QWEN_RUNTIME_DIR',
  'NODE_EXTRA_CA_CERTS',
  'NODE_TLS_REJECT_UNAUTHORIZED',
  'QWEN_TLS_INSECURE',
  'QWEN_UPDATE_BASE_URL',
  'QWEN_CODE_SYSTEM_SETTINGS_PATH',
  'QWEN_CODE_SYSTEM_DEFAULTS_PATH',
  'QWEN_CODE_MCP_APPROVALS_PATH',
  'QWEN_CODE_TRUSTED_FOLDERS_PATH',
]);

/** Never taken from any file or from `settings.env`: they change how programs load. */
export const LOADER_VARS: readonly string[] = Object.freeze([
  'NODE_OPTIONS',
  'NODE_PATH',
  'NODE_REPL_EXTERNAL_MODULE',
  'OPENSSL_CONF',
  'LD_PRELOAD',
  'LD_AUDIT',
  'DYLD_INSERT_LIBRARIES',
  'BASH_ENV',
  'ZDOTDIR',
  'npm_config_node_options',
  'npm_config_userconfig',
  'npm_config_globalconfig',
  'npm_config_script_shell',
  'npm_config_prefix',
  'npm_config_node_gyp',
  'npm_config_init_module',
]);

/** Further names `settings.env` may not set (Qwen Code 0.24 keeps them to the launch environment). */
const SETTINGS_ENV_BLOCKED = new Set(['qwen_server_token', 'ld_library_path', 'dyld_library_path', 'env', 'path', 'home']);

/** npm reads `npm_config_a_b` and `npm_config_a-b` alike; so does the check. */
const canonical = (name: string): string => name.toLowerCase().replace(/_/g, '-');
const LOADER = new Set(LOADER_VARS.map(canonical));
const HOME_ONLY = new Set(HOME_ONLY_VARS.map((n) => n.toLowerCase()));

/** A loader variable (including exported bash functions, `BASH_FUNC_*`). */
export function isLoaderVar(name: string): boolean {
  const c = canonical(name);
  return c.startsWith('bash-func-') || LOADER.has(c);
}

/** A variable only home-level `.env` files may set. */
export function isHomeOnlyVar(name: string): boolean {
  return HOME_ONLY.has(name.toLowerCase());
}

/**
 * Qwen Code 0.24's guards for `.env` files (0.24 §2 rule 3): loader variables
 * never; home-only variables from home-level files only. The excluded list
 * and the fill of empty names are `applyEnvFile`'s and the layers' own.
 */
export const QWEN_CODE_024_GUARDS: EnvFileGuards = { homeOnly: isHomeOnlyVar, never: isLoaderVar };

/** `settings.env` after the files: string values fill names still unset or empty; the blocked names never. */
export function applyQwenCode024SettingsEnv(env: LayeredEnv, settings: EffectiveSettings): void {
  for (const entry of settings.env) {
    if (isLoaderVar(entry.name) || isHomeOnlyVar(entry.name) || SETTINGS_ENV_BLOCKED.has(entry.name.toLowerCase())) continue;
    env.offer(entry.name, {
      value: entry.value,
      source: { kind: 'settings', name: entry.name, key: entry.key, path: entry.path, scope: entry.scope },
    });
  }
}

/**
 * What `$VAR` references in Qwen Code 0.24's settings see: the real
 * environment, then the values of `<qwenDir>/.env` and (when `QWEN_HOME` is
 * not set anywhere) `~/.env`, for names the environment does not define.
 */
export function settingsExpansionEnv(realEnv: EnvRecord, files: readonly LoadedEnvFile[], home: QwenHome, homeDir: string): EnvRecord {
  const paths = [normalize(join(home.qwenDir, '.env')), ...(home.source.kind === 'default' ? [normalize(join(homeDir, '.env'))] : [])];
  const out: Record<string, string | undefined> = {};
  for (const path of paths) {
    const values = files.find((f) => f.file.path === path)?.values;
    for (const [name, value] of Object.entries<string>(values ?? {})) {
      if (!Object.hasOwn(realEnv, name) && !Object.hasOwn(out, name)) out[name] = value;
    }
  }
  return { ...out, ...realEnv };
}
