import { overrideName, QwenAuthError, remedyPhrases, type RemedyWording } from '../errors.js';
import { remedyFor } from './remedies.js';
import { redactText } from '../redact.js';
import type { Provenance, QwenCodeAuthType } from '../types.js';
import type { EnvCandidate } from '../env/layered-env.js';
import type { ResolutionContext } from './context.js';
import { checkEnforcedType } from './enforced-type.js';
import { choose, type Chosen, describeSource, envCandidate, isPresent, overrideCandidate, settingCandidate } from './provenance.js';
import { allVariablesOf, type Dialect, dialectOf } from './dialects.js';
import { fillText } from './missing-key.js';
import { wordingOf } from './wording.js';

/**
 * How the auth type is chosen, for both dialects (resolution.md §3,
 * qwen-code-0.24.md §1.3 and §2 rule 5), reading the dialect table: the
 * explicit chain, the inference, the refusal of the types a dialect does not
 * resolve.
 */

/** Qwen Code tests inference variables for being set (non-empty), not for content. */
const set = (c: EnvCandidate | undefined): c is EnvCandidate => c !== undefined && c.value !== '';

/** The first inference rule of `dialect` whose variables are all set, with the first variable as its evidence. */
function inferred(ctx: ResolutionContext, dialect: Dialect): Chosen | undefined {
  for (const [type, alternatives] of dialect.inference) {
    const names = alternatives.find((list) => list.every((n) => set(ctx.env.get(n))));
    if (!names) continue;
    // The first variable is the evidence; the others are named in the detail.
    envCandidate(ctx.env, names[0]!, ctx.diagnostics);
    const evidence = ctx.env.get(names[0]!)!.source;
    return { value: type, provenance: { ...evidence, detail: `inferred: ${names.join(', ')} ${names.length > 1 ? 'are' : 'is'} set`, shadowed: [] } };
  }
  return undefined;
}

/**
 * The auth type, highest first: `overrides.authType` >
 * `security.auth.selectedType` > a non-empty `QWEN_OAUTH` where it selects
 * (0.12) > the dialect's inference rules (0.24). Undefined when nothing
 * chooses: the default mode then looks for a key, then a login; Qwen Code
 * 0.24 stops (NO_AUTH_TYPE).
 */
export function chooseAuthType(ctx: ResolutionContext, dialect: Dialect = dialectOf(ctx.qwenCode)): Chosen | undefined {
  const explicit = [
    overrideCandidate(ctx.options.overrides?.authType, 'authType'),
    settingCandidate(ctx.settings.selectedType, 'security.auth.selectedType'),
  ];
  if (dialect.qwenOAuthVariableSelects) {
    const flag = envCandidate(ctx.env, 'QWEN_OAUTH', ctx.diagnostics);
    explicit.push({ ...flag, value: flag.value ? 'qwen-oauth' : undefined });
  }
  return choose(explicit) ?? inferred(ctx, dialect);
}

/** NO_AUTH_TYPE: nothing selects a type and the dialect's rules infer none (0.24: a key alone is not enough). */
export function noAuthType(ctx: ResolutionContext, dialect: Dialect): QwenAuthError<'NO_AUTH_TYPE'> {
  const checked = [
    overrideName('authType', wordingOf(ctx.options), 'the auth type the program passed'),
    ...ctx.settings.files.map((f) => `security.auth.selectedType in ${f.path}`),
    ...dialect.inference.map(([, , words]) => words),
  ];
  return new QwenAuthError(
    'NO_AUTH_TYPE',
    `No auth type is selected, and ${dialect.label} infers none from the environment (a key alone is not enough). Checked: ${checked.join('; ')}.`,
    { details: { checked } },
  );
}

const quoted = (types: readonly string[]): string => {
  const list = types.map((t) => `'${t}'`);
  return list.length > 1 ? `${list.slice(0, -1).join(', ')} or ${list.at(-1)}` : (list[0] ?? '');
};

/** The types Qwen Code 0.24 reads through variables of its own (it knows them), other than the ones a dialect resolves. */
const KNOWN_TO_024 = dialectOf('0.24').variables;

/**
 * The error for a type `dialect` does not resolve: QWEN_OAUTH_DISCONTINUED for
 * a discontinued one, else UNSUPPORTED_AUTH_TYPE in the dialect's words
 * (`details.knownTo` and the variables for a type Qwen Code 0.24 knows).
 */
