import { diagnostic, diagnosticInfo } from '../diagnostics.js';
import { join } from 'node:path';
import { isAuthError, QwenAuthError, remedyFor, type RemedyWording } from '../errors.js';
import { type Candidate, choose, describeSource, isPresent, overrideCandidate, settingCandidate } from './provenance.js';
import { isCustomWording, wordingOf } from './wording.js';
import { statOrUndefined } from '../internal/fs.js';
import { withRedactedView } from '../redact.js';
import { defaultRegistry } from '../providers/default-registry.js';
import type { ResolutionContext } from './context.js';
import { CREDENTIALS_FILE, createFileTokenStore } from '../storage/file-store.js';
import type { QwenCredentials, TokenStore } from '../storage/types.js';
import type { Diagnostic, Provenance, ProviderMatch, QwenOAuthAuth } from '../types.js';
import { baseUrlFromResourceUrl } from '../oauth/base-url.js';
import { createQwenOAuthClient } from '../oauth/client.js';

/** The only model Qwen OAuth serves. */
export const QWEN_OAUTH_MODEL = 'coder-model';

function storeOf(ctx: ResolutionContext): TokenStore {
  return ctx.options.oauth?.store ?? createFileTokenStore({ qwenDir: ctx.qwenDir });
}

/** Where cached credentials are looked for, for messages. */
export function describeCredentialsLocation(ctx: ResolutionContext): string {
  return ctx.options.oauth?.store?.location ?? join(ctx.qwenDir, CREDENTIALS_FILE);
}

/** A cached login found by {@link findCachedLogin}: where it is, and what it holds. */
export interface CachedLogin {
  readonly provenance: Provenance;
  readonly credentials: QwenCredentials;
}

/**
 * Whether a Qwen OAuth login is cached (section 3). The default file store is
 * checked with one `stat` first; a file that is not a valid login is reported.
 * The credentials read are handed on, so the result does not read them again.
 */
export async function findCachedLogin(ctx: ResolutionContext): Promise<CachedLogin | undefined> {
  const custom = ctx.options.oauth?.store;
  if (!custom) {
    const path = join(ctx.qwenDir, CREDENTIALS_FILE);
    if (!statOrUndefined(path)?.isFile()) return undefined;
    const credentials = await storeOf(ctx).read();
    if (!credentials) {
      const login = ctx.options.loginCommand?.trim();
      const remedy = login ? diagnosticInfo('CREDENTIALS_INVALID').remedy.replace('`qwen-auth login`', `\`${login}\``) : undefined;
      ctx.diagnostics.push(
        diagnostic('CREDENTIALS_INVALID', `${path} is not a valid Qwen OAuth login (it needs at least an access_token); it was ignored.`, { path }, remedy),
      );
      return undefined;
    }
    return { provenance: { kind: 'default', path, detail: 'cached Qwen OAuth credentials', shadowed: [] }, credentials };
  }
  const credentials = await custom.read();
  return credentials
    ? { provenance: { kind: 'default', detail: `cached Qwen OAuth credentials in ${custom.location}`, shadowed: [] }, credentials }
    : undefined;
}

/** The view of the layered environment the OAuth transport reads (proxies, display). */
function transportEnv(ctx: ResolutionContext): Record<string, string | undefined> {
  const names = [
    ...['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy'],
    ...['CI', 'NO_BROWSER', 'SSH_CONNECTION', 'SSH_CLIENT', 'SSH_TTY', 'DISPLAY', 'WAYLAND_DISPLAY'],
  ];
  return Object.fromEntries(names.map((n) => [n, ctx.env.value(n)]));
}

/** A qwen-auth error thrown below resolution (a refresh), with its remedy in the caller's wording. */
function reworded(error: unknown, wording: RemedyWording): unknown {
  if (!isAuthError(error) || error.remedy !== remedyFor(error.code)) return error;
  return new QwenAuthError(error.code, error.message, { details: error.details, remedy: remedyFor(error.code, wording), cause: error });
}

