import { overrideName, QwenAuthError, remedyFor } from '../errors.js';
import { defaultRegistry } from '../providers/default-registry.js';
import { redact, withRedactedView } from '../redact.js';
import type { OpenAIAuth, Provenance, ResolvedAuth } from '../types.js';
import { checkAuthType, explicitAuthType } from './auth-type.js';
import { loadContext, type ResolutionContext } from './context.js';
import { explainMissingKey, type MissingKey, missingKeyError } from './missing-key.js';
import { resolveOpenAI } from './openai/resolve-openai.js';
import { checkOptions, type ResolveAuthOptions } from './options.js';
import { addGitCheckDiagnostics } from './secret-files.js';
import { trustedGatewaysOf } from './trusted-gateways.js';
import { wordingOf } from './wording.js';

/** Builds the `openai` result, or says what is known about the missing key. `authType` may depend on the key's source. */
function openAIResult(
  ctx: ResolutionContext,
  authType: (apiKey: Provenance) => Provenance,
): OpenAIAuth | { missing: MissingKey } {
  const r = resolveOpenAI({
    overrides: ctx.options.overrides ?? {},
    env: ctx.env,
    settings: ctx.settings,
    registry: ctx.options.registry ?? defaultRegistry(),
    wording: wordingOf(ctx.options),
    trustedGateways: trustedGatewaysOf(ctx.options.trustedGateways, ctx.env),
    now: ctx.now(),
  });
  if (!r.ok) return { missing: r.missing };
  const { values } = r;
  const result: OpenAIAuth = {
    type: 'openai',
    apiKey: values.apiKey,
    baseUrl: values.baseUrl,
    model: values.model,
    sources: {
      authType: authType(values.sources.apiKey),
      apiKey: values.sources.apiKey,
      baseUrl: values.sources.baseUrl,
      model: values.sources.model,
    },
    envFile: ctx.envFile,
    provider: values.provider,
    diagnostics: Object.freeze([...ctx.diagnostics, ...r.diagnostics]),
    qwenDir: ctx.qwenDir,
  };
  return Object.freeze(withRedactedView(result, () => ({ ...result, apiKey: redact(result.apiKey) })));
}

/** The authType source when it is inferred from the key: the key's own source. */
function inferredFromKey(apiKey: Provenance): Provenance {
  const { shadowed: _shadowed, ...evidence } = apiKey;
  return { ...evidence, detail: 'inferred: an API key is available', shadowed: [] };
}

/**
 * Resolves what a tool needs to talk to a model, exactly as Qwen Code would:
 * the `.env` file, settings, the auth type, and the OpenAI-compatible key,
 * base URL and model (or the Qwen OAuth login), each with its source.
 * Reads files, never writes them; never touches `process.env`.
 */
export async function resolveAuth(options: ResolveAuthOptions = {}): Promise<ResolvedAuth> {
  checkOptions(options);
  const ctx = await loadContext(options);
  await addGitCheckDiagnostics(ctx);
  const wording = wordingOf(options);
  const chosen = explicitAuthType(ctx);

  if (chosen) {
    const type = checkAuthType(chosen.value, chosen.provenance, wording);
    if (type === 'qwen-oauth') {
      return (await import('./qwen-oauth.js')).resolveQwenOAuth(ctx, chosen.provenance);
    }
    const r = openAIResult(ctx, () => chosen.provenance);
    if ('missing' in r) throw missingKeyError(ctx, r.missing, wording);
    return r;
  }

  // Nothing selected: an available key means `openai`…
  const inferred = openAIResult(ctx, inferredFromKey);
  if (!('missing' in inferred)) return inferred;

  // …then cached Qwen OAuth credentials, then an interactive login.
  const oauth = await import('./qwen-oauth.js');
  const cached = await oauth.findCachedLogin(ctx);
  if (cached) return oauth.resolveQwenOAuth(ctx, cached.provenance, cached.credentials);
  if (options.interactive) {
    return oauth.resolveQwenOAuth(ctx, { kind: 'default', detail: 'interactive login: nothing else is configured', shadowed: [] });
  }
  // A modelProviders entry picked by the model needs its own variable: name it (spec §4).
  if (inferred.missing.entry?.matched) throw missingKeyError(ctx, inferred.missing, wording);

  const { variables, settingsKeys } = inferred.missing;
  const { hints, causes, remedy } = explainMissingKey(ctx, inferred.missing, wording);
  const registry = options.registry ?? defaultRegistry();
  const checked = [
    overrideName('authType', wording),
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
  throw new QwenAuthError(
    'NO_CREDENTIALS',
    `No credentials found.${causes ? ` ${causes}` : ''} Checked: ${checked.join('; ')}.`,
    { details: { checked, hints }, remedy: remedy ?? remedyFor('NO_CREDENTIALS', wording) },
  );
}
