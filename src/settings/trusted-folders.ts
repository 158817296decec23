/**
 * Folder trust's rules file (`trustedFolders.json`) and the two ways Qwen
 * Code matches a folder against it (docs/settings.md, spec settings-layers §1).
 * Reads only; the writer is separate. Nothing here reads the environment,
 * the home folder or the working folder by itself: every input is given.
 */
import { nodeFs } from '../internal/node.js';
import { dirname, isAbsolute, join, normalize, parse, relative, resolve, sep } from 'node:path';
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { errnoCode, statOrUndefined } from '../internal/fs.js';
import { stripJsonComments } from '../internal/jsonc.js';
import { schemas } from '../internal/schemas.js';
import type { EnvRecord, QwenCodeVersion } from '../types.js';

/** A rule's level: the folder and its subtree, the folder's parent and its subtree, or distrust. */
export type TrustLevel = 'TRUST_FOLDER' | 'TRUST_PARENT' | 'DO_NOT_TRUST';

/** One entry of the rules file, as written (the path is not resolved). */
export interface TrustRule {
  readonly path: string;
  readonly level: TrustLevel;
}

/** The rules file as read. */
export interface TrustRulesFile {
  /** The file: `QWEN_CODE_TRUSTED_FOLDERS_PATH` when non-empty, else `<qwenDir>/trustedFolders.json`. */
  readonly path: string;
  readonly exists: boolean;
  /** Entries with a known level, in file order (entries with other values are ignored, as Qwen Code does). */
  readonly rules: readonly TrustRule[];
  /** Set when the file exists but is not a JSON object (Qwen Code stops with exit code 52). */
  readonly problem?: Diagnostic;
  /** With `problem`: what is wrong, in a few words. */
  readonly reason?: string;
}

/** A folder's standing: a rule trusts it, a rule distrusts it, or no rule decides. */
export type FolderTrust = 'trusted' | 'untrusted' | 'undecided';

/** The name of the rules file in Qwen's folder. */
export const TRUSTED_FOLDERS_FILE = 'trustedFolders.json';

/** The variable that moves the rules file. */
export const TRUSTED_FOLDERS_VARIABLE = 'QWEN_CODE_TRUSTED_FOLDERS_PATH';

/** Rules files larger than this are reported as invalid. */
export const MAX_TRUST_FILE_BYTES = 1024 * 1024;

const LEVELS: ReadonlySet<string> = new Set<TrustLevel>(['TRUST_FOLDER', 'TRUST_PARENT', 'DO_NOT_TRUST']);

/**
 * Where the rules file is: `env.QWEN_CODE_TRUSTED_FOLDERS_PATH` when it is
 * non-empty (a relative value taken from `cwd`, as Qwen Code takes it from
 * its working folder), else `<qwenDir>/trustedFolders.json`. Qwen Code 0.12
 * passes `~/.qwen` as `qwenDir`: it never followed `QWEN_HOME` here.
 */
export function trustedFoldersPath(qwenDir: string, env: EnvRecord, cwd?: string): string {
  const value = env[TRUSTED_FOLDERS_VARIABLE];
  if (typeof value === 'string' && value !== '') return isAbsolute(value) || cwd === undefined ? value : resolve(cwd, value);
  return join(qwenDir, TRUSTED_FOLDERS_FILE);
}

function invalid(path: string, reason: string): TrustRulesFile {
  return {
    path,
    exists: true,
    rules: [],
    reason,
    problem: diagnostic('TRUST_FILE_INVALID', `Error in ${path}: ${reason}. Qwen Code stops here (exit code 52) while folder trust is on.`, { path }),
  };
}

/** Reads a regular file of at most `max` bytes without blocking on a FIFO or device. */
function readBounded(path: string, max: number): { text: string } | { error: string } {
  let fd: number;
  try {
    fd = nodeFs().openSync(path, nodeFs().constants.O_RDONLY | (nodeFs().constants.O_NONBLOCK ?? 0));
  } catch (error) {
    return { error: `cannot be read (${errnoCode(error) ?? 'error'})` };
  }
  try {
    const st = nodeFs().fstatSync(fd);
    if (!st.isFile()) return { error: st.isDirectory() ? 'is a folder, not a file (EISDIR)' : 'is not a regular file' };
    if (st.size > max) return { error: `is ${st.size} bytes, over the ${max}-byte limit` };
    const buffer = Buffer.alloc(Math.min(st.size, max) + 1);
    let length = 0;
    for (;;) {
      const n = nodeFs().readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length === buffer.length) return { error: `is over the ${max}-byte limit` };
    }
    return { text: buffer.toString('utf8', 0, length) };
  } catch (error) {
    return { error: `cannot be read (${errnoCode(error) ?? 'error'})` };
  } finally {
    nodeFs().closeSync(fd);
  }
}

