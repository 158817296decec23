import type { Diagnostic } from '../diagnostics.js';
import { QwenAuthError, remedyPhrases } from '../errors.js';
import { type DestinationInputs, destinationVerdict, envKeyExpansionVerdict, guardDestination, untrustedDiagnostic } from './destination.js';
import { requestOptionsOf } from './wording.js';
import type { ApiKeyAuth } from './types.js';
import { loadContext, type ResolutionContext } from './context.js';
import { anthropicKeyHeader, chatCompletionsEndpoint, messagesEndpoint, responsesEndpoint } from './endpoints.js';
import { entriesByType, entryKey } from './provider-protocols.js';
import { type ApiKeyResultInputs, anthropicResult, openAIResponsesResult, openAIResult } from './results.js';
import { untrustedFileFindings } from './missing-key.js';
import { requestEnv, transportView } from './transport-env.js';
import { checkEnforcedType } from './enforced-type.js';
import { describeSource } from './provenance.js';
import { trustedGatewaysOf } from './trusted-gateways.js';
import { checkKeyAndBase } from './value-checks.js';
import { wordingOf } from './wording.js';
import { chooseAuthType024 } from './auth-type-024.js';
import { requestedModel, selectEntry, switchWire } from './entries-024.js';
import { values024 } from './values-024.js';
import { dialectOf, variablesOf, type Wire } from './dialects.js';

/** The URL of each wire's requests. */
const ENDPOINTS: Readonly<Record<Wire['endpoint'], (base: string) => string>> = {
  'chat-completions': chatCompletionsEndpoint,
  responses: responsesEndpoint,
  messages: messagesEndpoint,
};

/** What the 0.24 rules give: the result's values, before the request side is attached. */
type Values = Omit<ApiKeyResultInputs, 'reload' | 'requestEnv' | 'transport' | 'registry'> & {
  readonly type: 'openai' | 'openai-responses' | 'anthropic';
  /** What the destination check needs. */
  readonly destination: DestinationInputs;
};

/**
 * UNTRUSTED_DESTINATION as a diagnostic, for reports that never throw: the
 * values Qwen Code 0.24's rules choose, checked; nothing when they fail.
 */
export function untrustedDestinationDiagnostic024(ctx: ResolutionContext): Diagnostic | undefined {
  const quiet = { ...ctx, diagnostics: [] as Diagnostic[] };
  const expansion = envKeyExpansionVerdict(ctx);
  if (expansion) return untrustedDiagnostic(ctx, expansion);
  try {
    const verdict = destinationVerdict(quiet, values(quiet).destination);
    return verdict.ok ? undefined : untrustedDiagnostic(ctx, verdict);
  } catch {
    return undefined;
  }
}

/**
 * `resolveAuth({ qwenCode: '0.24' })` after the layers are loaded (spec 0.24
 * §2 rules 5–12): the auth type, the requested model and the wire it is on,
 * the entry, the key, base URL and model, the checks, the endpoint.
 */
export function resolveQwenCode024(ctx: ResolutionContext): ApiKeyAuth {
  const v = values(ctx);
  guardDestination(ctx, v.destination);
  const registry = ctx.registry;
  const inputs: ApiKeyResultInputs = {
    ...v,
    // After a rejection: the key the same rules give now for the same endpoint.
    reload: async () => {
      try {
        const fresh = await loadContext(ctx.options);
        const again = values(fresh);
        if (again.type !== v.type || again.baseUrl !== v.baseUrl) return undefined;
        // The key read again may come from elsewhere: it goes only where it may.
        return destinationVerdict(fresh, again.destination).ok ? again.apiKey : undefined;
      } catch {
        return undefined;
      }
    },
    requestEnv: requestEnv(ctx),
    transport: ctx.options.fetch,
    requests: requestOptionsOf(ctx.options),
    registry,
  };
  return v.type === 'openai' ? openAIResult(inputs) : v.type === 'openai-responses' ? openAIResponsesResult(inputs) : anthropicResult(inputs);
}

