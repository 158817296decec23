/**
 * `qwen-auth status`: what resolves here, from where, and (`--check`)
 * whether it works.
 */
import {
  type AuthCheck,
  type Diagnostic,
  describeSource,
  type EnvironmentReport,
  inspectEnvironment,
  isAuthError,
  redact,
  redactUrl,
  type ResolvedAuth,
  resolveAuth,
} from 'qwen-auth';
import { type Context, type GlobalFlags, gitCheck, resolveOptions, storeKind } from './context.js';
import { printDiagnostics, printEnvironment, sourceLine } from './describe.js';
import { EXIT } from './exit.js';
import { clean, clock, type Output, printFailure, rows, tildify } from './output.js';

function printAuth(ctx: Context, auth: ResolvedAuth, report: EnvironmentReport, out: Output, now: number): void {
  out.line(`${out.bold('qwen-auth status')} ${out.dim(tildify(ctx.cwd, ctx.homeDir))}`);
  out.line();
  const provider = auth.provider
    ? `${auth.provider.name}${auth.provider.region ? ` · ${auth.provider.region}` : ''} ${out.dim(`· ${auth.provider.plan}, ${auth.provider.status}`)}`
    : out.dim('unknown endpoint');
  const from = (p: Parameters<typeof sourceLine>[1]) => sourceLine(out, p, ctx.homeDir);
  // The values as the result's redacted view shows them (a key put into the model or a URL is hidden), cleaned of escapes.
  const view = JSON.parse(JSON.stringify(auth)) as { baseUrl: string; model: string; endpoint?: string };
  const entries: [string, string][] = [
    ['Auth type', `${out.green(clean(auth.type))}  ${from(auth.sources.authType)}`],
    ['Provider', provider],
    ['Base URL', `${clean(redactUrl(view.baseUrl))}  ${from(auth.sources.baseUrl)}`],
    ['Sends to', `${clean(destinationOf(auth).origin)}  ${out.dim(`chosen by ${clean(destinationOf(auth).chosenBy)}`)}`],
    ['Model', `${clean(view.model)}  ${from(auth.sources.model)}`],
  ];
  if (auth.type !== 'qwen-oauth') {
    entries.push([
      'Endpoint',
      `${clean(redactUrl(view.endpoint ?? auth.endpoint))}  ${out.dim(auth.keyHeader === 'x-api-key' ? 'key in x-api-key' : 'key in Authorization: Bearer')}`,
    ]);
    entries.push(['API key', `${clean(redact(auth.apiKey))}  ${from(auth.sources.apiKey)}`]);
  } else {
    const left = auth.credentials.expiresAt === undefined ? undefined : auth.credentials.expiresAt - now;
    const validity =
      left === undefined ? 'no expiry recorded' : left > 30_000 ? `access token valid for ${clock(left)}` : 'access token expired (refreshed on next use)';
    entries.push(['Login', `${auth.credentials.store} store${auth.credentials.path ? ` ${tildify(auth.credentials.path, ctx.homeDir)}` : ''}; ${validity}`]);
  }
  entries.push(['Qwen folder', tildify(auth.qwenDir, ctx.homeDir)]);
  rows(out, entries);
  out.line();
  printEnvironment(out, report, ctx.homeDir);
  printDiagnostics(out, auth.diagnostics);
}

/** Where the credential goes (the base URL's origin) and what chose it: printed before anything is sent. */
function destinationOf(auth: ResolvedAuth): { origin: string; chosenBy: string; path?: string; trusted: true } {
  const origin = URL.canParse(auth.baseUrl) ? new URL(auth.baseUrl).origin : redactUrl(auth.baseUrl);
  const source = auth.sources.baseUrl;
  return { origin, chosenBy: describeSource(source), ...(source.path !== undefined && { path: source.path }), trusted: true };
}

