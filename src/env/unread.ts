import { statOrUndefined } from '../internal/fs.js';
import { envFileCandidates, envFileScope, type EnvSearchRoots } from './discover.js';
import { HOME_ONLY_ENV_VARS, isInQwenFolder, readEnvFileValues } from './load.js';

/** A `.env` file that exists but was not read, with what it defines. */
export interface UnreadEnvFileValues {
  readonly path: string;
  readonly scope: 'project' | 'home';
  /** Its values, minus the names the rules would drop from it (exclusions, home-only names). */
  readonly values: Readonly<Record<string, string>>;
}

/**
 * The `.env` files beyond the ones read: the rest of Qwen Code's walk and the
 * home-level files, as far as they exist and can be parsed. Only the first
 * file found is read, so these are what a user may think is in effect.
 * Read only to explain (errors, `inspectEnvironment`), never applied.
 */
export function readUnreadEnvFiles(
  roots: EnvSearchRoots,
  read: readonly string[],
  options: { readonly maxBytes: number; readonly excluded: readonly string[] },
): UnreadEnvFileValues[] {
  const out: UnreadEnvFileValues[] = [];
  for (const path of envFileCandidates(roots)) {
    if (read.includes(path)) continue;
    const st = statOrUndefined(path);
    if (!st?.isFile()) continue;
    const scope = envFileScope(path, roots);
    const { values } = readEnvFileValues({ path, size: st.size, scope }, options.maxBytes);
    if (!values) continue;
    const project = scope === 'project' && !isInQwenFolder(path);
    const kept = Object.entries(values).filter(
      ([name]) => !(project && options.excluded.includes(name)) && (scope === 'home' || !HOME_ONLY_ENV_VARS.includes(name)),
    );
    out.push({ path, scope, values: Object.fromEntries(kept) });
  }
  return out;
}
