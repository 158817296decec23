import { describe, expect, it } from 'vitest';
import { SCOPE_RANK, scopeOf, withScope } from '../../src/resolve/scope.js';
import type { Scope, ValueSource } from '../../src/types.js';

describe('scopes', () => {
  it('rank: the caller and built-ins 0, the environment 1, system 2, user 3, workspace 4', () => {
    expect(SCOPE_RANK).toEqual({ overrides: 0, environment: 1, system: 2, 'system-defaults': 2, user: 3, workspace: 4, 'built-in': 0 });
  });

  it('a set scope is kept; an absent one is derived from the kind', () => {
    const cases: [ValueSource, Scope][] = [
      [{ kind: 'override', key: 'apiKey' }, 'overrides'],
      [{ kind: 'env', name: 'OPENAI_API_KEY' }, 'environment'],
      [{ kind: 'default' }, 'built-in'],
      [{ kind: 'provider-default', provider: 'x' }, 'built-in'],
      [{ kind: 'settings', key: 'model.name', path: '/x' }, 'workspace'],
      [{ kind: 'settings', key: 'model.name', path: '/x', scope: 'system' }, 'system'],
      [{ kind: 'env-file', name: 'A', path: '/w/.env' }, 'workspace'],
    ];
    for (const [source, scope] of cases) expect(scopeOf(source), JSON.stringify(source)).toBe(scope);
  });

  it('an env-file is user scope when it is a home-level file', () => {
    const roots = { homeEnvFiles: ['/h/.qwen/.env', '/h/.env'] };
    expect(scopeOf({ kind: 'env-file', name: 'A', path: '/h/.env' }, roots)).toBe('user');
    expect(scopeOf({ kind: 'env-file', name: 'A', path: '/h/w/.env' }, roots)).toBe('workspace');
    expect(withScope<ValueSource>({ kind: 'env-file', name: 'A', path: '/h/.qwen/.env' }, roots).scope).toBe('user');
  });
});
