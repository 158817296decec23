/**
 * Where a credential may go (issue 16): only to a destination named by the
 * same or a more trusted scope than the credential's own — overrides, the
 * real environment, system settings, user settings and home `.env` files,
 * workspace settings and project `.env` files, in that order. Destinations
 * are the base URL, the `modelProviders` entry that decided (its `baseUrl`,
 * and its `envKey` when that picks a credential from a more trusted scope)
 * and the proxy a request goes through. Exceptions, and only these: the
 * endpoint is a known vendor's (exact origin, never loopback), the folder is
 * trusted in Qwen Code's trusted-folders file, or the caller vouches with
 * `trustWorkspace: true`. Besides, a workspace file never gets a secret of
 * a more trusted scope into a URL or an `envKey` through `$VAR` expansion.
 */
import { join } from 'node:path';
import { diagnostic, type Diagnostic } from '../diagnostics.js';
import { type AuthErrorDetails, QwenAuthError, type RemedyWording, trustPhrases } from '../errors.js';
import { isLoopbackHost, parseHttpUrl } from '../internal/url.js';
import type { ProviderRegistry } from '../providers/types.js';
import { redactText, redactUrl } from '../redact.js';
import type { ProviderEntry } from '../settings/types.js';
import { folderTrustOf, readTrustRules } from '../settings/trusted-folders.js';
import type { Provenance, Scope, ValueSource } from '../types.js';
import type { ResolutionContext } from './context.js';
import { describeSource } from './provenance.js';
import { entryKey } from './provider-protocols.js';
import { SCOPE_RANK } from './scope.js';
import { requestEnv, scopeIn, TRANSPORT_VARIABLES, transportValue } from './transport-env.js';
import { wordingOf } from './wording.js';

/** What a chosen credential is about to be sent with. */
export interface DestinationInputs {
  /** The credential's source. */
  readonly apiKey: Provenance;
  /** The credential itself (compared, never shown). */
  readonly apiKeyValue: string;
  readonly baseUrl: string;
  readonly baseSource: Provenance;
  /** The `modelProviders` entry that decided, if one did. */
  readonly entry?: ProviderEntry | undefined;
}

/** Why a destination is allowed. */
export type DestinationTrust = 'same-or-more-trusted-scope' | 'known-vendor' | 'trusted-folder' | 'trust-workspace';

/** The facts of an untrusted destination: the error's details. */
export type UntrustedDestination = AuthErrorDetails['UNTRUSTED_DESTINATION'];

/** Qwen Code's trusted-folders verdict for the working folder (TRUST_FOLDER / TRUST_PARENT: trusted, whether or not folder trust is on). */
function folderIsTrusted(ctx: ResolutionContext): boolean {
  // The context's verdict is 'undecided' while folder trust is off: judge again from the same rules file.
  const known = ctx.trust.file;
  const file = known.exists ? known : readTrustRules(known.path);
  return folderTrustOf(file.rules, ctx.cwd, ctx.qwenCode).verdict === 'trusted';
}

/** True when `url`'s origin is the origin of an endpoint of a provider in the registry (https, not this machine). */
export function isKnownVendorOrigin(registry: ProviderRegistry, url: URL): boolean {
  if (url.protocol !== 'https:' || isLoopbackHost(url.hostname)) return false;
  return registry.providers.some((p) => p.endpoints.some((e) => parseHttpUrl(e.baseUrl)?.origin === url.origin));
}

/** Names whose values are secrets (`…KEY`, `…TOKEN`, …), for the `$VAR` check. */
const SECRET_NAME = /KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIAL|SESSION|COOKIE/i;

/** A value that is itself a URL or a list of them (a gateway list, a proxy) is not taken for a secret. */
const looksLikeUrl = (value: string): boolean => value.includes('://');
const MIN_SECRET_LENGTH = 8;

/**
 * Secret values a workspace file must not get into a URL or envKey: the
 * credential (unless a workspace file gave it), and the values of
 * secret-named variables of the environment, home `.env` files and
 * non-workspace `settings.env` (names of registry variables included).
 */