export function refusedAuthType(dialect: Dialect, value: string, origin: string, wording: RemedyWording = {}): QwenAuthError<'UNSUPPORTED_AUTH_TYPE' | 'QWEN_OAUTH_DISCONTINUED'> {
  const discontinuedOn = dialect.discontinued[value];
  if (discontinuedOn !== undefined) {
    return new QwenAuthError(
      'QWEN_OAUTH_DISCONTINUED',
      `${value} (${origin}): Qwen OAuth's free tier was discontinued on ${discontinuedOn}, and ${dialect.label} refuses it. ` +
        'Switch to Coding Plan, Token Plan or an API key.',
      { details: { origin, discontinuedOn } },
    );
  }
  const p = remedyPhrases(wording);
  const known = value !== 'qwen-oauth' && Object.hasOwn(KNOWN_TO_024, value);
  const words = !known ? dialect.refusals.unknown : value === 'gemini' || value === 'vertex-ai' ? dialect.refusals.google : dialect.refusals.known;
  // A key pasted into the auth type is quoted redacted.
  const shown = known ? value : redactText(value, 80);
  const variables = known ? allVariablesOf(value as QwenCodeAuthType) : [];
  const fill = (text: string): string =>
    fillText(text, {
      type: known ? value : JSON.stringify(shown),
      origin,
      variables: variables.join(', '),
      resolves: quoted(dialect.resolves),
      selectAuthType: p.selectAuthType,
      orNewerMode: p.orNewerMode(`use '${value}'`),
    });
  return new QwenAuthError('UNSUPPORTED_AUTH_TYPE', fill(words.message), {
    details: known ? { value, origin, knownTo: 'Qwen Code 0.24', variables } : { value: shown, origin },
    remedy: words.remedy === undefined ? remedyFor('UNSUPPORTED_AUTH_TYPE', wording) : fill(words.remedy),
  });
}

/**
 * A chosen type the dialect does not resolve meets `security.auth.enforcedType`
 * first (as in Qwen Code: a leftover qwen-oauth with another enforced type
 * ends in the mismatch), then is refused. A type it resolves is returned;
 * its enforcedType check comes after Qwen Code 0.24's wire switch.
 */
export function acceptAuthType(ctx: ResolutionContext, dialect: Dialect, chosen: Chosen): string {
  if (dialect.resolves.includes(chosen.value)) return chosen.value;
  const wording = wordingOf(ctx.options);
  const origin = describeSource(chosen.provenance, { flags: wording.flags === true, homeDir: ctx.homeDir });
  checkEnforcedType(ctx.settings, chosen.value, origin, { wording, homeDir: ctx.homeDir });
  throw refusedAuthType(dialect, chosen.value, origin, wording);
}

/** `security.auth.enforcedType` against the type in use (settings-layers.md §3): never selects; stops a run whose type differs. */
export function enforceAuthType(ctx: ResolutionContext, type: string, provenance: Provenance): void {
  const wording = wordingOf(ctx.options);
  checkEnforcedType(ctx.settings, type, () => describeSource(provenance, { flags: wording.flags === true, homeDir: ctx.homeDir }), {
    wording,
    homeDir: ctx.homeDir,
  });
}

/**
 * Qwen Code 0.24's inference of a type the default mode does not resolve
 * (spec 0.24 §3 D2: `anthropic` from ANTHROPIC_API_KEY, ANTHROPIC_MODEL and
 * ANTHROPIC_BASE_URL): the default mode reports it where it would otherwise
 * say NO_CREDENTIALS.
 */
export function inferredElsewhere(ctx: ResolutionContext, dialect: Dialect): QwenAuthError<'UNSUPPORTED_AUTH_TYPE' | 'QWEN_OAUTH_DISCONTINUED'> | undefined {
  const rule = dialectOf('0.24').inference.find(([type]) => type === 'anthropic')!;
  const names = rule[1][0]!;
  if (dialect.resolves.includes(rule[0]) || !names.every((n) => isPresent(ctx.env.value(n)))) return undefined;
  return refusedAuthType(
    dialect,
    rule[0],
    `the environment (${names.join(', ')} are all set, from which Qwen Code 0.24 infers anthropic)`,
    wordingOf(ctx.options),
  );
}
