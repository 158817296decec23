/**
 * One remedy lookup for the three code tables: errors, diagnostics and the
 * verdicts of `check()`. Every remedy is built by one helper
 * (`remedyPhrases`) from the caller's wording: its flags, its login command,
 * its check command; with none, neutral words a person can act on.
 */
import { type DiagnosticCode, DIAGNOSTICS } from './diagnostics.js';
import { type AuthErrorCode, ERROR_REMEDIES, errorRemedy, type RemedyText, type RemedyWording, remedyText } from './errors.js';
import { AUTH_CHECK_CODES, authCheckRemedy } from './requests/check-codes.js';
import type { AuthCheckCode } from './requests/types.js';

/** Diagnostic remedies that name the caller's commands; the table holds their neutral form. */
const WORDED_DIAGNOSTICS: Partial<Record<DiagnosticCode, RemedyText>> = {
  CREDENTIALS_INVALID: (p) => `Log in again (${p.login}), or delete the file.`,
};

function diagnosticRemedy(code: DiagnosticCode, wording?: RemedyWording): string {
  const worded = WORDED_DIAGNOSTICS[code];
  return worded === undefined ? DIAGNOSTICS[code].remedy : remedyText(worded, wording);
}

/**
 * The remedy of a code — an error code, a diagnostic code or a verdict of
 * `check()` — in a wording (see {@link RemedyWording}). Error codes win
 * where a verdict has the same code (`LOGIN_REQUIRED`, `NETWORK_ERROR`…):
 * their words are the same.
 */
export function remedyFor(code: AuthErrorCode | DiagnosticCode | AuthCheckCode, wording?: RemedyWording): string {
  if (Object.hasOwn(ERROR_REMEDIES, code)) return errorRemedy(code as AuthErrorCode, wording);
  if ((AUTH_CHECK_CODES as readonly string[]).includes(code)) return authCheckRemedy(code as AuthCheckCode, wording);
  if (Object.hasOwn(DIAGNOSTICS, code)) return diagnosticRemedy(code as DiagnosticCode, wording);
  return '';
}
