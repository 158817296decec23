import type { ProviderDefinition } from './types.js';

const FR_DOC = 'Qwen Code authentication docs (French)';
const ZH_DOC = 'Qwen Code authentication docs (Chinese)';

/*
 * Sources of the facts below (each provider names the ones it uses):
 * - QC024: the `/auth` presets of @qwen-code/qwen-code@0.24.4
 *   (packages/core/src/providers/presets/*, in its bundle), read 2026-12-02:
 *   endpoints, region labels, env variables, model lists.
 * - QC024_DOC: its docs/configuration/auth.md (bundled), read 2026-12-02:
 *   "Token Plan API keys have no prefix requirement (unlike Coding Plan
 *   keys, which start with sk-sp-)"; ANTHROPIC_API_KEY / sk-ant- keys.
 * - SPEC024: ../shared/spec/qwen-code-0.24.md (2026-12): the Coding Plan
 *   Anthropic-compatible path https://coding.dashscope.aliyuncs.com/apps/anthropic.
 * - FR_DOC / ZH_DOC: the two origin auth documents (quotas, OAuth).
 */

const BEIJING = { region: 'cn-beijing', regionName: 'China (Beijing)' } as const;
const SINGAPORE = { region: 'ap-southeast-1', regionName: 'Singapore' } as const;
const LOCAL = { region: 'local', regionName: 'This machine' } as const;
const GLOBAL = { region: 'global', regionName: 'Global' } as const;

/** QC024: the Coding Plan preset's models (first = the one `/auth` selects). */
const CODING_PLAN_MODELS = [
  'qwen3.5-plus',
  'qwen3.6-plus',
  'qwen3.7-plus',
  'glm-5',
  'kimi-k2.5',
  'MiniMax-M2.5',
  'qwen3-coder-plus',
  'qwen3-coder-next',
  'qwen3-max-2026-01-23',
  'glm-4.7',
];

/** QC024: the Token Plan preset's models. */
const TOKEN_PLAN_MODELS = [
  'qwen3.7-plus',
  'qwen3.6-plus',
  'qwen3.7-max',
  'qwen3.8-max',
  'qwen3.8-max-preview',
  'qwen3.6-flash',
  'deepseek-v4-pro',
  'deepseek-v4-flash-0731',
  'deepseek-v3.2',
  'kimi-k2.7-code',
  'kimi-k2.6',
  'kimi-k2.5',
  'glm-5.2',
  'glm-5.1',
  'glm-5',
  'MiniMax-M2.5',
  'qwen3.8-flash',
  'deepseek-v4-pro-0813',
];

/** QC024: the "Standard API Key" (DashScope) preset's models. */
const DASHSCOPE_MODELS = [
  'qwen3.6-plus',
  'qwen3.7-plus',
  'qwen3.7-max',
  'glm-5.1',
  'deepseek-v4-pro',
  'deepseek-v4-flash',
  'qwen3.8-max',
  'qwen3.8-max-0902',
  'qwen3.8-flash',
  'deepseek-v4-pro-0813',
  'deepseek-v4-flash-0731',
  'kimi-k3',
  'kimi-k2.7-code',
  'kimi-k2.6',
];

/**
 * The default providers. Pure data: extend or replace it with
 * `createProviderRegistry([...defaultProviders, mine])`.
 */
