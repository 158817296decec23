import { statCache } from '../internal/fs.js';
import { overrideName, QwenAuthError } from '../errors.js';
import { requestOptionsOf } from './wording.js';
import { remedyFor } from './remedies.js';
import type { Provenance } from '../types.js';
import type { OpenAIAuth, ResolvedAuth } from './types.js';
import { checkAuthType, explicitAuthType, inferredAnthropic } from './auth-type.js';
import { loadContext, type ResolutionContext } from './context.js';
import { checkEnforcedType } from './enforced-type.js';
import { describeSource } from './provenance.js';
import { chatCompletionsEndpoint } from './endpoints.js';
import { entriesByType } from './provider-protocols.js';
import { openAIResult as buildOpenAIResult } from './results.js';
import { explainMissingKey, type MissingKey, missingKeyError } from './missing-key.js';
import { type OpenAIValues, resolveOpenAI } from './resolve-openai.js';
import { type DestinationInputs, destinationVerdict, envKeyExpansionVerdict, guardDestination, untrustedDiagnostic, untrustedError } from './destination.js';
import type { Diagnostic } from '../diagnostics.js';
import { checkOptions, type ResolveAuthOptions } from './options.js';
import { addGitCheckDiagnostics } from './secret-files.js';
import { trustedGatewaysOf } from './trusted-gateways.js';
import { wordingOf } from './wording.js';
import { addProjectTransportDiagnostics, requestEnv, transportView } from './transport-env.js';

/** The OpenAI-compatible values the chains give now, or what is known about the missing key. */
function openAIValues(ctx: ResolutionContext): ReturnType<typeof resolveOpenAI> {
  return resolveOpenAI({
    overrides: ctx.options.overrides ?? {},
    env: ctx.env,
    settings: ctx.settings,
    registry: ctx.registry,
    entries: entriesByType(ctx.settings, ctx.diagnostics),
    wording: wordingOf(ctx.options),
    trustedGateways: trustedGatewaysOf(ctx.options.trustedGateways, transportView(ctx)),
    now: ctx.now(),
  });
}

/**
 * The key the configuration gives now for the same endpoint, read again from
 * scratch (`.env` files and settings), or undefined. Used once per rejection.
 */
async function reloadKey(options: ResolveAuthOptions, baseUrl: string): Promise<string | undefined> {
  const ctx = await loadContext(options);
  const r = openAIValues(ctx);
  if (!r.ok || r.values.baseUrl !== baseUrl) return undefined;
  // The key read again may come from elsewhere: it goes only where it may.
  return destinationVerdict(ctx, destinationOf(r.values)).ok ? r.values.apiKey : undefined;
}

/** What the destination check needs from the chosen values. */
function destinationOf(values: OpenAIValues): DestinationInputs {
  return { apiKey: values.sources.apiKey, apiKeyValue: values.apiKey, baseUrl: values.baseUrl, baseSource: values.sources.baseUrl, entry: values.entry };
}

/**
 * UNTRUSTED_DESTINATION as a diagnostic, for reports that never throw
 * (inspectEnvironment, the CLI's status): the values the default mode would
 * choose, checked; nothing when no key is configured.
 */
export function untrustedDestinationDiagnostic(ctx: ResolutionContext): Diagnostic | undefined {
  const quiet = { ...ctx, diagnostics: [] as Diagnostic[] };
  const expansion = envKeyExpansionVerdict(ctx);
  if (expansion) return untrustedDiagnostic(ctx, expansion);
  try {
    const chosen = explicitAuthType(quiet);
    if (chosen?.value === 'qwen-oauth') return undefined;
    const r = openAIValues(quiet);
    if (!r.ok) return undefined;
    const verdict = destinationVerdict(quiet, destinationOf(r.values));
    return verdict.ok ? undefined : untrustedDiagnostic(ctx, verdict);
  } catch {
    return undefined;
  }
}

/** Builds the `openai` result, or says what is known about the missing key. `authType` may depend on the key's source. */
function openAIResult(ctx: ResolutionContext, authType: (apiKey: Provenance) => Provenance): OpenAIAuth | { missing: MissingKey } {
  const r = openAIValues(ctx);
  if (!r.ok) return { missing: r.missing };
  const { values } = r;
  guardDestination(ctx, destinationOf(values));
  return buildOpenAIResult({
    apiKey: values.apiKey,
    baseUrl: values.baseUrl,
    model: values.model,
    endpoint: chatCompletionsEndpoint(values.baseUrl),
    keyHeader: 'authorization',
    sources: {
      authType: authType(values.sources.apiKey),
      apiKey: values.sources.apiKey,
      baseUrl: values.sources.baseUrl,
      model: values.sources.model,
    },
    envFile: ctx.envFile,
    provider: values.provider,
    diagnostics: [...ctx.diagnostics, ...r.diagnostics],
    qwenDir: ctx.qwenDir,
    reload: () => reloadKey(ctx.options, values.baseUrl),
    requestEnv: requestEnv(ctx),
    transport: ctx.options.fetch,
    requests: requestOptionsOf(ctx.options),
    registry: ctx.registry,
  });
}

