/**
 * The quick accepts of src/internal/schemas.ts against zod, their source of
 * truth: on many generated values (well-formed, near misses, wrong types at
 * every depth, extra keys, arrays for objects, null, NaN, huge numbers,
 * holes, odd prototypes), whatever an accept passes zod passes too, and
 * zod's output is the same value. An accept may say "not obviously valid"
 * for a value zod takes (zod then decides); it may never accept what zod
 * refuses.
 */
import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type CheckName, quickAccept, schemas, zodParse } from '../../src/internal/schemas.js';

/** A small, seeded generator (mulberry32): the same cases on every run. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = rng(0x5eed);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)] as T;
const chance = (p: number): boolean => random() < p;

const NUMBERS = [
  0,
  -0,
  1,
  -1,
  1.5,
  600,
  1e21,
  1e308,
  Number.MAX_SAFE_INTEGER,
  Number.MIN_VALUE,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  Number.NEGATIVE_INFINITY,
  JSON.parse('1e400') as number,
  Date.now(),
];
const STRINGS = ['', 'a', ' ', 'sk-x', 'portal.qwen.ai', '\u0000', '\uD800', '😀', 'x'.repeat(300), '__proto__', 'null'];

/** Any value: JSON's kinds and a few a caller could pass (undefined, Date, Map, null-prototype objects, holes). */
function anyValue(depth: number): unknown {
  const kind = Math.floor(random() * (depth > 2 ? 7 : 12));
  switch (kind) {
    case 0:
      return null;
    case 1:
      return pick([true, false]);
    case 2:
    case 3:
      return pick(NUMBERS);
    case 4:
    case 5:
      return pick(STRINGS);
    case 6:
      return pick([undefined, new Date(0), new Map(), Object.create(null), 1n, Symbol.for('s'), () => 1]);
    case 7:
    case 8: {
      const n = Math.floor(random() * 4);
      const a: unknown[] = [];
      for (let i = 0; i < n; i++) a.push(anyValue(depth + 1));
      if (chance(0.1)) a.length += 2; // holes
      return a;
    }
    default: {
      const o: Record<string, unknown> = chance(0.1) ? Object.create(null) : {};
      const n = Math.floor(random() * 4);
      for (let i = 0; i < n; i++) o[pick(['id', 'name', 'x', 'access_token', 'expiry_date', 'env', '0'])] = anyValue(depth + 1);
      if (chance(0.05)) Object.defineProperty(o, '__proto__', { value: { x: 1 }, enumerable: true, writable: true, configurable: true });
      return chance(0.03) ? Object.setPrototypeOf(o, { inherited: 'x' }) : o;
    }
  }
}

/** One field's value: usually one of the shapes the schemas name, sometimes anything. */
function fieldValue(): unknown {
  return chance(0.6)
    ? pick([undefined, null, 'a', '', 'sk-x', 5, Number.NaN, JSON.parse('1e400') as number, Number.POSITIVE_INFINITY, Date.now(), true, [], {}])
    : anyValue(1);
}

/** An object with some of `fields`; the first (the required one) usually well-formed. */
function objectWith(fields: readonly string[]): unknown {
  const o: Record<string, unknown> = chance(0.05) ? Object.create(null) : {};
  fields.forEach((f, i) => {
    if (i === 0 && chance(0.7)) o[f] = pick(STRINGS);
    else if (chance(0.7)) o[f] = chance(0.5) ? pick([undefined, null, 'a', 'x'.repeat(300)]) : fieldValue();
  });
  if (chance(0.3)) o[pick(['extra', 'imageOnly', 'nested', 'constructor'])] = anyValue(1);
  // An own `__proto__` key, as JSON.parse makes one; or keys inherited from a prototype.
  if (chance(0.05)) Object.defineProperty(o, '__proto__', { value: { x: 1 }, enumerable: true, writable: true, configurable: true });
  if (chance(0.03)) Object.setPrototypeOf(o, { inherited: 'x' });
  return chance(0.05) ? [o] : o;
}

const generators: Record<Exclude<CheckName, 'providerDefinition'>, () => unknown> = {
  settingString: () => fieldValue(),
  settingBoolean: () => (chance(0.3) ? pick([true, false, null]) : fieldValue()),
  settingStringList: () => (chance(0.5) ? Array.from({ length: Math.floor(random() * 4) }, () => (chance(0.8) ? pick(STRINGS) : fieldValue())) : anyValue(0)),
  settingObject: () => anyValue(0),
  modelProviderList: () => anyValue(0),
  modelProviderEntry: () => objectWith(['id', 'name', 'baseUrl', 'envKey', 'wireApi']),
  credentialsJson: () => objectWith(['access_token', 'refresh_token', 'token_type', 'resource_url', 'expiry_date']),
  trustedFoldersFile: () => anyValue(0),
  deviceCodeLifetime: () => (chance(0.5) ? pick(NUMBERS) : anyValue(0)),
};

/** The same value, as zod hands it back: own enumerable keys, each value the same (Object.is), at every depth. */
function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

const PER_CHECK = 4000;

describe('quick accepts (no zod) against zod', () => {
  for (const [name, generate] of Object.entries(generators) as [CheckName, () => unknown][]) {
    it(`${name}: an accepted value is one zod accepts, unchanged (${PER_CHECK} generated values)`, () => {
      let accepted = 0;
      let zodOnly = 0;
      const wrong: string[] = [];
      for (let i = 0; i < PER_CHECK; i++) {
        const value = generate();
        const zod = zodParse(name, value);
        if (quickAccept(name, value)) {
          accepted++;
          if (!zod.success) wrong.push(`accepted, zod refuses: ${inspect(value)}`);
          else if (!sameValue(zod.data, value)) wrong.push(`accepted, zod returns ${inspect(zod.data)} for ${inspect(value)}`);
        } else if (zod.success) zodOnly++;
        // The check itself agrees with zod either way (the accept first, zod when it cannot answer).
        if ((schemas()[name](value) === undefined) !== zod.success) wrong.push(`the check and zod differ on ${inspect(value)}`);
      }
      expect(wrong.slice(0, 5)).toEqual([]);
      // Both sides are exercised: many values accepted quickly, many refused.
      expect(accepted, `${name}: quickly accepted`).toBeGreaterThan(PER_CHECK / 20);
      expect(PER_CHECK - accepted - zodOnly, `${name}: refused`).toBeGreaterThan(PER_CHECK / 20);
    });
  }

  it('the well-formed data of a cold start is accepted without zod', () => {
    expect(quickAccept('settingObject', JSON.parse('{"model":{"name":"qwen3-coder-plus"}}'))).toBe(true);
    expect(quickAccept('settingString', 'qwen3-coder-plus')).toBe(true);
    expect(quickAccept('settingStringList', ['DEBUG'])).toBe(true);
    expect(quickAccept('modelProviderEntry', { id: 'qwen3-coder-plus', baseUrl: 'https://x', envKey: 'K', extra: [1] })).toBe(true);
    expect(
      quickAccept('credentialsJson', { access_token: 'a', refresh_token: 'r', token_type: 'Bearer', resource_url: 'portal.qwen.ai', expiry_date: 1 }),
    ).toBe(true);
    expect(quickAccept('credentialsJson', { access_token: 'a', expiry_date: JSON.parse('1e400') })).toBe(false);
    expect(quickAccept('trustedFoldersFile', { '/a': 'TRUST_FOLDER' })).toBe(true);
  });
});
