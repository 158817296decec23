import { QwenAuthError, remedyPhrases, type RemedyWording } from '../errors.js';
import { remedyFor } from './remedies.js';
import { redactText } from '../redact.js';
import { type AuthType, isAuthType, listAuthTypes, type Provenance, type QwenCodeAuthType } from '../types.js';
import type { ResolutionContext } from './context.js';
import { choose, type Chosen, describeSource, envCandidate, isPresent, overrideCandidate, settingCandidate } from './provenance.js';
import { allVariablesOf, dialectOf } from './dialects.js';

/**
 * The explicit part of the §3 chain, highest first: `overrides.authType` >
 * `security.auth.selectedType` > a non-empty `QWEN_OAUTH` (whatever its value).
 */
export function explicitAuthType(ctx: ResolutionContext): Chosen | undefined {
  const oauthFlag = envCandidate(ctx.env, 'QWEN_OAUTH', ctx.diagnostics);
  return choose([
    overrideCandidate(ctx.options.overrides?.authType, 'authType'),
    settingCandidate(ctx.settings.selectedType, 'security.auth.selectedType'),
    { ...oauthFlag, value: oauthFlag.value ? 'qwen-oauth' : undefined },
  ]);
}

const LATER_TYPES: readonly string[] = ['anthropic', 'openai-responses', 'gemini', 'vertex-ai'];

/**
 * UNSUPPORTED_AUTH_TYPE for a type the default mode does not resolve (spec
 * 0.24 §3 D2): for the types Qwen Code 0.24 knows, `details.knownTo` and the
 * variables it reads, and a remedy that points to `qwenCode: '0.24'` where
 * that mode resolves them.
 */
export function unsupportedAuthType(value: string, origin: string, wording: RemedyWording = {}): QwenAuthError<'UNSUPPORTED_AUTH_TYPE'> {
  if (!LATER_TYPES.includes(value)) {
    // A key pasted into the auth type is quoted redacted.
    const shown = redactText(value, 80);
    return new QwenAuthError(
      'UNSUPPORTED_AUTH_TYPE',
      `The auth type ${JSON.stringify(shown)} from ${origin} is not supported; qwen-auth resolves ${listAuthTypes()} (and, under Qwen Code 0.24's rules, 'anthropic' and 'openai-responses').`,
      { details: { value: shown, origin }, remedy: remedyFor('UNSUPPORTED_AUTH_TYPE', wording) },
    );
  }
  const variables = allVariablesOf(value as QwenCodeAuthType);
  const google = value === 'gemini' || value === 'vertex-ai';
  const p = remedyPhrases(wording);
  return new QwenAuthError(
    'UNSUPPORTED_AUTH_TYPE',
    `The auth type '${value}' from ${origin} is one Qwen Code 0.24 knows (it reads ${variables.join(', ')}), ` +
      `but qwen-auth's default mode resolves only ${listAuthTypes()}; it does not fall back to 'openai', which would send that key to a Chat Completions URL.`,
    {
      details: { value, origin, knownTo: 'Qwen Code 0.24', variables },
      remedy: google
        ? `'${value}' (Google's SDK) cannot be used here: select 'openai' with an OpenAI-compatible key (${p.selectAuthType}).`
        : `Select 'openai' with an OpenAI-compatible key (${p.selectAuthType})${p.orNewerMode(`use '${value}'`)}.`,
    },
  );
}

/** The chosen name as an auth type the default mode resolves, or UNSUPPORTED_AUTH_TYPE. */
export function checkAuthType(value: string, provenance: Provenance, wording: RemedyWording = {}): AuthType {
  if (isAuthType(value)) return value;
  throw unsupportedAuthType(value, describeSource(provenance, { flags: wording.flags === true }), wording);
}

/**
 * Qwen Code 0.24's inference of `anthropic` (spec 0.24 §1.3): ANTHROPIC_API_KEY,
 * ANTHROPIC_MODEL and ANTHROPIC_BASE_URL all set. The default mode reports it
 * (D2) where it would otherwise say NO_CREDENTIALS.
 */
export function inferredAnthropic(ctx: ResolutionContext, wording: RemedyWording = {}): QwenAuthError<'UNSUPPORTED_AUTH_TYPE'> | undefined {
  // Qwen Code 0.24's own rule for anthropic (dialects.ts).
  const names = dialectOf('0.24').inference.find(([type]) => type === 'anthropic')![1][0]!;
  if (!names.every((n) => isPresent(ctx.env.value(n)))) return undefined;
  return unsupportedAuthType('anthropic', `the environment (${names.join(', ')} are all set, from which Qwen Code 0.24 infers anthropic)`, wording);
}