export const defaultProviders: readonly ProviderDefinition[] = Object.freeze([
  {
    id: 'alibaba-coding-plan',
    name: 'Alibaba Cloud Coding Plan',
    vendor: 'alibaba-cloud',
    authType: 'openai',
    plan: 'coding-plan',
    status: 'active',
    // QC024 (endpoints, labels, variable, models); SPEC024 (the Anthropic path).
    endpoints: [
      { ...BEIJING, baseUrl: 'https://coding.dashscope.aliyuncs.com/v1' },
      { region: 'intl', regionName: 'Singapore (International)', baseUrl: 'https://coding-intl.dashscope.aliyuncs.com/v1' },
      { ...BEIJING, baseUrl: 'https://coding.dashscope.aliyuncs.com/apps/anthropic', protocol: 'anthropic' },
    ],
    envKeys: ['BAILIAN_CODING_PLAN_API_KEY'],
    // QC024: the /auth form checks the prefix ("Coding Plan API keys start with sk-sp-").
    keyPrefixes: ['sk-sp-'],
    requiresKeyPrefix: true,
    impliedByKey: true,
    defaultModel: 'qwen3-coder-plus',
    models: CODING_PLAN_MODELS,
    quotas: [
      {
        tier: 'Lite Basic',
        price: '¥40/month',
        limits: [
          { per: '5 hours', requests: 1200 },
          { per: 'week', requests: 9000 },
          { per: 'month', requests: 18000 },
        ],
        source: FR_DOC,
      },
      {
        tier: 'Pro Advanced',
        price: '¥200/month',
        limits: [
          { per: '5 hours', requests: 6000 },
          { per: 'week', requests: 45000 },
          { per: 'month', requests: 90000 },
        ],
        source: FR_DOC,
      },
    ],
    docs: 'https://bailian.console.aliyun.com/cn-beijing/?tab=doc#/doc/?type=model&url=3005961',
    note:
      'Subscription keys start with sk-sp-. Anthropic-compatible clients use https://coding.dashscope.aliyuncs.com/apps/anthropic. ' +
      'The origin documentation offers the plan to mainland China users (Beijing); Qwen Code 0.24 also offers the Singapore (International) endpoint.',
  },
  {
    id: 'alibaba-token-plan',
    name: 'Alibaba Cloud Token Plan',
    vendor: 'alibaba-cloud',
    authType: 'openai',
    plan: 'token-plan',
    status: 'active',
    // QC024 (endpoints, labels, variable, models).
    endpoints: [
      { ...BEIJING, baseUrl: 'https://token-plan.cn-beijing.maas.aliyuncs.com/compatible-mode/v1' },
      { region: 'ap-southeast-1', regionName: 'Singapore (International)', baseUrl: 'https://token-plan.ap-southeast-1.maas.aliyuncs.com/compatible-mode/v1' },
    ],
    envKeys: ['BAILIAN_TOKEN_PLAN_API_KEY'],
    // QC024_DOC: Token Plan keys have no prefix requirement; one may look like a Coding Plan key.
    sharedKeyPrefixes: ['sk-sp-'],
    models: TOKEN_PLAN_MODELS,
    docs: 'https://bailian.console.aliyun.com/cn-beijing?tab=doc#/doc/?type=model&url=3028856',
    note: 'Usage-based plan for teams, with a dedicated endpoint per region. Its keys have no required prefix.',
  },
  {
    id: 'alibaba-dashscope',
    name: 'Alibaba Cloud Model Studio (DashScope)',
    vendor: 'alibaba-cloud',
    authType: 'openai',
    plan: 'pay-as-you-go',
    status: 'active',
    endpoints: [
      { ...BEIJING, baseUrl: 'https://dashscope.aliyuncs.com/compatible-mode/v1' },
      { ...SINGAPORE, baseUrl: 'https://dashscope-intl.aliyuncs.com/compatible-mode/v1' },
      { region: 'us-east-1', regionName: 'US (Virginia)', baseUrl: 'https://dashscope-us.aliyuncs.com/compatible-mode/v1' },
      {
        region: 'cn-hongkong',
        regionName: 'China (Hong Kong)',
        baseUrl: 'https://cn-hongkong.dashscope.aliyuncs.com/compatible-mode/v1',
      },
    ],
    // QC024: the "Standard API Key" preset (metadata key alibabaStandard), four regions.
    envKeys: ['DASHSCOPE_API_KEY'],
    models: DASHSCOPE_MODELS,
  },
  {
    id: 'qwen-oauth',
    name: 'Qwen OAuth (qwen.ai account)',
    authType: 'qwen-oauth',
    plan: 'free',
    status: 'discontinued',
    discontinuedOn: '2026-04-15',
    endpoints: [{ ...GLOBAL, baseUrl: 'https://portal.qwen.ai/v1' }],
    hosts: ['qwen.ai'],
    envKeys: [],
    defaultModel: 'coder-model',
    quotas: [
      {
        tier: 'Free',
        price: 'free',
        limits: [
          { per: 'minute', requests: 60 },
          { per: 'day', requests: 1000 },
        ],
        source: FR_DOC,
      },
      {
        tier: 'Free',
        price: 'free',
        limits: [
          { per: 'minute', requests: 60 },
          { per: 'day', requests: 2000 },
        ],
        source: ZH_DOC,
      },
    ],
    note: 'The free tier was discontinued on 2026-04-15. The two documents disagree on the daily quota (1,000 vs 2,000 requests).',
  },
  {
    id: 'openai',
    name: 'OpenAI',
    authType: 'openai',
    plan: 'pay-as-you-go',
    status: 'active',
    endpoints: [{ ...GLOBAL, baseUrl: 'https://api.openai.com/v1' }],
    envKeys: ['OPENAI_API_KEY'],
    keyPrefixes: ['sk-proj-', 'sk-svcacct-', 'sk-admin-'],
    docs: 'https://platform.openai.com/api-keys',
  },
  {
    id: 'azure-openai',
    name: 'Azure OpenAI',
    authType: 'openai',
    plan: 'pay-as-you-go',
    status: 'active',
    endpoints: [],
    hosts: ['openai.azure.com', 'cognitiveservices.azure.com', 'services.ai.azure.com'],
    envKeys: ['AZURE_OPENAI_API_KEY'],
    note: 'Each resource has its own host: https://<resource>.openai.azure.com/openai/v1',
  },
  {
    id: 'openrouter',
    name: 'OpenRouter',
    authType: 'openai',
    plan: 'pay-as-you-go',
    status: 'active',
    endpoints: [{ ...GLOBAL, baseUrl: 'https://openrouter.ai/api/v1' }],
    envKeys: ['OPENROUTER_API_KEY'],
    keyPrefixes: ['sk-or-'],
    // QC024: the preset's free models.
    models: ['z-ai/glm-4.5-air:free', 'openai/gpt-oss-120b:free'],
    docs: 'https://openrouter.ai/docs',
  },
  {
    id: 'modelscope',
    name: 'ModelScope API Inference',
    authType: 'openai',
    plan: 'free',
    status: 'active',
    endpoints: [{ region: 'cn', regionName: 'China', baseUrl: 'https://api-inference.modelscope.cn/v1' }],
    envKeys: ['MODELSCOPE_API_KEY'],
    keyPrefixes: ['ms-'],
    // QC024.
    models: ['deepseek-ai/DeepSeek-V4-Flash', 'Qwen/Qwen3.5-397B-A17B', 'ZhipuAI/GLM-5.1'],
    docs: 'https://modelscope.cn/docs/model-service/API-Inference/intro',
  },
  {
    id: 'deepseek',
    name: 'DeepSeek',
    authType: 'openai',
    plan: 'pay-as-you-go',
    status: 'active',
    // QC024: the preset's base URL is the host alone (OpenAI-compatible there, and under /v1).
    endpoints: [{ ...GLOBAL, baseUrl: 'https://api.deepseek.com' }],
    envKeys: ['DEEPSEEK_API_KEY'],
    models: ['deepseek-v4-pro', 'deepseek-v4-flash'],
    docs: 'https://api-docs.deepseek.com/',
  },
  {
    id: 'minimax',
    name: 'MiniMax',
    authType: 'openai',
    plan: 'pay-as-you-go',
    status: 'active',
    // QC024.
    endpoints: [
      { region: 'intl', regionName: 'International', baseUrl: 'https://api.minimax.io/v1' },
      { region: 'cn', regionName: 'China', baseUrl: 'https://api.minimaxi.com/v1' },
    ],
    envKeys: ['MINIMAX_API_KEY'],
    models: ['MiniMax-M3', 'MiniMax-M2.7', 'MiniMax-M2.7-highspeed', 'MiniMax-M2.5', 'MiniMax-M2.5-highspeed'],
    note: 'Qwen Code 0.24 also configures the image-only models image-01 and image-01-live.',
  },
  {
    id: 'zai',
    name: 'Z.AI',
    authType: 'openai',
    plan: 'pay-as-you-go',
    status: 'active',
    // QC024: one host, two endpoints (the standard API and the GLM Coding Plan).
    endpoints: [
      { ...GLOBAL, regionName: 'Global (Standard API Key)', baseUrl: 'https://api.z.ai/api/paas/v4' },
      { ...GLOBAL, regionName: 'Global (Coding Plan)', baseUrl: 'https://api.z.ai/api/coding/paas/v4' },
    ],
    envKeys: ['ZAI_API_KEY'],
    models: ['GLM-5.2', 'GLM-5.1', 'GLM-5', 'GLM-5-Turbo'],
    docs: 'https://docs.z.ai/',
  },
  {
    id: 'moonshot',
    name: 'Kimi (Moonshot AI)',
    authType: 'openai',
    plan: 'pay-as-you-go',
    status: 'active',
    // QC024.
    endpoints: [
      { region: 'intl', regionName: 'International', baseUrl: 'https://api.moonshot.ai/v1' },
      { region: 'cn', regionName: 'China', baseUrl: 'https://api.moonshot.cn/v1' },
    ],
    envKeys: ['MOONSHOT_API_KEY'],
    models: ['kimi-k3', 'kimi-k2.7-code', 'kimi-k2.7-code-highspeed', 'kimi-k2.6'],
    docs: 'https://platform.kimi.ai/docs',
  },
  {
    id: 'grok',
    name: 'Grok (xAI)',
    authType: 'openai',
    plan: 'pay-as-you-go',
    status: 'active',
    // QC024.
    endpoints: [{ ...GLOBAL, baseUrl: 'https://api.x.ai/v1' }],
    envKeys: ['XAI_API_KEY'],
    models: ['grok-4.5', 'grok-4.3', 'grok-4.20-0309-reasoning', 'grok-4.20-0309-non-reasoning', 'grok-4.20-multi-agent-0309', 'grok-build-0.1'],
    docs: 'https://docs.x.ai/docs',
  },
  {
    id: 'requesty',
    name: 'Requesty',
    authType: 'openai',
    plan: 'pay-as-you-go',
    status: 'active',
    // QC024.
    endpoints: [{ ...GLOBAL, baseUrl: 'https://router.requesty.ai/v1' }],
    envKeys: ['REQUESTY_API_KEY'],
    models: ['openai/gpt-4o-mini', 'openai/gpt-4o'],
    docs: 'https://docs.requesty.ai',
  },
  {
    id: 'anthropic',
    name: 'Anthropic',
    authType: 'anthropic',
    plan: 'pay-as-you-go',
    status: 'active',
    // QC024_DOC (ANTHROPIC_API_KEY, sk-ant- keys); QC024 sends them in x-api-key on *.anthropic.com.
    endpoints: [{ ...GLOBAL, baseUrl: 'https://api.anthropic.com', protocol: 'anthropic' }],
    envKeys: ['ANTHROPIC_API_KEY'],
    keyPrefixes: ['sk-ant-'],
    docs: 'https://docs.anthropic.com/',
  },
  {
    id: 'ollama',
    name: 'Ollama (local)',
    authType: 'openai',
    plan: 'self-hosted',
    status: 'active',
    endpoints: [{ ...LOCAL, baseUrl: 'http://localhost:11434/v1' }],
    loopbackPorts: [11434],
    envKeys: [],
    note: 'Any non-empty key is accepted.',
  },
  {
    id: 'vllm',
    name: 'vLLM (local)',
    authType: 'openai',
    plan: 'self-hosted',
    status: 'active',
    endpoints: [{ ...LOCAL, baseUrl: 'http://localhost:8000/v1' }],
    loopbackPorts: [8000],
    envKeys: ['VLLM_API_KEY'],
  },
  {
    id: 'lm-studio',
    name: 'LM Studio (local)',
    authType: 'openai',
    plan: 'self-hosted',
    status: 'active',
    endpoints: [{ ...LOCAL, baseUrl: 'http://localhost:1234/v1' }],
    loopbackPorts: [1234],
    envKeys: [],
    note: 'Any non-empty key is accepted.',
  },
  {
    id: 'local',
    name: 'Local OpenAI-compatible server',
    authType: 'openai',
    plan: 'self-hosted',
    status: 'active',
    endpoints: [],
    anyLoopback: true,
    envKeys: [],
  },
] satisfies ProviderDefinition[]);
