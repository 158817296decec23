/**
 * `inspectEnvironment()` as the main entry exports it. The report's code
 * (./inspect-environment.ts, with the search for the `.env` files that were
 * not read) is a chunk of its own, loaded by the first call: a resolve that
 * never inspects never compiles it.
 */
import type { EnvironmentReport } from '../types.js';
import type { ResolveAuthOptions } from './options.js';

/**
 * The configuration layers as Qwen Code would load them, without choosing
 * an auth method: the `.env` report (with every candidate checked, also
 * when none exists), the `.env` files beyond it that were not read, the
 * settings files read, Qwen's folder, diagnostics (among them every empty
 * variable that hides a value, `ENV_EMPTY_SHADOWS`; every `modelProviders`
 * entry Qwen Code 0.24 refuses to start on, `SETTINGS_INVALID_VALUE`).
 * It never fails for a missing credential, so a CLI can always show it; a
 * credential that a less trusted file would send elsewhere is reported as
 * the UNTRUSTED_DESTINATION diagnostic (resolveAuth throws it).
 */
export async function inspectEnvironment(options: ResolveAuthOptions = {}): Promise<EnvironmentReport> {
  return (await import('./inspect-environment.js')).inspectEnvironment(options);
}