/** The verdict of `--check`, after the status. */
function printCheck(out: Output, check: AuthCheck): void {
  out.line();
  if (check.ok) {
    const models = check.models ? `, ${check.models.length} model${check.models.length === 1 ? '' : 's'} listed` : '';
    rows(out, [['Check', `${out.green('works')}  ${out.dim(`HTTP ${check.status} in ${Math.round(check.latencyMs)} ms${models}`)}`]]);
    return;
  }
  const entries: [string, string][] = [
    ['Check', `${out.red('fails')}  ${out.bold(check.code)}${check.status !== undefined ? out.dim(` (HTTP ${check.status})`) : ''}`],
    ['', clean(check.message)],
    ['Remedy', clean(check.remedy)],
  ];
  if (check.suggestedBaseUrl) entries.push(['Suggested base URL', out.cyan(clean(check.suggestedBaseUrl))]);
  rows(out, entries);
}

/** The diagnostics `--strict` fails on: errors first, then warnings. */
function strictProblems(diagnostics: readonly Diagnostic[]): Diagnostic[] {
  return [...diagnostics.filter((d) => d.level === 'error'), ...diagnostics.filter((d) => d.level === 'warning')];
}

/**
 * `qwen-auth status`: what resolves here, and from where. `--strict`: warnings fail too.
 * `--check` (`--probe`): one live request, and its verdict; a failed check exits 1.
 */
export async function status(ctx: Context, flags: GlobalFlags, out: Output): Promise<number> {
  const json = flags.json === true;
  let auth: ResolvedAuth;
  try {
    auth = await resolveAuth(resolveOptions(ctx, { ...gitCheck(flags), oauth: { store: storeKind(flags.store) } }));
  } catch (error) {
    if (!isAuthError(error) || error.code === 'INVALID_OPTION' || error.code === 'INVALID_OPTION_TYPE') throw error;
    // The layers alone, with their diagnostics (the git check's too): one git run per status.
    const report = await inspectEnvironment(resolveOptions(ctx, gitCheck(flags)));
    // A file less trusted than the key chose where it goes: say where, before (instead of) sending anything.
    const untrusted = isAuthError(error, 'UNTRUSTED_DESTINATION') ? error.details : undefined;
    const destination = untrusted && {
      origin: untrusted.origin,
      chosenBy: untrusted.chosenBy,
      ...(untrusted.path !== undefined && { path: untrusted.path }),
      trusted: false,
    };
    printFailure(out, json, error.toJSON(), { ...(destination && { destination }), environment: report }, 'Not usable');
    if (!json) {
      if (destination) {
        out.error();
        rows(
          out,
          [
            ['Would send to', `${clean(destination.origin)}  ${out.dim(`← chosen by ${clean(destination.chosenBy)}`)}`],
            ['', out.red(flags.check || flags.probe ? 'not trusted: nothing was sent (--check skipped)' : 'not trusted')],
          ],
          'error',
        );
      }
      out.error();
      printEnvironment(out, report, ctx.homeDir, 'error');
      printDiagnostics(out, report.diagnostics, 'error');
    }
    return EXIT.failed;
  }

  // The .env report with the files not read (no second git run: resolveAuth's diagnostics have it).
  const report = await inspectEnvironment(resolveOptions(ctx, { gitCheck: false }));
  const problems = flags.strict ? strictProblems(auth.diagnostics) : [];
  const first = problems[0];
  const failure = first && {
    code: first.code,
    message: `--strict: ${problems.length} diagnostic${problems.length === 1 ? '' : 's'} of level warning or error; the first: ${first.message}`,
    remedy: first.remedy,
  };
  const check = flags.check || flags.probe ? await auth.check({ probe: flags.probe === true }) : undefined;
  const ok = !failure && check?.ok !== false;
  if (json) {
    const shown = JSON.parse(JSON.stringify(auth)) as object;
    out.json({ ok, ...(failure && { error: failure }), ...shown, destination: destinationOf(auth), ...(check && { check }) });
  } else {
    printAuth(ctx, auth, report, out, Date.now());
    if (check) printCheck(out, check);
    if (failure) {
      out.error();
      printFailure(out, false, failure, {}, 'Not clean (--strict)');
    }
  }
  return ok ? EXIT.ok : EXIT.failed;
}
