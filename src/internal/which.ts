/**
 * Finds a program the way a careful shell would, never from a folder a
 * repository controls: only absolute `PATH` entries count (an empty entry,
 * `.` or any relative entry is skipped), and the answer is an absolute path
 * to a regular, executable file. On Windows the current folder (searched
 * first by `CreateProcess`) is never consulted, and `PATHEXT` names the
 * extensions tried.
 */
import { accessSync, constants } from 'node:fs';
import { delimiter as posixDelimiter, isAbsolute, join } from 'node:path';
import { statOrUndefined } from './fs.js';

/** `PATH` (or Windows' `Path`, any case) of an environment record. */
export function pathOf(env: Readonly<Record<string, string | undefined>>, platform: NodeJS.Platform = process.platform): string {
  if (platform !== 'win32') return env.PATH ?? '';
  const name = Object.keys(env).find((k) => k.toUpperCase() === 'PATH');
  return (name && env[name]) ?? '';
}

/** The absolute `PATH` entries, in order, without duplicates. */
export function absolutePathEntries(path: string, platform: NodeJS.Platform = process.platform): string[] {
  const delimiter = platform === 'win32' ? ';' : posixDelimiter === ';' ? ':' : posixDelimiter;
  const seen = new Set<string>();
  for (const raw of path.split(delimiter)) {
    const entry = platform === 'win32' ? raw.replace(/^"(.*)"$/, '$1') : raw;
    const absolute = platform === 'win32' ? /^([A-Za-z]:[\\/]|\\\\)/.test(entry) : isAbsolute(entry);
    if (entry === '' || !absolute) continue;
    seen.add(entry);
  }
  return [...seen];
}

/**
 * The absolute path of `name` found in the absolute entries of `env`'s
 * `PATH`, or undefined. `name` must be a bare program name.
 */
export function findProgram(name: string, env: Readonly<Record<string, string | undefined>>, platform: NodeJS.Platform = process.platform): string | undefined {
  if (name.includes('/') || name.includes('\\')) return undefined;
  const extensions =
    platform === 'win32'
      ? (() => {
          const key = Object.keys(env).find((k) => k.toUpperCase() === 'PATHEXT');
          const list = ((key && env[key]) || '.COM;.EXE;.BAT;.CMD').split(';').filter((e) => e.startsWith('.'));
          return /\.[^.]+$/.test(name) ? ['', ...list] : list;
        })()
      : [''];
  for (const dir of absolutePathEntries(pathOf(env, platform), platform)) {
    for (const ext of extensions) {
      const candidate = join(dir, `${name}${ext}`);
      const stat = statOrUndefined(candidate);
      if (!stat?.isFile()) continue;
      if (platform !== 'win32') {
        try {
          accessSync(candidate, constants.X_OK);
        } catch {
          continue;
        }
      }
      return candidate;
    }
  }
  return undefined;
}