function trustedSecrets(ctx: ResolutionContext, inputs?: DestinationInputs): { name: string; value: string }[] {
  const registryVars = new Set(ctx.registry.providers.flatMap((p) => p.envKeys));
  const names = new Set<string>(Object.keys(ctx.realEnv));
  for (const f of ctx.envFile ? [ctx.envFile, ...ctx.envFile.fallbacks] : []) for (const n of f.applied) names.add(n);
  for (const e of ctx.settings.env) names.add(e.name);
  const out: { name: string; value: string }[] = [];
  if (inputs && scopeIn(ctx, inputs.apiKey) !== 'workspace' && inputs.apiKeyValue.trim().length >= MIN_SECRET_LENGTH) {
    out.push({ name: describeSource(inputs.apiKey), value: inputs.apiKeyValue.trim() });
  }
  for (const name of names) {
    if ((!SECRET_NAME.test(name) && !registryVars.has(name)) || TRANSPORT_VARIABLES.includes(name)) continue;
    const c = ctx.env.get(name);
    if (!c || c.value.trim().length < MIN_SECRET_LENGTH || looksLikeUrl(c.value) || scopeIn(ctx, c.source) === 'workspace') continue;
    out.push({ name, value: c.value.trim() });
  }
  return out;
}

/** The file a source names (for messages and `qwen-auth trust`). */
const fileOf = (source: ValueSource): string | undefined => source.path;

/** The proxy a request to `url` goes through (from the trusted view), or undefined. */
function proxyFor(ctx: ResolutionContext, url: URL): { origin: string; source: ValueSource } | undefined {
  const names = url.protocol === 'https:' ? ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY'] : ['http_proxy', 'HTTP_PROXY'];
  const env = requestEnv(ctx);
  const name = names.find((n) => typeof env[n] === 'string' && env[n]!.trim() !== '');
  if (!name) return undefined;
  const noProxy = (env.no_proxy ?? env.NO_PROXY ?? '').split(/[\s,]+/).filter(Boolean);
  const host = url.hostname.toLowerCase();
  if (
    noProxy.some((e) => e === '*' || host === e.replace(/^\*?\./, '').replace(/:\d+$/, '') || host.endsWith(`.${e.replace(/^\*?\./, '').replace(/:\d+$/, '')}`))
  ) {
    return undefined;
  }
  const proxy = parseHttpUrl(env[name]!.trim());
  const source = transportValue(ctx, name)?.source ?? { kind: 'env', name };
  return proxy ? { origin: proxy.origin, source } : undefined;
}

/**
 * A chooser less trusted than the credential is refused when it is a
 * workspace file: the one scope someone else can write (a cloned repository).
 * The environment, system settings, user settings and home `.env` files are
 * the user's own or their administrator's; between them the order decides
 * which value wins, not whether the key may go there.
 */
function isRefusable(chooser: Scope, credential: Scope): boolean {
  return chooser === 'workspace' && SCOPE_RANK[chooser] > SCOPE_RANK[credential];
}

/** The outcome of the check. */
export type DestinationVerdict =
  | { readonly ok: true; readonly trust: DestinationTrust }
  | { readonly ok: false; readonly untrusted: UntrustedDestination; readonly message: string };

/** Decides whether the credential may go where it is about to go. */
export function destinationVerdict(ctx: ResolutionContext, inputs: DestinationInputs): DestinationVerdict {
  const entry = inputs.entry;
  const baseScope = scopeIn(ctx, inputs.baseSource);
  // Only a workspace file can be refused, and only a workspace base URL or entry can choose (the proxy is
  // taken from trusted layers only, transport-env.ts): without one, nothing below can say no.
  if (baseScope !== 'workspace' && entry?.scope !== 'workspace') {
    return { ok: true, trust: ctx.options.trustWorkspace === true ? 'trust-workspace' : 'same-or-more-trusted-scope' };
  }
  return workspaceVerdict(ctx, inputs, baseScope);
}

