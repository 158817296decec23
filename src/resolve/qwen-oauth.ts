import { diagnostic } from '../diagnostics.js';
import { join } from 'node:path';
import { isAuthError, QwenAuthError, type RemedyWording } from '../errors.js';
import { remedyFor } from './remedies.js';
import { type Candidate, choose, describeSource, isPresent, overrideCandidate, settingCandidate } from './provenance.js';
import { isCustomWording, wordingOf } from './wording.js';
import { statOrUndefined } from '../internal/fs.js';
import { redactText, withRedactedView } from '../redact.js';
import { discontinuedDiagnostic, toProviderMatch } from '../providers/match.js';
import type { ResolutionContext } from './context.js';
import { CREDENTIALS_FILE, createFileTokenStore, looseModes } from '../storage/file-store.js';
import { createKeychainTokenStore } from '../storage/keychain-store.js';
import { createMemoryTokenStore } from '../storage/memory-store.js';
import type { QwenCredentials, TokenStore } from '../storage/types.js';
import type { Diagnostic, Provenance } from '../types.js';
import type { QwenOAuthAuth } from './types.js';
import { clientInternals, createQwenOAuthClient } from '../oauth/client.js';
import { baseUrlFromResourceUrl } from '../oauth/base-url.js';
import { resolveEndpoints } from '../oauth/endpoints.js';
import { oauthCredentialProvider } from '../oauth/credential-provider.js';
import { requestMethods } from '../requests/request-methods.js';
import { oauthClientEnv, requestEnv } from './transport-env.js';

/** The only model Qwen OAuth serves. */
export const QWEN_OAUTH_MODEL = 'coder-model';

const opened = new WeakMap<ResolutionContext, Promise<TokenStore>>();

/**
 * The token store `oauth.store` asks for: a store, a kind (`file` — the
 * default, Qwen Code's file in the Qwen folder —, `keychain`, `memory`) or a
 * factory. Opened once per resolution.
 */
function openStore(ctx: ResolutionContext): Promise<TokenStore> {
  let store = opened.get(ctx);
  if (!store) {
    const choice = ctx.options.oauth?.store;
    const where = { qwenDir: ctx.qwenDir, homeDir: ctx.homeDir, env: ctx.realEnv };
    store = (async (): Promise<TokenStore> => {
      if (choice === undefined || choice === 'file') return createFileTokenStore({ qwenDir: ctx.qwenDir });
      if (choice === 'memory') return createMemoryTokenStore();
      if (choice === 'keychain') return createKeychainTokenStore(where);
      if (typeof choice === 'function') return choice(where);
      return choice;
    })();
    opened.set(ctx, store);
  }
  return store;
}

/** Where cached credentials are looked for, for messages. */
export async function describeCredentialsLocation(ctx: ResolutionContext): Promise<string> {
  return (await openStore(ctx)).location;
}

/** A cached login found by {@link findCachedLogin}: where it is, and what it holds. */
export interface CachedLogin {
  readonly provenance: Provenance;
  readonly credentials: QwenCredentials;
  /** The store's version, read before the credentials: the client starts from both without reading again. */
  readonly version: string | undefined;
}

/** The store's version, then its credentials (in that order: a change after the read shows as a new version). */
async function readLogin(store: TokenStore): Promise<{ credentials: QwenCredentials | undefined; version: string | undefined }> {
  const version = store.version ? await store.version() : undefined;
  return { version, credentials: await store.read() };
}

/**
 * Whether a Qwen OAuth login is cached (section 3). The default file store is
 * checked with one `stat` first; a file that is not a valid login is reported.
 * The credentials read are handed on, so the result does not read them again.
 */
