import type { Provenance } from '../types.js';
import type { ResolutionContext } from './context.js';
import { checkEnforcedType } from './enforced-type.js';
import { choose, type Chosen, describeSource, envCandidate, isPresent, overrideCandidate, settingCandidate } from './provenance.js';
import type { Dialect } from './dialects.js';
import { wordingOf } from './wording.js';

/**
 * How the auth type is chosen, for both dialects (resolution.md §3,
 * qwen-code-0.24.md §1.3 and §2 rule 5), reading the dialect table: the
 * explicit chain, the inference, the refusal of the types a dialect does not
 * resolve.
 */

/**
 * The auth type, highest first: `overrides.authType` >
 * `security.auth.selectedType` > a non-empty `QWEN_OAUTH` where it selects
 * (0.12) > the dialect's inference rules (0.24: `inferByRules`, the first
 * rule of its `inference` table whose variables are all set). Undefined when
 * nothing chooses: the default mode then looks for a key, then a login; Qwen
 * Code 0.24 stops (`inferByRules.none`: NO_AUTH_TYPE).
 */
export function chooseAuthType(ctx: ResolutionContext, dialect: Dialect = ctx.dialect): Chosen | undefined {
  const explicit = [overrideCandidate(ctx.options.overrides?.authType, 'authType'), settingCandidate(ctx.settings.selectedType, 'security.auth.selectedType')];
  if (dialect.qwenOAuthVariableSelects) {
    const flag = envCandidate(ctx.env, 'QWEN_OAUTH', ctx.diagnostics);
    explicit.push({ ...flag, value: flag.value ? 'qwen-oauth' : undefined });
  }
  return choose(explicit) ?? dialect.inferByRules?.infer(ctx.env, ctx.diagnostics);
}

/**
 * A chosen type the dialect resolves, or undefined: a type it does not
 * resolve meets `security.auth.enforcedType` first (as in Qwen Code: a
 * leftover qwen-oauth with another enforced type ends in the mismatch), then
 * is refused (refused-type.ts, loaded on that path). A type it resolves meets
 * its enforcedType check after Qwen Code 0.24's wire switch (api-key.ts).
 */
export function resolvableAuthType(ctx: ResolutionContext, dialect: Dialect, chosen: Chosen): string | undefined {
  if (dialect.resolves.includes(chosen.value)) return chosen.value;
  checkEnforcedType(ctx.settings, chosen.value, () => originOf(ctx, chosen.provenance), { wording: wordingOf(ctx.options), homeDir: ctx.homeDir });
  return undefined;
}

/** Where a type came from, in the caller's words. */
export function originOf(ctx: ResolutionContext, provenance: Provenance): string {
  return describeSource(provenance, { flags: wordingOf(ctx.options).flags === true, homeDir: ctx.homeDir });
}

/** `security.auth.enforcedType` against the type in use (settings-layers.md §3): never selects; stops a run whose type differs. */
export function enforceAuthType(ctx: ResolutionContext, type: string, provenance: Provenance): void {
  checkEnforcedType(ctx.settings, type, () => originOf(ctx, provenance), { wording: wordingOf(ctx.options), homeDir: ctx.homeDir });
}

/**
 * Qwen Code 0.24's inference of a type the default mode does not resolve
 * (spec 0.24 §3 D2: `anthropic` from ANTHROPIC_API_KEY, ANTHROPIC_MODEL and
 * ANTHROPIC_BASE_URL): the type and where it comes from, which the default
 * mode reports (UNSUPPORTED_AUTH_TYPE) where it would otherwise say NO_CREDENTIALS.
 */
export function inferredElsewhere(ctx: ResolutionContext, dialect: Dialect): { type: string; origin: string } | undefined {
  const rule = dialect.reportsInferenceOf;
  if (!rule) return undefined;
  const [type, names] = rule;
  if (!names.every((n) => isPresent(ctx.env.value(n)))) return undefined;
  return { type, origin: `the environment (${names.join(', ')} are all set, from which Qwen Code 0.24 infers ${type})` };
}