/** The authType source when it is inferred from the key: the key's own source. */
function inferredFromKey(apiKey: Provenance): Provenance {
  const { shadowed: _shadowed, ...evidence } = apiKey;
  return { ...evidence, detail: 'inferred: an API key is available', shadowed: [] };
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
  if (ctx.qwenCode === '0.24') return (await import('./resolve-024.js')).resolveQwenCode024(ctx);
  const wording = wordingOf(options);
  const chosen = explicitAuthType(ctx);

  // security.auth.enforcedType never selects; it stops a run whose type differs (settings-layers.md §3).
  const enforce = (type: string, provenance: Provenance): void =>
    checkEnforcedType(ctx.settings, type, () => describeSource(provenance, { flags: wording.flags === true, homeDir: ctx.homeDir }), {
      wording,
      homeDir: ctx.homeDir,
    });

  if (chosen) {
    enforce(chosen.value, chosen.provenance);
    const type = checkAuthType(chosen.value, chosen.provenance, wording);
    if (type === 'qwen-oauth') {
      return (await import('./oauth-parts.js')).resolveQwenOAuth(ctx, chosen.provenance);
    }
    const r = openAIResult(ctx, () => chosen.provenance);
    if ('missing' in r) throw missingKeyError(ctx, r.missing, wording);
    return r;
  }

  // Nothing selected: an available key means `openai`…
  const inferred = openAIResult(ctx, inferredFromKey);
  if (!('missing' in inferred)) {
    enforce('openai', inferred.sources.authType);
    return inferred;
  }

  // …then cached Qwen OAuth credentials, then an interactive login.
  const oauth = await import('./oauth-parts.js');
  const cached = await oauth.findCachedLogin(ctx);
  if (cached) {
    enforce('qwen-oauth', cached.provenance);
    return oauth.resolveQwenOAuth(ctx, cached.provenance, cached);
  }
  // Qwen Code 0.24 would infer anthropic here: say so rather than start a Qwen login (spec 0.24 §3 D2).
  const anthropic = inferredAnthropic(ctx, wording);
  if (anthropic) throw anthropic;
  if (options.interactive) {
    const login = { kind: 'default', scope: 'built-in', detail: 'interactive login: nothing else is configured', shadowed: [] } as const;
    enforce('qwen-oauth', login);
    return oauth.resolveQwenOAuth(ctx, login);
  }
  // A modelProviders entry picked by the model needs its own variable: name it (spec §4).
  if (inferred.missing.entry?.matched) throw missingKeyError(ctx, inferred.missing, wording);

  const { variables, settingsKeys } = inferred.missing;
  const { hints, causes, remedy } = explainMissingKey(ctx, inferred.missing, wording);
  const registry = ctx.registry;
  const checked = [
    overrideName('authType', wording, 'the auth type the program passed'),
    ...ctx.settings.files.map((f) => `security.auth.selectedType in ${f.path}`),
    'QWEN_OAUTH',
    ...variables,
    ...hints.flatMap((h) =>
      h.kind === 'provider-variable' ? [`${h.variable}, which is set but read only with a base URL of ${registry.get(h.provider)?.name ?? h.provider}`] : [],
    ),
    ...settingsKeys.map((key) => `${key} in settings`),
    ctx.envFile ? `the .env file ${ctx.envFile.path}` : 'a .env file (none found)',
    `cached Qwen OAuth credentials (${await oauth.describeCredentialsLocation(ctx)}${
      ctx.diagnostics.some((d) => d.code === 'CREDENTIALS_INVALID') ? ': not a valid login' : ''
    })`,
  ];
  throw new QwenAuthError('NO_CREDENTIALS', `No credentials found.${causes ? ` ${causes}` : ''} Checked: ${checked.join('; ')}.`, {
    details: { checked, hints },
    remedy: remedy ?? remedyFor('NO_CREDENTIALS', wording),
  });
}
