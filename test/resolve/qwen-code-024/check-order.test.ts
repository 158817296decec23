/**
 * The order of Qwen Code 0.24's checks for `anthropic` when both the key and
 * the base URL are missing (differential seed 7146). Measured on loopback
 * against @qwen-code/qwen-code@0.24.4:
 * - validateAuthMethod checks the key first and stops there: MISSING_API_KEY.
 * - `security.auth.useExternal` skips validateAuthMethod; the auth refresh then
 *   prints every missing value ("Missing API key for anthropic auth…" and
 *   "ANTHROPIC_BASE_URL environment variable not found.", or the entry's
 *   "Missing credentials…" and "Missing baseUrl…"): MISSING_BASE_URL.
 * - A base URL from anywhere in the chain (security.auth.baseUrl too) leaves
 *   only the missing key under useExternal.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isAuthError, resolveAuth, type ResolveAuthOptions } from '../../../src/index.js';
import { makeTree, type Tree } from '../../support/tree.js';

let tree: Tree | undefined;
afterEach(() => tree?.remove());

const json = (value: object): string => JSON.stringify(value);

function options(user: object, env: Record<string, string> = {}): ResolveAuthOptions {
  // The home is an ancestor of the working folder, as in seed 7146; the user file is the home's.
  tree = makeTree({
    'h/.qwen/settings.json': json(user),
    'h/w/.qwen/settings.json': json({ security: { auth: { selectedType: 'anthropic' } }, model: { name: 'm1' } }),
    // OPENAI_* variables do not count for anthropic.
    'h/w/.env': 'OPENAI_API_KEY=sk-openai\nOPENAI_BASE_URL=http://127.0.0.1:9/o/v1\n',
  });
  return { qwenCode: '0.24', cwd: tree.path('h/w'), homeDir: tree.path('h'), env, trustWorkspace: true };
}

async function codeOf(o: ResolveAuthOptions): Promise<{ code: string; message: string; details: unknown }> {
  try {
    await resolveAuth(o);
  } catch (error) {
    if (isAuthError(error)) return { code: error.code, message: error.message, details: error.details };
    throw error;
  }
  throw new Error('resolved');
}

describe("qwenCode: '0.24', anthropic without a key and without a base URL", () => {
  it('the key comes first without useExternal', async () => {
    expect((await codeOf(options({}))).code).toBe('MISSING_API_KEY');
    const entry = { modelProviders: { anthropic: [{ id: 'm1', envKey: 'MYK' }] } };
    expect((await codeOf(options(entry))).code).toBe('MISSING_API_KEY');
  });

  it('with useExternal the missing base URL is the error, and it says the key is missing too', async () => {
    const f = await codeOf(options({ security: { auth: { useExternal: true } } }));
    expect(f.code).toBe('MISSING_BASE_URL');
    expect(f.message).toMatch(/No API key was found either/);
    expect(f.details).toMatchObject({ authType: 'anthropic', keyMissing: true });
    // An entry without baseUrl: the same.
    const entry = { security: { auth: { useExternal: true } }, modelProviders: { anthropic: [{ id: 'm1', envKey: 'MYK' }] } };
    expect((await codeOf(options(entry))).code).toBe('MISSING_BASE_URL');
  });

  it('with useExternal and a base URL from any layer, the missing key remains', async () => {
    const ext = { security: { auth: { useExternal: true } } };
    expect((await codeOf(options(ext, { ANTHROPIC_BASE_URL: 'http://127.0.0.1:9/a' }))).code).toBe('MISSING_API_KEY');
    expect((await codeOf(options({ security: { auth: { useExternal: true, baseUrl: 'http://127.0.0.1:9/s' } } }))).code).toBe('MISSING_API_KEY');
    const entry = { ...ext, modelProviders: { anthropic: [{ id: 'm1', envKey: 'MYK', baseUrl: 'http://127.0.0.1:9/e' }] } };
    expect((await codeOf(options(entry))).code).toBe('MISSING_API_KEY');
  });

  it('with useExternal and a key, the missing base URL alone', async () => {
    const f = await codeOf(options({ security: { auth: { useExternal: true } } }, { ANTHROPIC_API_KEY: 'sk-ant-x' }));
    expect(f.code).toBe('MISSING_BASE_URL');
    expect(f.details).not.toHaveProperty('keyMissing');
  });
});
