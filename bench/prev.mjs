// The previous release's build, for measuring side by side: the `v0.1.0` tag
// when it exists, else the commit this work started from (override with
// `--prev <rev>`). Built once from `git archive` into a folder outside the
// repository (its node_modules a link to this one's), then reused.
import { execFileSync, execSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = fileURLToPath(new URL('..', import.meta.url));

/** The commit whose build counts as "the previous release". */
export function previousRev(argv = process.argv) {
  const i = argv.indexOf('--prev');
  if (i !== -1 && argv[i + 1]) return argv[i + 1];
  try {
    return execFileSync('git', ['rev-parse', '--verify', '-q', 'v0.1.0^{commit}'], { cwd: repo, encoding: 'utf8' }).trim().slice(0, 12);
  } catch {
    return 'e561172';
  }
}

/** The dist folder of `rev`'s build, building it when it is not there yet. */
export function previousBuild(rev) {
  const root = join(tmpdir(), `qwen-auth-bench-prev-${rev}`);
  const dist = join(root, 'dist');
  if (existsSync(join(dist, 'index.js')) && existsSync(join(dist, 'cli.js'))) return { root, dist };
  rmSync(root, { recursive: true, force: true });
  mkdirSync(root, { recursive: true });
  execSync(`git archive --format=tar ${rev} | tar -x -C ${JSON.stringify(root)}`, { cwd: repo, stdio: ['ignore', 'ignore', 'inherit'] });
  symlinkSync(join(repo, 'node_modules'), join(root, 'node_modules'), 'dir');
  execFileSync(join(repo, 'node_modules', '.bin', 'tsup'), [], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
  return { root, dist };
}
