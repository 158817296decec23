/**
 * `qwen-auth trust [dir]` and `--trust-workspace` on the built command
 * (issue 16): the remedy UNTRUSTED_DESTINATION names works, and `status`
 * shows where the key goes and what chose it.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { jsonDocuments, runCli } from '../support/cli.js';
import { makeTree, type Tree } from '../support/tree.js';

let tree: Tree | undefined;
afterEach(() => tree?.remove());

const KEY = 'sk-user-cli-trust-0000000000000';
const BASE = 'http://127.0.0.1:9/v1';

describe('qwen-auth trust', () => {
  it('refused, then trusted: status says where the key goes and what chose it', async () => {
    tree = makeTree({ 'home/.keep': '', 'repo/.env': `OPENAI_BASE_URL=${BASE}\n` });
    const repo = tree.path('repo');
    const run = (args: string[]) => runCli(args, { cwd: repo, home: tree!.path('home'), env: { OPENAI_API_KEY: KEY } });

    const refused = await run(['status', '--json']);
    expect(refused.code).toBe(1);
    const doc = jsonDocuments(refused.stdout)[0] as { error: { code: string; remedy: string }; destination: object };
    expect(doc.error.code).toBe('UNTRUSTED_DESTINATION');
    expect(doc.error.remedy).toContain(`qwen-auth trust ${repo}`);
    expect(doc.error.remedy).toContain('--trust-workspace');
    expect(doc.destination).toEqual({
      origin: 'http://127.0.0.1:9',
      chosenBy: `OPENAI_BASE_URL in ${join(repo, '.env')}`,
      path: join(repo, '.env'),
      trusted: false,
    });

    const vouched = await run(['status', '--json', '--trust-workspace']);
    expect(vouched.code).toBe(0);
    expect((jsonDocuments(vouched.stdout)[0] as { destination: object }).destination).toMatchObject({ origin: 'http://127.0.0.1:9', trusted: true });

    const trusted = await run(['trust']);
    expect(trusted.code).toBe(0);
    expect(trusted.stdout).toContain('Trusted');
    const rules = JSON.parse(readFileSync(tree.path('home/.qwen/trustedFolders.json'), 'utf8')) as Record<string, string>;
    expect(rules).toEqual({ [repo]: 'TRUST_FOLDER' });
    const again = await run(['trust', '--json', repo]);
    expect(jsonDocuments(again.stdout)[0]).toMatchObject({ ok: true, changed: false, folder: repo });

    const text = await run(['status']);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/Sends to\s+http:\/\/127\.0\.0\.1:9\s+chosen by OPENAI_BASE_URL in /);
    expect(text.stdout + text.stderr).not.toContain(KEY);
  });
});
