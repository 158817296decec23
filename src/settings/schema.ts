import * as z from 'zod/mini';

/**
 * The parts of Qwen Code's settings.json that qwen-auth consumes, checked at
 * the boundary. These schemas are private: public types are plain interfaces.
 * A leaf may be `null`, which, like an empty string, unsets a value from a
 * lower scope.
 */
export const settingString = z.nullable(z.string());
export const settingBoolean = z.nullable(z.boolean());
export const settingStringList = z.array(z.string());
export const settingObject = z.record(z.string(), z.unknown());

export const modelProviderEntry = z.looseObject({
  id: z.string().check(z.minLength(1)),
  name: z.optional(z.string()),
  baseUrl: z.optional(z.string()),
  envKey: z.optional(z.string()),
  wireApi: z.optional(z.string()),
});

export const modelProviderList = z.array(z.unknown());

/** A short English description of what a schema expected, for diagnostics. */
export function describeIssue(error: z.core.$ZodError): string {
  const issue = error.issues[0];
  if (!issue) return 'an invalid value';
  const at = issue.path.length > 0 ? ` at ${issue.path.join('.')}` : '';
  return `${issue.code === 'invalid_type' ? `expected ${issue.expected}` : issue.code}${at}`;
}
