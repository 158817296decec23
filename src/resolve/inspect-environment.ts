import type { EnvironmentReport } from '../types.js';
import { loadContext } from './context.js';
import { checkOptions, type ResolveAuthOptions } from './options.js';
import { addGitCheckDiagnostics } from './secret-files.js';

/**
 * The configuration layers as Qwen Code would load them, without choosing
 * an auth method: the `.env` report (with every candidate checked, also
 * when none exists), the settings files read, Qwen's folder, diagnostics.
 * It never fails for a missing credential, so a CLI can always show it.
 */
export async function inspectEnvironment(options: ResolveAuthOptions = {}): Promise<EnvironmentReport> {
  checkOptions(options);
  const ctx = await loadContext(options);
  await addGitCheckDiagnostics(ctx);
  return {
    cwd: ctx.cwd,
    homeDir: ctx.homeDir,
    qwenDir: ctx.qwenDir,
    envFile: ctx.envFile,
    searched: ctx.searched,
    settingsFiles: ctx.settings.files,
    diagnostics: Object.freeze([...ctx.diagnostics]),
  };
}
