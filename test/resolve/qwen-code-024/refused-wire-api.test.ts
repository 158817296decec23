/**
 * A `modelProviders` entry Qwen Code 0.24 refuses to start on (an invalid
 * `wireApi`, or a `wireApi` under a provider routed to a non-OpenAI protocol:
 * "wireApi is only supported for OpenAI-compatible models"). Documented
 * difference: we skip the entry with SETTINGS_INVALID_VALUE. Qwen Code checks
 * every entry before choosing one, so the diagnostic must be reachable also
 * when resolution fails (inspectEnvironment reports it). Differential seed 7038.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { inspectEnvironment, isAuthError, resolveAuth } from '../../../src/index.js';
import type { ResolveAuthOptions } from '../../../src/resolve/options.js';
import { makeTree, type Tree } from '../../support/tree.js';

let tree: Tree | undefined;
afterEach(() => tree?.remove());

function optionsOf(user: object, env: Record<string, string> = {}): ResolveAuthOptions {
  tree = makeTree({ 'home/.keep': '', 'w/.keep': '', 'home/.qwen/settings.json': JSON.stringify(user) });
  return { qwenCode: '0.24', cwd: tree.path('w'), homeDir: tree.path('home'), env };
}

const refused = (diagnostics: readonly { code: string; key?: string }[]) =>
  diagnostics.filter((d) => d.code === 'SETTINGS_INVALID_VALUE' && d.key?.endsWith('.wireApi')).map((d) => d.key);

describe("qwenCode: '0.24': entries Qwen Code refuses to start on", () => {
  const user = {
    security: { auth: { selectedType: 'openai-responses' } },
    model: { name: 'missing-model' },
    modelProviders: {
      'openai-responses': [{ id: 'r0', baseUrl: 'http://127.0.0.1:9/r0/v1', envKey: 'KEY_R0' }],
      myproxy: [
        { id: 'p0', baseUrl: 'http://127.0.0.1:9/p0', envKey: 'KEY_P0' },
        { id: 'p1', envKey: 'KEY_P1', wireApi: 'chat-completions' },
      ],
      openai: [{ id: 'o0', baseUrl: 'http://127.0.0.1:9/o0/v1', envKey: 'KEY_O0', wireApi: 'sideways' }],
    },
    providerProtocol: { myproxy: 'anthropic' },
  };

  it('inspectEnvironment reports a wireApi under a non-OpenAI protocol and an invalid wireApi, while resolveAuth fails', async () => {
    const options = optionsOf(user, { KEY_P1: 'sk-p1' });
    const error = await resolveAuth(options).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isAuthError(error) && error.code).toBe('MISSING_API_KEY');
    const report = await inspectEnvironment(options);
    expect(refused(report.diagnostics).sort()).toEqual(['modelProviders.myproxy[1].wireApi', 'modelProviders.openai[0].wireApi']);
    expect(report.diagnostics.find((d) => d.key === 'modelProviders.myproxy[1].wireApi')?.message).toMatch(/applies only to OpenAI-compatible providers/);
  });

  it('a wireApi under an OpenAI protocol is not reported', async () => {
    const report = await inspectEnvironment(
      optionsOf({ modelProviders: { openai: [{ id: 'o0', baseUrl: 'http://127.0.0.1:9/o0/v1', envKey: 'K', wireApi: 'responses' }] } }),
    );
    expect(refused(report.diagnostics)).toEqual([]);
  });
});
