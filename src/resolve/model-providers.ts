import { addOnce, diagnostic } from '../diagnostics.js';
import { QwenAuthError } from '../errors.js';
import { type Candidate, choose, describeSource, isPresent } from './provenance.js';
import { entryKey, type EntriesByType } from './provider-protocols.js';
import type { EffectiveSettings, ProviderEntry } from '../settings/types.js';
import type { Diagnostic, QwenCodeAuthType } from '../types.js';
import type { Chains } from './chains.js';
import type { Dialect } from './dialects.js';

/**
 * Which `modelProviders` entry decides, for both dialects (resolution.md §4
 * "Providers from settings" with qwen-code-0.24.md §3 D1, D3–D5, D9;
 * qwen-code-0.24.md §1.5 and §2 rules 7 and 9), reading the dialect's
 * `models` rules: the requested model, the wire it is declared on, the entry
 * it names, and the first entry standing in when nothing else is configured.
 */

/** The model the user asked for, and how. */
export interface ModelRequest {
  readonly candidate: Candidate & { readonly value: string };
  /** From `model.name`: then `model.baseUrl` may pin the entry. */
  readonly fromSettings: boolean;
}

const isModelName = (c: Candidate): boolean => c.source.kind === 'settings' && c.source.key === 'model.name';

/**
 * The request that names an entry: the first non-empty of the model chain
 * that may name one (`overrides.model`, `model.name`, and where the dialect
 * says so the type's model variables).
 */
export function requestedModel(chains: Chains): ModelRequest | undefined {
  const c = chains.request.find((m) => typeof m.value === 'string' && m.value !== '');
  return c && { candidate: c as ModelRequest['candidate'], fromSettings: isModelName(c) };
}

/** `model.baseUrl` when the model came from `model.name` (null and '' kept: they prefer entries without a base URL). */
export function pinnedBaseUrl(request: ModelRequest | undefined, settings: EffectiveSettings): string | null | undefined {
  return request?.fromSettings && settings.modelBaseUrl ? settings.modelBaseUrl.value : undefined;
}

/** The entry that decides, and how it was chosen. */
export interface Selection {
  readonly entry: ProviderEntry;
  /** The request that names it; undefined when the type's default model id names it, or when it stands in. */
  readonly request: ModelRequest | undefined;
  /** True when the first entry stands in for a model no entry answers. */
  readonly standsIn: boolean;
}

/** The entry of `entries` that a requested id names: with `model.baseUrl` pinned, the one with that base URL, else the first id match with MODEL_BASEURL_STALE. */
function entryForId(
  entries: readonly ProviderEntry[],
  id: string,
  pinned: string | null | undefined,
  type: string,
  settings: EffectiveSettings,
  diagnostics: Diagnostic[],
) {
  const first = entries.find((e) => e.id === id);
  if (!first || !pinned) return first;
  const exact = entries.find((e) => e.id === id && e.baseUrl === pinned);
  if (exact) return exact;
  addOnce(
    diagnostics,
    diagnostic(
      'MODEL_BASEURL_STALE',
      `model.baseUrl ${JSON.stringify(pinned)} in ${settings.modelBaseUrl!.path} matches no ${type} entry with the id '${id}'; ` +
        `the first one, ${entryKey(first)} (${first.baseUrl ?? 'no baseUrl'}), is used, as Qwen Code does.`,
      { key: 'model.baseUrl', path: settings.modelBaseUrl!.path },
    ),
  );
  return first;
}

/**
 * The entry that decides, if any:
 * 1. the entry of the type whose id is the request (pinned by `model.baseUrl`
 *    when the model came from `model.name`); with no request and where the
 *    dialect says so, the type's default model id (an entry without a base
 *    URL first);
 * 2. a request only the Responses wire answers is refused where the dialect
 *    does not switch wires (UNSUPPORTED_AUTH_TYPE), and one only another
 *    protocol answers is reported;
 * 3. else the first entry stands in — only when neither a key nor a base URL
 *    comes from outside `modelProviders`; a model it replaces is reported.
 */
export function selectEntry(
  dialect: Dialect,
  type: QwenCodeAuthType,
  request: ModelRequest | undefined,
  chains: Chains,
  byType: EntriesByType,
  settings: EffectiveSettings,
  diagnostics: Diagnostic[],
): Selection | undefined {
  const entries = byType.of(type);
  if (request) {
    const entry = entryForId(entries, request.candidate.value, pinnedBaseUrl(request, settings), type, settings, diagnostics);
    if (entry) return { entry, request, standsIn: false };
    if (dialect.models.otherWire === 'refuse') refuseOtherWire(request, type, byType, diagnostics);
  } else if (dialect.models.defaultModelNamesEntry) {
    const id = dialect.variables[type]!.defaultModel;
    const entry = entries.find((e) => e.id === id && !e.baseUrl) ?? entries.find((e) => e.id === id);
    if (entry) return { entry, request: undefined, standsIn: false };
  }

  const outside = [...chains.keyHead, chains.keyTail, ...chains.baseUrl].some((c) => isPresent(c.value));
  const first = outside ? undefined : entries.find((e) => !(dialect.models.standInSkipsSelectorOnly && e.selectorOnly));
  if (!first) return undefined;
  const asked = choose(chains.model);
  if (asked && asked.value !== first.id) {
    addOnce(
      diagnostics,
      diagnostic(
        'REQUESTED_MODEL_REPLACED',
        `The model '${asked.value}' (${describeSource(asked.provenance)}) matches no ${type} entry, and no key or base URL is ` +
          `configured outside modelProviders, so the first entry, ${entryKey(first)} ('${first.id}'), is used instead.`,
        { key: entryKey(first), path: first.path },
      ),
    );
  }
  return { entry: first, request: undefined, standsIn: true };
}

/** The default mode's D3: a model declared on the Responses wire is never sent to Chat Completions; one of another protocol is reported. */
function refuseOtherWire(request: ModelRequest, type: string, byType: EntriesByType, diagnostics: Diagnostic[]): void {
  const id = request.candidate.value;
  const responses = type === 'openai' ? byType.of('openai-responses').find((e) => e.id === id) : undefined;
  if (responses) {
    const origin = `${entryKey(responses)} in ${responses.path}`;
    throw new QwenAuthError(
      'UNSUPPORTED_AUTH_TYPE',
      `The model '${id}' (${describeSource(request.candidate.source)}) is declared on the Responses wire (${origin}), ` +
        "which is not Chat Completions; qwen-auth's default mode resolves only 'openai' (Chat Completions) and 'qwen-oauth'.",
      {
        details: { value: 'openai-responses', origin, knownTo: 'Qwen Code 0.24', variables: ['OPENAI_API_KEY', 'OPENAI_BASE_URL', 'OPENAI_MODEL'] },
        remedy:
          'Name a model declared for Chat Completions (OPENAI_MODEL, or model.name in settings.json), or use a tool that follows Qwen Code 0.24, which builds the Responses request.',
      },
    );
  }
  const elsewhere = byType.all.find((t) => t.entry.id === id);
  if (elsewhere) {
    addOnce(
      diagnostics,
      diagnostic(
        'MODEL_ON_OTHER_PROTOCOL',
        `The model '${id}' (${describeSource(request.candidate.source)}) is declared only under ${entryKey(elsewhere.entry)} ` +
          `(${elsewhere.protocol}) in ${elsewhere.entry.path}, not for ${type}; it does not select an entry.`,
        { key: entryKey(elsewhere.entry), path: elsewhere.entry.path },
      ),
    );
  }
}
