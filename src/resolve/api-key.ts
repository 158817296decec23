/**
 * How the key is chosen: the key, base URL and model of an API-key type
 * (`openai`, and under Qwen Code 0.24's rules `openai-responses` and
 * `anthropic`), each with its source, for both dialects (resolution.md §4,
 * qwen-code-0.24.md §2 rules 7–12). One algorithm; what differs between the
 * versions is read from the dialect table (dialects.ts):
 *
 * 1. the chains of the type (chains.ts): overrides > the type's variables >
 *    `security.auth.*`; the model with `model.name` in the dialect's order;
 * 2. the requested model, and (0.24) the wire it is declared on, which may
 *    switch `openai` ↔ `openai-responses`; then `security.auth.enforcedType`;
 * 3. the `modelProviders` entry it names, or the first standing in
 *    (model-providers.ts);
 * 4. an entry decides: its id, its `envKey` and `baseUrl` — alone (0.12), or
 *    above the chains (0.24); without one, the chains, filled in by the
 *    provider registry where the dialect says so (0.12), then the defaults;
 * 5. a missing key is returned (missing-key.ts words it); a type without
 *    a default base URL meets the dialect's rule (0.24: anthropic);
 * 6. the checks on the key and base URL (value-checks.ts), the endpoint and
 *    the key's header of the type's wire.
 */
import { addOnce, diagnostic } from '../diagnostics.js';
import { redact } from '../redact.js';
import type { ProviderEntry } from '../settings/types.js';
import type { Diagnostic, Provenance, ProviderMatch, QwenCodeAuthType } from '../types.js';
import type { ResolutionContext } from './context.js';
import type { KeyHeader } from '../requests/types.js';
import { type Candidate, choose, type Chosen, describeSource, envCandidate, isPresent, sourcesOfPresent } from './provenance.js';
import { entriesByType, entryKey } from './provider-protocols.js';
import { buildChains, type Chains } from './chains.js';
import { pinnedBaseUrl, requestedModel, type Selection, selectEntry } from './model-providers.js';
import type { Dialect, TypeVariables } from './dialects.js';
import { enforceAuthType } from './auth-type.js';
import { checkKeyAndBase } from './value-checks.js';
import { trustedGatewaysOf } from './trusted-gateways.js';
import { transportView } from './transport-env.js';
import { wordingOf } from './wording.js';
import type { MissingKey } from './missing-key.js';

/** The values of an API-key result, before the request side is attached. */
export interface KeyValues {
  /** The type after the wire switch. */
  readonly type: string;
  readonly apiKey: string;
  readonly baseUrl: string;
  readonly model: string;
  readonly endpoint: string;
  readonly keyHeader: KeyHeader;
  readonly sources: { readonly authType: Provenance; readonly apiKey: Provenance; readonly baseUrl: Provenance; readonly model: Provenance };
  readonly provider: ProviderMatch | undefined;
  /** The `modelProviders` entry that decided, if one did. */
  readonly entry: ProviderEntry | undefined;
  /** The context's diagnostics and this step's. */
  readonly diagnostics: readonly Diagnostic[];
}

/** Values, or what is known about the missing key (so the default mode can go on to a login without throwing). */
export type KeyResolution = { readonly ok: true; readonly values: KeyValues } | { readonly ok: false; readonly missing: MissingKey };

const entrySource = (entry: ProviderEntry, field: string): Provenance => ({
  kind: 'settings',
  path: entry.path,
  scope: entry.scope,
  key: `${entryKey(entry)}.${field}`,
  shadowed: [],
});

const builtIn = (value: string, detail: string): Chosen => ({ value, provenance: { kind: 'default', scope: 'built-in', detail, shadowed: [] } });

/** What step 4 produces; a missing key or base URL is left for the checks. */
interface FieldValues {
  readonly apiKey: Chosen | undefined;
  /** Undefined only for a type without a default base URL (anthropic). */
  readonly baseUrl: Chosen | undefined;
  readonly model: Chosen;
  /** The variables read for the key, highest first. */
  readonly keyVariables: readonly string[];
  /** Settings keys read for the key. */
  readonly settingsKeys: readonly string[];
}

