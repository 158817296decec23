/**
 * Asks git whether files that hold secrets would be published: tracked
 * (committed or staged) or neither tracked nor ignored. git itself answers,
 * so every rule it applies counts (nested `.gitignore`, `info/exclude`,
 * `core.excludesFile`, negations, worktrees and submodules whose `.git` is a
 * file); see docs/security.md for why git rather than a gitignore matcher.
 *
 * One read-only plumbing process per folder of files (`git ls-files`), and a
 * second (`git check-ignore --no-index`) only when a file is tracked. Bounded
 * in time, silent (stderr is captured, never shown), never writes to the
 * repository, and never fails: git missing, a timeout or a broken repository
 * give one info diagnostic saying the check was skipped.
 */
import { basename, dirname, isAbsolute, join, parse as parsePath, resolve as resolvePath } from 'node:path';
import { type Diagnostic, diagnostic } from '../diagnostics.js';
import { statOrUndefined } from '../internal/fs.js';
import { absolutePathEntries, findProgram } from '../internal/which.js';
import type { EnvRecord } from '../types.js';

/** A file that holds secrets, with the names of the keys it holds (never their values). */
export interface SecretFile {
  /** Absolute path of an existing file. */
  readonly path: string;
  /** Key names, e.g. `OPENAI_API_KEY` or `security.auth.apiKey`. */
  readonly keys: readonly string[];
}

export interface GitCheckOptions {
  /** The environment of the resolution: only `PATH`, `XDG_CONFIG_HOME` and `GIT_*` are passed to git. */
  readonly env: EnvRecord;
  /** The user's home, given to git as `HOME` (its global config and excludes file). */
  readonly homeDir: string;
  /** The folder relative `GIT_DIR`-style paths are resolved from. */
  readonly cwd: string;
  /** The whole check's time bound. */
  readonly timeoutMs: number;
}

/** What git may print before the check gives up on it (a few file names fit in far less). */
const MAX_OUTPUT_BYTES = 256 * 1024;

/** Path-valued variables a git hook or a shell may export, resolved as the user's shell would. */
const PATH_VARIABLES = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR', 'GIT_OBJECT_DIRECTORY'];

/** Global options of every call: no pager, no fsmonitor hook or daemon. */
const GIT_GLOBALS = ['--no-pager', '-c', 'core.fsmonitor=false'];

/**
 * The environment git runs with: `GIT_*` variables of `env` (tracing left
 * out), `PATH` to find it, `HOME` and `XDG_CONFIG_HOME` for the user's own
 * excludes, and the switches that keep it quiet and read-only.
 * `GIT_CONFIG_NOSYSTEM` is not set: the system config may name the excludes
 * file, and the check must see what `git add` would see.
 */
function gitEnvironment(options: Pick<GitCheckOptions, 'env' | 'homeDir' | 'cwd'>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(options.env)) {
    if (typeof value !== 'string') continue;
    if (name.startsWith('GIT_') && !name.startsWith('GIT_TRACE')) {
      out[name] = PATH_VARIABLES.includes(name) && value !== '' && !isAbsolute(value) ? resolvePath(options.cwd, value) : value;
    }
  }
  // Windows spells it Path; the child needs a few system variables to start at all.
  const pass = process.platform === 'win32' ? ['PATH', 'PATHEXT', 'SYSTEMROOT', 'WINDIR', 'COMSPEC', 'XDG_CONFIG_HOME'] : ['PATH', 'XDG_CONFIG_HOME'];
  for (const [name, value] of Object.entries(options.env)) {
    const upper = process.platform === 'win32' ? name.toUpperCase() : name;
    if (typeof value === 'string' && pass.includes(upper)) out[upper === 'PATH' ? 'PATH' : name] = value;
  }
  // What git itself runs is found on the absolute entries only, as git is.
  if (out.PATH !== undefined) out.PATH = absolutePathEntries(out.PATH).join(process.platform === 'win32' ? ';' : ':');
  out.HOME = options.homeDir;
  out.GIT_TERMINAL_PROMPT = '0';
  out.GIT_OPTIONAL_LOCKS = '0';
  out.GIT_PAGER = 'cat';
  return out;
}

type GitRun =
  | { readonly kind: 'exit'; readonly code: number; readonly stdout: string; readonly stderr: string }
  | { readonly kind: 'missing' }
  | { readonly kind: 'timeout' }
  | { readonly kind: 'failed'; readonly reason: string };

type Spawn = typeof import('node:child_process').spawn;

/**
 * Runs git once, bounded: a timeout kills it and answers at once, without
 * waiting for its pipes. `input` is written to its stdin. `git` is the
 * absolute path found on the absolute PATH entries (never a program the
 * repository ships); it runs from the root of `dir`'s volume and is pointed
 * at `dir` with `-C`, so no folder the repository controls is its working
 * folder when it starts.
 */
