import { afterEach, describe, expect, it } from 'vitest';
import { isAuthError, resolveAuth } from '../../src/index.js';
import type { Provenance, QwenCodeVersion, ValueSource } from '../../src/types.js';
import { makeTree, type Tree } from '../support/tree.js';

let tree: Tree | undefined;
afterEach(() => {
  tree?.remove();
  tree = undefined;
});

function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

/** Every source of a result: the winners and what they shadowed. */
function allSources(sources: Readonly<Record<string, Provenance>>): ValueSource[] {
  return Object.values(sources).flatMap((p) => [p, ...p.shadowed]);
}

describe('every source carries its scope (contract: Scope)', () => {
  it('generated layer mixes, both dialects: scope follows the kind and the file', async () => {
    const next = rng(1515);
    const pick = (): boolean => next() < 0.5;
    let checked = 0;
    for (let i = 0; i < 24; i++) {
      const qwenCode: QwenCodeVersion = i % 2 ? '0.24' : '0.12';
      const files: Record<string, string> = { 'home/.keep': '', 'w/.keep': '' };
      const env: Record<string, string> = {};
      if (pick()) env.OPENAI_API_KEY = 'sk-env-0000000000000000';
      if (pick()) env.OPENAI_BASE_URL = 'http://127.0.0.1:9/v1';
      if (pick()) files['w/.env'] = 'OPENAI_API_KEY=sk-project-00000000000\nOPENAI_MODEL=m-project\n';
      if (pick()) files['home/.qwen/.env'] = 'OPENAI_API_KEY=sk-home-0000000000000\nOPENAI_BASE_URL=http://127.0.0.1:8/v1\n';
      if (pick())
        files['home/.qwen/settings.json'] = JSON.stringify({
          security: { auth: { selectedType: 'openai', apiKey: 'sk-user-0000000000000' } },
          env: { OPENAI_MODEL: 'm-user' },
        });
      if (pick()) files['w/.qwen/settings.json'] = JSON.stringify({ model: { name: 'm-ws' }, security: { auth: { baseUrl: 'http://127.0.0.1:7/v1' } } });
      const overrides = pick() ? { apiKey: 'sk-override-000000000', authType: 'openai' as const } : {};
      tree = makeTree(files);
      const home = tree.path('home');
      try {
        const auth = await resolveAuth({ cwd: tree.path('w'), homeDir: home, env, overrides, qwenCode });
        for (const s of allSources(auth.sources as unknown as Record<string, Provenance>)) {
          const label = JSON.stringify({ i, s });
          expect(s.scope, label).toBeDefined();
          if (s.kind === 'override') expect(s.scope, label).toBe('overrides');
          if (s.kind === 'env') expect(s.scope, label).toBe('environment');
          if (s.kind === 'default' || s.kind === 'provider-default') expect(s.scope, label).toBe('built-in');
          if (s.kind === 'env-file') expect(s.scope, label).toBe(s.path!.startsWith(`${home}/`) ? 'user' : 'workspace');
          if (s.kind === 'settings') expect(s.scope, label).toBe(s.path!.startsWith(`${home}/`) ? 'user' : 'workspace');
          checked++;
        }
      } catch (error) {
        if (!isAuthError(error)) throw error;
      } finally {
        tree.remove();
        tree = undefined;
      }
    }
    expect(checked).toBeGreaterThan(40);
  });
});
