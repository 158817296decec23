import type { QwenCodeAuthType } from '../../types.js';

/** The environment variables Qwen Code 0.24 reads for one auth type (spec 0.24 §1.4), highest first. */
export interface TypeVariables {
  readonly apiKey: readonly string[];
  readonly baseUrl: readonly string[];
  readonly model: readonly string[];
  /** The model when nothing names one (`coder-model` is what 0.24 sends for the types without a default). */
  readonly defaultModel: string;
}

/** `qwen3.7-max`: Qwen Code 0.24's default model for `openai` (0.12's was `qwen3.5-plus`). */
export const QWEN_CODE_024_DEFAULT_OPENAI_MODEL = 'qwen3.7-max';
/** What Qwen Code 0.24 sends when an auth type has no default model. */
export const QWEN_CODE_024_FALLBACK_MODEL = 'coder-model';

const VARIABLES: Readonly<Record<QwenCodeAuthType, TypeVariables>> = Object.freeze({
  openai: { apiKey: ['OPENAI_API_KEY'], baseUrl: ['OPENAI_BASE_URL'], model: ['OPENAI_MODEL', 'QWEN_MODEL'], defaultModel: QWEN_CODE_024_DEFAULT_OPENAI_MODEL },
  'openai-responses': { apiKey: ['OPENAI_API_KEY'], baseUrl: ['OPENAI_BASE_URL'], model: ['OPENAI_MODEL'], defaultModel: QWEN_CODE_024_FALLBACK_MODEL },
  anthropic: { apiKey: ['ANTHROPIC_API_KEY'], baseUrl: ['ANTHROPIC_BASE_URL'], model: ['ANTHROPIC_MODEL'], defaultModel: QWEN_CODE_024_FALLBACK_MODEL },
  gemini: { apiKey: ['GEMINI_API_KEY'], baseUrl: [], model: ['GEMINI_MODEL'], defaultModel: QWEN_CODE_024_FALLBACK_MODEL },
  'vertex-ai': { apiKey: ['GOOGLE_API_KEY'], baseUrl: [], model: ['GOOGLE_MODEL'], defaultModel: QWEN_CODE_024_FALLBACK_MODEL },
  'qwen-oauth': { apiKey: [], baseUrl: [], model: [], defaultModel: QWEN_CODE_024_FALLBACK_MODEL },
});

/** The variables of an auth type. */
export function variablesOf(type: QwenCodeAuthType): TypeVariables {
  return VARIABLES[type];
}

/** Every variable of a type, key first, for messages (`vertex-ai` also names GOOGLE_CLOUD_PROJECT). */
export function allVariablesOf(type: QwenCodeAuthType): string[] {
  const v = VARIABLES[type];
  return [...v.apiKey, ...v.baseUrl, ...v.model, ...(type === 'vertex-ai' ? ['GOOGLE_CLOUD_PROJECT'] : [])];
}
