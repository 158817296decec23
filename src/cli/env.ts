/** `qwen-auth env`: the `.env` search and the layers, as `status` shows them. */
import { inspectEnvironment } from 'qwen-auth';
import { type Context, type GlobalFlags, gitCheck, resolveOptions } from './context.js';
import { printDiagnostics, printEnvironment } from './describe.js';
import { EXIT } from './exit.js';
import { type Output, rows, tildify } from './output.js';

/** `qwen-auth env`: the folders searched, the file used, what happened to its keys, the files not read. */
export async function env(ctx: Context, flags: GlobalFlags, out: Output): Promise<number> {
  const report = await inspectEnvironment(resolveOptions(ctx, gitCheck(flags)));
  if (flags.json) {
    out.json(report);
    return EXIT.ok;
  }
  out.line(out.bold('Searched, in order'));
  for (const path of report.searched) {
    const used = report.envFile?.path === path;
    out.line(`  ${used ? out.green('●') : out.dim('○')} ${used ? tildify(path, ctx.homeDir) : out.dim(tildify(path, ctx.homeDir))}`);
  }
  out.line();
  printEnvironment(out, report, ctx.homeDir);
  out.line();
  rows(out, [['Qwen folder', tildify(report.qwenDir, ctx.homeDir)]]);
  printDiagnostics(out, report.diagnostics);
  return EXIT.ok;
}
