import { dirname, join, normalize, resolve } from 'node:path';
import { statOrUndefined } from '../internal/fs.js';

/** Where `.env` discovery looks, all absolute. */
export interface EnvSearchRoots {
  readonly cwd: string;
  readonly homeDir: string;
  readonly qwenDir: string;
}

/** A `.env` file found by {@link findEnvFile}. */
export interface FoundEnvFile {
  readonly path: string;
  /** Size in bytes, from the same `stat` that found it. */
  readonly size: number;
  readonly scope: 'project' | 'home';
}

export interface EnvFileSearch {
  /** The first regular file found, or null. */
  readonly found: FoundEnvFile | null;
  /** Every candidate checked, in order (the found file last). */
  readonly searched: string[];
}

/** The home-level `.env` files: `<qwenDir>/.env`, `<homeDir>/.qwen/.env`, `<homeDir>/.env`. */
export function homeLevelEnvFiles(roots: Pick<EnvSearchRoots, 'homeDir' | 'qwenDir'>): string[] {
  return [
    normalize(join(roots.qwenDir, '.env')),
    normalize(join(roots.homeDir, '.qwen', '.env')),
    normalize(join(roots.homeDir, '.env')),
  ];
}

/**
 * Every `.env` candidate in Qwen Code's order, each once: walking from `cwd`
 * to the filesystem root, `D/.qwen/.env` then `D/.env` in each folder D;
 * then `<qwenDir>/.env` and `<homeDir>/.env`.
 */
export function* envFileCandidates(roots: EnvSearchRoots): Generator<string> {
  const home = homeLevelEnvFiles(roots);
  const seen = new Set<string>();
  const fresh = (p: string): boolean => !seen.has(p) && seen.add(p) !== undefined;
  let dir = resolve(roots.cwd);
  for (;;) {
    for (const candidate of [join(dir, '.qwen', '.env'), join(dir, '.env')]) if (fresh(candidate)) yield candidate;
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  for (const candidate of [home[0]!, home[2]!]) if (fresh(candidate)) yield candidate;
}

/** `project` or `home`, for a candidate of {@link envFileCandidates}. */
export function envFileScope(path: string, roots: Pick<EnvSearchRoots, 'homeDir' | 'qwenDir'>): 'project' | 'home' {
  return homeLevelEnvFiles(roots).includes(path) ? 'home' : 'project';
}

/**
 * Finds the one `.env` file Qwen Code would use: walking from `cwd` to the
 * filesystem root, `D/.qwen/.env` then `D/.env` in each folder D; failing
 * that, `<qwenDir>/.env` then `<homeDir>/.env`. The first regular file wins.
 * Two `stat` calls per folder, none repeated.
 */
export function findEnvFile(roots: EnvSearchRoots): EnvFileSearch {
  const searched: string[] = [];
  for (const candidate of envFileCandidates(roots)) {
    searched.push(candidate);
    const st = statOrUndefined(candidate);
    if (st?.isFile()) return { found: { path: candidate, size: st.size, scope: envFileScope(candidate, roots) }, searched };
  }
  return { found: null, searched };
}