/** The verdict when a workspace file chose the base URL or the entry (its own function: most resolves never compile it). */
function workspaceVerdict(ctx: ResolutionContext, inputs: DestinationInputs, baseScope: Scope): DestinationVerdict {
  const entry = inputs.entry;
  const keyScope = scopeIn(ctx, inputs.apiKey);
  const credential = describeSource(inputs.apiKey, { flags: wordingOf(ctx.options).flags === true });
  const url = parseHttpUrl(inputs.baseUrl.trim());
  const origin = url ? url.origin : redactText(redactUrl(inputs.baseUrl), 120);
  const entrySource: ValueSource | undefined = entry && { kind: 'settings', key: entryKey(entry), path: entry.path, scope: entry.scope };
  const fail = (u: Omit<UntrustedDestination, 'credential' | 'credentialScope' | 'folder'>, message: string): DestinationVerdict => ({
    ok: false,
    untrusted: { credential, credentialScope: keyScope, folder: ctx.cwd, ...u },
    message,
  });

  // 1. $VAR: a workspace file never gets a secret of a more trusted scope into a URL or an envKey. No exception.
  const places: { text: string; source: ValueSource; what: string }[] = [];
  if (baseScope === 'workspace') places.push({ text: inputs.baseUrl, source: inputs.baseSource, what: 'the base URL' });
  if (entry && entrySource && entry.scope === 'workspace') {
    if (entry.baseUrl) places.push({ text: entry.baseUrl, source: { ...entrySource, key: `${entryKey(entry)}.baseUrl` }, what: 'the base URL' });
    if (entry.envKey) places.push({ text: entry.envKey, source: { ...entrySource, key: `${entryKey(entry)}.envKey` }, what: 'the envKey' });
  }
  const secrets = places.length > 0 ? trustedSecrets(ctx, inputs) : [];
  for (const place of places) {
    const secret = secrets.find((s) => place.text.includes(s.value));
    if (!secret) continue;
    const path = fileOf(place.source);
    // The origin itself may hold the secret (`http://$TOKEN.example`): then it is not shown.
    const shown = place.what === 'the envKey' ? '(an envKey)' : origin.includes(secret.value) ? '(withheld: it holds a secret)' : origin;
    return fail(
      { origin: shown, chosenBy: describeSource(place.source), chooserScope: 'workspace', via: 'expansion', ...(path !== undefined && { path }) },
      `${describeSource(place.source)} puts the value of ${secret.name} into ${place.what} ` +
        `(a $VAR reference in a workspace file); qwen-auth never lets a file in the working folder put a secret from a more trusted place into a URL or an envKey.`,
    );
  }
  if (ctx.options.trustWorkspace === true) return { ok: true, trust: 'trust-workspace' };

  // 2. The choosers: the base URL's source, and the entry that decided (its baseUrl and, when it picked the key, its envKey).
  const choosers: { source: ValueSource; via: UntrustedDestination['via']; origin: string }[] = [{ source: inputs.baseSource, via: 'base-url', origin }];
  if (entry && entrySource) {
    choosers.push({ source: { ...entrySource, key: `${entryKey(entry)}.baseUrl` }, via: 'model-provider', origin });
    if (entry.envKey && inputs.apiKey.detail?.endsWith('.envKey'))
      choosers.push({ source: { ...entrySource, key: `${entryKey(entry)}.envKey` }, via: 'env-key', origin });
  }
  const proxy = url && proxyFor(ctx, url);
  if (proxy) choosers.push({ source: proxy.source, via: 'proxy', origin: proxy.origin });

  let vendorChecked: boolean | undefined;
  let folderChecked: boolean | undefined;
  for (const c of choosers) {
    const scope = scopeIn(ctx, c.source);
    // Only a workspace file (a project .env, .qwen/settings.json) is refused: every scope above it is the user's own or their admin's.
    if (!isRefusable(scope, keyScope)) continue;
    if (c.via !== 'proxy') {
      vendorChecked ??= url !== undefined && isKnownVendorOrigin(ctx.registry, url);
      if (vendorChecked) continue;
    }
    if (scope === 'workspace') {
      folderChecked ??= folderIsTrusted(ctx);
      if (folderChecked) continue;
    }
    const chosenBy = describeSource(c.source, { flags: wordingOf(ctx.options).flags === true });
    const path = fileOf(c.source);
    const what = c.via === 'proxy' ? `through the proxy ${c.origin}` : `to ${c.origin}`;
    return fail(
      { origin: c.origin, chosenBy, chooserScope: scope, via: c.via, ...(path !== undefined && { path }) },
      `The key from ${credential} would be sent ${what}, which ${chosenBy} chose: a ${scope} ${c.source.kind === 'env-file' ? '.env file' : 'setting'} ` +
        `may not choose where a credential from a more trusted place (${keyScope}) goes.`,
    );
  }
  const anyLess = choosers.some((c) => isRefusable(scopeIn(ctx, c.source), keyScope));
  if (!anyLess) return { ok: true, trust: 'same-or-more-trusted-scope' };
  return { ok: true, trust: vendorChecked ? 'known-vendor' : 'trusted-folder' };
}