/**
 * Reads the rules file: JSON with comments holding one object from folder
 * path to level. A missing file gives no rules; anything else that is not
 * such an object (a folder, a FIFO, bad JSON, an array, over 1 MiB) gives
 * `problem`, which Qwen Code treats as fatal while folder trust is on.
 * Values that are not a level are ignored. Never writes.
 */
export function readTrustRules(path: string): TrustRulesFile {
  if (!statOrUndefined(path)) return { path, exists: false, rules: [] };
  const read = readBounded(path, MAX_TRUST_FILE_BYTES);
  if ('error' in read) return invalid(path, `the file ${read.error}`);
  let text = read.text;
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let parsed: unknown;
  try {
    parsed = JSON.parse(stripJsonComments(text));
  } catch (error) {
    return invalid(path, error instanceof Error ? error.message : 'not valid JSON');
  }
  if (schemas().trustedFoldersFile(parsed)) return invalid(path, 'Trusted folders file is not a valid JSON object');
  const rules: TrustRule[] = [];
  for (const [rulePath, level] of Object.entries(parsed as Record<string, unknown>)) {
    if (typeof level === 'string' && LEVELS.has(level)) rules.push({ path: rulePath, level: level as TrustLevel });
  }
  return { path, exists: true, rules };
}

/** The resolved form of a path and, when it exists, its real form. */
function variants(path: string, base: string): string[] {
  const resolved = normalize(resolve(base, path));
  const out = [resolved];
  try {
    const real = normalize(nodeFs().realpathSync.native(resolved));
    if (real !== resolved) out.push(real);
  } catch {
    // No real form: the resolved one stands alone.
  }
  return out;
}

/** True when `child` is `parent` or lies below it. */
function isWithin(child: string, parent: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** Path segments below the root: `/` is 0, `/a/b` is 2. */
function depthOf(path: string): number {
  const rel = relative(parse(path).root, path);
  return rel === '' ? 0 : rel.split(sep).filter(Boolean).length;
}

/**
 * Qwen Code 0.24 (spec §1 rules 3–4): the location and each rule's folder
 * (`TRUST_PARENT`: the parent of its path) are taken resolved and real; a
 * rule matches when a location form equals or lies below a rule form. The
 * deepest match wins, `DO_NOT_TRUST` on a tie; no match is undecided.
 */
function trust024(rules: readonly TrustRule[], location: string, base: string): { verdict: FolderTrust; rule?: TrustRule } {
  const here = variants(location, base);
  let winner: TrustRule | undefined;
  let winnerDepth = -1;
  for (const rule of rules) {
    const folder = rule.level === 'TRUST_PARENT' ? dirname(rule.path) : rule.path;
    let depth = -1;
    for (const form of variants(folder, base)) {
      if (here.some((h) => isWithin(h, form))) depth = Math.max(depth, depthOf(form));
    }
    if (depth < 0) continue;
    const distrust = rule.level === 'DO_NOT_TRUST';
    if (depth > winnerDepth || (depth === winnerDepth && distrust && winner?.level !== 'DO_NOT_TRUST')) {
      winner = rule;
      winnerDepth = depth;
    }
  }
  if (!winner) return { verdict: 'undecided' };
  return { verdict: winner.level === 'DO_NOT_TRUST' ? 'untrusted' : 'trusted', rule: winner };
}

/**
 * Qwen Code 0.12: the first `TRUST_FOLDER`/`TRUST_PARENT` whose folder holds
 * the location (paths resolved) trusts it, whatever distrusts it; else a
 * `DO_NOT_TRUST` naming exactly the location (normalized, not resolved)
 * distrusts it; else undecided.
 */
function trust012(rules: readonly TrustRule[], location: string, base: string): { verdict: FolderTrust; rule?: TrustRule } {
  const here = resolve(base, location);
  for (const rule of rules) {
    if (rule.level === 'DO_NOT_TRUST') continue;
    const folder = resolve(base, rule.level === 'TRUST_PARENT' ? dirname(rule.path) : rule.path);
    if (isWithin(here, folder)) return { verdict: 'trusted', rule };
  }
  for (const rule of rules) {
    // Compared as written, normalized only (as 0.12 does): a relative path or a trailing slash never matches.
    if (rule.level === 'DO_NOT_TRUST' && normalize(here) === normalize(rule.path)) return { verdict: 'untrusted', rule };
  }
  return { verdict: 'undecided' };
}

/**
 * How the rules judge `location` (an absolute folder), in a version's
 * dialect (see the two helpers above). Relative rule paths are taken from
 * `base` (default `location`: Qwen Code takes them from its working folder).
 * What `undecided` means is the caller's: 0.24 treats it as untrusted, 0.12
 * as trusted.
 */
export function folderTrustOf(
  rules: readonly TrustRule[],
  location: string,
  dialect: QwenCodeVersion,
  base: string = location,
): { readonly verdict: FolderTrust; readonly rule?: TrustRule } {
  return dialect === '0.24' ? trust024(rules, location, base) : trust012(rules, location, base);
}
