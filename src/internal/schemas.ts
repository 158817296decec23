/**
 * The boundary checks for outside data — settings files (and their
 * `modelProviders` entries), the credentials file and keychain entries, a
 * caller's provider definitions, the trusted-folders file — as zod schemas.
 *
 * Off the cold path: zod stays the one source of truth, but importing this
 * file loads no zod, and neither does checking well-formed data. Each check
 * first runs a quick accept written beside its schema, which can only say
 * "certainly valid"; only when it cannot is `zod/mini` (bundled into the
 * package as `dist/zod-mini.cjs`, see ./zod-mini.ts) required —
 * synchronously, like dotenv — to decide and to word the problem. So a
 * start that reads a well-formed settings file or login never loads zod.
 *
 * A check answers the first problem it finds ({@link Issue}) or undefined;
 * {@link describeIssue} words it for a diagnostic. No zod type leaves this
 * file: callers see plain functions.
 */
import type * as ZodTypes from 'zod/mini';
import { RESOLVED_AUTH_TYPES } from '../types.js';
import { createRequire } from './node.js';
import type * as Zod from './zod-mini.js';

/**
 * Where zod is taken from: the build sets it to the bundled `./zod-mini.cjs`
 * beside the built files (tsup.config.ts); run from the sources (the tests),
 * the development dependency itself.
 */
declare const QWEN_AUTH_ZOD: string | undefined;

/** What was wrong, and where: `expected string at env.KEY`, `too_small at id`. */
export interface Issue {
  readonly path: readonly PropertyKey[];
  /** zod's issue code: `invalid_type` (with `expected`), `too_small`, `too_big`, `invalid_value`, … */
  readonly code: string;
  readonly expected?: string;
}

/** A check of one value: its first issue, or undefined when it fits. */
export type Check = (value: unknown) => Issue | undefined;

/** `expected string at env.KEY`, or the code: a short English description for diagnostics. */
export function describeIssue(issue: Issue): string {
  const at = issue.path.length > 0 ? ` at ${issue.path.map(String).join('.')}` : '';
  return `${issue.code === 'invalid_type' ? `expected ${issue.expected}` : issue.code}${at}`;
}

/** True for `{ … }`: not null, not an array. */
export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A `{ … }` that zod's looseObject hands back as it is: a plain object (the
 * prototype JSON.parse gives, or none) without an own `__proto__` key
 * (JSON.parse makes one; zod's copy would make it the copy's prototype).
 * Anything else — class instances, inherited keys — is left to zod.
 */
const isObjectAsIs = (v: unknown): v is Record<string, unknown> => {
  if (!isPlainObject(v)) return false;
  const proto = Object.getPrototypeOf(v);
  return (proto === Object.prototype || proto === null) && !Object.hasOwn(v, '__proto__');
};
/** A string with at least one character (zod's `minLength(1)` counts UTF-16 units, as `length` does). */
const isNonEmptyString = (v: unknown): boolean => typeof v === 'string' && v.length > 0;
/** `z.optional(z.string())`. */
const optString = (v: unknown): boolean => v === undefined || typeof v === 'string';
/** `z.optional(z.nullable(z.string()))`. */
const optNullString = (v: unknown): boolean => v === undefined || v === null || typeof v === 'string';
/** Every index of an array (holes included: zod reads them as undefined) holds a string. */
const isStringList = (v: unknown): boolean => {
  if (!Array.isArray(v)) return false;
  for (let i = 0; i < v.length; i++) if (typeof v[i] !== 'string') return false;
  return true;
};

/**
 * Each boundary check has two parts, by the same name: its zod schema
 * ({@link zodSchemas}), the one source of truth, and a quick accept
 * ({@link ACCEPT}) written against it. The accept answers only "certainly
 * valid" (true) — for the well-formed data every start reads (a settings
 * file, a login) — so zod need not load; anything else (false: "not
 * obviously valid") goes to zod, which decides and words the problem. An
 * accept never rejects, so it can only be narrower than its schema, never
 * different: the property test (test/internal/schemas-accept.test.ts) runs
 * both on generated values and requires that whatever an accept passes,
 * zod passes with the same value. `providerDefinition` (a caller's data,
 * off every cold path) has no accept.
 */
const ACCEPT = {
  settingString: (v: unknown) => v === null || typeof v === 'string',
  settingBoolean: (v: unknown) => v === null || typeof v === 'boolean',
  settingStringList: isStringList,
  settingObject: isObjectAsIs,
  modelProviderList: Array.isArray,
  modelProviderEntry: (v: unknown) =>
    isObjectAsIs(v) && isNonEmptyString(v.id) && optString(v.name) && optString(v.baseUrl) && optString(v.envKey) && optString(v.wireApi),
  // zod's number() refuses NaN and ±Infinity (JSON's 1e400 parses to Infinity).
  credentialsJson: (v: unknown) =>
    isObjectAsIs(v) &&
    isNonEmptyString(v.access_token) &&
    optNullString(v.refresh_token) &&
    optNullString(v.token_type) &&
    optNullString(v.resource_url) &&
    (v.expiry_date === undefined || v.expiry_date === null || Number.isFinite(v.expiry_date)),
  providerDefinition: (_: unknown) => false,
  trustedFoldersFile: isObjectAsIs,
  deviceCodeLifetime: (v: unknown) => typeof v === 'number' && Number.isFinite(v) && v > 0,
};