/** The entry decides (step 4). */
function fromEntry(ctx: ResolutionContext, dialect: Dialect, chains: Chains, v: TypeVariables, selection: Selection, diagnostics: Diagnostic[]): FieldValues {
  const { entry } = selection;
  const at = entryKey(entry);
  const fallsBack = dialect.models.entryFallsBackToChains && !selection.standsIn;
  // Its key variable: its envKey; where it decides alone, the type's key variable when it names none.
  const variable = entry.envKey?.trim() || (dialect.models.entryFallsBackToChains ? undefined : v.apiKey[0]);
  const own: Candidate[] = [];
  if (variable) {
    const c = envCandidate(ctx.env, variable, diagnostics);
    own.push({ ...c, source: { ...c.source, detail: `${at}.envKey` } });
  }
  const keyChain = [...chains.keyHead, chains.keyTail];
  let apiKey = choose(fallsBack ? [...own, ...keyChain] : own);
  if (apiKey && !fallsBack) {
    const others = keyChain.filter((c) => c.source.name !== variable);
    apiKey = { ...apiKey, provenance: { ...apiKey.provenance, shadowed: [...apiKey.provenance.shadowed, ...sourcesOfPresent(others)] } };
  }

  const entryBase: Candidate = { value: entry.baseUrl, source: entrySource(entry, 'baseUrl') };
  // Named by the type's default model (nothing requested), the entry is applied only in
  // Qwen Code 0.24's auth refresh, which keeps a base URL already resolved from the chains
  // (overrides > variables > security.auth.baseUrl); its baseUrl only fills in.
  const chainsFirst = fallsBack && selection.request === undefined && !selection.standsIn;
  let baseUrl = choose(!fallsBack ? [entryBase] : chainsFirst ? [...chains.baseUrl, entryBase] : [entryBase, ...chains.baseUrl]);
  if (!baseUrl && v.entryDefaultBaseUrl) baseUrl = builtIn(v.entryDefaultBaseUrl, `${at} has no baseUrl: the OpenAI SDK's default`);
  if (baseUrl && !fallsBack) baseUrl = { ...baseUrl, provenance: { ...baseUrl.provenance, shadowed: sourcesOfPresent(chains.baseUrl) } };

  // Named by the request: the request is the model's source. Otherwise the entry is, itself.
  const byRequest = selection.request?.candidate;
  const otherModels = byRequest ? chains.model.filter((c) => c !== byRequest) : chains.model;
  const model: Chosen = {
    value: entry.id,
    provenance: {
      ...(byRequest
        ? { ...byRequest.source, detail: `selects ${at}` }
        : selection.standsIn
          ? entrySource(entry, 'id')
          : { ...entrySource(entry, 'id'), detail: `the default model '${entry.id}' selects ${at}` }),
      shadowed: sourcesOfPresent(otherModels),
    },
  };

  if (!fallsBack && !selection.standsIn) {
    // The entry decides alone: a key or base URL given as an override is dropped; say so.
    const wording = wordingOf(ctx.options);
    for (const field of ['apiKey', 'baseUrl'] as const) {
      if (!isPresent(ctx.options.overrides?.[field])) continue;
      const name = describeSource({ kind: 'override', key: field }, { flags: wording.flags === true });
      diagnostics.push(
        diagnostic('OVERRIDE_IGNORED', `${name} is ignored: ${at} in ${entry.path} is selected by the model and decides the key and base URL alone.`, {
          key: field,
        }),
      );
    }
  }
  return {
    apiKey,
    baseUrl,
    model,
    keyVariables: [...(variable ? [variable] : []), ...(fallsBack ? v.apiKey.filter((n) => n !== variable) : [])],
    // Where the entry may fall back, security.auth.apiKey is named unless it names its own variable.
    settingsKeys: dialect.models.entryFallsBackToChains && !entry.envKey?.trim() ? ['security.auth.apiKey'] : [],
  };
}

/** No entry decides (step 4): the chains, the registry where the dialect lets it fill in, the defaults. */
function fromLayers(ctx: ResolutionContext, dialect: Dialect, type: string, chains: Chains, v: TypeVariables, diagnostics: Diagnostic[]): FieldValues {
  const registry = ctx.registry;
  const fills = dialect.models.registryFillsLayers;
  const configured = choose(chains.baseUrl);
  // The default mode: the variable of the provider whose endpoint is configured, between the key variables and the settings key.
  const configuredProvider = fills && configured ? registry.matchBaseUrl(configured.value)?.provider : undefined;
  const providerVars = (configuredProvider?.envKeys ?? []).filter((n) => !v.apiKey.includes(n));
  const apiKey = choose([...chains.keyHead, ...providerVars.map((n) => envCandidate(ctx.env, n, diagnostics)), chains.keyTail]);

  // The default mode: with no base URL configured, the endpoint the key's prefix implies (a Coding Plan key).
  let implied: Candidate | undefined;
  if (fills && apiKey && !configured) {
    const owner = registry.matchKey(apiKey.value).find((p) => p.impliedByKey && p.endpoints.length > 0);
    if (owner) {
      const endpoint = owner.endpoints[0]!.baseUrl;
      implied = { value: endpoint, source: { kind: 'provider-default', scope: 'built-in', provider: owner.id, detail: 'implied by the key prefix' } };
      diagnostics.push(
        diagnostic(
          'ENDPOINT_IMPLIED_BY_KEY',
          `No base URL is configured and the key ${redact(apiKey.value)} belongs to ${owner.name}, so ${endpoint} is used. Set OPENAI_BASE_URL to choose another endpoint.`,
        ),
      );
    }
  }
  const defaultBase: Candidate[] = v.defaultBaseUrl
    ? [{ value: v.defaultBaseUrl, source: { kind: 'default', scope: 'built-in', detail: 'the built-in default' } }]
    : [];
  const baseUrl = choose([...chains.baseUrl, ...(implied ? [implied] : []), ...defaultBase]);

  const provider = fills && baseUrl ? registry.matchBaseUrl(baseUrl.value)?.provider : undefined;
  const providerModel: Candidate[] = provider?.defaultModel
    ? [{ value: provider.defaultModel, source: { kind: 'provider-default', scope: 'built-in', provider: provider.id } }]
    : [];
  const model = choose([
    ...chains.model,
    ...providerModel,
    { value: v.defaultModel, source: { kind: 'default', scope: 'built-in', detail: `the default model for ${type}` } },
  ])!;
  return { apiKey, baseUrl, model, keyVariables: [...v.apiKey, ...providerVars], settingsKeys: ['security.auth.apiKey'] };
}

