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
 * Finds the one `.env` file Qwen Code would use: walking from `cwd` to the
 * filesystem root, `D/.qwen/.env` then `D/.env` in each folder D; failing
 * that, `<qwenDir>/.env` then `<homeDir>/.env`. The first regular file wins.
 * Two `stat` calls per folder, none repeated.
 */
export function findEnvFile(roots: EnvSearchRoots): EnvFileSearch {
  const home = homeLevelEnvFiles(roots);
  const searched: string[] = [];
  const seen = new Set<string>();
  const scopeOf = (p: string): 'project' | 'home' => (home.includes(p) ? 'home' : 'project');

  const tryFile = (candidate: string): FoundEnvFile | null => {
    if (seen.has(candidate)) return null;
    seen.add(candidate);
    searched.push(candidate);
    const st = statOrUndefined(candidate);
    return st?.isFile() ? { path: candidate, size: st.size, scope: scopeOf(candidate) } : null;
  };

  let dir = resolve(roots.cwd);
  for (;;) {
    const found = tryFile(join(dir, '.qwen', '.env')) ?? tryFile(join(dir, '.env'));
    if (found) return { found, searched };
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  for (const candidate of [home[0]!, home[2]!]) {
    const found = tryFile(candidate);
    if (found) return { found, searched };
  }
  return { found: null, searched };
}
