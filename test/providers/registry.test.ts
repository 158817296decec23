import { describe, expect, it } from 'vitest';
import { checkKeyForEndpoint } from '../../src/providers/check.js';
import { createProviderRegistry, defaultProviders, type ProviderDefinition } from '../../src/index.js';

const registry = createProviderRegistry();

describe('matching a base URL', () => {
  it.each([
    ['https://coding.dashscope.aliyuncs.com/v1', 'alibaba-coding-plan', 'cn-beijing'],
    ['https://coding-intl.dashscope.aliyuncs.com/v1', 'alibaba-coding-plan', 'intl'],
    ['https://token-plan.cn-beijing.maas.aliyuncs.com/compatible-mode/v1', 'alibaba-token-plan', 'cn-beijing'],
    ['https://token-plan.ap-southeast-1.maas.aliyuncs.com/compatible-mode/v1', 'alibaba-token-plan', 'ap-southeast-1'],
    ['https://dashscope.aliyuncs.com/compatible-mode/v1', 'alibaba-dashscope', 'cn-beijing'],
    ['https://dashscope-intl.aliyuncs.com/compatible-mode/v1', 'alibaba-dashscope', 'ap-southeast-1'],
    ['https://dashscope-us.aliyuncs.com/compatible-mode/v1', 'alibaba-dashscope', 'us-east-1'],
    ['https://cn-hongkong.dashscope.aliyuncs.com/compatible-mode/v1', 'alibaba-dashscope', 'cn-hongkong'],
    ['https://DashScope.AliyunCS.com./api/v1', 'alibaba-dashscope', 'cn-beijing'],
    ['https://api.openai.com/v1', 'openai', 'global'],
    ['https://my-resource.openai.azure.com/openai/v1', 'azure-openai', undefined],
    ['https://openrouter.ai/api/v1', 'openrouter', 'global'],
    ['https://api-inference.modelscope.cn/v1', 'modelscope', 'cn'],
    ['https://api.deepseek.com', 'deepseek', 'global'],
    ['https://api.deepseek.com/v1', 'deepseek', 'global'],
    ['https://api.minimax.io/v1', 'minimax', 'intl'],
    ['https://api.minimaxi.com/v1', 'minimax', 'cn'],
    ['https://api.moonshot.cn/v1', 'moonshot', 'cn'],
    ['https://api.x.ai/v1', 'grok', 'global'],
    ['https://router.requesty.ai/v1', 'requesty', 'global'],
    ['https://api.anthropic.com', 'anthropic', 'global'],
    ['https://coding.dashscope.aliyuncs.com/apps/anthropic', 'alibaba-coding-plan', 'cn-beijing'],
    ['https://portal.qwen.ai/v1', 'qwen-oauth', 'global'],
    ['http://localhost:11434/v1', 'ollama', 'local'],
    ['http://127.0.0.1:8000/v1', 'vllm', 'local'],
    ['http://[::1]:1234/v1', 'lm-studio', 'local'],
    ['http://127.0.0.1:9999/v1', 'local', undefined],
  ])('%s → %s (%s)', (url, id, region) => {
    const m = registry.matchBaseUrl(url);
    expect(m?.provider.id).toBe(id);
    expect(m?.endpoint?.region).toBe(region);
  });

  it.each([
    'https://evil-dashscope.aliyuncs.com/v1',
    'https://dashscope.aliyuncs.com.evil.example/v1',
    'https://api.openai.com.evil.example/v1',
    'https://notopenrouter.ai/api/v1',
    'https://example.com/coding.dashscope.aliyuncs.com/v1',
    'not a url',
    'ftp://api.openai.com',
  ])('%s matches nothing (hosts match exactly or as subdomains, never by substring)', (url) => {
    expect(registry.matchBaseUrl(url)).toBeUndefined();
  });

  it('a subdomain matches the most specific host', () => {
    expect(registry.matchBaseUrl('https://x.coding.dashscope.aliyuncs.com/v1')?.provider.id).toBe('alibaba-coding-plan');
    expect(registry.matchBaseUrl('https://x.dashscope.aliyuncs.com/v1')?.provider.id).toBe('alibaba-dashscope');
  });
});

