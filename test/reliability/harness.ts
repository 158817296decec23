/**
 * The reliability suite's plumbing: one seed for everything (replayable),
 * outcomes classified (a result, a typed error, anything else), bounds on
 * time, a prototype-pollution probe, and the figures each suite prints.
 *
 * RELIABILITY_SEED=<n>            another seed (default 10)
 * RELIABILITY_REPLAY=<cat>:<i>   run only input <i> of category <cat>, verbosely
 */
import { isAuthError } from '../../src/index.js';
import { rng, type Rng } from '../fidelity/generate.js';

export const SEED = Number(process.env.RELIABILITY_SEED ?? 10);
const replay = process.env.RELIABILITY_REPLAY?.split(':');
export const REPLAY = replay && replay.length === 2 ? { category: replay[0]!, index: Number(replay[1]) } : undefined;

/** A generator for input `index` of `category`: the same input whatever ran before. */
export function inputRng(category: string, index: number): Rng {
  let h = SEED >>> 0;
  for (const ch of `${category}:${index}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return rng(h);
}

/** The indexes of a category to run: all of them, or the one being replayed. */
export function indexes(category: string, count: number): number[] {
  if (REPLAY) return REPLAY.category === category ? [REPLAY.index] : [];
  return Array.from({ length: count }, (_, i) => i);
}

export type Outcome =
  | { readonly kind: 'result'; readonly value: unknown; readonly ms: number }
  | { readonly kind: 'typed'; readonly error: Error & { code: string }; readonly ms: number }
  | { readonly kind: 'untyped'; readonly error: unknown; readonly ms: number }
  | { readonly kind: 'hang'; readonly ms: number };

/** Runs `fn`, bounded by `boundMs` of real time, and says what came out. */
export async function outcome(fn: () => unknown, boundMs: number): Promise<Outcome> {
  const t0 = performance.now();
  let timer: NodeJS.Timeout | undefined;
  const bound = new Promise<'hang'>((resolve) => (timer = setTimeout(() => resolve('hang'), boundMs)));
  try {
    const run = Promise.resolve().then(fn);
    run.catch(() => undefined);
    const value = await Promise.race([run, bound]);
    const ms = performance.now() - t0;
    if (value === 'hang') return { kind: 'hang', ms };
    return { kind: 'result', value, ms };
  } catch (error) {
    const ms = performance.now() - t0;
    if (isAuthError(error) && typeof error.code === 'string') return { kind: 'typed', error, ms };
    return { kind: 'untyped', error, ms };
  } finally {
    clearTimeout(timer);
  }
}

const PROTO_NAMES = Object.getOwnPropertyNames(Object.prototype).length;
const ARRAY_NAMES = Object.getOwnPropertyNames(Array.prototype).length;

/** True when something reached a prototype (the fuzz plants `polluted` keys). */
export function polluted(): boolean {
  return (
    ({} as Record<string, unknown>).polluted !== undefined ||
    Object.getOwnPropertyNames(Object.prototype).length !== PROTO_NAMES ||
    Object.getOwnPropertyNames(Array.prototype).length !== ARRAY_NAMES
  );
}

/** What a suite counts, printed at its end. */
export class Figures {
  readonly counts: Record<string, number> = {};
  readonly problems: string[] = [];
  constructor(readonly suite: string) {}

  add(name: string, n = 1): void {
    this.counts[name] = (this.counts[name] ?? 0) + n;
  }

  /** Keeps the largest value seen under `name`. */
  max(name: string, value: number): void {
    this.counts[name] = Math.max(this.counts[name] ?? 0, value);
  }

  /** Records a violation (kept for the report; the first ones are shown in full). */
  problem(what: string): void {
    this.add('violations');
    if (this.problems.length < 20) this.problems.push(what);
  }

  print(): void {
    const line = Object.entries(this.counts)
      .map(([k, v]) => `${k}=${v}`)
      .join(' ');
    // One line per suite, easy to grep from CI logs: `[reliability] <suite>: …`.
    console.log(`[reliability] ${this.suite}: ${line}${REPLAY ? ' (replay)' : ''}`);
    for (const p of this.problems) console.log(`[reliability] ${this.suite}: ${p}`);
  }
}

/** Runs `task` over `items` with at most `width` at a time; `worker` says which of the `width` runs it. */
export async function pool<T>(items: readonly T[], width: number, task: (item: T, worker: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async (_, worker) => {
      while (next < items.length) await task(items[next++]!, worker);
    }),
  );
}

/** A random string of `n` characters from `alphabet`. */
export function word(r: Rng, n: number, alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'): string {
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[r.int(alphabet.length)];
  return s;
}

/** Values of every type JavaScript has, for options and JSON fields. */
export function junk(r: Rng, depth = 0): unknown {
  switch (r.int(depth > 2 ? 12 : 16)) {
    case 0:
      return undefined;
    case 1:
      return null;
    case 2:
      return r.int(2) === 0;
    case 3:
      return r.pick([0, -1, 1, 1.5, NaN, Infinity, -Infinity, 2 ** 53, 1e308, -0]);
    case 4:
      return '';
    case 5:
      return r.pick([' ', '\u0000', '\n', 'x'.repeat(10_000), '😀', '\ud800', '$HOME', '${X}', '../..', '/', 'C:\\', '%00']);
    case 6:
      return word(r, 1 + r.int(40));
    case 7:
      return r.pick(['openai', 'qwen-oauth', 'gemini', 'OPENAI', 'https://x.example/v1', 'http://127.0.0.1:1', 'sk-sp-0123456789abcdef']);
    case 8:
      return () => undefined;
    case 9:
      return Symbol('junk');
    case 10:
      return 10n;
    case 11:
      return new Date(0);
    case 12:
      return [];
    case 13:
      return Array.from({ length: r.int(4) }, () => junk(r, depth + 1));
    case 14:
      return Object.fromEntries(
        Array.from({ length: r.int(4) }, () => [r.pick(['a', '__proto__', 'constructor', 'prototype', 'polluted', word(r, 5)]), junk(r, depth + 1)]),
      );
    default:
      return {};
  }
}

/** Like {@link junk}, but only what JSON can hold (for files and server answers). */
export function jsonJunk(r: Rng): unknown {
  const v = junk(r);
  if (typeof v === 'function' || typeof v === 'symbol' || typeof v === 'bigint' || v instanceof Date) return null;
  return JSON.parse(JSON.stringify(v, (_k, x: unknown) => (typeof x === 'bigint' ? null : x)) ?? 'null');
}
