import {
  createQwenOAuthClient,
  defaultProviders,
  inspectEnvironment,
  isAuthError,
  type Provenance,
  QWEN_CODE_AUTH_TYPES,
  type QwenCodeAuthType,
  redact,
  type ResolvedAuth,
  resolveAuth,
  setSelectedAuthType,
  type Verification,
} from 'qwen-auth';
import { renderUnicodeCompact } from 'uqr';
import { type Context, type GlobalFlags, resolveOptions, storeFlag, UsageError } from './context.js';
import { describeEnvFile, describeSource, printDiagnostics } from './describe.js';
import { clock, type Output, rows, tildify } from './output.js';

/** Exit codes: 0 usable / done, 1 not usable / failed, 2 usage, 130 cancelled. */
export const EXIT = { ok: 0, failed: 1, usage: 2, cancelled: 130 } as const;

function sourceLine(ctx: Context, p: Provenance | undefined, out: Output): string {
  if (!p) return '';
  const shadows = p.shadowed.length > 0 ? out.dim(`  shadows ${p.shadowed.map((s) => describeSource(s, ctx.homeDir)).join('; ')}`) : '';
  return `${out.dim('←')} ${describeSource(p, ctx.homeDir)}${shadows}`;
}

function printAuth(ctx: Context, auth: ResolvedAuth, out: Output, now: number): void {
  out.line(`${out.bold('qwen-auth status')} ${out.dim(tildify(ctx.cwd, ctx.homeDir))}`);
  out.line();
  const provider = auth.provider
    ? `${auth.provider.name}${auth.provider.region ? ` (${auth.provider.region})` : ''} ${out.dim(`${auth.provider.plan}, ${auth.provider.status}`)}`
    : out.dim('unknown endpoint');
  const entries: [string, string][] = [
    ['Auth type', `${out.green(auth.type)}  ${sourceLine(ctx, auth.sources.authType, out)}`],
    ['Provider', provider],
    ['Base URL', `${auth.baseUrl}  ${sourceLine(ctx, auth.sources.baseUrl, out)}`],
    ['Model', `${auth.model}  ${sourceLine(ctx, auth.sources.model, out)}`],
  ];
  if (auth.type !== 'qwen-oauth') {
    entries.push(['Endpoint', `${auth.endpoint}  ${out.dim(auth.keyHeader === 'x-api-key' ? 'key in x-api-key' : 'key in Authorization: Bearer')}`]);
    entries.push(['API key', `${redact(auth.apiKey)}  ${sourceLine(ctx, auth.sources.apiKey, out)}`]);
  } else {
    const left = auth.credentials.expiresAt === undefined ? undefined : auth.credentials.expiresAt - now;
    const validity =
      left === undefined ? 'no expiry recorded' : left > 30_000 ? `access token valid for ${clock(left)}` : 'access token expired (refreshed on next use)';
    entries.push(['Login', `${auth.credentials.store} store${auth.credentials.path ? ` ${tildify(auth.credentials.path, ctx.homeDir)}` : ''}; ${validity}`]);
  }
  entries.push(['Qwen folder', tildify(auth.qwenDir, ctx.homeDir)]);
  rows(out, entries);
  out.line();
  const env = auth.envFile
    ? describeEnvFile(out, auth.envFile, auth.envFile.searched, ctx.homeDir)
    : [`${out.dim('no .env file found')} (see qwen-auth env)`];
  rows(out, [['.env', env[0]!], ...env.slice(1).map((l) => ['', l] as [string, string])]);
  printDiagnostics(out, auth.diagnostics);
}

/** `qwen-auth status`: what resolves here, and from where. */
export async function status(ctx: Context, flags: GlobalFlags, out: Output): Promise<number> {
  const report = flags.store ? await inspectEnvironment(resolveOptions(ctx)) : undefined;
  const store = report ? await storeFlag(flags.store, report.qwenDir) : undefined;
  try {
    const auth = await resolveAuth(resolveOptions(ctx, store ? { oauth: { store } } : {}));
    if (flags.json) out.json({ ok: true, ...(JSON.parse(JSON.stringify(auth)) as object) });
    else printAuth(ctx, auth, out, Date.now());
    return EXIT.ok;
  } catch (error) {
    if (!isAuthError(error)) throw error;
    const environment = await inspectEnvironment(resolveOptions(ctx)).catch(() => undefined);
    if (flags.json) {
      out.json({ ok: false, error: error.toJSON(), environment });
    } else {
      out.error(`${out.red('Not usable')}: ${out.bold(error.code)} — ${error.message}`);
      out.error(`${out.bold('Remedy')}: ${error.remedy}`);
      if (environment) {
        out.error('');
        for (const l of describeEnvFile(out, environment.envFile, environment.searched, ctx.homeDir)) out.error(`  .env  ${l}`);
        for (const f of environment.settingsFiles) out.error(`  settings (${f.scope})  ${tildify(f.path, ctx.homeDir)}`);
        for (const d of environment.diagnostics) out.error(`  ${d.level}  ${d.code}  ${d.message}`);
      }
    }
    return EXIT.failed;
  }
}