function values(ctx: ResolutionContext): Values {
  const chosen = chooseAuthType024(ctx);
  const byType = entriesByType(ctx.settings, ctx.diagnostics);

  // Rule 7: the request (by the selected type's variables), then the wire it is declared on.
  const request = requestedModel(ctx, chosen.type);
  const wire = switchWire(chosen.type, request, byType, ctx.settings);
  const type = wire.type;
  const authType = wire.because
    ? { ...chosen.provenance, detail: `${chosen.type}, switched to ${type}: '${wire.because.id}' is declared on that wire (${entryKey(wire.because)})` }
    : chosen.provenance;
  // settings-layers.md §3: the current type, after the switch, against security.auth.enforcedType.
  checkEnforcedType(ctx.settings, type, () => describeSource(authType, { homeDir: ctx.homeDir }), { homeDir: ctx.homeDir });
  const entries = byType.of(type);
  const selection = selectEntry(entries, request, type, ctx.settings, ctx.diagnostics);

  // Rules 8–9.
  const v = values024(ctx, type, request, selection, entries);
  const files = [...(ctx.envFile ? [ctx.envFile.path, ...ctx.envFile.fallbacks.map((f) => f.path)] : []), ...ctx.settings.files.map((f) => f.path)];

  // Rule 10: the checks, in Qwen Code 0.24's order (key, then base URL).
  if (!v.apiKey) {
    const envKey = v.entry?.envKey;
    const settingsKeys = envKey ? [] : ['security.auth.apiKey'];
    // A project .env that folder trust kept out and that holds the key: say so.
    const untrusted = untrustedFileFindings(ctx, envKey ? [envKey] : v.keyVariables);
    const causes = untrusted.map((f) => ` ${f.cause}`).join('');
    throw new QwenAuthError(
      'MISSING_API_KEY',
      envKey
        ? `No API key for ${type}: ${envKey} (named by ${entryKey(v.entry!)}.envKey in ${v.entry!.path}) is not set.${causes}`
        : `No API key for ${type}.${causes} Checked ${[...v.keyVariables, ...settingsKeys].join(', ')} and the files ${files.join(', ') || '(none)'}.`,
      {
        details: {
          variables: [...v.keyVariables],
          files,
          settingsKeys,
          hints: untrusted.map((f) => f.hint),
          ...(v.entry && { requiredBy: entryKey(v.entry) }),
        },
        remedy:
          untrusted.length > 0
            ? untrusted.map((f) => f.remedy).join(' ')
            : envKey
              ? `Set ${envKey} in the environment or a .env file (e.g. ~/.qwen/.env), or in settings.json "env".`
              : `Set ${variablesOf(type).apiKey[0]} in the environment or a .env file, or security.auth.apiKey in settings.json${remedyPhrases(wordingOf(ctx.options)).orFlag('apiKey')}.`,
      },
    );
  }
  // security.auth.useExternal skips Qwen Code's validateAuthMethod (settings-layers.md §4): the
  // Anthropic base-URL checks below; a key that is missing still fails, in the auth refresh.
  const external = ctx.settings.useExternal?.value === true;
  if (type === 'anthropic' && external && !v.baseUrl) {
    throw new QwenAuthError(
      'MISSING_BASE_URL',
      `No base URL for anthropic: security.auth.useExternal (in ${ctx.settings.useExternal!.path}) skips Qwen Code's checks, but no entry baseUrl, override, ANTHROPIC_BASE_URL or security.auth.baseUrl gives one.`,
      { details: { authType: type, variables: ['ANTHROPIC_BASE_URL'], ...(v.entry && { entry: entryKey(v.entry) }) } },
    );
  }
  if (type === 'anthropic' && !external) {
    const envBase = ctx.env.value('ANTHROPIC_BASE_URL');
    if (v.entry && !v.entry.baseUrl) {
      throw new QwenAuthError(
        'MISSING_BASE_URL',
        `${entryKey(v.entry)} in ${v.entry.path} has no baseUrl, which an Anthropic-compatible entry requires (Qwen Code 0.24: "Anthropic provider missing required baseUrl").`,
        { details: { authType: type, variables: ['ANTHROPIC_BASE_URL'], entry: entryKey(v.entry) } },
      );
    }
    if (!v.entry && !envBase) {
      throw new QwenAuthError(
        'MISSING_BASE_URL',
        'ANTHROPIC_BASE_URL is not set, and no modelProviders entry gives a baseUrl; Qwen Code 0.24 requires it even when security.auth.baseUrl or --openai-base-url is set.',
        { details: { authType: type, variables: ['ANTHROPIC_BASE_URL'] } },
      );
    }
  }
  const base = v.baseUrl!;
  const speaks = dialectOf('0.24').wires[type]!;

  // Rules 11–12: the checks on what was chosen, the endpoint and the key's header.
  const checked = checkKeyAndBase(v.apiKey, base, {
    registry: ctx.registry,
    wording: wordingOf(ctx.options),
    trustedGateways: trustedGatewaysOf(ctx.options.trustedGateways, transportView(ctx)),
    now: ctx.now(),
    keyEndpointMismatch: true,
    protocol: speaks.protocol,
  });
  return {
    type,
    apiKey: checked.apiKey,
    baseUrl: checked.baseUrl,
    model: v.model.value,
    endpoint: ENDPOINTS[speaks.endpoint](checked.baseUrl),
    keyHeader: speaks.keyHeader === 'anthropic' ? anthropicKeyHeader(checked.baseUrl) : 'authorization',
    sources: { authType: { ...authType, shadowed: authType.shadowed ?? [] }, apiKey: v.apiKey.provenance, baseUrl: base.provenance, model: v.model.provenance },
    provider: checked.provider,
    diagnostics: [...ctx.diagnostics, ...checked.diagnostics],
    envFile: ctx.envFile,
    qwenDir: ctx.qwenDir,
    destination: { apiKey: v.apiKey.provenance, apiKeyValue: checked.apiKey, baseUrl: checked.baseUrl, baseSource: base.provenance, entry: v.entry },
  };
}
