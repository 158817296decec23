import { addOnce, diagnostic, type Diagnostic } from '../diagnostics.js';
import type { EffectiveSettings, ProviderEntry } from '../settings/types.js';
import type { ResolutionContext } from './context.js';
import { type Candidate, envCandidate, overrideCandidate, settingCandidate } from './provenance.js';
import { entryKey, type EntriesByType, providerProtocolOf } from './provider-protocols.js';
import type { ResolvedType024 } from './auth-type-024.js';
import { variablesOf } from './dialects.js';

/** The model the user asked for, and how (spec 0.24 §1.5.1, §2 rule 7). */
export interface ModelRequest {
  readonly candidate: Candidate & { readonly value: string };
  /** From `model.name`: then `model.baseUrl` may pin the entry, and every model variable is ignored. */
  readonly fromSettings: boolean;
}

/**
 * `overrides.model`, else `model.name`, else the first set model variable of
 * the type (Qwen Code tests them for being non-empty).
 */
export function requestedModel(ctx: ResolutionContext, type: ResolvedType024): ModelRequest | undefined {
  const override = ctx.options.overrides?.model;
  if (override) return { candidate: { ...overrideCandidate(override, 'model'), value: override }, fromSettings: false };
  const name = ctx.settings.modelName?.value;
  if (name) return { candidate: { ...settingCandidate(ctx.settings.modelName, 'model.name'), value: name }, fromSettings: true };
  for (const variable of variablesOf(type).model) {
    const c = envCandidate(ctx.env, variable, ctx.diagnostics);
    if (c.value) return { candidate: { ...c, value: c.value }, fromSettings: false };
  }
  return undefined;
}

/** `model.baseUrl` when the model came from `model.name` (null and '' kept: they prefer entries without a base URL). */
function pinnedBaseUrl(request: ModelRequest | undefined, settings: EffectiveSettings): string | null | undefined {
  return request?.fromSettings && settings.modelBaseUrl ? settings.modelBaseUrl.value : undefined;
}

/**
 * The wire switch (spec 0.24 §1.5.2): a requested model declared only on the
 * other OpenAI wire switches `openai` ↔ `openai-responses`. Candidates are the
 * entries with that id of the current type, or of either wire when the entry
 * says so (`wireApi`, or an id routed to `openai-responses`); the current
 * type is preferred, and with `model.baseUrl`, the entries with that base URL.
 */
export function switchWire(
  type: ResolvedType024,
  request: ModelRequest | undefined,
  byType: EntriesByType,
  settings: EffectiveSettings,
): { type: ResolvedType024; because?: ProviderEntry } {
  if (!request || (type !== 'openai' && type !== 'openai-responses')) return { type };
  const id = request.candidate.value;
  const candidates = byType.all.filter(
    (t) =>
      t.entry.id === id &&
      (t.protocol === type ||
        ((t.entry.wireApi !== undefined || providerProtocolOf(t.entry.provider, settings) === 'openai-responses') &&
          (t.protocol === 'openai' || t.protocol === 'openai-responses'))),
  );
  const preferred = (list: typeof candidates) => list.find((t) => t.protocol === type) ?? list[0];
  const pinned = pinnedBaseUrl(request, settings);
  const exact = pinned === undefined ? undefined : preferred(candidates.filter((t) => (t.entry.baseUrl || null) === (pinned || null)));
  const pick = exact ?? preferred(candidates);
  if (!pick || pick.protocol === type) return { type };
  return { type: pick.protocol as ResolvedType024, because: pick.entry };
}

/** The entry that decides, and whether the request (or the default model) named it. */
export interface Selection {
  readonly entry: ProviderEntry;
  /** The request that names it; undefined when the type's default model id names it. */
  readonly request: ModelRequest | undefined;
}

/**
 * The entry of the type that the requested model names (spec 0.24 §2 rule 7):
 * with `model.baseUrl` (model from `model.name`), the one with that base URL,
 * else the first id match with MODEL_BASEURL_STALE. Without a request, the
 * type's default model id (`qwen3.7-max` for openai) selects an entry the same
 * way (measured on 0.24.4: a Token Plan entry `qwen3.7-max` is used).
 */
export function selectEntry(
  entries: readonly ProviderEntry[],
  request: ModelRequest | undefined,
  type: ResolvedType024,
  settings: EffectiveSettings,
  diagnostics: Diagnostic[],
): Selection | undefined {
  if (!request) {
    const id = variablesOf(type).defaultModel;
    const entry = entries.find((e) => e.id === id && !e.baseUrl) ?? entries.find((e) => e.id === id);
    return entry && { entry, request: undefined };
  }
  const id = request.candidate.value;
  const pinned = pinnedBaseUrl(request, settings);
  if (pinned) {
    const exact = entries.find((e) => e.id === id && e.baseUrl === pinned);
    if (exact) return { entry: exact, request };
    const first = entries.find((e) => e.id === id);
    if (first) {
      addOnce(
        diagnostics,
        diagnostic(
          'MODEL_BASEURL_STALE',
          `model.baseUrl ${JSON.stringify(pinned)} in ${settings.modelBaseUrl!.path} no longer matches an entry for '${id}' (${type}); ` +
            `the first id match, ${entryKey(first)} (${first.baseUrl ?? 'no baseUrl'}), is used, as Qwen Code 0.24 does.`,
          { key: 'model.baseUrl', path: settings.modelBaseUrl!.path },
        ),
      );
      return { entry: first, request };
    }
    return undefined;
  }
  const entry = entries.find((e) => e.id === id);
  return entry && { entry, request };
}
