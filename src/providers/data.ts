import type { ProviderDefinition } from './types.js';

const FR_DOC = 'Qwen Code authentication docs (French)';
const ZH_DOC = 'Qwen Code authentication docs (Chinese)';

const BEIJING = { region: 'cn-beijing', regionName: 'China (Beijing)' } as const;
const SINGAPORE = { region: 'ap-southeast-1', regionName: 'Singapore' } as const;
const LOCAL = { region: 'local', regionName: 'This machine' } as const;
const GLOBAL = { region: 'global', regionName: 'Global' } as const;

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
    endpoints: [
      { ...BEIJING, baseUrl: 'https://coding.dashscope.aliyuncs.com/v1' },
      { region: 'intl', regionName: 'International', baseUrl: 'https://coding-intl.dashscope.aliyuncs.com/v1' },
    ],
    envKeys: ['BAILIAN_CODING_PLAN_API_KEY'],
    keyPrefixes: ['sk-sp-'],
    requiresKeyPrefix: true,
    impliedByKey: true,
    defaultModel: 'qwen3-coder-plus',
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
    note: 'Subscription keys start with sk-sp-. The documentation offers the plan to mainland China users (Beijing).',
  },
  {
    id: 'alibaba-token-plan',
    name: 'Alibaba Cloud Token Plan',
    vendor: 'alibaba-cloud',
    authType: 'openai',
    plan: 'token-plan',
    status: 'active',
    endpoints: [
      { ...BEIJING, baseUrl: 'https://token-plan.cn-beijing.maas.aliyuncs.com/compatible-mode/v1' },
      { ...SINGAPORE, baseUrl: 'https://token-plan.ap-southeast-1.maas.aliyuncs.com/compatible-mode/v1' },
    ],
    envKeys: ['BAILIAN_TOKEN_PLAN_API_KEY'],
    keyPrefixes: ['sk-sp-'],
    note: 'Usage-based plan for teams, with a dedicated endpoint per region.',
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
    envKeys: ['DASHSCOPE_API_KEY'],
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
    docs: 'https://modelscope.cn/docs/model-service/API-Inference/intro',
  },
  {
    id: 'deepseek',
    name: 'DeepSeek',
    authType: 'openai',
    plan: 'pay-as-you-go',
    status: 'active',
    endpoints: [{ ...GLOBAL, baseUrl: 'https://api.deepseek.com/v1' }],
    envKeys: ['DEEPSEEK_API_KEY'],
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
