/**
 * Real git repositories for tests: `git init` in temporary folders, with a
 * configuration of their own (no system or user config of this machine).
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The real git on this machine. */
export const GIT = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();

/** The environment the tests' own git commands run with: isolated from this machine's config. */
export function setupEnv(home: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    GIT_CONFIG_NOSYSTEM: '1',
    GIT_AUTHOR_NAME: 'Test',
    GIT_AUTHOR_EMAIL: 'test@example.invalid',
    GIT_COMMITTER_NAME: 'Test',
    GIT_COMMITTER_EMAIL: 'test@example.invalid',
  };
}

/** Runs git in `cwd` for the test's set-up; returns stdout. */
export function git(cwd: string, home: string, ...args: string[]): string {
  return execFileSync(GIT, ['-c', 'init.defaultBranch=main', '-c', 'protocol.file.allow=always', ...args], {
    cwd,
    env: setupEnv(home),
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** `git init` in `dir` (created if needed). */
export function gitInit(dir: string, home: string, ...args: string[]): void {
  mkdirSync(dir, { recursive: true });
  git(dir, home, 'init', '-q', ...args);
}

/**
 * A folder holding a `git` that logs its arguments to `log` (and its
 * environment to `<log>.env`), then runs the real one: shows the processes a
 * check starts and what they are given.
 */
export function loggingGit(dir: string, log: string): string {
  mkdirSync(dir, { recursive: true });
  const script = join(dir, 'git');
  const env = execFileSync('sh', ['-c', 'command -v env'], { encoding: 'utf8' }).trim();
  writeFileSync(script, `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\n'${env}' > '${log}.env'\nexec '${GIT}' "$@"\n`);
  chmodSync(script, 0o755);
  return dir;
}

/** A folder holding a `git` that never answers. */
export function hangingGit(dir: string): string {
  mkdirSync(dir, { recursive: true });
  const script = join(dir, 'git');
  const sleep = execFileSync('sh', ['-c', 'command -v sleep'], { encoding: 'utf8' }).trim();
  writeFileSync(script, `#!/bin/sh\nexec '${sleep}' 60\n`);
  chmodSync(script, 0o755);
  return dir;
}

/** Every file under `dir` (the `.git` folder included) with its size, mtime and content hash. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile()) {
        const st = statSync(p);
        out[relative(dir, p)] = `${st.size} ${st.mtimeMs} ${createHash('sha256').update(readFileSync(p)).digest('hex')}`;
      } else out[relative(dir, p)] = e.isSymbolicLink() ? 'symlink' : 'other';
    }
  };
  walk(dir);
  return out;
}
