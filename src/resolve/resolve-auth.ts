import { statCache } from '../internal/fs.js';
import { QwenAuthError } from '../errors.js';
import { requestOptionsOf } from './wording.js';
import type { Provenance } from '../types.js';
import type { ApiKeyAuth, ResolvedAuth } from './types.js';
import { chooseAuthType, enforceAuthType, inferredElsewhere, originOf, resolvableAuthType } from './auth-type.js';
import { loadContext, type ResolutionContext } from './context.js';
import { type ApiKeyResultInputs, anthropicResult, openAIResponsesResult, openAIResult } from './results.js';
import { type KeyResolution, type KeyValues, resolveKeyValues } from './api-key.js';
import { type DestinationInputs, destinationVerdict, envKeyExpansionVerdict, guardDestination, untrustedDiagnostic, untrustedError } from './destination.js';
import type { Diagnostic } from '../diagnostics.js';
import { checkOptions, type ResolveAuthOptions } from './options.js';
import { addGitCheckDiagnostics } from './secret-files.js';
import { wordingOf } from './wording.js';
import { addProjectTransportDiagnostics, requestEnv } from './transport-env.js';

/** The result of each API-key type. */
const RESULTS: Readonly<Record<string, (inputs: ApiKeyResultInputs) => ApiKeyAuth>> = {
  openai: openAIResult,
  'openai-responses': openAIResponsesResult,
  anthropic: anthropicResult,
};

/** Where the default mode's inference stands before a key is found (replaced by the key's own source). */
const INFERRED: Provenance = { kind: 'default', scope: 'built-in', detail: 'inferred: an API key is available', shadowed: [] };

/** The authType source when it is inferred from the key: the key's own source. */
function inferredFromKey(apiKey: Provenance): Provenance {
  const { shadowed: _shadowed, ...evidence } = apiKey;
  return { ...evidence, detail: 'inferred: an API key is available', shadowed: [] };
}

/**
 * The API-key values the configuration gives for the type chosen (or, in
 * the default mode with nothing chosen, `openai` inferred from the key).
 * `undefined` from the choice: the type is not an API-key type here.
 */
function keyValuesOf(ctx: ResolutionContext, enforce: boolean): KeyResolution | undefined {
  const dialect = ctx.dialect;
  const chosen = chooseAuthType(ctx, dialect);
  if (!chosen) {
    if (dialect.inferByRules) throw dialect.inferByRules.none(wordingOf(ctx.options), ctx.settings.files);
    return inferOpenAI(ctx);
  }
  const type = resolvableAuthType(ctx, dialect, chosen);
  return type === undefined || type === 'qwen-oauth' ? undefined : resolveKeyValues(ctx, type, chosen.provenance, enforce);
}

/** The default mode with nothing chosen: `openai` when a key is available, its source standing for the auth type's. */
function inferOpenAI(ctx: ResolutionContext): KeyResolution {
  const r = resolveKeyValues(ctx, 'openai', INFERRED, false);
  return r.ok ? { ok: true, values: { ...r.values, sources: { ...r.values.sources, authType: inferredFromKey(r.values.sources.apiKey) } } } : r;
}

/** What the destination check needs from the chosen values. */
function destinationOf(values: KeyValues): DestinationInputs {
  return { apiKey: values.sources.apiKey, apiKeyValue: values.apiKey, baseUrl: values.baseUrl, baseSource: values.sources.baseUrl, entry: values.entry };
}

/**
 * After a rejection: the key the same rules give now, read again from
 * scratch (`.env` files and settings), for the same type and endpoint, or
 * undefined.
 */
async function reloadKey(options: ResolveAuthOptions, first: KeyValues): Promise<string | undefined> {
  try {
    const ctx = await loadContext(options);
    const r = keyValuesOf(ctx, false);
    if (!r?.ok || r.values.type !== first.type || r.values.baseUrl !== first.baseUrl) return undefined;
    // The key read again may come from elsewhere: it goes only where it may.
    return destinationVerdict(ctx, destinationOf(r.values)).ok ? r.values.apiKey : undefined;
  } catch {
    return undefined;
  }
}

/**
 * UNTRUSTED_DESTINATION as a diagnostic, for reports that never throw
 * (inspectEnvironment, the CLI's status): the values the rules would
 * choose, checked; nothing when no key is configured or the rules fail.
 */
export function untrustedDestinationDiagnostic(ctx: ResolutionContext): Diagnostic | undefined {
  const quiet = { ...ctx, diagnostics: [] as Diagnostic[] };
  const expansion = envKeyExpansionVerdict(ctx);
  if (expansion) return untrustedDiagnostic(ctx, expansion);
  try {
    const r = keyValuesOf(quiet, false);
    if (!r?.ok) return undefined;
    const verdict = destinationVerdict(quiet, destinationOf(r.values));
    return verdict.ok ? undefined : untrustedDiagnostic(ctx, verdict);
  } catch {
    return undefined;
  }
}

/** The API-key result of `values`, once its destination is allowed (and then `check` passed). */
function apiKeyResult(ctx: ResolutionContext, values: KeyValues, check?: () => void): ApiKeyAuth {
  guardDestination(ctx, destinationOf(values));
  check?.();
  return RESULTS[values.type]!({
    apiKey: values.apiKey,
    baseUrl: values.baseUrl,
    model: values.model,
    endpoint: values.endpoint,
    keyHeader: values.keyHeader,
    sources: values.sources,
    envFile: ctx.envFile,
    provider: values.provider,
    diagnostics: values.diagnostics,
    qwenDir: ctx.qwenDir,
    reload: () => reloadKey(ctx.options, values),
    requestEnv: requestEnv(ctx),
    transport: ctx.options.fetch,
    requests: requestOptionsOf(ctx.options),
    registry: ctx.registry,
  });
}

