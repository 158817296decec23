/**
 * The error for a type a dialect does not resolve, in the dialect's words
 * (dialects.ts, `discontinued` and `refusals`). Only a failing resolution
 * needs it, so it is loaded on that path.
 */
import { QwenAuthError, remedyPhrases, type RemedyWording } from '../errors.js';
import { remedyFor } from './remedies.js';
import { redactText } from '../redact.js';
import type { QwenCodeAuthType } from '../types.js';
import type { Dialect } from './dialects.js';
import { allVariablesOf, KNOWN_TYPES } from './qwen-code-0.24.js';
import { fillText } from './missing-key.js';

const quoted = (types: readonly string[]): string => {
  const list = types.map((t) => `'${t}'`);
  return list.length > 1 ? `${list.slice(0, -1).join(', ')} or ${list.at(-1)}` : (list[0] ?? '');
};

/**
 * The error for a type `dialect` does not resolve: QWEN_OAUTH_DISCONTINUED for
 * a discontinued one, else UNSUPPORTED_AUTH_TYPE in the dialect's words
 * (`details.knownTo` and the variables for a type Qwen Code 0.24 knows).
 */
export function refusedAuthType(
  dialect: Dialect,
  value: string,
  origin: string,
  wording: RemedyWording = {},
): QwenAuthError<'UNSUPPORTED_AUTH_TYPE' | 'QWEN_OAUTH_DISCONTINUED'> {
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
  const known = value !== 'qwen-oauth' && Object.hasOwn(KNOWN_TYPES, value);
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