function runGit(
  spawn: Spawn,
  git: string | undefined,
  args: readonly string[],
  dir: string,
  env: Record<string, string>,
  timeoutMs: number,
  input?: string,
): Promise<GitRun> {
  return new Promise((resolve) => {
    let settled = false;
    const finish = (run: GitRun): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(run);
    };
    if (git === undefined) {
      resolve({ kind: 'missing' });
      return;
    }
    let child: ReturnType<Spawn>;
    try {
      child = spawn(git, ['-C', dir, ...GIT_GLOBALS, ...args], {
        cwd: parsePath(dir).root,
        env,
        stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
        windowsHide: true,
        shell: false,
      });
    } catch (error) {
      resolve({ kind: 'failed', reason: error instanceof Error ? error.message : String(error) });
      return;
    }
    const stop = (run: GitRun): void => {
      child.kill('SIGKILL');
      child.stdout?.destroy();
      child.stderr?.destroy();
      finish(run);
    };
    const timer = setTimeout(() => stop({ kind: 'timeout' }), Math.max(1, timeoutMs));
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let size = 0;
    const collect = (into: Buffer[]) => (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OUTPUT_BYTES) stop({ kind: 'failed', reason: 'git printed more than expected' });
      else into.push(chunk);
    };
    if (input !== undefined) {
      child.stdin?.on('error', () => {}); // git may exit before reading it all; its exit code tells.
      child.stdin?.end(input);
    }
    child.stdout?.on('data', collect(stdout));
    child.stderr?.on('data', collect(stderr));
    child.once('error', (error: NodeJS.ErrnoException) => {
      finish(error.code === 'ENOENT' ? { kind: 'missing' } : { kind: 'failed', reason: error.code ?? error.message });
    });
    child.once('close', (code, signal) => {
      if (code === null) finish({ kind: 'failed', reason: `git was stopped by ${signal ?? 'a signal'}` });
      else finish({ kind: 'exit', code, stdout: Buffer.concat(stdout).toString('utf8'), stderr: Buffer.concat(stderr).toString('utf8') });
    });
  });
}

/** True when `dir` or a folder above it has a `.git` entry (folder or file). */
function hasGitEntryAbove(dir: string): boolean {
  for (let d = dir; ; d = dirname(d)) {
    if (statOrUndefined(join(d, '.git'))) return true;
    if (dirname(d) === d) return false;
  }
}

