import { QwenAuthError, remedyFor, type RemedyWording } from '../errors.js';
import { redactText } from '../redact.js';
import { type AuthType, isAuthType, listAuthTypes, type Provenance } from '../types.js';
import type { ResolutionContext } from './context.js';
import { choose, type Chosen, describeSource, envCandidate, overrideCandidate, settingCandidate } from './provenance.js';

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

/** The chosen name as an auth type qwen-auth resolves, or UNSUPPORTED_AUTH_TYPE. */
export function checkAuthType(value: string, provenance: Provenance, wording: RemedyWording = {}): AuthType {
  if (isAuthType(value)) return value;
  const origin = describeSource(provenance, { flags: wording.flags === true });
  // A key pasted into the auth type is quoted redacted.
  const shown = redactText(value, 80);
  throw new QwenAuthError(
    'UNSUPPORTED_AUTH_TYPE',
    `The auth type ${JSON.stringify(shown)} from ${origin} is not supported; qwen-auth resolves ${listAuthTypes()}.`,
    { details: { value: shown, origin }, remedy: remedyFor('UNSUPPORTED_AUTH_TYPE', wording) },
  );
}
