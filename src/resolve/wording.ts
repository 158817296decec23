import type { RemedyWording } from '../errors.js';
import { isFromFlags } from '../flags.js';
import type { ResolveAuthOptions } from './options.js';

/** How this call's messages and remedies name overrides and the login command. */
export function wordingOf(options: ResolveAuthOptions): RemedyWording {
  return {
    flags: options.flags ?? isFromFlags(options.overrides),
    ...(options.loginCommand !== undefined && { loginCommand: options.loginCommand.trim() }),
    ...(options.checkCommand !== undefined && { checkCommand: options.checkCommand.trim() }),
    ...(options.qwenCode024Option !== undefined && { qwenCode024Option: options.qwenCode024Option.trim() }),
    ...(options.trustCommand !== undefined && { trustCommand: options.trustCommand.trim() }),
  };
}

/** What the request side of a result takes from the options: the wording of its reasons, and the probe. */
export function requestOptionsOf(options: ResolveAuthOptions): { readonly wording: RemedyWording; readonly probeOnFailure: boolean } {
  return { wording: wordingOf(options), probeOnFailure: options.probeOnFailure === true };
}

/** True when the wording differs from the default (so errors thrown below resolution need rewording). */
export function isCustomWording(wording: RemedyWording): boolean {
  return (
    wording.flags === true ||
    wording.loginCommand !== undefined ||
    wording.checkCommand !== undefined ||
    wording.qwenCode024Option !== undefined ||
    wording.trustCommand !== undefined
  );
}