/**
 * A workspace `modelProviders` entry whose `envKey` holds a secret of a more
 * trusted scope (put there by `$VAR`): checked before any entry is chosen,
 * since a missing-key message would name the envKey. Undefined when none does.
 */
export function envKeyExpansionVerdict(ctx: ResolutionContext): Extract<DestinationVerdict, { ok: false }> | undefined {
  const entries = ctx.settings.modelProviders.flatMap((l) => l.entries).filter((e) => e.scope === 'workspace' && e.envKey);
  if (entries.length === 0) return undefined;
  const secrets = trustedSecrets(ctx);
  for (const entry of entries) {
    const secret = secrets.find((s) => entry.envKey!.includes(s.value));
    if (!secret) continue;
    const source: ValueSource = { kind: 'settings', key: `${entryKey(entry)}.envKey`, path: entry.path, scope: entry.scope };
    return {
      ok: false,
      untrusted: {
        credential: secret.name,
        credentialScope: scopeIn(ctx, ctx.env.get(secret.name)?.source ?? { kind: 'env', name: secret.name }),
        origin: '(an envKey)',
        chosenBy: describeSource(source),
        chooserScope: 'workspace',
        path: entry.path,
        via: 'expansion',
        folder: ctx.cwd,
      },
      message:
        `${describeSource(source)} puts the value of ${secret.name} into the envKey (a $VAR reference in a workspace file); ` +
        'qwen-auth never lets a file in the working folder put a secret from a more trusted place into a URL or an envKey.',
    };
  }
  return undefined;
}

/** The remedy of an untrusted destination, in the caller's wording. */
export function untrustedRemedy(u: UntrustedDestination, wording: RemedyWording, commandExtra = ''): string {
  const p = trustPhrases(wording);
  const sameFile = 'or put the key and the endpoint in the same file';
  if (u.via === 'expansion') return `Remove the $VAR reference from ${u.path ?? 'the workspace file'}; a URL or envKey must not carry a secret.`;
  if (u.chooserScope === 'workspace') {
    return `If you trust this folder, ${p.command(u.folder, commandExtra)}${p.option ? `, or pass ${p.option}` : ''}; ${sameFile}.`;
  }
  return `Set the ${u.via === 'proxy' ? 'proxy' : 'endpoint'} where the key is set (the same file, or a more trusted place such as the environment)${p.option ? `, or pass ${p.option}` : ''}; ${sameFile}.`;
}

/** `qwen-auth trust` writes Qwen Code 0.24's file (in Qwen's home folder) only when told so. */
function commandExtra(ctx: ResolutionContext): string {
  const inQwenDir = ctx.dialect.layers.trustFileIn === 'qwen-dir';
  return inQwenDir && ctx.qwenDir !== join(ctx.homeDir, '.qwen') && ctx.options.trustCommand === 'qwen-auth trust' ? ` --qwen-code ${ctx.qwenCode}` : '';
}

/** UNTRUSTED_DESTINATION for a verdict that is not ok. */
export function untrustedError(ctx: ResolutionContext, verdict: Extract<DestinationVerdict, { ok: false }>): QwenAuthError<'UNTRUSTED_DESTINATION'> {
  return new QwenAuthError('UNTRUSTED_DESTINATION', verdict.message, {
    details: verdict.untrusted,
    remedy: untrustedRemedy(verdict.untrusted, wordingOf(ctx.options), commandExtra(ctx)),
  });
}

/** Throws UNTRUSTED_DESTINATION unless the credential may go where it is about to go. */
export function guardDestination(ctx: ResolutionContext, inputs: DestinationInputs): void {
  const verdict = destinationVerdict(ctx, inputs);
  if (!verdict.ok) throw untrustedError(ctx, verdict);
}

/** The same finding as a diagnostic (inspectEnvironment, `qwen-auth status`): never thrown. */
export function untrustedDiagnostic(ctx: ResolutionContext, verdict: Extract<DestinationVerdict, { ok: false }>): Diagnostic {
  const u = verdict.untrusted;
  return diagnostic(
    'UNTRUSTED_DESTINATION',
    verdict.message,
    { ...(u.path !== undefined && { path: u.path }), key: u.via },
    untrustedRemedy(u, wordingOf(ctx.options), commandExtra(ctx)),
  );
}
