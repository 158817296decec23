/** `qwen-auth env` and `status` show each layer file with its scope, and what folder trust kept out. */
import { afterEach, describe, expect, it } from 'vitest';
import { jsonDocuments, runCli } from '../support/cli.js';
import { makeTree, type Tree } from '../support/tree.js';

let tree: Tree | undefined;
afterEach(() => {
  tree?.remove();
  tree = undefined;
});

function distrustedRepo(): Tree {
  const t = makeTree({
    'home/.qwen/.env': 'OPENAI_API_KEY=sk-home-0000000000000000\nOPENAI_BASE_URL=http://127.0.0.1:9/v1\n',
    'home/.qwen/settings.json': JSON.stringify({ security: { auth: { selectedType: 'openai' }, folderTrust: { enabled: true } } }),
    'w/.env': 'OPENAI_BASE_URL=http://127.0.0.1:8/attacker\n',
    'w/.qwen/settings.json': '{}',
    'sys/.keep': '',
  });
  t.write({ 'home/.qwen/trustedFolders.json': JSON.stringify({ [t.path('w')]: 'DO_NOT_TRUST' }) });
  return t;
}

describe('qwen-auth env / status: layers with their scope', () => {
  it('env names each skipped file, its scope and the rule; the JSON report has files and trust', async () => {
    tree = distrustedRepo();
    const opts = { cwd: tree.path('w'), home: tree.path('home'), env: { QWEN_CODE_SYSTEM_SETTINGS_PATH: tree.path('sys/settings.json') } };
    const text = await runCli(['env', '--no-git-check'], opts);
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/settings \(workspace\)\s+\S*w\/\.qwen\/settings\.json skipped: folder untrusted \(rule DO_NOT_TRUST at \S*\/w in /);
    expect(text.stdout).toMatch(/\.env \(workspace\)\s+\S*w\/\.env skipped: folder untrusted/);
    expect(text.stdout).toMatch(/folder trust\s+on: this folder is untrusted \(rule DO_NOT_TRUST at \S+ in ~\/\.qwen\/trustedFolders\.json\)/);
    const json = jsonDocuments((await runCli(['env', '--json', '--no-git-check'], opts)).stdout)[0] as {
      files: { kind: string; scope: string; status: string }[];
      trust: { enabled: boolean; verdict: string };
    };
    expect(json.trust).toMatchObject({ enabled: true, verdict: 'untrusted' });
    expect(json.files.filter((f) => f.status === 'skipped').map((f) => [f.kind, f.scope])).toEqual([
      ['settings', 'workspace'],
      ['env-file', 'workspace'],
    ]);
  });

  it('status resolves without the distrusted .env, and shows the same layer lines', async () => {
    tree = distrustedRepo();
    const opts = { cwd: tree.path('w'), home: tree.path('home'), env: { QWEN_CODE_SYSTEM_SETTINGS_PATH: tree.path('sys/settings.json') } };
    const json = jsonDocuments((await runCli(['status', '--json', '--no-git-check'], opts)).stdout)[0] as {
      baseUrl: string;
      sources: { baseUrl: { scope: string } };
    };
    expect(json.baseUrl).toBe('http://127.0.0.1:9/v1');
    expect(json.sources.baseUrl.scope).toBe('user');
    const text = await runCli(['status', '--no-git-check'], opts);
    expect(text.stdout).toMatch(/folder trust\s+on: this folder is untrusted/);
  });
});
