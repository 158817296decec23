/**
 * Helpers for wrapping qwen-auth in a command line: {@link authFlags}, the
 * options spec of Qwen Code's four auth flags, and {@link overridesFromFlags},
 * which turns what a parser produced into `AuthOverrides` that make every
 * message and remedy name the flags (`--openai-base-url`), not the API.
 */
import { redactText } from './redact.js';
import { QwenAuthError } from './errors.js';
import { type AuthOverrides, isAuthType, QWEN_CODE_AUTH_TYPES, type QwenCodeAuthType, type QwenCodeVersion } from './types.js';

/** One flag of {@link authFlags}: a `node:util` `parseArgs` option, plus what a help text and a mapping need. */
export interface AuthFlag {
  /** Always `'string'`: each flag takes one value. */
  readonly type: 'string';
  /** One line for `--help`. */
  readonly description: string;
  /** Placeholder for the value in help texts, e.g. `url`. */
  readonly valueName: string;
  /** The `AuthOverrides` field it carries. */
  readonly override: keyof AuthOverrides;
}

const flag = (override: keyof AuthOverrides, valueName: string, description: string): AuthFlag =>
  Object.freeze({ type: 'string', valueName, description, override });

/**
 * Qwen Code's auth flags, keyed by their long name without dashes. It is a
 * valid `parseArgs` options object as it stands
 * (`parseArgs({ options: { ...authFlags, ...yours } })`), and maps to
 * commander (`program.option(`--${name} <${f.valueName}>`, f.description)`)
 * or yargs (`{ type: 'string', describe: f.description }`).
 */
export const authFlags = Object.freeze({
  'auth-type': flag('authType', 'type', "auth method: 'openai' (an OpenAI-compatible key) or 'qwen-oauth'"),
  'openai-api-key': flag('apiKey', 'key', 'API key for the OpenAI-compatible method'),
  'openai-base-url': flag('baseUrl', 'url', 'base URL of the OpenAI-compatible endpoint'),
  model: flag('model', 'model', 'model name'),
} as const satisfies Record<string, AuthFlag>);

/** The long name (without dashes) of each of {@link authFlags}. */
export type AuthFlagName = keyof typeof authFlags;

const FROM_FLAGS = Symbol.for('qwen-auth.overrides-from-flags');

/** `openai-base-url` → `openaiBaseUrl`, as commander and yargs spell parsed options. */
function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

function describeValue(value: unknown): string {
  if (Array.isArray(value)) return 'several values';
  if (value === true || value === false) return 'no value';
  return `a ${typeof value}`;
}

function invalidFlag(name: string, message: string, remedy?: string): QwenAuthError<'INVALID_OPTION'> {
  return new QwenAuthError('INVALID_OPTION', message, {
    details: { option: `--${name}` },
    remedy: remedy ?? `Pass ${`--${name}`} once, with a value${name === 'auth-type' ? ": 'openai' or 'qwen-oauth'" : ''}.`,
  });
}

/** Options of {@link overridesFromFlags}. */
export interface OverridesFromFlagsOptions {
  /** `'0.24'`: `--auth-type` also takes the types Qwen Code 0.24 knows (resolve with the same `qwenCode`). */
  readonly qwenCode?: QwenCodeVersion;
}

/**
 * `AuthOverrides` from a parser's values, by the flags' dashed names
 * (`openai-base-url`, as `parseArgs` and yargs give them) or camelCase ones
 * (`openaiBaseUrl`, as commander and yargs give them). Other keys are
 * ignored; an unset flag is left out. `--auth-type` must be `openai` or
 * `qwen-oauth` (with `{ qwenCode: '0.24' }`, any type Qwen Code 0.24 knows); a flag given a non-string (several values, no value) or two
 * different spellings with different values is an `INVALID_OPTION` naming
 * the flag.
 *
 * The result is marked (a non-enumerable symbol) so that `resolveAuth()`
 * names these flags in its messages and remedies. Spreading it into a new
 * object drops the mark: pass `flags: true` to `resolveAuth()` then.
 */
export function overridesFromFlags(values: Readonly<Record<string, unknown>>, options: OverridesFromFlagsOptions = {}): AuthOverrides {
  if (typeof values !== 'object' || values === null) {
    throw new QwenAuthError('INVALID_OPTION_TYPE', 'overridesFromFlags() takes the values object of a parser.', {
      details: { option: 'values' },
    });
  }
  const out: { -readonly [K in keyof AuthOverrides]: AuthOverrides[K] } = {};
  for (const [name, spec] of Object.entries(authFlags) as [AuthFlagName, AuthFlag][]) {
    const given = [...new Set([name, camel(name)])].filter((key) => Object.hasOwn(values, key) && values[key] !== undefined).map((key) => values[key]);
    if (given.length === 0) continue;
    const bad = given.find((v) => typeof v !== 'string');
    if (bad !== undefined) throw invalidFlag(name, `--${name} takes one value, but the parser gave ${describeValue(bad)}.`);
    const [value, other] = given as string[];
    if (other !== undefined && other !== value) {
      throw invalidFlag(name, `--${name} was given twice with different values (as ${name} and ${camel(name)}).`);
    }
    if (spec.override === 'authType') {
      const known = (QWEN_CODE_AUTH_TYPES as readonly string[]).includes(value!);
      if (options.qwenCode === '0.24') {
        if (!known)
          throw invalidFlag(
            name,
            `--${name} must be one of ${QWEN_CODE_AUTH_TYPES.map((t) => `'${t}'`).join(', ')}, not ${JSON.stringify(redactText(value!, 80))}.`,
          );
        out.authType = value as QwenCodeAuthType;
      } else if (!isAuthType(value)) {
        throw invalidFlag(
          name,
          `--${name} must be 'openai' or 'qwen-oauth', not ${JSON.stringify(redactText(value!, 80))}${known ? ' (a type only Qwen Code 0.24 knows)' : ''}.`,
          known ? `Pass --${name} openai (an OpenAI-compatible key) or qwen-oauth.` : undefined,
        );
      } else {
        out.authType = value;
      }
    } else {
      out[spec.override] = value!;
    }
  }
  Object.defineProperty(out, FROM_FLAGS, { value: true, enumerable: false });
  return Object.freeze(out);
}

/** True when `overrides` was built by {@link overridesFromFlags} (any copy of the library). */
export function isFromFlags(overrides: AuthOverrides | undefined): boolean {
  return typeof overrides === 'object' && overrides !== null && (overrides as { [FROM_FLAGS]?: unknown })[FROM_FLAGS] === true;
}