describe('key shapes', () => {
  it.each([
    ['sk-sp-0123456789abcdef', ['alibaba-coding-plan']],
    ['sk-or-v1-abcdef0123456789', ['openrouter']],
    ['sk-proj-abcdef0123456789', ['openai']],
    ['ms-12345678-1234-1234-1234-123456789abc', ['modelscope']],
    ['sk-0123456789abcdef0123456789abcdef', []],
    ['plain-token', []],
  ])('%s belongs to %j', (key, ids) => {
    expect(registry.matchKey(key).map((p) => p.id)).toEqual(ids);
  });
});

describe('mismatches are reported before any request', () => {
  const check = (key: string, url: string) => checkKeyForEndpoint(registry, key, url, registry.matchBaseUrl(url)).map((d) => d.code);
  it.each([
    ['sk-sp- key on DashScope', 'sk-sp-0123456789abcdef', 'https://dashscope.aliyuncs.com/compatible-mode/v1', ['KEY_PROVIDER_MISMATCH']],
    ['sk-sp- key on an unknown host', 'sk-sp-0123456789abcdef', 'https://proxy.example/v1', ['KEY_PROVIDER_MISMATCH']],
    ['sk-sp- key on Coding Plan', 'sk-sp-0123456789abcdef', 'https://coding.dashscope.aliyuncs.com/v1', []],
    ['sk-sp- key on Token Plan', 'sk-sp-0123456789abcdef', 'https://token-plan.cn-beijing.maas.aliyuncs.com/compatible-mode/v1', []],
    ['a Token Plan key of another format on Token Plan', 'tp-0123456789abcdef', 'https://token-plan.ap-southeast-1.maas.aliyuncs.com/compatible-mode/v1', []],
    ['Anthropic key on DashScope', 'sk-ant-0123456789abcdef', 'https://dashscope.aliyuncs.com/compatible-mode/v1', ['KEY_PROVIDER_MISMATCH']],
    ['plain key on Coding Plan', 'sk-0123456789abcdef0123456789abcdef', 'https://coding-intl.dashscope.aliyuncs.com/v1', ['KEY_FORMAT_MISMATCH']],
    ['OpenRouter key on OpenAI', 'sk-or-v1-abcdef0123456789', 'https://api.openai.com/v1', ['KEY_PROVIDER_MISMATCH']],
    ['OpenAI key on DashScope', 'sk-proj-abcdef0123456789', 'https://dashscope.aliyuncs.com/compatible-mode/v1', ['KEY_PROVIDER_MISMATCH']],
    ['plain key on OpenAI', 'sk-0123456789abcdef', 'https://api.openai.com/v1', []],
    ['any key on a local server', 'anything', 'http://localhost:11434/v1', []],
  ])('%s', (_name, key, url, codes) => {
    expect(check(key, url)).toEqual(codes);
  });

  it('messages show the key redacted and suggest the right endpoints', () => {
    const [d] = checkKeyForEndpoint(registry, 'sk-sp-0123456789abcdef', 'https://api.openai.com/v1', registry.matchBaseUrl('https://api.openai.com/v1'));
    expect(d!.message).not.toContain('0123456789abcdef');
    expect(d!.message).toContain('https://coding.dashscope.aliyuncs.com/v1');
  });
});

