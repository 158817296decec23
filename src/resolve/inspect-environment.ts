import { statCache, statOrUndefined } from '../internal/fs.js';
import type { EnvironmentReport, TrustReport } from '../types.js';
import { loadContext, type ResolutionContext } from './context.js';
import { unreadEnvFilesOf } from './unread-env-files.js';
import { checkOptions, type ResolveAuthOptions } from './options.js';
import { envCandidate, isPresent } from './provenance.js';
import { addGitCheckDiagnostics } from './secret-files.js';
import { addOnce } from '../diagnostics.js';
import { untrustedDestinationDiagnostic } from './resolve-auth.js';
import { entriesByType } from './provider-protocols.js';
import { addProjectTransportDiagnostics } from './transport-env.js';

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
  const statOf = statCache();
  checkOptions(options, statOf);
  const ctx = await loadContext(options, statOf);
  // Every variable whose value is shadowed: an empty one hiding a value is reported.
  for (const name of ctx.env.shadowedNames()) envCandidate(ctx.env, name, ctx.diagnostics);
  const unreadEnvFiles = unreadEnvFilesOf(ctx).map((f) => ({
    path: f.path,
    scope: f.scope,
    missing: Object.keys(f.values).filter((name) => isPresent(f.values[name]) && !ctx.env.has(name)),
  }));
  await addGitCheckDiagnostics(ctx);
  addProjectTransportDiagnostics(ctx);
  // The modelProviders entries Qwen Code 0.24 refuses to start on (an invalid wireApi, or one under a
  // non-OpenAI protocol) and the ids that route nowhere: reported also when no key step runs.
  entriesByType(ctx.settings, ctx.diagnostics);
  // Where the credential would go, when a file less trusted than its source chose it (never thrown here).
  const untrusted = untrustedDestinationDiagnostic(ctx);
  if (untrusted) addOnce(ctx.diagnostics, untrusted);
  return {
    cwd: ctx.cwd,
    homeDir: ctx.homeDir,
    qwenDir: ctx.qwenDir,
    envFile: ctx.envFile,
    searched: ctx.searched,
    settingsFiles: ctx.settings.files,
    files: ctx.layerFiles,
    trust: trustReport(ctx),
    unreadEnvFiles,
    diagnostics: Object.freeze([...ctx.diagnostics]),
  };
}

/** Folder trust as the report shows it. */
export function trustReport(ctx: ResolutionContext): TrustReport {
  const t = ctx.trust;
  return {
    enabled: t.enabled,
    envEnabled: t.envEnabled,
    file: t.file.path,
    // Not read while trust is off; whether it exists is still worth showing.
    fileExists: t.enabled || t.envEnabled ? t.file.exists : statOrUndefined(t.file.path) !== undefined,
    verdict: t.verdict,
    ...(t.rule && { rule: { path: t.rule.path, level: t.rule.level } }),
    workspaceApplied: t.workspaceApplied,
    projectEnvApplied: t.projectEnvApplied,
  };
}
