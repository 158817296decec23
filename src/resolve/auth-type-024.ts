import { overrideName, QwenAuthError, remedyPhrases } from '../errors.js';
import { wordingOf } from './wording.js';
import type { EnvCandidate } from '../env/layered-env.js';
import type { Provenance } from '../types.js';
import type { ResolutionContext } from './context.js';
import { checkEnforcedType } from './enforced-type.js';
import { choose, describeSource, envCandidate, overrideCandidate, settingCandidate } from './provenance.js';
import { allVariablesOf, dialectOf } from './dialects.js';

/** The auth types the 0.24 mode resolves. */
export type ResolvedType024 = 'openai' | 'openai-responses' | 'anthropic';

/** The type Qwen Code 0.24 ends up with, and where it came from. */
export interface ChosenType {
  readonly type: ResolvedType024;
  readonly provenance: Provenance;
}

/** Qwen Code tests these variables for being set (non-empty), not for content. */
const set = (c: EnvCandidate | undefined): c is EnvCandidate => c !== undefined && c.value !== '';

/**
 * Qwen Code 0.24's inference on the environment after the `.env` files and
 * `settings.env` (spec 0.24 §1.3), in its order.
 */
function inferred(ctx: ResolutionContext): { type: string; provenance: Provenance } | undefined {
  const get = (name: string): EnvCandidate | undefined => ctx.env.get(name);
  for (const [type, alternatives] of dialectOf('0.24').inference) {
    const names = alternatives.find((list) => list.every((n) => set(get(n))));
    if (!names) continue;
    // The first variable is the evidence; the others are named in the detail.
    envCandidate(ctx.env, names[0]!, ctx.diagnostics);
    const evidence = get(names[0]!)!.source;
    return { type, provenance: { ...evidence, detail: `inferred: ${names.join(', ')} ${names.length > 1 ? 'are' : 'is'} set`, shadowed: [] } };
  }
  return undefined;
}

/**
 * Rule 5 of the 0.24 mode: `overrides.authType` > `security.auth.selectedType`
 * > Qwen Code 0.24's inference. Nothing: NO_AUTH_TYPE (no inference from a
 * key alone, no cached OAuth login). Any type it does not resolve meets
 * `security.auth.enforcedType`'s check first; then `qwen-oauth`:
 * QWEN_OAUTH_DISCONTINUED; `gemini`, `vertex-ai` and unknown names:
 * UNSUPPORTED_AUTH_TYPE. The resolved types meet the check after
 * the wire switch (resolve.ts).
 */
export function chooseAuthType024(ctx: ResolutionContext): ChosenType {
  const explicit = choose([
    overrideCandidate(ctx.options.overrides?.authType, 'authType'),
    settingCandidate(ctx.settings.selectedType, 'security.auth.selectedType'),
  ]);
  const chosen = explicit ?? inferred(ctx);
  if (!chosen) {
    const checked = [
      overrideName('authType', wordingOf(ctx.options), 'the auth type the program passed'),
      ...ctx.settings.files.map((f) => `security.auth.selectedType in ${f.path}`),
      'QWEN_OAUTH',
      'OPENAI_API_KEY with OPENAI_MODEL or QWEN_MODEL, and OPENAI_BASE_URL',
      'GEMINI_API_KEY with GEMINI_MODEL',
      'GOOGLE_API_KEY or GOOGLE_CLOUD_PROJECT, with GOOGLE_MODEL',
      'ANTHROPIC_API_KEY with ANTHROPIC_MODEL and ANTHROPIC_BASE_URL',
    ];
    throw new QwenAuthError(
      'NO_AUTH_TYPE',
      `No auth type is selected, and Qwen Code 0.24 infers none from the environment (a key alone is not enough). Checked: ${checked.join('; ')}.`,
      { details: { checked } },
    );
  }
  const type = 'type' in chosen ? chosen.type : chosen.value;
  const provenance = chosen.provenance;
  const wording = wordingOf(ctx.options);
  const origin = describeSource(provenance, { flags: wording.flags === true });
  if (type === 'openai' || type === 'openai-responses' || type === 'anthropic') return { type, provenance };
  // Any other type meets security.auth.enforcedType first, as in Qwen Code: a leftover qwen-oauth
  // with another enforced type ends in the mismatch (0.24.4 prints its discontinued notice before it).
  checkEnforcedType(ctx.settings, type, origin, { homeDir: ctx.homeDir });
  if (type === 'qwen-oauth') {
    throw new QwenAuthError(
      'QWEN_OAUTH_DISCONTINUED',
      `qwen-oauth (${origin}): Qwen OAuth's free tier was discontinued on 2026-04-15, and Qwen Code 0.24 refuses it. ` +
        'Switch to Coding Plan, Token Plan or an API key.',
      { details: { origin, discontinuedOn: '2026-04-15' } },
    );
  }
  if (type === 'gemini' || type === 'vertex-ai') {
    const variables = allVariablesOf(type);
    throw new QwenAuthError(
      'UNSUPPORTED_AUTH_TYPE',
      `The auth type '${type}' (${origin}) is one Qwen Code 0.24 resolves through Google's SDK (it reads ${variables.join(', ')}); qwen-auth does not resolve it.`,
      {
        details: { value: type, origin, knownTo: 'Qwen Code 0.24', variables },
        remedy: `'${type}' (Google's SDK) cannot be used here: select 'openai', 'openai-responses' or 'anthropic' (${remedyPhrases(wording).selectAuthType}) with that type's key.`,
      },
    );
  }
  throw new QwenAuthError(
    'UNSUPPORTED_AUTH_TYPE',
    `The auth type ${JSON.stringify(type)} (${origin}) is not one Qwen Code 0.24 knows ("Invalid auth method selected").`,
    {
      details: { value: type, origin },
      remedy: `Select 'openai', 'openai-responses' or 'anthropic' (${remedyPhrases(wording).selectAuthType}).`,
    },
  );
}
