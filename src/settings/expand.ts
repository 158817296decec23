import type { EnvRecord } from '../types.js';

const REFERENCE = /\$(?:(\w+)|\{([^}]+)\})/g;

function expandString(value: string, env: EnvRecord, names?: Set<string>): string {
  if (!value.includes('$')) return value;
  return value.replace(REFERENCE, (whole, bare: string | undefined, braced: string | undefined) => {
    const name = (bare ?? braced)!;
    names?.add(name);
    const v = Object.hasOwn(env, name) ? env[name] : undefined;
    return typeof v === 'string' ? v : whole;
  });
}

/**
 * Expands `$NAME` and `${NAME}` in every string value of a parsed settings
 * document, from the real environment (before any `.env` file), as Qwen Code
 * does when it loads settings. A reference to an unset variable is left as
 * written. Keys are not expanded. Returns a new structure, without `__proto__`,
 * `constructor` or `prototype` keys. Walks with an explicit stack, so no
 * depth overflows it. The names referenced are added to `names` when given.
 */
export function expandEnvReferences(value: unknown, env: EnvRecord, names?: Set<string>): unknown {
  if (typeof value === 'string') return expandString(value, env, names);
  if (typeof value !== 'object' || value === null) return value;
  const root: { v: unknown } = { v: undefined };
  // Each entry: a source container and the fresh container its copy goes in.
  const stack: { from: object; to: Record<string, unknown> | unknown[] }[] = [];
  const copy = (from: unknown, put: (v: unknown) => void): void => {
    if (typeof from === 'string') put(expandString(from, env, names));
    else if (Array.isArray(from)) {
      const to: unknown[] = new Array(from.length);
      put(to);
      stack.push({ from, to });
    } else if (typeof from === 'object' && from !== null) {
      const to: Record<string, unknown> = {};
      put(to);
      stack.push({ from, to });
    } else put(from);
  };
  copy(value, (v) => (root.v = v));
  while (stack.length > 0) {
    const { from, to } = stack.pop()!;
    if (Array.isArray(from)) {
      const list = to as unknown[];
      from.forEach((item, i) => copy(item, (v) => (list[i] = v)));
    } else {
      const record = to as Record<string, unknown>;
      for (const key of Object.keys(from)) {
        // Skipped, as Qwen Code's merge skips them: never let a file reach a prototype.
        if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
        copy((from as Record<string, unknown>)[key], (v) => (record[key] = v));
      }
    }
  }
  return root.v;
}
