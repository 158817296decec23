import { addOnce, diagnostic } from '../diagnostics.js';
import type { LayeredEnv } from '../env/layered-env.js';
import { QwenAuthError } from '../errors.js';
import { type Candidate, choose, describeSource, envCandidate, isPresent, overrideCandidate, sourcesOfPresent, settingCandidate } from './provenance.js';
import { entryKey, type EntriesByType } from './provider-protocols.js';
import type { EffectiveSettings, ProviderEntry } from '../settings/types.js';
import type { AuthOverrides, Diagnostic } from '../types.js';
import type { Chains, ChosenValues } from './chains.js';

/** Base URL of a `modelProviders` entry that has none. */
export const MODEL_PROVIDER_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/** The entry that decides, and the request that picked it (none when the first entry stands in). */
export interface SelectedEntry {
  readonly entry: ProviderEntry;
  readonly requested: Candidate | undefined;
}

/**
 * The entry among `entries` that a requested model names (spec 0.24 §3 D1):
 * the first with that id; when the model came from `model.name` and
 * `model.baseUrl` is set, the one with that base URL too, falling back to the
 * first id match with MODEL_BASEURL_STALE.
 */
export function entryForModel(
  entries: readonly ProviderEntry[],
  requested: Candidate,
  settings: EffectiveSettings,
  diagnostics: Diagnostic[],
): ProviderEntry | undefined {
  const matches = entries.filter((e) => e.id === requested.value);
  const pinned = settings.modelBaseUrl?.value;
  if (matches.length === 0 || requested.source.key !== 'model.name' || !pinned) return matches[0];
  const exact = matches.find((e) => e.baseUrl === pinned);
  if (exact) return exact;
  const first = matches[0]!;
  addOnce(
    diagnostics,
    diagnostic(
      'MODEL_BASEURL_STALE',
      `model.baseUrl ${JSON.stringify(pinned)} in ${settings.modelBaseUrl!.path} matches no entry with the id '${requested.value}'; ` +
        `the first one, ${entryKey(first)} (${first.baseUrl ?? 'no baseUrl'}), is used.`,
      { key: 'model.baseUrl', path: settings.modelBaseUrl!.path },
    ),
  );
  return first;
}

/**
 * The `openai` entry that decides alone, if any (spec §4, "Providers from
 * settings", with 0.24 §3 D1, D3–D5, D9): entries are those whose protocol is
 * `openai` (`modelProviders.openai`, ids `providerProtocol` maps to openai,
 * never the Responses wire). The one whose id is the requested model
 * (`overrides.model`, else `model.name`) wins; a request that only a
 * Responses entry answers is UNSUPPORTED_AUTH_TYPE; one that only another
 * protocol answers is reported. Otherwise the first entry, but only when
 * neither a key nor a base URL comes from outside `modelProviders`; a model
 * that it replaces is reported.
 */