/**
 * What stops Qwen Code before it resolves anything, as typed errors: with
 * `qwenCode: '0.24'`, a system, system-defaults or user settings file that
 * is not a JSON object (`SETTINGS_INVALID`; it exits 1); in both dialects,
 * while folder trust is on, a rules file that is not one (`TRUST_FILE_INVALID`;
 * it exits 52). The default dialect keeps reporting bad settings files and
 * reading on (resolution.md §2).
 */
function stopsQwenCode(ctx: ResolutionContext): void {
  const bad = ctx.fatalSettings[0];
  if (bad?.path !== undefined) {
    throw new QwenAuthError(
      'SETTINGS_INVALID',
      `${bad.message.replace(/; the file was ignored\.$/, '.')} Qwen Code 0.24 stops before reading any other layer.`,
      {
        details: { path: bad.path, line: bad.line ?? 1, column: bad.column ?? 1 },
        remedy: bad.remedy,
      },
    );
  }
  const file = ctx.trust.file;
  if ((ctx.trust.enabled || ctx.trust.envEnabled) && file.problem) {
    throw new QwenAuthError(
      'TRUST_FILE_INVALID',
      `The trusted-folders file ${file.path} is not usable: ${file.reason ?? 'not a JSON object'}. Folder trust is on, and Qwen Code stops here (exit code 52).`,
      {
        details: { path: file.path, reason: file.reason ?? 'not a JSON object' },
      },
    );
  }
}

/**
 * Resolves what a tool needs to talk to a model, exactly as Qwen Code would:
 * the `.env` file, settings, the auth type, and the OpenAI-compatible key,
 * base URL and model (or the Qwen OAuth login), each with its source.
 * With `qwenCode: '0.24'`, as Qwen Code 0.24 does (also `anthropic` and
 * `openai-responses`). Reads files, never writes them; never touches `process.env`.
 */
export async function resolveAuth(options: ResolveAuthOptions = {}): Promise<ResolvedAuth> {
  const statOf = statCache();
  checkOptions(options, statOf);
  const ctx = await loadContext(options, statOf);
  stopsQwenCode(ctx);
  await addGitCheckDiagnostics(ctx);
  addProjectTransportDiagnostics(ctx);
  const expansion = envKeyExpansionVerdict(ctx);
  if (expansion) throw untrustedError(ctx, expansion);
  const dialect = ctx.dialect;
  const wording = wordingOf(options);
  const chosen = chooseAuthType(ctx, dialect);

  if (chosen) {
    // A type the dialect does not resolve meets security.auth.enforcedType, then is refused.
    const type = resolvableAuthType(ctx, dialect, chosen);
    if (type === undefined) throw (await import('./refused-type.js')).refusedAuthType(dialect, chosen.value, originOf(ctx, chosen.provenance), wording);
    if (type === 'qwen-oauth') {
      enforceAuthType(ctx, type, chosen.provenance);
      return (await import('./oauth-parts.js')).resolveQwenOAuth(ctx, chosen.provenance);
    }
    const r = resolveKeyValues(ctx, type, chosen.provenance, true);
    // The explanation of a missing key is loaded by the resolve that needs it (a chunk of its own).
    if (!r.ok) throw (await import('./missing-key.js')).missingKeyError(ctx, r.missing, wording);
    return apiKeyResult(ctx, r.values);
  }
  // Qwen Code 0.24: nothing selected and no rule infers a type.
  if (dialect.inferByRules) throw dialect.inferByRules.none(wording, ctx.settings.files);

  // The default mode, nothing selected: an available key means `openai`…
  const inferred = inferOpenAI(ctx);
  if (inferred.ok) {
    const { values } = inferred;
    return apiKeyResult(ctx, values, () => enforceAuthType(ctx, 'openai', values.sources.authType));
  }

  // …then cached Qwen OAuth credentials, then an interactive login.
  const oauth = await import('./oauth-parts.js');
  const cached = await oauth.findCachedLogin(ctx);
  if (cached) {
    enforceAuthType(ctx, 'qwen-oauth', cached.provenance);
    return oauth.resolveQwenOAuth(ctx, cached.provenance, cached);
  }
  // Qwen Code 0.24 would infer anthropic here: say so rather than start a Qwen login (spec 0.24 §3 D2).
  const elsewhere = inferredElsewhere(ctx, dialect);
  if (elsewhere) throw (await import('./refused-type.js')).refusedAuthType(dialect, elsewhere.type, elsewhere.origin, wording);
  if (options.interactive) {
    const login = { kind: 'default', scope: 'built-in', detail: 'interactive login: nothing else is configured', shadowed: [] } as const;
    enforceAuthType(ctx, 'qwen-oauth', login);
    return oauth.resolveQwenOAuth(ctx, login);
  }
  // A modelProviders entry picked by the model needs its own variable: name it (spec §4). Otherwise, what was checked.
  const missingKey = await import('./missing-key.js');
  if (inferred.missing.entry?.matched) throw missingKey.missingKeyError(ctx, inferred.missing, wording);
  throw missingKey.noCredentialsError(ctx, inferred.missing, wording, await oauth.describeCredentialsLocation(ctx));
}