describe('the registry is data', () => {
  it('records the Coding Plan quotas and both Qwen OAuth daily figures with their source', () => {
    const cp = registry.get('alibaba-coding-plan')!;
    expect(cp.quotas!.map((q) => [q.tier, q.price, q.limits.map((l) => l.requests)])).toEqual([
      ['Lite Basic', '¥40/month', [1200, 9000, 18000]],
      ['Pro Advanced', '¥200/month', [6000, 45000, 90000]],
    ]);
    const oauth = registry.get('qwen-oauth')!;
    expect(oauth).toMatchObject({ status: 'discontinued', discontinuedOn: '2026-04-15' });
    const daily = oauth.quotas!.map((q) => [q.source, q.limits.find((l) => l.per === 'day')!.requests]);
    expect(daily).toEqual([
      [expect.stringContaining('French'), 1000],
      [expect.stringContaining('Chinese'), 2000],
    ]);
  });

  it('can be extended, and rejects broken definitions', () => {
    const mine: ProviderDefinition = {
      id: 'corp-gateway',
      name: 'Corp gateway',
      authType: 'openai',
      plan: 'internal',
      status: 'active',
      endpoints: [{ region: 'eu', regionName: 'EU', baseUrl: 'https://llm.corp.example/v1' }],
      envKeys: ['CORP_LLM_KEY'],
      keyPrefixes: ['corp-'],
    };
    const extended = createProviderRegistry([...defaultProviders, mine]);
    expect(extended.matchBaseUrl('https://llm.corp.example/v1')?.provider.id).toBe('corp-gateway');
    expect(() => createProviderRegistry([...defaultProviders, { ...mine, id: 'openai' }])).toThrow(/used twice/);
    expect(() => createProviderRegistry([{ ...mine, endpoints: [{ region: 'x', regionName: 'x', baseUrl: 'nope' }] }])).toThrow(
      expect.objectContaining({ code: 'INVALID_OPTION' }),
    );
  });

  it('every default endpoint matches its own provider, and itself among the endpoints on its host', () => {
    for (const p of defaultProviders) {
      for (const e of p.endpoints) {
        const m = registry.matchBaseUrl(e.baseUrl);
        expect(m?.provider.id).toBe(p.id);
        if (!p.loopbackPorts) expect(m?.endpoint, e.baseUrl).toBe(e);
      }
    }
  });

  it("one host, several endpoints: the path tells them apart (Z.ai's Coding Plan, Coding Plan's Anthropic path)", () => {
    expect(registry.matchBaseUrl('https://api.z.ai/api/coding/paas/v4')?.endpoint?.regionName).toBe('Global (Coding Plan)');
    expect(registry.matchBaseUrl('https://api.z.ai/api/paas/v4/')?.endpoint?.regionName).toBe('Global (Standard API Key)');
    expect(registry.matchBaseUrl('https://coding.dashscope.aliyuncs.com/apps/anthropic/')?.endpoint?.protocol).toBe('anthropic');
    expect(registry.matchBaseUrl('https://coding.dashscope.aliyuncs.com/v1')?.endpoint?.protocol).toBeUndefined();
  });

  it("holds Qwen Code 0.24.4's preset facts: variables, model lists, Token Plan keys without a required prefix", () => {
    const env = Object.fromEntries(defaultProviders.map((p) => [p.id, p.envKeys[0]]));
    expect(env).toMatchObject({
      'alibaba-coding-plan': 'BAILIAN_CODING_PLAN_API_KEY',
      'alibaba-token-plan': 'BAILIAN_TOKEN_PLAN_API_KEY',
      'alibaba-dashscope': 'DASHSCOPE_API_KEY',
      openrouter: 'OPENROUTER_API_KEY',
      deepseek: 'DEEPSEEK_API_KEY',
      modelscope: 'MODELSCOPE_API_KEY',
      minimax: 'MINIMAX_API_KEY',
      zai: 'ZAI_API_KEY',
      moonshot: 'MOONSHOT_API_KEY',
      grok: 'XAI_API_KEY',
      requesty: 'REQUESTY_API_KEY',
    });
    expect(registry.get('alibaba-dashscope')!.endpoints.map((e) => e.region)).toEqual(['cn-beijing', 'ap-southeast-1', 'us-east-1', 'cn-hongkong']);
    expect(registry.get('alibaba-coding-plan')!.models?.[0]).toBe('qwen3.5-plus');
    expect(registry.get('alibaba-token-plan')!.models).toHaveLength(18);
    const tp = registry.get('alibaba-token-plan')!;
    expect(tp.keyPrefixes).toBeUndefined();
    expect(tp.requiresKeyPrefix).toBeUndefined();
  });
});
