import { isAuthError, QwenAuthError } from '../errors.js';
import { defaultRegistry } from '../providers/default-registry.js';
import type { OpenAIAuth, Provenance, ResolvedAuth } from '../types.js';
import { checkAuthType, explicitAuthType, inferredAnthropic } from './auth-type.js';
import { loadContext, type ResolutionContext } from './context.js';
import { chatCompletionsEndpoint } from './endpoints.js';
import { resolveOpenAI } from './openai/resolve-openai.js';
import { checkOptions, type ResolveAuthOptions } from './options.js';
import { entriesByType } from './provider-protocols.js';
import { resolveQwenCode024 } from './qwen-code-024/resolve.js';
import { openAIResult } from './results.js';

function checkedFiles(ctx: ResolutionContext): string[] {
  return ctx.envFile ? [ctx.envFile.path] : [];
}

/** Builds the `openai` result, or returns the missing-key error. `authType` may depend on the key's source. */
function openAIAuth(
  ctx: ResolutionContext,
  authType: (apiKey: Provenance) => Provenance,
): OpenAIAuth | { error: QwenAuthError } {
  const entries = entriesByType(ctx.settings, ctx.diagnostics);
  const r = resolveOpenAI({
    overrides: ctx.options.overrides ?? {},
    env: ctx.env,
    settings: ctx.settings,
    registry: ctx.options.registry ?? defaultRegistry(),
    entries,
    checkedFiles: checkedFiles(ctx),
  });
  if (!r.ok) return { error: r.error };
  const { values } = r;
  return openAIResult({
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
  });
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
 * With `qwenCode: '0.24'`, as Qwen Code 0.24 does (also `anthropic` and
 * `openai-responses`). Reads files, never writes them; never touches `process.env`.
 */
export async function resolveAuth(options: ResolveAuthOptions = {}): Promise<ResolvedAuth> {
  checkOptions(options);
  const ctx = await loadContext(options);
  if (ctx.qwenCode === '0.24') return resolveQwenCode024(ctx);
  const chosen = explicitAuthType(ctx);

  if (chosen) {
    const type = checkAuthType(chosen.value, chosen.provenance);
    if (type === 'qwen-oauth') {
      return (await import('./qwen-oauth.js')).resolveQwenOAuth(ctx, chosen.provenance);
    }
    const r = openAIAuth(ctx, () => chosen.provenance);
    if ('error' in r) throw r.error;
    return r;
  }

  // Nothing selected: an available key means `openai`…
  const inferred = openAIAuth(ctx, inferredFromKey);
  if (!('error' in inferred)) return inferred;
  if (!isAuthError(inferred.error, 'MISSING_API_KEY')) throw inferred.error;

  // …then cached Qwen OAuth credentials, then an interactive login.
  const oauth = await import('./qwen-oauth.js');
  const cached = await oauth.findCachedLogin(ctx);
  if (cached) return oauth.resolveQwenOAuth(ctx, cached.provenance, cached.credentials);
  // Qwen Code 0.24 would infer anthropic here: say so rather than start a Qwen login (spec 0.24 §3 D2).
  const anthropic = inferredAnthropic(ctx);
  if (anthropic) throw anthropic;
  if (options.interactive) {
    return oauth.resolveQwenOAuth(ctx, { kind: 'default', detail: 'interactive login: nothing else is configured', shadowed: [] });
  }
  const { variables, settingsKeys } = inferred.error.details;
  const checked = [
    'overrides.authType',
    ...ctx.settings.files.map((f) => `security.auth.selectedType in ${f.path}`),
    'QWEN_OAUTH',
    ...variables,
    ...settingsKeys.map((key) => `${key} in settings`),
    ctx.envFile ? `the .env file ${ctx.envFile.path}` : 'a .env file (none found)',
    `cached Qwen OAuth credentials (${oauth.describeCredentialsLocation(ctx)})`,
  ];
  throw new QwenAuthError('NO_CREDENTIALS', `No credentials found and not running interactively. Checked: ${checked.join('; ')}.`, {
    details: { checked },
  });
}
