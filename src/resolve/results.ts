import type { Diagnostic } from '../diagnostics.js';
import { redact, withRedactedView } from '../redact.js';
import type {
  AnthropicAuth,
  EnvFileReport,
  KeyHeader,
  OpenAIAuth,
  OpenAIResponsesAuth,
  Provenance,
  ProviderMatch,
} from '../types.js';

/** What every API-key result is built from, whichever mode resolved it. */
export interface ApiKeyResultInputs {
  readonly apiKey: string;
  readonly baseUrl: string;
  readonly model: string;
  readonly endpoint: string;
  readonly keyHeader: KeyHeader;
  readonly sources: {
    readonly authType: Provenance;
    readonly apiKey: Provenance;
    readonly baseUrl: Provenance;
    readonly model: Provenance;
  };
  readonly provider: ProviderMatch | undefined;
  readonly diagnostics: readonly Diagnostic[];
  readonly envFile: EnvFileReport | null;
  readonly qwenDir: string;
}

type Fields = Omit<OpenAIAuth, 'type'>;

function fields(inputs: ApiKeyResultInputs): Fields {
  return {
    apiKey: inputs.apiKey,
    baseUrl: inputs.baseUrl,
    model: inputs.model,
    endpoint: inputs.endpoint,
    keyHeader: inputs.keyHeader,
    sources: inputs.sources,
    envFile: inputs.envFile,
    provider: inputs.provider,
    diagnostics: Object.freeze([...inputs.diagnostics]),
    qwenDir: inputs.qwenDir,
  };
}

/** Frozen, and redacted in `util.inspect` and JSON; the `apiKey` field keeps the key. */
function seal<T extends { readonly apiKey: string }>(result: T): T {
  return Object.freeze(withRedactedView(result, () => ({ ...result, apiKey: redact(result.apiKey) })));
}

/** The `openai` result (Chat Completions). */
export function openAIResult(inputs: ApiKeyResultInputs): OpenAIAuth {
  return seal<OpenAIAuth>({ type: 'openai', ...fields(inputs) });
}

/** The `openai-responses` result (Responses wire). */
export function openAIResponsesResult(inputs: ApiKeyResultInputs): OpenAIResponsesAuth {
  return seal<OpenAIResponsesAuth>({ type: 'openai-responses', ...fields(inputs) });
}

/** The `anthropic` result (Messages API; the key in the header `keyHeader` names). */
export function anthropicResult(inputs: ApiKeyResultInputs): AnthropicAuth {
  return seal<AnthropicAuth>({ type: 'anthropic', ...fields(inputs) });
}