export function selectModelProvider(
  overrides: AuthOverrides,
  settings: EffectiveSettings,
  chains: Chains,
  byType: EntriesByType,
  diagnostics: Diagnostic[],
): SelectedEntry | undefined {
  const entries = byType.of('openai');
  const requested = [overrideCandidate(overrides.model, 'model'), settingCandidate(settings.modelName, 'model.name')].find(
    (c) => typeof c.value === 'string' && c.value !== '',
  );
  if (requested) {
    const matched = entryForModel(entries, requested, settings, diagnostics);
    if (matched) return { entry: matched, requested };
    const responses = byType.of('openai-responses').find((e) => e.id === requested.value);
    if (responses) {
      const origin = `${entryKey(responses)} in ${responses.path}`;
      throw new QwenAuthError(
        'UNSUPPORTED_AUTH_TYPE',
        `The model '${requested.value}' (${describeSource(requested.source)}) is declared on the Responses wire (${origin}), ` +
          "which is not Chat Completions; qwen-auth's default mode resolves only 'openai' (Chat Completions) and 'qwen-oauth'.",
        {
          details: { value: 'openai-responses', origin, knownTo: 'Qwen Code 0.24', variables: ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OPENAI_MODEL'] },
          remedy:
            'Name a model declared for Chat Completions (OPENAI_MODEL, or model.name in settings.json), or use a tool that follows Qwen Code 0.24, which builds the Responses request.',
        },
      );
    }
    const elsewhere = byType.all.find((t) => t.entry.id === requested.value);
    if (elsewhere) {
      addOnce(
        diagnostics,
        diagnostic(
          'MODEL_ON_OTHER_PROTOCOL',
          `The model '${requested.value}' (${describeSource(requested.source)}) is declared only under ${entryKey(elsewhere.entry)} ` +
            `(${elsewhere.protocol}) in ${elsewhere.entry.path}, not for openai; it does not select an entry.`,
          { key: entryKey(elsewhere.entry), path: elsewhere.entry.path },
        ),
      );
    }
  }
  if (entries.length === 0) return undefined;
  const outside = [...chains.keyHead, chains.keyTail, ...chains.baseUrl].some((c) => isPresent(c.value));
  if (outside) return undefined;
  const first = entries[0]!;
  const asked = choose(chains.model);
  if (asked && asked.value !== first.id) {
    addOnce(
      diagnostics,
      diagnostic(
        'REQUESTED_MODEL_REPLACED',
        `The model '${asked.value}' (${describeSource(asked.provenance)}) matches no modelProviders entry, and no key or base URL is ` +
          `configured outside modelProviders, so the first entry, ${entryKey(first)} ('${first.id}'), is used instead.`,
        { key: entryKey(first), path: first.path },
      ),
    );
  }
  return { entry: first, requested };
}

/**
 * The values an entry gives: its id; the key from its `envKey` variable (or
 * `OPENAI_API_KEY` when it names none — Differs), never another key; its
 * base URL, or `https://api.openai.com/v1`.
 */
export function valuesFromModelProvider(selected: SelectedEntry, chains: Chains, env: LayeredEnv, diagnostics: Diagnostic[]): ChosenValues {
  const { entry } = selected;
  const at = entryKey(entry);
  const origin = { kind: 'settings', path: entry.path, scope: entry.scope } as const;
  const variable = entry.envKey?.trim() || 'OPENAI_API_KEY';

  const own = envCandidate(env, variable, diagnostics);
  const key = choose([{ ...own, source: { ...own.source, detail: `${at}.envKey` } }]);
  const others = [...chains.keyHead, chains.keyTail].filter((c) => c.source.name !== variable);
  const apiKey = key && {
    value: key.value,
    provenance: { ...key.provenance, shadowed: [...key.provenance.shadowed, ...sourcesOfPresent(others)] },
  };

  const hasBase = entry.baseUrl !== undefined && isPresent(entry.baseUrl);
  const baseUrl = {
    value: hasBase ? entry.baseUrl! : MODEL_PROVIDER_DEFAULT_BASE_URL,
    provenance: {
      ...(hasBase ? { ...origin, key: `${at}.baseUrl` } : { kind: 'default' as const, scope: 'built-in' as const, detail: `${at} has no baseUrl` }),
      shadowed: sourcesOfPresent(chains.baseUrl),
    },
  };

  // Picked by the requested model: the request is the model's source.
  // Otherwise the first entry stands in, and is the source itself.
  const byRequest = selected.requested?.value === entry.id ? selected.requested : undefined;
  const otherModels = byRequest ? chains.model.filter((c) => c.source.kind !== byRequest.source.kind || c.source.key !== byRequest.source.key) : chains.model;
  const model = {
    value: entry.id,
    provenance: {
      ...(byRequest ? { ...byRequest.source, detail: `selects ${at}` } : { ...origin, key: `${at}.id` }),
      shadowed: sourcesOfPresent(otherModels),
    },
  };
  return { apiKey, baseUrl, model, keyVariables: [variable] };
}
