/** The zod boundary checks (src/internal/schemas.ts): the first problem, worded as the diagnostics word it. */
import { describe, expect, it } from 'vitest';
import { describeIssue, schemas } from '../../src/internal/schemas.js';
import { definitionProblem } from '../../src/providers/registry.js';
import { defaultProviders } from '../../src/providers/data.js';
import { createProviderRegistry } from '../../src/index.js';

const says = (issue: ReturnType<ReturnType<typeof schemas>['settingString']>) => (issue ? describeIssue(issue) : 'ok');

describe('zod boundary checks', () => {
  it('answer the first problem with its path, in the diagnostics wording', () => {
    const s = schemas();
    expect(s.modelProviderEntry({ id: 'a', extra: 1 })).toBeUndefined();
    expect(says(s.modelProviderEntry({ id: 3 }))).toBe('expected string at id');
    expect(says(s.modelProviderEntry({ id: '' }))).toBe('too_small at id');
    expect(says(s.modelProviderEntry({ id: 'a', name: 1 }))).toBe('expected string at name');
    expect(says(s.modelProviderEntry([]))).toBe('expected object');
    expect(s.settingString(null)).toBeUndefined();
    expect(says(s.settingString(5))).toBe('expected string');
    expect(says(s.settingBoolean('yes'))).toBe('expected boolean');
    expect(says(s.settingObject('x'))).toBe('expected object');
    expect(says(s.settingObject([]))).toBe('expected object');
    expect(says(s.settingStringList(['a', 2]))).toBe('expected string at 1');
    expect(says(s.settingStringList('a'))).toBe('expected array');
    expect(says(s.credentialsJson({ access_token: 'a', expiry_date: Number.NaN }))).toBe('expected number at expiry_date');
    expect(s.credentialsJson({ access_token: 'a', refresh_token: null, other: 1 })).toBeUndefined();
    expect(says(s.trustedFoldersFile([]))).toBe('expected object');
    expect(s.deviceCodeLifetime(600)).toBeUndefined();
    expect(says(s.deviceCodeLifetime(0))).toBe('too_small');
    expect(says(s.deviceCodeLifetime(Number.POSITIVE_INFINITY))).toBe('expected number');
    expect(says(s.deviceCodeLifetime('600'))).toBe('expected number');
  });

  it('a provider definition: ports, enums, nested endpoints', () => {
    const base = { ...defaultProviders[0]! };
    expect(definitionProblem({ ...base, loopbackPorts: [80, 0] })).toBe('loopbackPorts.1: too_small');
    expect(definitionProblem({ ...base, loopbackPorts: [65_536] })).toBe('loopbackPorts.0: too_big');
    expect(definitionProblem({ ...base, loopbackPorts: [1.5] })).toBe('loopbackPorts.0: expected int');
    expect(definitionProblem({ ...base, status: 'gone' })).toBe('status: invalid_value');
    expect(definitionProblem('x')).toBe('the definition: expected object');
  });

  it('the built-in provider data passes the check it skips at run time', () => {
    for (const provider of defaultProviders) expect(definitionProblem(provider), provider.id).toBeUndefined();
    // A copy is not the built-in list: it is checked, and passes.
    expect(() => createProviderRegistry([...defaultProviders])).not.toThrow();
    expect(definitionProblem({ ...defaultProviders[0], endpoints: [{ region: 1 }] })).toBe('endpoints.0.region: expected string');
  });
});
