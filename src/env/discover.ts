import { dirname, join, normalize, resolve, sep } from 'node:path';
import { realPathOr, type StatOf, statOrUndefined } from '../internal/fs.js';

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
  /** Files that exist but were passed over by the `canUse` rule (folder trust), with the reason. */
  readonly skipped?: readonly SkippedEnvFile[];
}

/** A `.env` file that exists and was passed over, and why. */
export interface SkippedEnvFile {
  readonly path: string;
  readonly scope: 'project' | 'home';
  readonly reason: string;
}

/**
 * Decides whether an existing `.env` file may be used (folder trust): undefined
 * to use it, else the reason it is passed over. The walk goes on past it.
 */
export type EnvFileFilter = (path: string, scope: 'project' | 'home') => string | undefined;

/** The home-level `.env` files: `<qwenDir>/.env`, `<homeDir>/.qwen/.env`, `<homeDir>/.env`. */
export function homeLevelEnvFiles(roots: Pick<EnvSearchRoots, 'homeDir' | 'qwenDir'>): string[] {
  return [normalize(join(roots.qwenDir, '.env')), normalize(join(roots.homeDir, '.qwen', '.env')), normalize(join(roots.homeDir, '.env'))];
}

/**
 * Every `.env` candidate in Qwen Code's order, each once: walking from `cwd`
 * to the filesystem root, `D/.qwen/.env` then `D/.env` in each folder D;
 * then `<qwenDir>/.env` and `<homeDir>/.env`.
 */
export function envFileCandidates(roots: EnvSearchRoots): string[] {
  const home = homeLevelEnvFiles(roots);
  const out: string[] = [];
  // `dir` is absolute and normalized, so a join is a concatenation (the root alone ends with the separator).
  let dir = resolve(roots.cwd);
  for (;;) {
    const base = dir.endsWith(sep) ? dir : dir + sep;
    out.push(`${base}.qwen${sep}.env`, `${base}.env`);
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  // Each folder of the walk is visited once: only the home-level files can repeat a candidate.
  for (const candidate of [home[0]!, home[2]!]) if (!out.includes(candidate)) out.push(candidate);
  return out;
}

/** `project` or `home`, for a candidate of {@link envFileCandidates}. */
export function envFileScope(path: string, roots: Pick<EnvSearchRoots, 'homeDir' | 'qwenDir'>): 'project' | 'home' {
  return homeLevelEnvFiles(roots).includes(path) ? 'home' : 'project';
}

/**
 * Finds the one `.env` file Qwen Code would use: walking from `cwd` to the
 * filesystem root, `D/.qwen/.env` then `D/.env` in each folder D; failing
 * that, `<qwenDir>/.env` then `<homeDir>/.env`. The first regular file wins.
 * Two `stat` calls per folder, none repeated (`statOf` may know some already).
 */
export function findEnvFile(roots: EnvSearchRoots, canUse?: EnvFileFilter): EnvFileSearch {
  return findEnvFileWith(roots, canUse, statOrUndefined);
}

/** {@link findEnvFile} looking at files through `statOf` (resolution's per-call stat cache). */
export function findEnvFileWith(roots: EnvSearchRoots, canUse: EnvFileFilter | undefined, statOf: StatOf): EnvFileSearch {
  const searched: string[] = [];
  const skipped: SkippedEnvFile[] = [];
  const done = (found: FoundEnvFile | null): EnvFileSearch => ({ found, searched, ...(skipped.length > 0 && { skipped }) });
  for (const candidate of envFileCandidates(roots)) {
    searched.push(candidate);
    const st = statOf(candidate);
    if (!st?.isFile()) continue;
    const scope = envFileScope(candidate, roots);
    const reason = canUse?.(candidate, scope);
    if (reason !== undefined) {
      skipped.push({ path: candidate, scope, reason });
      continue;
    }
    return done({ path: candidate, size: st.size, scope });
  }
  return done(null);
}

/** The `.env` files Qwen Code 0.24 applies, highest first, and what was looked at. */
export interface EnvFilesSearch {
  /** The files found: the project file (if any), then the home-level files that exist. */
  readonly files: readonly FoundEnvFile[];
  /** Every candidate checked, in order. */
  readonly searched: readonly string[];
  /** Files that exist but were passed over by the `canUse` rule (folder trust), with the reason. */
  readonly skipped?: readonly SkippedEnvFile[];
}

/**
 * Finds the `.env` files Qwen Code 0.24 applies (spec 0.24 §1.2, §2 rule 1):
 * - when `cwd` is the home folder, only the home files: `<qwenDir>/.env`,
 *   `~/.qwen/.env` when `qwenDir` is elsewhere, then `~/.env`;
 * - otherwise walk up from the real path of `cwd`: reaching the home folder
 *   adds the home files and stops; in any other folder D the first of
 *   `D/.qwen/.env`, `D/.env` is the project file, followed by the home files;
 *   at the filesystem root the home files alone.
 * Anything that exists counts as found (a folder named `.env` stops the walk
 * and is then reported as unreadable), as Qwen Code 0.24 does.
 */
export function findQwenCode024EnvFiles(roots: EnvSearchRoots, canUse?: EnvFileFilter, statOf: StatOf = statOrUndefined): EnvFilesSearch {
  const homeDir = resolve(roots.homeDir);
  const qwenDir = resolve(roots.qwenDir);
  const legacy = normalize(join(homeDir, '.qwen'));
  const homeFiles = [join(qwenDir, '.env'), ...(qwenDir !== legacy ? [join(legacy, '.env')] : []), join(homeDir, '.env')].map((p) => normalize(p));
  const homeSet = new Set(homeLevelEnvFiles({ homeDir, qwenDir }));
  const files: FoundEnvFile[] = [];
  const searched: string[] = [];
  const skipped: SkippedEnvFile[] = [];
  const seen = new Set<string>();
  const tryFile = (candidate: string): boolean => {
    const path = normalize(candidate);
    if (seen.has(path)) return false;
    searched.push(path);
    const st = statOf(path);
    if (!st) return false;
    const scope = homeSet.has(path) ? 'home' : 'project';
    const reason = canUse?.(path, scope);
    if (reason !== undefined) {
      if (!skipped.some((s) => s.path === path)) skipped.push({ path, scope, reason });
      return false;
    }
    seen.add(path);
    files.push({ path, size: st.size, scope });
    return true;
  };
  const withHome = (): EnvFilesSearch => {
    for (const p of homeFiles) tryFile(p);
    return { files, searched, ...(skipped.length > 0 && { skipped }) };
  };

  if (resolve(roots.cwd) === homeDir) return withHome();
  let dir = realPathOr(resolve(roots.cwd));
  for (;;) {
    if (dir === homeDir) return withHome();
    if (tryFile(join(dir, '.qwen', '.env')) || tryFile(join(dir, '.env'))) return withHome();
    const parent = dirname(dir);
    if (parent === dir) return withHome();
    dir = parent;
  }
}
