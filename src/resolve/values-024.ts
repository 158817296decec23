import { addOnce, diagnostic } from '../diagnostics.js';
import type { ProviderEntry } from '../settings/types.js';
import type { Provenance } from '../types.js';
import type { ResolutionContext } from './context.js';
import { OPENAI_SDK_DEFAULT_BASE_URL } from './endpoints.js';
import {
  type Candidate,
  choose,
  type Chosen,
  describeSource,
  envCandidate,
  isPresent,
  overrideCandidate,
  sourcesOfPresent,
  settingCandidate,
} from './provenance.js';
import { entryKey } from './provider-protocols.js';
import type { ResolvedType024 } from './auth-type-024.js';
import type { ModelRequest, Selection } from './entries-024.js';
import { dialectOf, variablesOf } from './dialects.js';

/** The chains of rule 8 without the entry: overrides (every type), the type's variables, `security.auth.*`. */
interface Chains {
  readonly apiKey: readonly Candidate[];
  readonly baseUrl: readonly Candidate[];
}

function chainsOf(ctx: ResolutionContext, type: ResolvedType024): Chains {
  const o = ctx.options.overrides ?? {};
  const v = variablesOf(type);
  return {
    apiKey: [
      overrideCandidate(o.apiKey, 'apiKey'),
      ...v.apiKey.map((n) => envCandidate(ctx.env, n, ctx.diagnostics)),
      settingCandidate(ctx.settings.apiKey, 'security.auth.apiKey'),
    ],
    baseUrl: [
      overrideCandidate(o.baseUrl, 'baseUrl'),
      ...v.baseUrl.map((n) => envCandidate(ctx.env, n, ctx.diagnostics)),
      settingCandidate(ctx.settings.baseUrl, 'security.auth.baseUrl'),
    ],
  };
}

/** What rules 8–9 produce; a missing key or base URL is left for the checks. */
export interface Values024 {
  readonly apiKey: Chosen | undefined;
  /** Undefined only for anthropic, which has no default. */
  readonly baseUrl: Chosen | undefined;
  readonly model: Chosen;
  /** The entry that decided (named, or the first entry standing in). */
  readonly entry: ProviderEntry | undefined;
  /** True when the first entry stands in (rule 9). */
  readonly firstEntry: boolean;
  /** The variables read for the key, highest first, for MISSING_API_KEY. */
  readonly keyVariables: readonly string[];
}

const entrySource = (entry: ProviderEntry, field: string): Provenance => ({
  kind: 'settings',
  path: entry.path,
  scope: entry.scope,
  key: `${entryKey(entry)}.${field}`,
  shadowed: [],
});

/** The built-in base URL of a type when nothing else gives one: with an entry, the OpenAI SDK's; without, DashScope's. */
function defaultBase(type: ResolvedType024, withEntry: boolean): Chosen | undefined {
  if (type === 'anthropic') return undefined;
  if (type === 'openai' && !withEntry) {
    return { value: dialectOf('0.24').defaultBaseUrl, provenance: { kind: 'default', scope: 'built-in', detail: "Qwen Code 0.24's default", shadowed: [] } };
  }
  return { value: OPENAI_SDK_DEFAULT_BASE_URL, provenance: { kind: 'default', scope: 'built-in', detail: "the OpenAI SDK's default", shadowed: [] } };
}

/** The entry's key variable, as a candidate whose source names the entry. */
function envKeyCandidate(ctx: ResolutionContext, entry: ProviderEntry): Candidate | undefined {
  if (!entry.envKey) return undefined;
  const c = envCandidate(ctx.env, entry.envKey, ctx.diagnostics);
  return { ...c, source: { ...c.source, detail: `${entryKey(entry)}.envKey` } };
}

/**
 * Rules 8 and 9 of the 0.24 mode.
 * - An entry decides: model = its id; key = `env[envKey]` > overrides.apiKey >
 *   the type's key variable > `security.auth.apiKey`; base = its `baseUrl` >
 *   overrides.baseUrl > the type's base variable > `security.auth.baseUrl` >
 *   `https://api.openai.com/v1` (the OpenAI wires).
 * - No entry, and neither a key nor a base URL in those chains, and the type
 *   has entries: the first (primary) entry stands in, its key from its
 *   `envKey` only (REQUESTED_MODEL_REPLACED when a requested model is dropped).
 * - Otherwise the chains alone; model = the request, else the type's default.
 */
export function values024(
  ctx: ResolutionContext,
  type: ResolvedType024,
  request: ModelRequest | undefined,
  selection: Selection | undefined,
  entries: readonly ProviderEntry[],
): Values024 {
  const chains = chainsOf(ctx, type);
  const v = variablesOf(type);

  if (selection) {
    const { entry } = selection;
    const own = envKeyCandidate(ctx, entry);
    const apiKey = choose([...(own ? [own] : []), ...chains.apiKey]);
    const base = choose([{ value: entry.baseUrl, source: entrySource(entry, 'baseUrl') }, ...chains.baseUrl]) ?? defaultBase(type, true);
    const model: Chosen = {
      value: entry.id,
      provenance: selection.request
        ? { ...selection.request.candidate.source, detail: `selects ${entryKey(entry)}`, shadowed: [] }
        : { ...entrySource(entry, 'id'), detail: `the default model '${entry.id}' selects ${entryKey(entry)}` },
    };
    return {
      apiKey,
      baseUrl: base,
      model,
      entry,
      firstEntry: false,
      keyVariables: [...(entry.envKey ? [entry.envKey] : []), ...v.apiKey],
    };
  }

  const outside = [...chains.apiKey, ...chains.baseUrl].some((c) => isPresent(c.value));
  const first = outside ? undefined : entries.find((e) => !e.selectorOnly);
  if (first) {
    const own = envKeyCandidate(ctx, first);
    const apiKey = own ? choose([own]) : undefined;
    const base = first.baseUrl ? { value: first.baseUrl, provenance: entrySource(first, 'baseUrl') } : defaultBase(type, true);
    if (request && request.candidate.value !== first.id) {
      addOnce(
        ctx.diagnostics,
        diagnostic(
          'REQUESTED_MODEL_REPLACED',
          `The model '${request.candidate.value}' (${describeSource(request.candidate.source)}) matches no ${type} entry, and no key or base URL ` +
            `is configured outside modelProviders, so Qwen Code 0.24 uses the first entry, ${entryKey(first)} ('${first.id}'), instead.`,
          { key: entryKey(first), path: first.path },
        ),
      );
    }
    const model: Chosen = {
      value: first.id,
      provenance: { ...entrySource(first, 'id'), shadowed: request ? [request.candidate.source] : [] },
    };
    return { apiKey, baseUrl: base, model, entry: first, firstEntry: true, keyVariables: first.envKey ? [first.envKey] : [] };
  }

  const model: Chosen = request
    ? { value: request.candidate.value, provenance: { ...request.candidate.source, shadowed: sourcesOfPresent(request.candidate.under ?? []) } }
    : { value: v.defaultModel, provenance: { kind: 'default', scope: 'built-in', detail: `Qwen Code 0.24's default for ${type}`, shadowed: [] } };
  return {
    apiKey: choose(chains.apiKey),
    baseUrl: choose(chains.baseUrl) ?? defaultBase(type, false),
    model,
    entry: undefined,
    firstEntry: false,
    keyVariables: v.apiKey,
  };
}
