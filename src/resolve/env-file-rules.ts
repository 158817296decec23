import type { LayeredEnv } from '../env/layered-env.js';
import type { EnvFileGuards, LoadedEnvFile } from '../env/load.js';
import type { QwenHome } from '../env/qwen-home.js';
import type { EffectiveSettings } from '../settings/types.js';
import type { EnvRecord } from '../types.js';
import type { Dialect } from './dialects.js';

/**
 * What each `.env` file and `settings.env` may set, and what `$VAR` in
 * settings sees, for both dialects: one set of rules reading the dialect's
 * `envNames` and `layers` (dialects.ts). 0.12: resolution.md §2; 0.24:
 * qwen-code-0.24.md §1.2.3–5 and §2 rules 2–3.
 */

/** A dialect's name rules, built once. */
interface NameRules {
  readonly guards: EnvFileGuards;
  /** True for a name `settings.env` may not set. */
  readonly settingsEnvBlocks: ((name: string) => boolean) | undefined;
}

/** npm reads `npm_config_a_b` and `npm_config_a-b` alike; so does the check. */
const canonical = (name: string): string => name.toLowerCase().replace(/_/g, '-');

const built = new WeakMap<Dialect, NameRules>();

function rulesOf(dialect: Dialect): NameRules {
  let rules = built.get(dialect);
  if (rules) return rules;
  const { homeOnly: list, homeOnlyIgnoresCase, loader: loaderList, settingsEnvBlocked } = dialect.envNames;
  const folded = new Set(list.map((n) => n.toLowerCase()));
  const homeOnly = homeOnlyIgnoresCase ? (name: string) => folded.has(name.toLowerCase()) : (name: string) => list.includes(name);
  const loaderSet = new Set(loaderList.map(canonical));
  // A dialect that refuses loader variables also refuses exported bash functions (`BASH_FUNC_*`).
  const never =
    loaderList.length === 0
      ? undefined
      : (name: string) => {
          const c = canonical(name);
          return c.startsWith('bash-func-') || loaderSet.has(c);
        };
  const blocked = settingsEnvBlocked && new Set(settingsEnvBlocked.map((n) => n.toLowerCase()));
  rules = {
    guards: never ? { homeOnly, never } : { homeOnly },
    settingsEnvBlocks: blocked && ((name) => never?.(name) === true || homeOnly(name) || blocked.has(name.toLowerCase())),
  };
  built.set(dialect, rules);
  return rules;
}

/** What `.env` files may not set under a dialect (`applyEnvFile`'s guards; the excluded list is the layers' own). */
export function envFileGuards(dialect: Dialect): EnvFileGuards {
  return rulesOf(dialect).guards;
}

/** `settings.env` after the files: values fill names still unset (or empty, where empty is unset); a dialect's blocked names never. */
export function applySettingsEnv(env: LayeredEnv, settings: EffectiveSettings, dialect: Dialect): void {
  const blocks = rulesOf(dialect).settingsEnvBlocks;
  for (const entry of settings.env) {
    if (blocks?.(entry.name)) continue;
    env.offer(entry.name, {
      value: entry.value,
      source: { kind: 'settings', name: entry.name, key: entry.key, path: entry.path, scope: entry.scope },
    });
  }
}

/**
 * What `$VAR` references in settings see: the real environment, and where the
 * dialect loads the home `.env` files before the settings (0.24: its
 * `homeEnvBeforeSettings`), their values for names the environment does not define.
 */
export function settingsExpansionEnv(dialect: Dialect, realEnv: EnvRecord, files: readonly LoadedEnvFile[], home: QwenHome, homeDir: string): EnvRecord {
  return dialect.homeEnvBeforeSettings?.(realEnv, files, home, homeDir) ?? realEnv;
}
