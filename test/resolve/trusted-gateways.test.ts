/**
 * A Coding Plan key sent through a gateway on loopback is not a mistake when
 * the gateway is trusted: no KEY_PROVIDER_MISMATCH, an info TRUSTED_GATEWAY.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { resolveAuth } from '../../src/index.js';
import type { ResolveAuthOptions } from '../../src/resolve/options.js';
import { makeTree, type Tree } from '../support/tree.js';

let tree: Tree | undefined;
afterEach(() => tree?.remove());

const KEY = 'sk-sp-gateway00000000000000beef';

async function codes(baseUrl: string, extra: Partial<ResolveAuthOptions> = {}, files: Record<string, string> = {}): Promise<string[]> {
  tree = makeTree({ 'home/.keep': '', 'w/.keep': '', ...files });
  const auth = await resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: { OPENAI_API_KEY: KEY, OPENAI_BASE_URL: baseUrl }, ...extra });
  return auth.diagnostics.map((d) => d.code);
}

describe('trustedGateways', () => {
  it('without it, a Coding Plan key on a loopback gateway warns', async () => {
    expect(await codes('http://127.0.0.1:8080/v1')).toContain('KEY_PROVIDER_MISMATCH');
  });

  it.each([
    ['an origin', 'http://127.0.0.1:8080'],
    ['a host and port', '127.0.0.1:8080'],
    ['a host (any port)', '127.0.0.1'],
    ['any case, with spaces', ' HTTP://127.0.0.1:8080 '],
  ])('%s marks it trusted: no mismatch, TRUSTED_GATEWAY (info)', async (_name, entry) => {
    const found = await codes('http://127.0.0.1:8080/v1', { trustedGateways: [entry] });
    expect(found).not.toContain('KEY_PROVIDER_MISMATCH');
    expect(found).toContain('TRUSTED_GATEWAY');
  });

  it.each([
    ['another port', 'http://127.0.0.1:9090'],
    ['another scheme', 'https://127.0.0.1:8080'],
    ['another host', 'localhost:8080'],
  ])('%s does not match', async (_name, entry) => {
    expect(await codes('http://127.0.0.1:8080/v1', { trustedGateways: [entry] })).toContain('KEY_PROVIDER_MISMATCH');
  });

  it('the default port of the scheme counts as given', async () => {
    expect(await codes('https://llm-gw.corp.example/v1', { trustedGateways: ['llm-gw.corp.example:443'] })).toContain('TRUSTED_GATEWAY');
  });

  it('QWEN_AUTH_TRUSTED_GATEWAYS, e.g. in a home .env file, does the same; the option wins over it', async () => {
    const files = { 'home/.qwen/.env': 'QWEN_AUTH_TRUSTED_GATEWAYS=http://localhost:1, http://127.0.0.1:8080\n' };
    const found = await codes('http://127.0.0.1:8080/v1', {}, files);
    expect(found).toContain('TRUSTED_GATEWAY');
    expect(found).not.toContain('KEY_PROVIDER_MISMATCH');
    expect(await codes('http://127.0.0.1:8080/v1', { trustedGateways: [] }, files)).toContain('KEY_PROVIDER_MISMATCH');
  });

  it('QWEN_AUTH_TRUSTED_GATEWAYS in a project file is ignored, with PROJECT_TRANSPORT_IGNORED (issue 16)', async () => {
    for (const files of [
      { 'w/.env': 'QWEN_AUTH_TRUSTED_GATEWAYS=http://127.0.0.1:8080\n' },
      { 'w/.qwen/settings.json': '{"env":{"QWEN_AUTH_TRUSTED_GATEWAYS":"http://127.0.0.1:8080"}}' },
    ]) {
      const found = await codes('http://127.0.0.1:8080/v1', {}, files);
      expect(found).not.toContain('TRUSTED_GATEWAY');
      expect(found).toContain('KEY_PROVIDER_MISMATCH');
      expect(found).toContain('PROJECT_TRANSPORT_IGNORED');
    }
  });

  it('plain http to another machine still warns INSECURE_BASE_URL', async () => {
    expect(await codes('http://gw.corp.example/v1', { trustedGateways: ['gw.corp.example'] })).toContain('INSECURE_BASE_URL');
  });

  it.each([
    [['http://x/path'], 'INVALID_OPTION'],
    [['a b'], 'INVALID_OPTION'],
    [[''], 'INVALID_OPTION'],
    [[42], 'INVALID_OPTION'],
    ['http://x', 'INVALID_OPTION_TYPE'],
  ])('%j is %s', async (value, code) => {
    await expect(resolveAuth({ env: {}, trustedGateways: value as never })).rejects.toMatchObject({
      code,
      details: { option: 'trustedGateways' },
    });
  });
});
