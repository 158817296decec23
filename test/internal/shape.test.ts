/** The boundary checks that replace a schema library: the first problem, worded as the diagnostics word it. */
import { describe, expect, it } from 'vitest';
import {
  arrayOf,
  describeShapeIssue,
  integer,
  nonEmptyString,
  nullable,
  objectWith,
  oneOf,
  optional,
  record,
  string,
} from '../../src/internal/shape.js';
import { definitionProblem } from '../../src/providers/registry.js';
import { defaultProviders } from '../../src/providers/data.js';
import { createProviderRegistry } from '../../src/index.js';

describe('shape checks', () => {
  it('answer the first problem with its path', () => {
    const entry = objectWith({ id: nonEmptyString, name: optional(string), ports: optional(arrayOf(integer(1, 65_535))) });
    expect(entry({ id: 'a', extra: 1 }, [])).toBeUndefined();
    expect(describeShapeIssue(entry({ id: 3 }, [])!)).toBe('expected string at id');
    expect(describeShapeIssue(entry({ id: '' }, [])!)).toBe('too_small at id');
    expect(describeShapeIssue(entry({ id: 'a', ports: [80, 0] }, [])!)).toBe('too_small at ports.1');
    expect(describeShapeIssue(entry({ id: 'a', ports: [1.5] }, [])!)).toBe('expected int at ports.0');
    expect(describeShapeIssue(entry([], [])!)).toBe('expected object');
    expect(nullable(string)(null, [])).toBeUndefined();
    expect(describeShapeIssue(nullable(string)(5, [])!)).toBe('expected string');
    expect(describeShapeIssue(record('x', [])!)).toBe('expected object');
    expect(describeShapeIssue(oneOf(['a'])('b', [])!)).toBe('invalid_value');
  });

  it('the built-in provider data passes the check it skips at run time', () => {
    for (const provider of defaultProviders) expect(definitionProblem(provider), provider.id).toBeUndefined();
    // A copy is not the built-in list: it is checked, and passes.
    expect(() => createProviderRegistry([...defaultProviders])).not.toThrow();
    expect(definitionProblem({ ...defaultProviders[0], endpoints: [{ region: 1 }] })).toBe('endpoints.0.region: expected string');
  });
});