export async function findCachedLogin(ctx: ResolutionContext): Promise<CachedLogin | undefined> {
  const choice = ctx.options.oauth?.store;
  if (choice === undefined || choice === 'file') {
    const path = join(ctx.qwenDir, CREDENTIALS_FILE);
    if (!statOrUndefined(path)?.isFile()) return undefined;
    const { credentials, version } = await readLogin(await openStore(ctx));
    if (!credentials) {
      const remedy = remedyFor('CREDENTIALS_INVALID', wordingOf(ctx.options));
      ctx.diagnostics.push(
        diagnostic('CREDENTIALS_INVALID', `${path} is not a valid Qwen OAuth login (it needs at least an access_token); it was ignored.`, { path }, remedy),
      );
      return undefined;
    }
    return { provenance: { kind: 'default', scope: 'built-in', path, detail: 'cached Qwen OAuth credentials', shadowed: [] }, credentials, version };
  }
  const store = await openStore(ctx);
  const { credentials, version } = await readLogin(store);
  return credentials
    ? { provenance: { kind: 'default', scope: 'built-in', detail: `cached Qwen OAuth credentials in ${store.location}`, shadowed: [] }, credentials, version }
    : undefined;
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
  cached?: Pick<CachedLogin, 'credentials' | 'version'>,
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
  const store = await openStore(ctx);
  if (store.fallbackReason !== undefined) {
    diagnostics.push(diagnostic('KEYCHAIN_UNAVAILABLE', `The OS keychain is not in use (${store.fallbackReason}); credentials are in ${store.location}.`));
  }
  const client = createQwenOAuthClient({
    ...options.oauth,
    store,
    env: oauthClientEnv(ctx),
    now: ctx.now,
    ...(options.onVerification && { onVerification: options.onVerification }),
  });

  const read = cached ?? (await readLogin(store));
  let credentials = read.credentials;
  // The client starts from what was just read: its first token needs no second read.
  const internals = clientInternals(client);
  if (credentials) internals?.adopt(credentials, read.version);
  if (store.kind === 'file' && credentials) {
    for (const loose of looseModes(store.location)) {
      diagnostics.push(
        diagnostic(
          'CREDENTIALS_INSECURE_MODE',
          `The credentials ${loose.kind} ${loose.path} has mode ${loose.mode.toString(8).padStart(4, '0')}: others on this machine may ${loose.kind === 'file' ? 'read the login' : 'reach the login'}. The next write sets 0600 in 0700.`,
          { path: loose.path },
        ),
      );
    }
  }
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
  const requested: Candidate[] = [overrideCandidate(options.overrides?.model, 'model'), settingCandidate(ctx.settings.modelName, 'model.name')];
  const asked = choose(requested);
  if (asked && asked.value !== QWEN_OAUTH_MODEL) {
    diagnostics.push(
      diagnostic('OAUTH_MODEL_UNSUPPORTED', `Qwen OAuth serves only '${QWEN_OAUTH_MODEL}'; the requested model '${redactText(asked.value, 80)}' is not used.`),
    );
  }
  const model: Provenance =
    asked?.value === QWEN_OAUTH_MODEL
      ? asked.provenance
      : { kind: 'default', scope: 'built-in', detail: `Qwen OAuth serves only ${QWEN_OAUTH_MODEL}`, shadowed: asked ? [asked.provenance] : [] };

  // resource_url receives the access token: it is checked (see oauth/base-url.ts) before it is used.
  const { store: _store, ...endpointOptions } = options.oauth ?? {};
  const resourcePolicy = { tokenEndpoint: resolveEndpoints(endpointOptions).tokenEndpoint, allowedHosts: options.oauth?.allowedResourceHosts };
  const { baseUrl, rejected } = baseUrlFromResourceUrl(credentials.resourceUrl, resourcePolicy);
  if (rejected) {
    diagnostics.push(
      diagnostic(
        'RESOURCE_URL_REJECTED',
        `The login's resource_url ${JSON.stringify(redactText(credentials.resourceUrl, 80))} was not used: ${rejected}. Requests go to ${baseUrl}.`,
        store.kind === 'file' ? { path: store.location } : {},
      ),
    );
  }
  const baseSource: Provenance =
    credentials.resourceUrl && !rejected
      ? {
          kind: 'provider-default',
          scope: 'built-in',
          provider: 'qwen-oauth',
          detail: 'resource_url of the Qwen OAuth login',
          ...(store.kind === 'file' && { path: store.location }),
          shadowed: [],
        }
      : { kind: 'default', scope: 'built-in', detail: rejected ? 'the resource_url of the login was rejected' : 'the login has no resource_url', shadowed: [] };

  const registry = ctx.registry;
  const definition = registry.get('qwen-oauth');
  const provider = definition && toProviderMatch(definition, 'auth-type');
  const discontinued = definition && discontinuedDiagnostic(definition, ctx.now());
  if (discontinued) diagnostics.push(discontinued);

  // Tokens through the client (a refresh's error in the caller's wording), tracked for the live base URL.
  // The library's own path takes the client's credentials as they are (no redacted copy per call).
  const getCredentials = internals ? internals.getCredentials : client.getCredentials;
  const tokens = oauthCredentialProvider(
    {
      getCredentials: isCustomWording(wording) ? (o) => getCredentials(o).catch((error: unknown) => Promise.reject(reworded(error, wording))) : getCredentials,
      invalidate: (t) => client.invalidate(t),
      ...(internals && { peek: internals.peek }),
    },
    credentials,
    resourcePolicy,
  );
  const methods = requestMethods({
    provider: tokens,
    env: requestEnv(ctx),
    ...(options.fetch && { transport: options.fetch }),
    model: QWEN_OAUTH_MODEL,
    oauth: true,
    registry,
    wording,
  });
  const where = { store: store.kind, ...(store.kind === 'file' && { path: store.location }) };
  const data = {
    type: 'qwen-oauth' as const,
    model: QWEN_OAUTH_MODEL,
    sources: { authType, baseUrl: baseSource, model },
    envFile: ctx.envFile,
    provider,
    diagnostics: Object.freeze(diagnostics),
    qwenDir: ctx.qwenDir,
  };
  // baseUrl and credentials.expiresAt are live: they follow the credentials last handed out
  // (a refresh may bring a new resource_url). The views show them as they are now.
  const result = Object.defineProperties(
    {
      ...data,
      credentials: Object.freeze(
        Object.defineProperty({ ...where }, 'expiresAt', { get: () => tokens.credentials().expiresAt, enumerable: true }),
      ) as QwenOAuthAuth['credentials'],
      ...methods,
      getAccessToken: methods.getToken,
    },
    { baseUrl: { get: () => tokens.baseUrl(), enumerable: true } },
  ) as QwenOAuthAuth;
  const { type, ...rest } = data;
  const view = (): object => ({
    type,
    baseUrl: tokens.baseUrl(),
    ...rest,
    credentials: { ...where, expiresAt: tokens.credentials().expiresAt },
  });
  return Object.freeze(withRedactedView(result, view));
}
