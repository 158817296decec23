import { type Diagnostic, describeSource, type EnvironmentReport, type Provenance } from 'qwen-auth';
import { clean, type Output, rows, type Stream, tildify } from './output.js';

/** `← source  shadows …`, naming overrides by their flags. */
export function sourceLine(out: Output, p: Provenance | undefined, homeDir: string): string {
  if (!p) return '';
  const describe = (s: Provenance | Provenance['shadowed'][number]) => clean(describeSource(s, { homeDir, flags: true }));
  const shadows = p.shadowed.length > 0 ? out.dim(`  shadows ${p.shadowed.map(describe).join('; ')}`) : '';
  return `${out.dim('←')} ${describe(p)}${shadows}`;
}

/** The `.env` report as lines: the file used and what it did, the files below it, the files not read. */
export function envFileLines(out: Output, report: EnvironmentReport, home: string): string[] {
  const list = (names: readonly string[]) => (names.length > 0 ? clean(names.join(', ')) : out.dim('none'));
  const file = report.envFile;
  const lines = file
    ? [
        `${tildify(file.path, home)} ${out.dim(`(${file.scope})`)}`,
        `applied: ${list(file.applied)}`,
        `excluded: ${list(file.excluded)}`,
        `shadowed by the environment: ${list(file.shadowed)}`,
        ...file.fallbacks.map((f) => `below it: ${tildify(f.path, home)} — applied: ${list(f.applied)}; shadowed: ${list(f.shadowed)}`),
      ]
    : [`${out.dim('no .env file found')} ${out.dim(`— ${report.searched.length} places checked`)}`];
  for (const u of report.unreadEnvFiles) {
    const missing = u.missing.length > 0 ? `; it has ${clean(u.missing.join(', '))}, unset here` : '';
    lines.push(`not read: ${tildify(u.path, home)} ${out.dim(`(${u.scope})`)} — only the first file found is read${missing}`);
  }
  return lines;
}

/** The one layout of the `.env` report and settings files, on success and on failure alike. */
export function printEnvironment(out: Output, report: EnvironmentReport, home: string, stream: Stream = 'line'): void {
  const env = envFileLines(out, report, home);
  rows(
    out,
    [
      ['.env', env[0]!],
      ...env.slice(1).map((l) => ['', l] as [string, string]),
      ...report.files
        .filter((f) => (f.kind === 'settings' && f.status !== 'missing') || f.status === 'skipped')
        .map((f) => [`${f.kind === 'settings' ? 'settings' : '.env'} (${f.scope})`, fileLine(out, f, home)] as [string, string]),
      ['folder trust', trustLine(out, report, home)],
    ],
    stream,
  );
}

/** A layer file: its path, and unless it was read, what became of it. */
function fileLine(out: Output, f: EnvironmentReport['files'][number], home: string): string {
  const path = tildify(f.path, home);
  if (f.status === 'read') return path;
  if (f.status === 'skipped') return `${out.dim(path)} ${out.yellow('skipped')}${out.dim(`: ${tildify(f.reason ?? 'folder trust', home)}`)}`;
  return `${path} ${out.red(f.status)}${out.dim(' (see the diagnostics)')}`;
}

/** Folder trust in one line: off, or on with the working folder's verdict and the rule behind it. */
function trustLine(out: Output, report: EnvironmentReport, home: string): string {
  const t = report.trust;
  if (!t.enabled && !t.envEnabled) return out.dim('off (security.folderTrust.enabled)');
  const file = tildify(t.file, home);
  const why = t.rule ? `rule ${t.rule.level} at ${tildify(t.rule.path, home)} in ${file}` : `no rule in ${file}${t.fileExists ? '' : ' (no such file)'}`;
  const scope = t.enabled ? 'on' : 'on for .env files only (the workspace turned it on)';
  return `${scope}: this folder is ${t.verdict} ${out.dim(`(${why})`)}`;
}

/** Diagnostics, one per line, coloured by level. */
export function printDiagnostics(out: Output, diagnostics: readonly Diagnostic[], stream: Stream = 'line'): void {
  if (diagnostics.length === 0) return;
  out[stream]();
  out[stream](out.bold('Diagnostics'));
  for (const d of diagnostics) {
    const level = d.level === 'error' ? out.red(d.level) : d.level === 'warning' ? out.yellow(d.level) : out.cyan(d.level);
    out[stream](`  ${level.padEnd(out.color ? 17 : 7)} ${out.dim(clean(d.code))}  ${clean(d.message)}`);
    // What to do, for what needs doing (a git finding's remedy names the exact .gitignore line).
    if (d.level !== 'info') out[stream](`  ${' '.repeat(7)} ${out.dim(`→ ${clean(d.remedy)}`)}`);
  }
}
