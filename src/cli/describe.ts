import { type Diagnostic, describeSource, type EnvFileReport, type ValueSource } from 'qwen-auth';
import { type Output, tildify } from './output.js';

/** One line saying where a value came from: the library's wording, flags named as flags. */
export function describeSourceLine(source: ValueSource, home: string): string {
  return describeSource(source, { homeDir: home, flags: true });
}

/** The `.env` report as lines. */
export function describeEnvFile(out: Output, report: EnvFileReport | null, searched: readonly string[], home: string): string[] {
  const list = (names: readonly string[]) => (names.length > 0 ? names.join(', ') : out.dim('none'));
  if (!report) return [`${out.dim('no .env file found')} (${searched.length} places checked)`];
  const lines = [
    `${tildify(report.path, home)} ${out.dim(`(${report.scope})`)}`,
    `applied: ${list(report.applied)}`,
    `excluded: ${list(report.excluded)}`,
    `shadowed by the environment: ${list(report.shadowed)}`,
  ];
  for (const f of report.fallbacks) {
    lines.push(`below it: ${tildify(f.path, home)} — applied: ${list(f.applied)}; shadowed: ${list(f.shadowed)}`);
  }
  return lines;
}

/** Diagnostics, one per line, coloured by level. */
export function printDiagnostics(out: Output, diagnostics: readonly Diagnostic[]): void {
  if (diagnostics.length === 0) return;
  out.line();
  out.line(out.bold('Diagnostics'));
  for (const d of diagnostics) {
    const level = d.level === 'error' ? out.red(d.level) : d.level === 'warning' ? out.yellow(d.level) : out.cyan(d.level);
    out.line(`  ${level.padEnd(out.color ? 17 : 7)} ${out.dim(d.code)}  ${d.message}`);
    // What to do, for what needs doing (a git finding's remedy names the exact .gitignore line).
    if (d.level !== 'info') out.line(`  ${' '.repeat(7)} ${out.dim(`→ ${d.remedy}`)}`);
  }
}
