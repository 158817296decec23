import type { EnvRecord } from '../types.js';

const REFERENCE = /\$(?:(\w+)|\{([^}]+)\})/g;

/**
 * Names Qwen Code 0.24 never expands in settings (case-insensitive): the
 * session id and its internal tokens stay written as `$NAME`.
 */
const NEVER_EXPANDED_024 = new Set([
  'SESSION_ID',
  'QWEN_CODE_SESSION_ID',
  'QWEN_SERVER_TOKEN',
  'QWEN_DAEMON_TOKEN',
  'QWEN_CODE_EXTERNAL_TOOL_GUARD_TOKEN',
  'QWEN_CODE_PRIVATE_ACP_CAPABILITY',
]);

/** Whether Qwen Code 0.24 leaves a `$NAME` reference as written, whatever the environment holds. */
export function neverExpanded024(name: string): boolean {
  return NEVER_EXPANDED_024.has(name.toUpperCase());
}

/** How {@link expandEnvReferences} expands. */
export interface ExpandOptions {
  /** Collects the names referenced. */
  readonly names?: Set<string>;
  /** Names left as written (Qwen Code 0.24: {@link neverExpanded024}). */
  readonly keep?: (name: string) => boolean;
}

function expandString(value: string, env: EnvRecord, options: ExpandOptions): string {
  if (!value.includes('$')) return value;
  return value.replace(REFERENCE, (whole, bare: string | undefined, braced: string | undefined) => {
    const name = (bare ?? braced)!;
    if (options.keep?.(name)) return whole;
    options.names?.add(name);
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
 * depth overflows it. The names referenced are added to `options.names`.
 */
export function expandEnvReferences(value: unknown, env: EnvRecord, options: ExpandOptions = {}): unknown {
  if (typeof value === 'string') return expandString(value, env, options);
  if (typeof value !== 'object' || value === null) return value;
  const root: { v: unknown } = { v: undefined };
  // Each entry: a source container and the fresh container its copy goes in.
  const stack: { from: object; to: Record<string, unknown> | unknown[] }[] = [];
  const copy = (from: unknown, put: (v: unknown) => void): void => {
    if (typeof from === 'string') put(expandString(from, env, options));
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
      for (let i = 0; i < from.length; i++) {
        copy(from[i], (v) => {
          list[i] = v;
        });
      }
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
