import { describe, expect, it } from 'vitest';
import { migrateV1Settings, v1KeysOf } from '../../src/settings/migrate-v1.js';

describe('migrateV1Settings (settings-layers.md §5)', () => {
  it('moves the auth keys of a flat file to their nested paths', () => {
    const r = migrateV1Settings({
      selectedAuthType: 'openai',
      enforcedAuthType: 'openai',
      useExternalAuth: true,
      model: 'qwen3-coder-plus',
      contentGenerator: { timeout: 5 },
      excludedProjectEnvVars: ['DEBUG'],
      folderTrust: true,
      env: { A: '1' },
    });
    expect(r.migrated).toBe(true);
    expect(r.data).toEqual({
      security: { auth: { selectedType: 'openai', enforcedType: 'openai', useExternal: true }, folderTrust: { enabled: true } },
      model: { name: 'qwen3-coder-plus', generationConfig: { timeout: 5 } },
      advanced: { excludedEnvVars: ['DEBUG'] },
      env: { A: '1' },
      $version: 2,
    });
  });

  it('needs one v1 key with a non-object value; env, modelProviders, mcpServers and security are not v1 keys', () => {
    expect(migrateV1Settings({ env: { A: '1' }, modelProviders: {}, mcpServers: {}, security: {} }).migrated).toBe(false);
    expect(migrateV1Settings({ model: { name: 'x' } }).migrated).toBe(false);
    for (const value of ['x', 1, false, [], null]) expect(migrateV1Settings({ theme: value }).migrated).toBe(true);
  });

  it('model: null means no model; an object under a v2 container stays', () => {
    expect(migrateV1Settings({ model: null }).data).toEqual({ model: { name: null }, $version: 2 });
    expect(migrateV1Settings({ selectedAuthType: 'openai', model: { name: 'm' } }).data).toEqual({
      security: { auth: { selectedType: 'openai' } },
      model: { name: 'm' },
      $version: 2,
    });
  });

  it('mixed shapes: a nested object under a parent of a moved path is written over the moved tree (rule 4)', () => {
    const r = migrateV1Settings({ selectedAuthType: 'openai', security: { auth: { apiKey: 'k' } } });
    expect(r.data).toEqual({ security: { auth: { apiKey: 'k' } }, $version: 2 });
    // A sibling child survives: only the direct children are written over.
    const s = migrateV1Settings({ selectedAuthType: 'openai', security: { folderTrust: { enabled: true } } });
    expect(s.data).toEqual({ security: { auth: { selectedType: 'openai' }, folderTrust: { enabled: true } }, $version: 2 });
  });

  it('ignores v1 keys when $version is a number ≥ 2, and says which', () => {
    const r = migrateV1Settings({ $version: 4, selectedAuthType: 'openai' });
    expect(r).toMatchObject({ migrated: false, ignored: ['selectedAuthType'] });
    expect(migrateV1Settings({ $version: '4', selectedAuthType: 'openai' }).migrated).toBe(true);
    expect(migrateV1Settings({ $version: 1, selectedAuthType: 'openai' }).migrated).toBe(true);
  });

  it('does not change its input, and skips prototype keys', () => {
    const input = { selectedAuthType: 'openai', security: { auth: { apiKey: 'k' } } };
    const copy = structuredClone(input);
    migrateV1Settings(input);
    expect(input).toEqual(copy);
    const hostile = JSON.parse('{"theme":"x","__proto__":{"polluted":1}}') as Record<string, unknown>;
    const out = migrateV1Settings(hostile).data as Record<string, unknown>;
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('knows each version’s list: summarizeToolOutput is a v1 key for 0.12 only', () => {
    expect(v1KeysOf({ summarizeToolOutput: true }, '0.12')).toEqual(['summarizeToolOutput']);
    expect(v1KeysOf({ summarizeToolOutput: true }, '0.24')).toEqual([]);
  });
});
