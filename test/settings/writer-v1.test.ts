import { readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { resolveAuth, setSelectedAuthType } from '../../src/index.js';
import { migrateV1Settings } from '../../src/settings/migrate-v1.js';
import { makeTree, type Tree } from '../support/tree.js';

let tree: Tree | undefined;
afterEach(() => tree?.remove());

/** What the CLIs read from the file after the write: its migrated security.auth. */
function readAuth(path: string): unknown {
  const data = migrateV1Settings(JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>).data as { security?: { auth?: unknown } };
  return data.security?.auth;
}

describe('setSelectedAuthType meets a v1 (flat) file (settings-layers.md §5)', () => {
  it('rewrites the flat selectedAuthType, keeping the flat enforcedAuthType and useExternalAuth in force', async () => {
    tree = makeTree({ 'home/.qwen/settings.json': '{ "selectedAuthType": "qwen-oauth", "enforcedAuthType": "openai", "useExternalAuth": true }\n' });
    const r = await setSelectedAuthType('openai', { homeDir: tree.path('home'), env: {} });
    expect(r).toMatchObject({ previous: 'qwen-oauth', changed: true });
    expect(readAuth(r.path)).toEqual({ selectedType: 'openai', enforcedType: 'openai', useExternal: true });
    await expect(resolveAuth({ homeDir: tree.path('home'), cwd: tree.path('home'), env: { OPENAI_API_KEY: 'sk-x' } })).resolves.toMatchObject({
      type: 'openai',
    });
  });

  it('adds a flat key to a v1 file that has none (a nested security.auth would drop the flat policy keys)', async () => {
    tree = makeTree({ 'home/.qwen/settings.json': '{ "theme": "Default", "enforcedAuthType": "openai" }\n' });
    const r = await setSelectedAuthType('openai', { homeDir: tree.path('home'), env: {} });
    expect(JSON.parse(readFileSync(r.path, 'utf8'))).toEqual({ theme: 'Default', enforcedAuthType: 'openai', selectedAuthType: 'openai' });
    expect(readAuth(r.path)).toEqual({ selectedType: 'openai', enforcedType: 'openai' });
  });

  it('writes security.auth.selectedType when the v1 file already has a security.auth object (that is what is read)', async () => {
    tree = makeTree({ 'home/.qwen/settings.json': '{ "selectedAuthType": "qwen-oauth", "security": { "auth": { "apiKey": "sk-k" } } }\n' });
    const r = await setSelectedAuthType('openai', { homeDir: tree.path('home'), env: {} });
    expect(readAuth(r.path)).toEqual({ apiKey: 'sk-k', selectedType: 'openai' });
  });

  it('a file with "$version" ≥ 2 gets the nested key; its flat keys stay ignored', async () => {
    tree = makeTree({ 'home/.qwen/settings.json': '{ "$version": 4, "selectedAuthType": "qwen-oauth" }\n' });
    const r = await setSelectedAuthType('openai', { homeDir: tree.path('home'), env: {} });
    expect(r.previous).toBeUndefined();
    expect(JSON.parse(readFileSync(r.path, 'utf8'))).toEqual({ $version: 4, selectedAuthType: 'qwen-oauth', security: { auth: { selectedType: 'openai' } } });
  });
});