/** The first line git printed on stderr, short. */
function firstLine(stderr: string): string {
  const line =
    stderr
      .split(/\r?\n/)
      .find((l) => l.trim() !== '')
      ?.trim() ?? 'no message';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

/** A word or path as a POSIX shell would take it. */
function shellWord(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}

/** `a`, `a and b`, `a, b and c`. */
function names(keys: readonly string[]): string {
  return keys.length <= 1 ? (keys[0] ?? 'a key') : `${keys.slice(0, -1).join(', ')} and ${keys.at(-1)}`;
}

/** What one file turned out to be. */
interface Finding {
  readonly file: SecretFile;
  readonly tracked: boolean;
  /** Path from the top of the work tree, `/`-separated. */
  readonly fullName: string;
}

/** The top of the work tree: the file's path without the segments of its full name. */
function workTreeOf(finding: Finding): string {
  let top = finding.file.path;
  for (let i = finding.fullName.split('/').length; i > 0; i--) top = dirname(top);
  return top;
}

function trackedDiagnostic(f: Finding, alreadyIgnored: boolean | undefined): Diagnostic {
  const top = workTreeOf(f);
  const path = f.file.path;
  const gitignore = join(dirname(path), '.gitignore');
  const stop = `Stop tracking it: git -C ${shellWord(top)} rm --cached -- ${shellWord(f.fullName)} (the file stays on disk)`;
  const ignore = alreadyIgnored
    ? '; it is already ignored, so it stays out of later commits'
    : `, and add the line /${basename(path)} to ${gitignore} so it stays out`;
  return diagnostic(
    'SECRET_FILE_TRACKED',
    `${path} holds ${names(f.file.keys)} and is tracked by git (committed or staged) in the work tree ${top}: a commit or push publishes ${f.file.keys.length > 1 ? 'them' : 'it'}.`,
    { path },
    `${stop}${ignore}. Rotate the key if a commit holding it ever left this machine.`,
  );
}

function notIgnoredDiagnostic(f: Finding): Diagnostic {
  const top = workTreeOf(f);
  const path = f.file.path;
  return diagnostic(
    'SECRET_FILE_NOT_IGNORED',
    `${path} holds ${names(f.file.keys)} and is not ignored by git in the work tree ${top}: one \`git add .\` would stage it.`,
    { path },
    `Add the line /${basename(path)} to ${join(dirname(path), '.gitignore')} (create the file if needed); a line there outranks every other ignore rule.`,
  );
}

function skipped(dir: string, files: readonly SecretFile[], why: string): Diagnostic {
  return diagnostic('GIT_CHECK_SKIPPED', `Whether git publishes ${files.map((f) => f.path).join(', ')} was not checked: ${why}.`, { path: dir });
}

type GroupResult = { readonly missing: true } | { readonly missing: false; readonly diagnostics: Diagnostic[] };

/** One folder's files: one `ls-files`, and one `check-ignore` when some are tracked. */
async function checkFolder(
  spawn: Spawn,
  git: string | undefined,
  dir: string,
  files: readonly SecretFile[],
  env: Record<string, string>,
  deadline: number,
  timeoutMs: number,
): Promise<GroupResult> {
  const pathspecs = files.map((f) => basename(f.path));
  // -t tags each file: `H` (and S, M…) tracked, `?` untracked and not ignored; an ignored untracked file is not listed.
  const lsFiles = ['--literal-pathspecs', 'ls-files', '-z', '-t', '--full-name', '--cached', '--others', '--exclude-standard', '--', ...pathspecs];
  const run = await runGit(spawn, git, lsFiles, dir, env, deadline - performance.now());
  if (run.kind === 'missing') return { missing: true };
  if (run.kind === 'timeout') return { missing: false, diagnostics: [skipped(dir, files, `git did not answer within ${timeoutMs} ms`)] };
  if (run.kind === 'failed') return { missing: false, diagnostics: [skipped(dir, files, run.reason)] };
  if (run.code !== 0) {
    // Not in a work tree at all: nothing to report. A `.git` above (or GIT_DIR) that git refuses: a broken repository.
    const repoExpected = env.GIT_DIR !== undefined || env.GIT_WORK_TREE !== undefined || hasGitEntryAbove(dir);
    return { missing: false, diagnostics: repoExpected ? [skipped(dir, files, `git failed (exit ${run.code}: ${firstLine(run.stderr)})`)] : [] };
  }
  const tags = new Map<string, { tag: string; fullName: string }>();
  for (const entry of run.stdout.split('\0')) {
    const m = /^(\S) (.+)$/s.exec(entry);
    if (m) tags.set(m[2]!.split('/').at(-1)!, { tag: m[1]!, fullName: m[2]! });
  }
  const findings: Finding[] = [];
  for (const file of files) {
    // The index's spelling may differ in case on a case-insensitive file system (core.ignoreCase).
    const name = basename(file.path);
    const t = tags.get(name) ?? [...tags].find(([n]) => n.toLowerCase() === name.toLowerCase())?.[1];
    if (t) findings.push({ file, tracked: t.tag !== '?', fullName: t.fullName });
  }
  const tracked = findings.filter((f) => f.tracked);
  let ignored: Set<string> | undefined;
  if (tracked.length > 0) {
    // Whether the rules already ignore a tracked file decides the remedy; exit 1 means none is ignored.
    const input = tracked.map((f) => `${basename(f.file.path)}\0`).join('');
    const r = await runGit(spawn, git, ['check-ignore', '-z', '--stdin', '--no-index'], dir, env, deadline - performance.now(), input);
    if (r.kind === 'exit' && (r.code === 0 || r.code === 1))
      ignored = new Set(
        r.stdout
          .split('\0')
          .filter(Boolean)
          .map((p) => p.split('/').at(-1)!),
      );
  }
  return {
    missing: false,
    diagnostics: findings.map((f) => (f.tracked ? trackedDiagnostic(f, ignored?.has(basename(f.file.path))) : notIgnoredDiagnostic(f))),
  };
}

/**
 * Reports, for each file, `SECRET_FILE_TRACKED` or `SECRET_FILE_NOT_IGNORED`
 * (warnings), nothing when the file is ignored and untracked or outside any
 * work tree, or `GIT_CHECK_SKIPPED` (info) when git is missing, too slow or
 * refuses the repository. Files of one folder share one git process; folders
 * run in parallel within one time bound. Never throws, never writes.
 */
export async function checkSecretFilesInGit(files: readonly SecretFile[], options: GitCheckOptions): Promise<Diagnostic[]> {
  if (files.length === 0) return [];
  const deadline = performance.now() + options.timeoutMs;
  const env = gitEnvironment(options);
  const folders = new Map<string, SecretFile[]>();
  for (const file of files) {
    const dir = dirname(file.path);
    const list = folders.get(dir);
    if (list) list.push(file);
    else folders.set(dir, [file]);
  }
  let spawn: Spawn;
  try {
    // Loaded here, never at import: the default path starts no process.
    ({ spawn } = await import('node:child_process'));
  } catch {
    return [skipped(dirname(files[0]!.path), files, 'child processes are not available')];
  }
  const git = findProgram('git', env);
  const results = await Promise.all([...folders].map(([dir, list]) => checkFolder(spawn, git, dir, list, env, deadline, options.timeoutMs)));
  if (results.some((r) => r.missing)) {
    return [diagnostic('GIT_CHECK_SKIPPED', `Whether git publishes ${files.map((f) => f.path).join(', ')} was not checked: git was not found on PATH.`)];
  }
  return results.flatMap((r) => (r.missing ? [] : r.diagnostics));
}