/**
 * The key, base URL and model of `chosen`, an API-key type the dialect
 * resolves. `authType` is the type's source; with `enforce`, the type after the
 * wire switch meets `security.auth.enforcedType` here (the default mode's
 * inference checks it itself, once it knows a key was found).
 * Throws INVALID_BASE_URL, MISSING_BASE_URL, UNSUPPORTED_AUTH_TYPE (a model
 * on a wire the dialect refuses), ENFORCED_AUTH_TYPE_MISMATCH; a missing key
 * is returned, not thrown.
 */
export function resolveKeyValues(ctx: ResolutionContext, chosen: string, authType: Provenance, enforce: boolean): KeyResolution {
  const dialect = ctx.dialect;
  const diagnostics: Diagnostic[] = [];
  const chainInputs = { overrides: ctx.options.overrides ?? {}, env: ctx.env, settings: ctx.settings, diagnostics };
  const byType = entriesByType(ctx.settings, ctx.diagnostics);

  // Step 2: the request (by the chosen type's variables), then the wire it is declared on.
  let chains = buildChains(chainInputs, dialect.variables[chosen as QwenCodeAuthType]!, dialect);
  const request = requestedModel(chains);
  const wire = dialect.switchWire?.(chosen, request?.candidate.value, pinnedBaseUrl(request, ctx.settings), byType, ctx.settings) ?? { type: chosen };
  const type = wire.type as QwenCodeAuthType;
  const v = dialect.variables[type]!;
  if (type !== chosen) chains = buildChains(chainInputs, v, dialect);
  const source = wire.because
    ? { ...authType, detail: `${chosen}, switched to ${type}: '${wire.because.id}' is declared on that wire (${entryKey(wire.because)})` }
    : authType;
  // settings-layers.md §3: the current type, after the switch, against security.auth.enforcedType.
  if (enforce) enforceAuthType(ctx, type, source);

  // Steps 3–4.
  const selection = selectEntry(dialect, type, request, chains, byType, ctx.settings, diagnostics);
  const c = selection ? fromEntry(ctx, dialect, chains, v, selection, diagnostics) : fromLayers(ctx, dialect, type, chains, v, diagnostics);

  // Step 5: the key and the base URL, in the dialect's order. Qwen Code 0.24
  // checks the key first, except with security.auth.useExternal, where the
  // auth refresh reports every missing value and the missing base URL decides
  // (requireBaseUrl knows which; it throws MISSING_BASE_URL).
  const base = dialect.requireBaseUrl ? dialect.requireBaseUrl(ctx.settings, ctx.env, type, selection?.entry, c.baseUrl, !c.apiKey) : c.baseUrl;
  if (!c.apiKey) {
    const entry = selection?.entry;
    const requires = entry && (entry.envKey?.trim() || (dialect.models.entryFallsBackToChains ? undefined : c.keyVariables[0]));
    return {
      ok: false,
      missing: {
        type,
        variables: c.keyVariables,
        settingsKeys: c.settingsKeys,
        ...(entry && {
          entry: {
            at: entryKey(entry),
            path: entry.path,
            matched: selection.request !== undefined,
            ...(requires && { requires }),
          },
        }),
      },
    };
  }
  // Step 6: the checks on what was chosen, the endpoint and the key's header.
  // A key was found, so the dialect checked the base URL and returned it.
  const speaks = dialect.wires[type]!;
  const checked = checkKeyAndBase(c.apiKey, base!, {
    registry: ctx.registry,
    wording: wordingOf(ctx.options),
    trustedGateways: trustedGatewaysOf(ctx.options.trustedGateways, transportView(ctx)),
    now: ctx.now(),
    keyEndpointMismatch: dialect.keyEndpointMismatch,
    protocol: speaks.protocol,
  });
  const all = [...ctx.diagnostics];
  for (const d of [...diagnostics, ...checked.diagnostics]) addOnce(all, d);
  return {
    ok: true,
    values: {
      type,
      apiKey: checked.apiKey,
      baseUrl: checked.baseUrl,
      model: c.model.value,
      endpoint: speaks.endpoint(checked.baseUrl),
      keyHeader: speaks.keyHeader?.(checked.baseUrl) ?? 'authorization',
      sources: { authType: { ...source, shadowed: source.shadowed ?? [] }, apiKey: c.apiKey.provenance, baseUrl: base!.provenance, model: c.model.provenance },
      provider: checked.provider,
      entry: selection?.entry,
      diagnostics: all,
    },
  };
}
