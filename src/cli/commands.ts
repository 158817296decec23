import {
  type AuthCheck,
  AUTH_TYPES,
  createQwenOAuthClient,
  defaultProviders,
  describeSource,
  type Diagnostic,
  type EnvironmentReport,
  inspectEnvironment,
  isAuthError,
  isAuthType,
  QWEN_CODE_AUTH_TYPES,
  QWEN_OAUTH_DEFAULTS,
  type QwenCodeAuthType,
  redact,
  redactText,
  redactUrl,
  type ResolvedAuth,
  resolveAuth,
  setSelectedAuthType,
  type TokenStore,
  type Verification,
} from 'qwen-auth';
import { existsSync } from './node.js';
import { type Context, fallbackReason, type GlobalFlags, openStore, resolveOptions, storeKind, UsageError } from './context.js';
import { printDiagnostics, printEnvironment, sourceLine } from './describe.js';
import { clean, clock, type Output, printFailure, rows, tildify } from './output.js';

/** Exit codes: 0 usable / done, 1 not usable / failed, 2 usage, 130 cancelled. */
export const EXIT = { ok: 0, failed: 1, usage: 2, cancelled: 130 } as const;

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

/** `status` and `env` ask git about the files holding keys unless `--no-git-check`. */
const gitCheck = (flags: GlobalFlags) => ({ gitCheck: flags.gitCheck !== false });

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

/** `qwen-auth providers`: the registry. */
export function providers(flags: GlobalFlags, out: Output): number {
  if (flags.json) {
    out.json(defaultProviders);
    return EXIT.ok;
  }
  for (const p of defaultProviders) {
    const status = p.status === 'active' ? out.green(p.status) : out.red(`${p.status}${p.discontinuedOn ? ` on ${p.discontinuedOn}` : ''}`);
    out.line(`${out.bold(p.name)} ${out.dim(`[${p.id}]`)}  ${status}  ${out.dim(`${p.plan}, ${p.authType}`)}`);
    for (const e of p.endpoints) out.line(`    ${e.regionName.padEnd(18)} ${e.baseUrl}`);
    const facts: string[] = [];
    if (p.envKeys.length > 0) facts.push(`env ${p.envKeys.join(', ')}`);
    if (p.keyPrefixes?.length) facts.push(`keys ${p.keyPrefixes.map((k) => `${k}…`).join(', ')}${p.requiresKeyPrefix ? ', required' : ''}`);
    if (p.defaultModel) facts.push(`default model ${p.defaultModel}`);
    if (facts.length > 0) out.line(`    ${out.dim(facts.join(' · '))}`);
    for (const q of p.quotas ?? []) {
      const limits = q.limits.map((l) => `${l.requests.toLocaleString('en-US')}/${l.per}`).join(', ');
      const price = q.price && q.price.toLowerCase() !== q.tier.toLowerCase() ? ` ${q.price}` : '';
      out.line(`    ${out.dim(`${q.tier}${price}: ${limits} — ${q.source}`)}`);
    }
    if (p.note) out.line(`    ${out.dim(p.note)}`);
  }
  return EXIT.ok;
}

/** `qwen-auth use <type>`: the `/auth` switch, persisted. */
export async function use(ctx: Context, type: string, scope: string, out: Output, json: boolean): Promise<number> {
  const v024 = ctx.qwenCode === '0.24';
  if (!(v024 ? (QWEN_CODE_AUTH_TYPES as readonly string[]).includes(type) : isAuthType(type))) {
    const types = v024 ? QWEN_CODE_AUTH_TYPES : AUTH_TYPES;
    throw new UsageError(
      `use takes ${types.map((t) => `'${t}'`).join(v024 ? ', ' : ' or ')}, not '${redactText(type, 80)}'${v024 ? '' : ' (the types Qwen Code 0.24 knows need --qwen-code 0.24)'}.`,
    );
  }
  if (scope !== 'user' && scope !== 'workspace') throw new UsageError(`--scope must be 'user' or 'workspace', not '${redactText(scope, 80)}'.`);
  const r = await setSelectedAuthType(type as QwenCodeAuthType, {
    scope,
    cwd: ctx.cwd,
    homeDir: ctx.homeDir,
    env: ctx.env,
    ...(ctx.qwenCode && { qwenCode: ctx.qwenCode }),
  });
  if (json) out.json(r);
  else if (r.changed) out.line(`Selected ${out.green(type)} in ${tildify(r.path, ctx.homeDir)}${r.previous ? `, was ${clean(r.previous)}` : ''}.`);
  else out.line(`${type} was already selected in ${tildify(r.path, ctx.homeDir)}.`);
  return EXIT.ok;
}