/** Builds the `qwen-oauth` result: the login (cached, or obtained interactively), base URL and model. */
export async function resolveQwenOAuth(
  ctx: ResolutionContext,
  authType: Provenance,
  cached?: QwenCredentials,
): Promise<QwenOAuthAuth> {
  const { options } = ctx;
  const wording = wordingOf(options);
  const diagnostics: Diagnostic[] = [...ctx.diagnostics];

  // A key or base URL override has no use with Qwen OAuth: the login brings both. Say so.
  for (const field of ['apiKey', 'baseUrl'] as const) {
    if (!isPresent(options.overrides?.[field])) continue;
    const name = describeSource({ kind: 'override', key: field }, { flags: wording.flags === true });
    diagnostics.push(
      diagnostic(
        'OVERRIDE_IGNORED',
        `${name} is ignored: the auth type is qwen-oauth (from ${describeSource(authType, { flags: wording.flags === true })}), whose token and base URL come from the login.`,
        { key: field },
      ),
    );
  }
  const store = storeOf(ctx);
  const fallbackReason = (store as { fallbackReason?: unknown }).fallbackReason;
  if (typeof fallbackReason === 'string') {
    diagnostics.push(diagnostic('KEYCHAIN_UNAVAILABLE', `The OS keychain is not in use (${fallbackReason}); credentials are in ${store.location}.`));
  }
  const client = createQwenOAuthClient({
    ...options.oauth,
    store,
    env: transportEnv(ctx),
    now: ctx.now,
    ...(options.onVerification && { onVerification: options.onVerification }),
  });

  let credentials = cached ?? (await store.read());
  if (!credentials) {
    if (!options.interactive) {
      throw new QwenAuthError('LOGIN_REQUIRED', `Qwen OAuth is selected but there is no login in ${store.location}.`, {
        details: { reason: 'no-credentials', location: store.location },
        remedy: remedyFor('LOGIN_REQUIRED', wording),
      });
    }
    credentials = await client.authorizeDevice({ ...(options.signal && { signal: options.signal }) });
  }

  // Model: coder-model is the only one; a request for another is reported.
  const requested: Candidate[] = [
    overrideCandidate(options.overrides?.model, 'model'),
    settingCandidate(ctx.settings.modelName, 'model.name'),
  ];
  const asked = choose(requested);
  if (asked && asked.value !== QWEN_OAUTH_MODEL) {
    diagnostics.push(diagnostic('OAUTH_MODEL_UNSUPPORTED', `Qwen OAuth serves only '${QWEN_OAUTH_MODEL}'; the requested model '${asked.value}' is not used.`));
  }
  const model: Provenance =
    asked?.value === QWEN_OAUTH_MODEL
      ? asked.provenance
      : { kind: 'default', detail: `Qwen OAuth serves only ${QWEN_OAUTH_MODEL}`, shadowed: asked ? [asked.provenance] : [] };

  const baseUrl = baseUrlFromResourceUrl(credentials.resourceUrl);
  const baseSource: Provenance = credentials.resourceUrl
    ? {
        kind: 'provider-default',
        provider: 'qwen-oauth',
        detail: 'resource_url of the Qwen OAuth login',
        ...(store.kind === 'file' && { path: store.location }),
        shadowed: [],
      }
    : { kind: 'default', detail: 'the login has no resource_url', shadowed: [] };

  const registry = options.registry ?? defaultRegistry();
  const definition = registry.get('qwen-oauth');
  const provider: ProviderMatch | undefined = definition && {
    id: definition.id,
    name: definition.name,
    plan: definition.plan,
    status: definition.status,
    matchedBy: 'auth-type',
  };
  if (definition?.discontinuedOn && ctx.now() >= Date.parse(`${definition.discontinuedOn}T00:00:00Z`)) {
    diagnostics.push(diagnostic('PROVIDER_DISCONTINUED', `${definition.name}: the free tier was discontinued on ${definition.discontinuedOn}. ` +
        'A cached login works only while the server still honours it; Coding Plan, Token Plan or a DashScope key are the supported paths.'));
  }

  const result: QwenOAuthAuth = {
    type: 'qwen-oauth',
    baseUrl,
    model: QWEN_OAUTH_MODEL,
    sources: { authType, baseUrl: baseSource, model },
    envFile: ctx.envFile,
    provider,
    diagnostics: Object.freeze(diagnostics),
    qwenDir: ctx.qwenDir,
    credentials: {
      store: store.kind,
      ...(store.kind === 'file' && { path: store.location }),
      expiresAt: credentials.expiresAt,
    },
    getAccessToken: isCustomWording(wording)
      ? () => client.getAccessToken().catch((error: unknown) => Promise.reject(reworded(error, wording)))
      : () => client.getAccessToken(),
  };
  const { getAccessToken: _fn, ...shown } = result;
  return Object.freeze(withRedactedView(result, () => shown));
}
