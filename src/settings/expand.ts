import type { EnvRecord } from '../types.js';

const REFERENCE = /\$(?:(\w+)|\{([^}]+)\})/g;

/**
 * Expands `$NAME` and `${NAME}` in every string value of a parsed settings
 * document, from the real environment (before any `.env` file), as Qwen Code
 * does when it loads settings. A reference to an unset variable is left as
 * written. Keys are not expanded. Returns a new structure, without `__proto__`,
 * `constructor` or `prototype` keys.
 */
export function expandEnvReferences(value: unknown, env: EnvRecord): unknown {
  if (typeof value === 'string') {
    if (!value.includes('$')) return value;
    return value.replace(REFERENCE, (whole, bare: string | undefined, braced: string | undefined) => {
      const name = (bare ?? braced)!;
      const v = Object.hasOwn(env, name) ? env[name] : undefined;
      return typeof v === 'string' ? v : whole;
    });
  }
  if (Array.isArray(value)) return value.map((item) => expandEnvReferences(item, env));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value)) {
      // Skipped, as Qwen Code's merge skips them: never let a file reach a prototype.
      if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
      out[key] = expandEnvReferences((value as Record<string, unknown>)[key], env);
    }
    return out;
  }
  return value;
}
