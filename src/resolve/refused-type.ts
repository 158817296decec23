/**
 * The error for a type a dialect does not resolve, in the dialect's words
 * (`discontinued` in dialects.ts; the words below). Only a failing resolution
 * needs it, so it is loaded on that path.
 */
import { QwenAuthError, remedyPhrases, type RemedyWording } from '../errors.js';
import { remedyFor } from './remedies.js';
import { redactText } from '../redact.js';
import type { QwenCodeAuthType, QwenCodeVersion } from '../types.js';
import type { Dialect } from './dialects.js';
import { allVariablesOf, KNOWN_TYPES } from './qwen-code-0.24.js';
import { fillText } from './missing-key.js';

/** A message and its remedy, with `{placeholders}`: {type} {origin} {variables} {resolves} {selectAuthType} {orNewerMode}. */
interface Words {
  readonly message: string;
  /** Undefined: the code's own remedy in the caller's wording (remedyFor). */
  readonly remedy?: string;
}

/** The default mode's refusal of a type Qwen Code 0.24 knows (qwen-code-0.24.md §3 D2). */
const KNOWN_TO_NEWER =
  "The auth type '{type}' from {origin} is one Qwen Code 0.24 knows (it reads {variables}), but qwen-auth's default mode resolves only {resolves}; " +
  "it does not fall back to 'openai', which would send that key to a Chat Completions URL.";

/**
 * Each version's refusal of a type it does not resolve (UNSUPPORTED_AUTH_TYPE):
 * `known` for a type Qwen Code 0.24 reads through its own variables, `google`
 * for gemini and vertex-ai, `unknown` for any other name. Only this error path
 * reads them, so they load with it rather than with the dialect tables.
 */
const REFUSALS: Readonly<Record<QwenCodeVersion, { readonly known: Words; readonly google: Words; readonly unknown: Words }>> = {
  '0.12': {
    known: { message: KNOWN_TO_NEWER, remedy: "Select 'openai' with an OpenAI-compatible key ({selectAuthType}){orNewerMode}." },
    google: {
      message: KNOWN_TO_NEWER,
      remedy: "'{type}' (Google's SDK) cannot be used here: select 'openai' with an OpenAI-compatible key ({selectAuthType}).",
    },
    unknown: {
      message:
        "The auth type {type} from {origin} is not supported; qwen-auth resolves {resolves} (and, under Qwen Code 0.24's rules, 'anthropic' and 'openai-responses').",
    },
  },
  '0.24': {
    // No type Qwen Code 0.24 knows is refused here but gemini and vertex-ai (and qwen-oauth, discontinued).
    known: { message: "The auth type '{type}' ({origin}) is one Qwen Code 0.24 knows (it reads {variables}); qwen-auth does not resolve it." },
    google: {
      message: "The auth type '{type}' ({origin}) is one Qwen Code 0.24 resolves through Google's SDK (it reads {variables}); qwen-auth does not resolve it.",
      remedy: "'{type}' (Google's SDK) cannot be used here: select {resolves} ({selectAuthType}) with that type's key.",
    },
    unknown: {
      message: 'The auth type {type} ({origin}) is not one Qwen Code 0.24 knows ("Invalid auth method selected").',
      remedy: 'Select {resolves} ({selectAuthType}).',
    },
  },
};

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
  const refusals = REFUSALS[dialect.version];
  const words = !known ? refusals.unknown : value === 'gemini' || value === 'vertex-ai' ? refusals.google : refusals.known;
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
