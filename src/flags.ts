/**
 * Helpers for wrapping qwen-auth in a command line: {@link authFlags}, the
 * options spec of Qwen Code's four auth flags and `--trust-workspace`;
 * {@link optionsFromFlags}, which turns what a parser produced into the
 * `resolveAuth` options they carry; and {@link overridesFromFlags}, the
 * `AuthOverrides` part alone. Overrides built here make every message and
 * remedy name the flags (`--openai-base-url`), not the API.
 */
import { redactText } from './redact.js';
import { QwenAuthError } from './errors.js';
import { type AuthOverrides, isAuthType, QWEN_CODE_AUTH_TYPES, type QwenCodeAuthType, type QwenCodeVersion } from './types.js';

/** A flag of {@link authFlags} that takes a value: one of Qwen Code's auth flags, carrying an `AuthOverrides` field. */
export interface AuthValueFlag {
  /** `'string'`: the flag takes one value. */
  readonly type: 'string';
  /** One line for `--help`. */
  readonly description: string;
  /** Placeholder for the value in help texts, e.g. `url`. */
  readonly valueName: string;
  /** The `AuthOverrides` field it carries. */
  readonly override: keyof AuthOverrides;
}

/** A flag of {@link authFlags} that takes no value: it sets a `resolveAuth` option to true. */
export interface AuthSwitchFlag {
  /** `'boolean'`: the flag takes no value. */
  readonly type: 'boolean';
  /** One line for `--help`. */
  readonly description: string;
  /** The `resolveAuth` option it sets to true. */
  readonly option: 'trustWorkspace';
}

/**
 * One flag of {@link authFlags}: a `node:util` `parseArgs` option, plus what
 * a help text and a mapping need. Tell the two kinds apart by `type`.
 */
export type AuthFlag = AuthValueFlag | AuthSwitchFlag;

const flag = (override: keyof AuthOverrides, valueName: string, description: string): AuthValueFlag =>
  Object.freeze({ type: 'string', valueName, description, override });
const switchFlag = (option: AuthSwitchFlag['option'], description: string): AuthSwitchFlag => Object.freeze({ type: 'boolean', description, option });

/**
 * The flags a tool wrapping qwen-auth takes, keyed by their long name
 * without dashes: Qwen Code's four auth flags (each takes a value and
 * carries an `AuthOverrides` field) and `--trust-workspace` (a switch, the
 * `trustWorkspace` option; remedies name it when a folder's file chose where
 * a key goes). It is a valid `parseArgs` options object as it stands
 * (`parseArgs({ options: { ...authFlags, ...yours } })`), and maps to
 * commander (`f.type === 'string' ? `--${name} <${f.valueName}>` : `--${name}``)
 * or yargs (`{ type: f.type, describe: f.description }`). Hand what the parser
 * gives to {@link optionsFromFlags}.
 */
export const authFlags = Object.freeze({
  'auth-type': flag('authType', 'type', "auth method: 'openai' (an OpenAI-compatible key) or 'qwen-oauth'"),
  'openai-api-key': flag('apiKey', 'key', 'API key for the OpenAI-compatible method'),
  'openai-base-url': flag('baseUrl', 'url', 'base URL of the OpenAI-compatible endpoint'),
  model: flag('model', 'model', 'model name'),
  'trust-workspace': switchFlag(
    'trustWorkspace',
    'vouch for this folder: let its .env and .qwen/settings.json choose where a key from a more trusted place goes',
  ),
} as const satisfies Record<string, AuthFlag>);

/** The long name (without dashes) of each of {@link authFlags}. */
export type AuthFlagName = keyof typeof authFlags;

const FROM_FLAGS = Symbol.for('qwen-auth.overrides-from-flags');

/** `openai-base-url` → `openaiBaseUrl`, as commander and yargs spell parsed options. */
function camel(name: string): string {
  return name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** The values a parser gave for a flag, under its dashed and camelCase names (each once). */
function givenValues(values: Readonly<Record<string, unknown>>, name: string): unknown[] {
  return [...new Set([name, camel(name)])].filter((key) => Object.hasOwn(values, key) && values[key] !== undefined).map((key) => values[key]);
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

/** The values object a parser gave, checked. */
function checkValues(values: unknown, fn: string): asserts values is Readonly<Record<string, unknown>> {
  if (typeof values !== 'object' || values === null) {
    throw new QwenAuthError('INVALID_OPTION_TYPE', `${fn}() takes the values object of a parser.`, {
      details: { option: 'values' },
    });
  }
}

/** Options of {@link overridesFromFlags} and {@link optionsFromFlags}. */
export interface OverridesFromFlagsOptions {
  /** `'0.24'`: `--auth-type` also takes the types Qwen Code 0.24 knows (resolve with the same `qwenCode`). */
  readonly qwenCode?: QwenCodeVersion;
}

/**
 * `AuthOverrides` from a parser's values (the four flags that take a value;
 * {@link optionsFromFlags} takes `--trust-workspace` too), by the flags' dashed names
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
  checkValues(values, 'overridesFromFlags');
  const out: { -readonly [K in keyof AuthOverrides]: AuthOverrides[K] } = {};
  for (const [name, spec] of Object.entries(authFlags) as [AuthFlagName, AuthFlag][]) {
    if (spec.type !== 'string') continue;
    const given = givenValues(values, name);
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

/** The `resolveAuth` options that {@link authFlags} carry, as {@link optionsFromFlags} returns them. */
export interface AuthFlagOptions {
  /** From Qwen Code's four flags, marked as {@link overridesFromFlags} marks them. */
  readonly overrides: AuthOverrides;
  /** `--trust-workspace` was given; absent otherwise. */
  readonly trustWorkspace?: true;
}

/**
 * Everything {@link authFlags} carry, from a parser's values, ready to spread
 * into `resolveAuth()`: `overrides` (as {@link overridesFromFlags} builds
 * them, so messages and remedies name the flags) and `trustWorkspace: true`
 * when `--trust-workspace` was given (as `trust-workspace` or
 * `trustWorkspace`). A switch given a value other than true or false is
 * an `INVALID_OPTION` naming the flag.
 *
 * ```ts
 * const { values } = parseArgs({ options: { ...authFlags } });
 * const auth = await resolveAuth({ ...optionsFromFlags(values), loginCommand: 'mytool login' });
 * ```
 */
export function optionsFromFlags(values: Readonly<Record<string, unknown>>, options: OverridesFromFlagsOptions = {}): AuthFlagOptions {
  checkValues(values, 'optionsFromFlags');
  const overrides = overridesFromFlags(values, options);
  const name = 'trust-workspace';
  const given = givenValues(values, name);
  const bad = given.find((v) => typeof v !== 'boolean');
  if (bad !== undefined) throw invalidFlag(name, `--${name} takes no value, but the parser gave ${describeValue(bad)}.`, `Pass --${name} alone.`);
  return Object.freeze({ overrides, ...(given.includes(true) && { trustWorkspace: true as const }) });
}

/** True when `overrides` was built by {@link overridesFromFlags} (any copy of the library). */
export function isFromFlags(overrides: AuthOverrides | undefined): boolean {
  return typeof overrides === 'object' && overrides !== null && (overrides as { [FROM_FLAGS]?: unknown })[FROM_FLAGS] === true;
}