/** `qwen-auth env`: the folders searched, the file used, and what happened to its keys. */
export async function env(ctx: Context, flags: GlobalFlags, out: Output): Promise<number> {
  const report = await inspectEnvironment(resolveOptions(ctx));
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
  const lines = describeEnvFile(out, report.envFile, report.searched, ctx.homeDir);
  rows(out, [['Used', lines[0]!], ...lines.slice(1).map((l) => ['', l] as [string, string])]);
  out.line();
  rows(out, [
    ['Qwen folder', tildify(report.qwenDir, ctx.homeDir)],
    ...report.settingsFiles.map((f) => [`Settings (${f.scope})`, tildify(f.path, ctx.homeDir)] as [string, string]),
  ]);
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
    out.line(`${out.bold(p.name)} ${out.dim(`(${p.id})`)}  ${status}  ${out.dim(`${p.plan}, ${p.authType}`)}`);
    for (const e of p.endpoints) out.line(`    ${e.regionName.padEnd(18)} ${e.baseUrl}`);
    const facts: string[] = [];
    if (p.envKeys.length > 0) facts.push(`env ${p.envKeys.join(', ')}`);
    if (p.keyPrefixes?.length) facts.push(`keys ${p.keyPrefixes.map((k) => `${k}…`).join(', ')}${p.requiresKeyPrefix ? ' (required)' : ''}`);
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
  const types: readonly string[] = ctx.qwenCode === '0.24' ? QWEN_CODE_AUTH_TYPES : ['openai', 'qwen-oauth'];
  if (!types.includes(type)) {
    throw new UsageError(
      `use takes ${types.map((t) => `'${t}'`).join(', ')}, not '${type}'${ctx.qwenCode === '0.24' ? '' : " (the types Qwen Code 0.24 knows need --qwen-code 0.24)"}.`,
    );
  }
  if (scope !== 'user' && scope !== 'workspace') throw new UsageError(`--scope must be 'user' or 'workspace', not '${scope}'.`);
  const r = await setSelectedAuthType(type as QwenCodeAuthType, {
    scope,
    cwd: ctx.cwd,
    homeDir: ctx.homeDir,
    env: ctx.env,
    ...(ctx.qwenCode && { qwenCode: ctx.qwenCode }),
  });
  if (json) out.json(r);
  else if (r.changed) out.line(`Selected ${out.green(type)} in ${tildify(r.path, ctx.homeDir)}${r.previous ? ` (was ${r.previous})` : ''}.`);
  else out.line(`${type} was already selected in ${tildify(r.path, ctx.homeDir)}.`);
  return EXIT.ok;
}

async function oauthClient(ctx: Context, flags: GlobalFlags) {
  const report = await inspectEnvironment(resolveOptions(ctx));
  const store = await storeFlag(flags.store, report.qwenDir);
  return { client: createQwenOAuthClient({ ...ctx.oauth, store, env: ctx.env }), store, report };
}

/** `qwen-auth login`: the device flow, cancellable with Ctrl-C. */
export async function login(
  ctx: Context,
  flags: GlobalFlags & { browser?: boolean; qr?: boolean },
  out: Output,
  signal: AbortSignal,
): Promise<number> {
  const { client, store } = await oauthClient(ctx, flags);
  let ticker: NodeJS.Timeout | undefined;
  const show = (v: Verification): void => {
    const page = v.verificationUriComplete ?? v.verificationUri;
    if (flags.json) {
      out.json({ event: 'verification', ...v });
      return;
    }
    out.line(`Open ${out.cyan(page)}`);
    out.line(`and enter the code ${out.bold(v.userCode)}${v.browserOpened ? out.dim(' (a browser was opened)') : ''}`);
    if (flags.qr !== false && out.tty) {
      out.line();
      out.line(renderUnicodeCompact(page, { border: 1 }));
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
      out.error('Login cancelled.');
      return EXIT.cancelled;
    }
    throw error;
  } finally {
    if (ticker) clearInterval(ticker);
  }
}

/** `qwen-auth logout`. */
export async function logout(ctx: Context, flags: GlobalFlags, out: Output): Promise<number> {
  const { client, store } = await oauthClient(ctx, flags);
  await client.logout();
  if (flags.json) out.json({ event: 'logged-out', store: store.kind, location: store.location });
  else out.line(`Logged out: removed the login from ${tildify(store.location, ctx.homeDir)}.`);
  return EXIT.ok;
}
