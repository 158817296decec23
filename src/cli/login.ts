/** `qwen-auth login` and `logout`: the Qwen OAuth device flow and its store. */
import { createQwenOAuthClient, defaultProviders, isAuthError, QWEN_OAUTH_DEFAULTS, type TokenStore, type Verification } from 'qwen-auth';
import { type Context, fallbackReason, type GlobalFlags, openStore } from './context.js';
import { EXIT } from './exit.js';
import { existsSync } from './node.js';
import { clean, clock, type Output, printFailure, tildify } from './output.js';

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
  const qr = flags.qr !== false && out.tty && !flags.json ? (await import('./qr.js')).renderUnicodeCompact : undefined;
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
