import { addOnce, diagnostic, type Diagnostic } from '../diagnostics.js';
import type { EffectiveSettings, ProviderEntry } from '../settings/types.js';
import { QWEN_CODE_AUTH_TYPES, type QwenCodeAuthType } from '../types.js';

function isKnownType(value: unknown): value is QwenCodeAuthType {
  return typeof value === 'string' && (QWEN_CODE_AUTH_TYPES as readonly string[]).includes(value);
}

/**
 * The auth type a `modelProviders` id routes to (spec 0.24 §1.1): its
 * `providerProtocol` value when it has one (an unknown value maps nowhere),
 * else the id itself when it is a known auth type.
 */
export function providerProtocolOf(id: string, settings: EffectiveSettings): QwenCodeAuthType | undefined {
  const mapped = settings.providerProtocol.get(id);
  if (mapped !== undefined) return isKnownType(mapped.value) ? mapped.value : undefined;
  return isKnownType(id) ? id : undefined;
}

/** An entry with the auth type it belongs to. */
export interface TypedEntry {
  readonly entry: ProviderEntry;
  readonly protocol: QwenCodeAuthType;
}

/** The `modelProviders` entries sorted by auth type, in settings order. */
export interface EntriesByType {
  /** Every routed entry, in order. */
  readonly all: readonly TypedEntry[];
  /** The entries of one auth type, in order. */
  of(type: QwenCodeAuthType): readonly ProviderEntry[];
}

/** `modelProviders.<provider>[<index>]`, for messages and sources. */
export function entryKey(entry: ProviderEntry): string {
  return `modelProviders.${entry.provider}[${entry.index}]`;
}

/**
 * Routes every entry to its auth type: the provider id's protocol, switched
 * between `openai` and `openai-responses` by the entry's `wireApi`. Ids that
 * route nowhere are skipped with PROVIDER_ID_UNMAPPED; ids under `qwen-oauth`
 * are ignored (its models are fixed); an invalid `wireApi` skips its entry
 * (Qwen Code 0.24 refuses to start).
 */
export function entriesByType(settings: EffectiveSettings, diagnostics: Diagnostic[]): EntriesByType {
  const all: TypedEntry[] = [];
  for (const list of settings.modelProviders) {
    const protocol = providerProtocolOf(list.id, settings);
    if (!protocol) {
      if (list.entries.length === 0) continue;
      const mapped = settings.providerProtocol.get(list.id);
      addOnce(
        diagnostics,
        diagnostic(
          'PROVIDER_ID_UNMAPPED',
          mapped === undefined
            ? `modelProviders.${list.id} in ${list.path} is not an auth type and providerProtocol does not map it; its ${list.entries.length} model(s) are ignored.`
            : `providerProtocol.${list.id} in ${mapped.path} maps to ${JSON.stringify(mapped.value)}, which is not an auth type; the ${list.entries.length} model(s) of modelProviders.${list.id} are ignored.`,
          { key: `modelProviders.${list.id}`, path: list.path },
        ),
      );
      continue;
    }
    if (protocol === 'qwen-oauth') continue;
    for (const entry of list.entries) {
      if (entry.wireApi === undefined) {
        all.push({ entry, protocol });
        continue;
      }
      const wire = entry.wireApi === 'responses' ? 'openai-responses' : entry.wireApi === 'chat-completions' ? 'openai' : undefined;
      if (!wire || (protocol !== 'openai' && protocol !== 'openai-responses')) {
        addOnce(
          diagnostics,
          diagnostic(
            'SETTINGS_INVALID_VALUE',
            !wire
              ? `${entry.path}: ${entryKey(entry)}.wireApi is ${JSON.stringify(entry.wireApi)}, not "chat-completions" or "responses"; the entry was ignored.`
              : `${entry.path}: ${entryKey(entry)}.wireApi applies only to OpenAI-compatible providers, and ${entry.provider} routes to ${protocol}; the entry was ignored.`,
            { path: entry.path, key: `${entryKey(entry)}.wireApi` },
          ),
        );
        continue;
      }
      all.push({ entry, protocol: wire });
    }
  }
  return {
    all,
    of: (type) => all.filter((t) => t.protocol === type).map((t) => t.entry),
  };
}
