/**
 * The boundary checks for outside data — settings files (and their
 * `modelProviders` entries), the credentials file and keychain entries, a
 * caller's provider definitions, the trusted-folders file — as zod schemas.
 *
 * Off the cold path: importing this file loads no zod. `zod/mini` (bundled
 * into the package as `dist/zod-mini.cjs`, see ./zod-mini.ts) is required
 * synchronously, like dotenv, the first time {@link schemas} is called,
 * which happens only when there is outside data to check: a resolution with
 * an API key from the environment and no files never calls it.
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

function build(z: typeof Zod) {
  // Each schema is built when first used: a start that checks one settings file builds only its few.
  const check = (make: () => ZodTypes.ZodMiniType): Check => {
    let schema: ZodTypes.ZodMiniType | undefined;
    return (value) => {
      schema ??= make();
      const r = z.safeParse(schema, value);
      if (r.success) return undefined;
      const issue = r.error.issues[0];
      return issue ? { path: issue.path, code: issue.code, ...('expected' in issue && { expected: String(issue.expected) }) } : { path: [], code: 'invalid' };
    };
  };
  const nonEmpty = () => z.string().check(z.minLength(1));
  return {
    // Settings (Qwen Code's settings.json). A leaf may be `null`: like an empty string, it unsets a lower scope's value.
    settingString: check(() => z.nullable(z.string())),
    settingBoolean: check(() => z.nullable(z.boolean())),
    settingStringList: check(() => z.array(z.string())),
    settingObject: check(() => z.looseObject({})),
    modelProviderList: check(() => z.array(z.unknown())),
    modelProviderEntry: check(() =>
      z.looseObject({
        id: nonEmpty(),
        name: z.optional(z.string()),
        baseUrl: z.optional(z.string()),
        envKey: z.optional(z.string()),
        wireApi: z.optional(z.string()),
      }),
    ),
    // Qwen Code's oauth_creds.json (the file, or a keychain entry). Unknown fields are ignored.
    credentialsJson: check(() =>
      z.looseObject({
        access_token: nonEmpty(),
        refresh_token: z.optional(z.nullable(z.string())),
        token_type: z.optional(z.nullable(z.string())),
        resource_url: z.optional(z.nullable(z.string())),
        expiry_date: z.optional(z.nullable(z.number())),
      }),
    ),
    // A provider definition as the public types describe it (a caller's data).
    providerDefinition: check(() =>
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
    ),
    // Qwen Code's trustedFolders.json: an object of folder → level (levels are checked by the reader).
    trustedFoldersFile: check(() => z.looseObject({})),
    // The device authorization's `expires_in` (the rest is checked by openid-client): a positive, finite number.
    deviceCodeLifetime: check(() => z.number().check(z.positive())),
  };
}

/** The checks, by name. */
export type Schemas = ReturnType<typeof build>;

let built: Schemas | undefined;

/** The checks; `zod/mini` is loaded and the schemas are built on the first call. */
export function schemas(): Schemas {
  built ??= build(createRequire(import.meta.url)(typeof QWEN_AUTH_ZOD === 'string' ? QWEN_AUTH_ZOD : 'zod/mini') as typeof Zod);
  return built;
}