/** The login's store (saying why, when `--store keychain` fell back to the file) and a client on it. */
async function oauthClient(ctx: Context, flags: GlobalFlags, out: Output) {
  const store = await openStore(ctx, flags.store);
  const reason = fallbackReason(store);
  if (reason !== undefined) {
    if (flags.json) out.json({ event: 'store-fallback', reason, store: store.kind, location: store.location });
    else
      out.line(
        `${out.yellow('The OS keychain is not used')}: ${clean(reason)}. The login is kept in ${tildify(store.location, ctx.homeDir)} (${store.kind} store) instead.`,
      );
  }
  return { client: createQwenOAuthClient({ ...ctx.oauth, store, env: ctx.env }), store };
}

/** Qwen's free tier, as the registry records it. */
function freeTierNotice(): string | undefined {
  const end = defaultProviders.find((p) => p.id === 'qwen-oauth')?.discontinuedOn;
  return end
    ? `Qwen's free OAuth tier ended on ${end}: this login works only for accounts that kept Qwen OAuth access. ` +
        'The supported paths are a Coding Plan, Token Plan or DashScope key (see `qwen-auth providers`).'
    : undefined;
}

/** `qwen-auth login`: the device flow, cancellable with Ctrl-C. */
export async function login(ctx: Context, flags: GlobalFlags & { browser?: boolean; qr?: boolean }, out: Output, signal: AbortSignal): Promise<number> {
  const device = ctx.oauth.deviceAuthorizationEndpoint ?? QWEN_OAUTH_DEFAULTS.deviceAuthorizationEndpoint;
  const notice = device === QWEN_OAUTH_DEFAULTS.deviceAuthorizationEndpoint ? freeTierNotice() : undefined;
  if (notice) {
    if (flags.json) out.json({ event: 'notice', message: notice });
    else out.line(`${out.yellow('Note')}: ${notice}`);
  }
  const { client, store } = await oauthClient(ctx, flags, out);
  // The QR code renderer is loaded only by a login that shows one.
  const qr = flags.qr !== false && out.tty && !flags.json ? (await import('uqr')).renderUnicodeCompact : undefined;
  let ticker: NodeJS.Timeout | undefined;
  const show = (v: Verification): void => {
    const page = v.verificationUriComplete ?? v.verificationUri;
    if (flags.json) {
      out.json({ event: 'verification', ...v });
      return;
    }
    out.line(`Open ${out.cyan(clean(page))}`);
    out.line(`and enter the code ${out.bold(clean(v.userCode))}${v.browserOpened ? out.dim(' — a browser was opened') : ''}`);
    if (qr) {
      out.line();
      out.line(qr(page, { border: 1 }));
    }
    if (out.tty) {
      const tick = (): void => void process.stdout.write(`\r${out.dim(`Waiting for approval… ${clock(v.expiresAt - Date.now())} left `)}`);
      tick();
      ticker = setInterval(tick, 1000);
    } else {
      out.line(`Waiting for approval (the code expires in ${clock(v.expiresIn * 1000)})…`);
    }
  };
  try {
    const credentials = await client.authorizeDevice({
      onVerification: show,
      signal,
      ...(flags.browser === false && { openBrowser: false }),
    });
    if (ticker) process.stdout.write('\r\u001b[2K');
    if (flags.json) out.json({ event: 'logged-in', store: store.kind, location: store.location, expiresAt: credentials.expiresAt });
    else out.line(`${out.green('Logged in.')} Credentials saved in ${tildify(store.location, ctx.homeDir)} (${store.kind} store).`);
    return EXIT.ok;
  } catch (error) {
    if (ticker) process.stdout.write('\r\u001b[2K');
    if (isAuthError(error, 'ABORTED')) {
      if (flags.json) printFailure(out, true, { code: error.code, message: 'Login cancelled.', remedy: error.remedy });
      else out.error('Login cancelled.');
      return EXIT.cancelled;
    }
    throw error;
  } finally {
    if (ticker) clearInterval(ticker);
  }
}

/** What the store held before a logout. */
async function held(store: TokenStore): Promise<'login' | 'unusable' | 'none'> {
  const credentials = await store.read().catch(() => undefined);
  if (credentials) return 'login';
  return store.kind === 'file' && existsSync(store.location) ? 'unusable' : 'none';
}

/** `qwen-auth logout`: forgets the login, and says when there was none. */
export async function logout(ctx: Context, flags: GlobalFlags, out: Output): Promise<number> {
  const { client, store } = await oauthClient(ctx, flags, out);
  const before = await held(store);
  await client.logout();
  const where = tildify(store.location, ctx.homeDir);
  if (flags.json) out.json({ event: 'logged-out', removed: before !== 'none', store: store.kind, location: store.location });
  else if (before === 'login') out.line(`Logged out: removed the login from ${where}.`);
  else if (before === 'unusable') out.line(`Removed ${where}, which held no usable login.`);
  else out.line(`There was no login to remove: ${where} has none.`);
  return EXIT.ok;
}
