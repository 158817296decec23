import type { RemedyWording } from '../errors.js';
import { isFromFlags } from '../flags.js';
import type { ResolveAuthOptions } from './options.js';

/** How this call's messages and remedies name overrides and the login command. */
export function wordingOf(options: ResolveAuthOptions): RemedyWording {
  return {
    flags: options.flags ?? isFromFlags(options.overrides),
    ...(options.loginCommand !== undefined && { loginCommand: options.loginCommand.trim() }),
    ...(options.trustCommand !== undefined && { trustCommand: options.trustCommand.trim() }),
  };
}

/** True when the wording differs from the default (so errors thrown below resolution need rewording). */
export function isCustomWording(wording: RemedyWording): boolean {
  return wording.flags === true || wording.loginCommand !== undefined || wording.trustCommand !== undefined;
}
