import { QwenAuthError, remedyPhrases, type RemedyWording } from '../errors.js';
import { redactText } from '../redact.js';
import type { EffectiveSettings } from '../settings/types.js';
import { tildify } from './provenance.js';

/**
 * `security.auth.enforcedType` (settings-layers.md §3): read from the merge
 * (the highest layer that sets it wins; an untrusted workspace is not in the
 * merge). It never selects a type. A non-empty value that differs, exactly
 * and case-sensitively, from the current auth type stops resolution with
 * ENFORCED_AUTH_TYPE_MISMATCH. `current` is the type after Qwen Code 0.24's
 * openai ↔ openai-responses switch. Both dialects. `origin` (the phrase
 * naming where the type came from) may be given as a function, built only
 * for the error.
 */
export function checkEnforcedType(
  settings: EffectiveSettings,
  current: string,
  origin: string | (() => string),
  options: { readonly wording?: RemedyWording; readonly homeDir?: string } = {},
): void {
  const enforced = settings.enforcedType;
  if (!enforced || typeof enforced.value !== 'string' || enforced.value === '' || enforced.value === current) return;
  const enforcedType = redactText(enforced.value, 80);
  const currentType = redactText(current, 80);
  const file = tildify(enforced.path, options.homeDir);
  throw new QwenAuthError(
    'ENFORCED_AUTH_TYPE_MISMATCH',
    `The auth type is '${currentType}' (${typeof origin === 'function' ? origin() : origin}), but security.auth.enforcedType in ${file} (${enforced.scope}) enforces '${enforcedType}'; ` +
      `Qwen Code stops here ("The configured auth type is ${enforcedType}, but the current auth type is ${currentType}").`,
    {
      details: { enforcedType, currentType, path: enforced.path },
      remedy:
        `Select '${enforcedType}' (${remedyPhrases(options.wording).selectAuthType}) and its credentials, ` +
        `or, if that policy no longer applies, remove security.auth.enforcedType from ${file}.`,
    },
  );
}
