import { execFileSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** Newest mtime of the files below a folder. */
function newest(dir: string): number {
  let max = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    max = Math.max(max, entry.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return max;
}

/**
 * Tests that start real processes (locking, many refreshing processes, the
 * command, the packed tarball) run the build. Rebuild it when the sources
 * are newer, so those tests never run stale code.
 */
export default function setup(): void {
  const root = join(import.meta.dirname, '..', '..');
  let built = 0;
  try {
    built = statSync(join(root, 'dist', 'index.js')).mtimeMs;
  } catch {
    built = 0;
  }
  if (built < newest(join(root, 'src'))) {
    execFileSync(process.execPath, [join(root, 'scripts', 'clean.mjs')], { cwd: root, stdio: 'ignore' });
    execFileSync(process.execPath, [join(root, 'node_modules', 'tsup', 'dist', 'cli-default.js')], { cwd: root, stdio: 'ignore' });
    // As `npm run build`: what the main entry loads becomes one file.
    execFileSync(process.execPath, [join(root, 'scripts', 'one-file.mjs')], { cwd: root, stdio: 'ignore' });
  }
}