/** The names of the checks. */
export type CheckName = keyof typeof ACCEPT;

/** The zod schemas, each built when first used: a start that checks one settings file builds only its few. */
function zodSchemas(z: typeof Zod): Record<CheckName, () => ZodTypes.ZodMiniType> {
  const nonEmpty = () => z.string().check(z.minLength(1));
  return {
    // Settings (Qwen Code's settings.json). A leaf may be `null`: like an empty string, it unsets a lower scope's value.
    settingString: () => z.nullable(z.string()),
    settingBoolean: () => z.nullable(z.boolean()),
    settingStringList: () => z.array(z.string()),
    settingObject: () => z.looseObject({}),
    modelProviderList: () => z.array(z.unknown()),
    modelProviderEntry: () =>
      z.looseObject({
        id: nonEmpty(),
        name: z.optional(z.string()),
        baseUrl: z.optional(z.string()),
        envKey: z.optional(z.string()),
        wireApi: z.optional(z.string()),
      }),
    // Qwen Code's oauth_creds.json (the file, or a keychain entry). Unknown fields are ignored.
    credentialsJson: () =>
      z.looseObject({
        access_token: nonEmpty(),
        refresh_token: z.optional(z.nullable(z.string())),
        token_type: z.optional(z.nullable(z.string())),
        resource_url: z.optional(z.nullable(z.string())),
        expiry_date: z.optional(z.nullable(z.number())),
      }),
    // A provider definition as the public types describe it (a caller's data).
    providerDefinition: () =>
      z.looseObject({
        id: nonEmpty(),
        name: z.string(),
        authType: z.enum(RESOLVED_AUTH_TYPES),
        plan: z.string(),
        status: z.enum(['active', 'discontinued']),
        discontinuedOn: z.optional(z.string()),
        endpoints: z.array(z.looseObject({ region: z.string(), regionName: z.string(), baseUrl: z.string() })),
        hosts: z.optional(z.array(nonEmpty())),
        loopbackPorts: z.optional(z.array(z.int().check(z.gte(1), z.lte(65_535)))),
        anyLoopback: z.optional(z.boolean()),
        envKeys: z.array(z.string()),
        keyPrefixes: z.optional(z.array(nonEmpty())),
        requiresKeyPrefix: z.optional(z.boolean()),
        impliedByKey: z.optional(z.boolean()),
        defaultModel: z.optional(z.string()),
        quotas: z.optional(z.array(z.unknown())),
        docs: z.optional(z.string()),
        note: z.optional(z.string()),
      }),
    // Qwen Code's trustedFolders.json: an object of folder → level (levels are checked by the reader).
    trustedFoldersFile: () => z.looseObject({}),
    // The device authorization's `expires_in` (the rest is checked by openid-client): a positive, finite number.
    deviceCodeLifetime: () => z.number().check(z.positive()),
  };
}

let zodModule: typeof Zod | undefined;
let builders: Record<CheckName, () => ZodTypes.ZodMiniType> | undefined;
const made = new Map<CheckName, ZodTypes.ZodMiniType>();

/** `zod/mini`, required on first use. */
function zod(): typeof Zod {
  zodModule ??= createRequire(import.meta.url)(typeof QWEN_AUTH_ZOD === 'string' ? QWEN_AUTH_ZOD : 'zod/mini') as typeof Zod;
  return zodModule;
}

/** The zod schema of a check, built when first used (loads zod). */
function schemaOf(name: CheckName): ZodTypes.ZodMiniType {
  let schema = made.get(name);
  if (!schema) {
    builders ??= zodSchemas(zod());
    schema = builders[name]();
    made.set(name, schema);
  }
  return schema;
}

/** Only for the equivalence test: zod's own answer for `value` (loads zod). */
export function zodParse(name: CheckName, value: unknown): { success: boolean; data?: unknown } {
  const r = zod().safeParse(schemaOf(name), value);
  return r.success ? { success: true, data: r.data } : { success: false };
}

/** Only for the equivalence test: the quick accept of a check (no zod). */
export function quickAccept(name: CheckName, value: unknown): boolean {
  return ACCEPT[name](value);
}

function check(name: CheckName): Check {
  const accept = ACCEPT[name];
  return (value) => {
    if (accept(value)) return undefined;
    const r = zod().safeParse(schemaOf(name), value);
    if (r.success) return undefined;
    const issue = r.error.issues[0];
    return issue ? { path: issue.path, code: issue.code, ...('expected' in issue && { expected: String(issue.expected) }) } : { path: [], code: 'invalid' };
  };
}

function build() {
  return Object.fromEntries(Object.keys(ACCEPT).map((name) => [name, check(name as CheckName)])) as { [K in CheckName]: Check };
}

/** The checks, by name. */
export type Schemas = ReturnType<typeof build>;

let built: Schemas | undefined;

/** The checks. Loads no zod: each check loads it (and builds its schema) the first time its quick accept cannot answer. */
export function schemas(): Schemas {
  built ??= build();
  return built;
}
