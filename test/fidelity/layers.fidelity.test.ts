import { describe, expect, it } from 'vitest';
import { isAuthError, resolveAuth } from '../../src/index.js';
import type { QwenCodeVersion } from '../../src/types.js';
import { QWEN_CODE_024_CLI, QWEN_CODE_CLI } from '../support/qwen-code.js';
import { hasOpenssl, type TestCa, useTestCa } from '../support/tls.js';
import { makeTree } from '../support/tree.js';
import { runCliIn, startCaseServers } from './harness.js';

const enabled = process.env.QWEN_AUTH_FIDELITY_LAYERS === '1' && QWEN_CODE_024_CLI !== undefined && QWEN_CODE_CLI !== undefined && hasOpenssl();

/** Run only the cases whose name contains this text. */
const ONLY = process.env.QWEN_AUTH_FIDELITY_LAYERS_ONLY;

const json = (v: object): string => JSON.stringify(v);
const user = (trust?: boolean): string =>
  json({ security: { auth: { selectedType: 'openai' }, ...(trust !== undefined && { folderTrust: { enabled: trust } }) } });
const BASE: Record<string, string> = {
  'home/.qwen/.env': 'OPENAI_API_KEY=sk-home-0000000000000000\nOPENAI_BASE_URL=http://127.0.0.1:{port}/home/v1\nOPENAI_MODEL=m-home\n',
  'w/.env': 'OPENAI_API_KEY=sk-proj-0000000000000000\nOPENAI_BASE_URL=http://127.0.0.1:{port}/proj/v1\n',
  'w/.qwen/settings.json': json({ model: { name: 'm-ws' } }),
  'sys/.keep': '',
};

interface LayerCase {
  readonly name: string;
  readonly files: Record<string, string>;
  readonly env?: Record<string, string>;
  /** The working folder, relative to the tree (default `w`). */
  readonly cwd?: string;
  /** Only for this version (the other differs on purpose). */
  readonly only?: QwenCodeVersion;
}

const CASES: readonly LayerCase[] = [
  { name: 'trust off', files: { ...BASE, 'home/.qwen/settings.json': user() } },
  { name: 'trust on, no rule (undecided)', files: { ...BASE, 'home/.qwen/settings.json': user(true) } },
  {
    name: 'trust on, DO_NOT_TRUST',
    files: { ...BASE, 'home/.qwen/settings.json': user(true), 'home/.qwen/trustedFolders.json': json({ '{root}/w': 'DO_NOT_TRUST' }) },
  },
  {
    name: 'trust on, TRUST_FOLDER',
    files: { ...BASE, 'home/.qwen/settings.json': user(true), 'home/.qwen/trustedFolders.json': json({ '{root}/w': 'TRUST_FOLDER' }) },
  },
  {
    name: 'trust on, TRUST_PARENT of a sibling beats DO_NOT_TRUST of the parent (deeper)',
    files: {
      ...BASE,
      'home/.qwen/settings.json': user(true),
      'home/.qwen/trustedFolders.json': json({ '{root}': 'DO_NOT_TRUST', '{root}/w/x': 'TRUST_PARENT' }),
    },
  },
  {
    name: 'rule 7: the workspace alone turns trust on',
    files: {
      ...BASE,
      'home/.qwen/settings.json': user(),
      'w/.qwen/settings.json': json({ model: { name: 'm-ws' }, security: { folderTrust: { enabled: true } } }),
    },
  },
  {
    name: 'system off vs user on, DO_NOT_TRUST',
    files: {
      ...BASE,
      'home/.qwen/settings.json': user(true),
      'sys/settings.json': json({ security: { folderTrust: { enabled: false } } }),
      'home/.qwen/trustedFolders.json': json({ '{root}/w': 'DO_NOT_TRUST' }),
    },
  },
  { name: 'system model beats workspace', files: { ...BASE, 'home/.qwen/settings.json': user(), 'sys/settings.json': json({ model: { name: 'm-sys' } }) } },
  {
    name: 'system defaults fill only what nothing sets',
    files: {
      ...BASE,
      'w/.qwen/settings.json': '{}',
      'home/.qwen/settings.json': user(),
      'sys/system-defaults.json': json({ model: { name: 'm-def' }, env: { OPENAI_MODEL: 'm-def-env' } }),
    },
  },
  { name: 'rules file not an object, trust on', files: { ...BASE, 'home/.qwen/settings.json': user(true), 'home/.qwen/trustedFolders.json': '["x"]' } },
  { name: 'rules file not an object, trust off', files: { ...BASE, 'home/.qwen/settings.json': user(false), 'home/.qwen/trustedFolders.json': '["x"]' } },
  {
    name: 'rules file moved by the shell',
    files: { ...BASE, 'home/.qwen/settings.json': user(true), 'rules/t.json': json({ '{root}/w': 'TRUST_FOLDER' }) },
    env: { QWEN_CODE_TRUSTED_FOLDERS_PATH: '{root}/rules/t.json' },
  },
  {
    name: 'rules file moved by a home .env',
    files: {
      ...BASE,
      'home/.qwen/settings.json': user(true),
      'rules/t.json': json({ '{root}/w': 'TRUST_FOLDER' }),
      'home/.env': 'QWEN_CODE_TRUSTED_FOLDERS_PATH={root}/rules/t.json\n',
    },
  },
  {
    name: 'system file moved by a project .env',
    files: {
      ...BASE,
      'home/.qwen/settings.json': user(),
      'w/.env': `${BASE['w/.env']}QWEN_CODE_SYSTEM_SETTINGS_PATH={root}/alt/settings.json\n`,
      'alt/settings.json': json({ model: { name: 'm-alt' } }),
    },
    env: { QWEN_CODE_SYSTEM_SETTINGS_PATH: '' },
  },
  {
    name: 'ancestor .env in a distrusted folder, working folder trusted',
    files: {
      ...BASE,
      'w/sub/.keep': '',
      'home/.qwen/settings.json': user(true),
      'home/.qwen/trustedFolders.json': json({ '{root}/w': 'DO_NOT_TRUST', '{root}/w/sub': 'TRUST_FOLDER' }),
    },
    cwd: 'w/sub',
  },
  { name: 'user settings not a JSON object', files: { ...BASE, 'home/.qwen/settings.json': '[1]' }, only: '0.24' },
];

interface Outcome {
  readonly ok: boolean;
  readonly key?: string;
  readonly path?: string;
  readonly model?: string;
}

async function runBoth(c: LayerCase, version: QwenCodeVersion, ca: TestCa): Promise<{ ours: Outcome; theirs: Outcome; stderr: string }> {
  const servers = await startCaseServers(ca);
  const { model, proxy } = servers;
  const tree = makeTree({});
  const sub = (v: string): string => v.replaceAll('{port}', String(model.port)).replaceAll('{root}', tree.root);
  tree.write(Object.fromEntries(Object.entries(c.files).map(([k, v]) => [k, sub(v)])));
  const env: Record<string, string> = {
    QWEN_CODE_SYSTEM_SETTINGS_PATH: tree.path('sys/settings.json'),
    ...Object.fromEntries(Object.entries(c.env ?? {}).map(([k, v]) => [k, sub(v)])),
  };
  // An exported empty value is a value in 0.12: drop it there, so the variable is unset.
  for (const [k, v] of Object.entries(env)) if (v === '' && version === '0.12') delete env[k];
  const cwd = tree.path(c.cwd ?? 'w');
  try {
    let ours: Outcome;
    try {
      const auth = await resolveAuth({ qwenCode: version, cwd, homeDir: tree.path('home'), env, overrides: { authType: 'openai' }, trustWorkspace: true });
      if (auth.type === 'qwen-oauth') throw new Error('unexpected qwen-oauth');
      ours = { ok: true, key: auth.apiKey, path: new URL(auth.baseUrl).pathname.replace(/\/v1\/?$/, ''), model: auth.model };
    } catch (error) {
      if (!isAuthError(error)) throw error;
      ours = { ok: false };
    }
    const cli = version === '0.24' ? QWEN_CODE_024_CLI! : QWEN_CODE_CLI!;
    const stderr = await runCliIn(cli, ['--auth-type', 'openai', '-p', 'hi', '--proxy', proxy.url], { cwd, home: tree.path('home'), env }, ca, 90_000);
    const hit = model.hits.find((h) => /\/chat\/completions(\?|$)/.test(h.path));
    const theirs: Outcome = hit
      ? { ok: true, key: hit.authorization?.replace(/^Bearer /, '') ?? '', path: hit.path.replace(/\/v1\/chat\/completions.*$/, ''), model: hit.model }
      : { ok: false };
    return { ours, theirs, stderr };
  } finally {
    tree.remove();
    await servers.close();
  }
}

describe.skipIf(!enabled)('folder trust and system layers against the real CLIs', () => {
  const testCa = useTestCa();

  it(`${CASES.length} cases × 2 versions (less the version-only ones)`, { timeout: 0 }, async () => {
    const mismatches: string[] = [];
    const lines: string[] = [];
    for (const version of ['0.24', '0.12'] as const) {
      for (const c of CASES) {
        if (c.only && c.only !== version) continue;
        if (ONLY && !c.name.includes(ONLY)) continue;
        const { ours, theirs, stderr } = await runBoth(c, version, testCa());
        const same = JSON.stringify(ours) === JSON.stringify(theirs);
        lines.push(`${version} ${same ? 'same' : 'DIFF'} ${c.name}: ${JSON.stringify(theirs)}`);
        if (!same) mismatches.push(`${version} ${c.name}:\n  ours ${JSON.stringify(ours)}\n  qwen ${JSON.stringify(theirs)}\n  stderr ${stderr.slice(-400)}`);
      }
    }
    console.log(lines.join('\n'));
    expect(mismatches, mismatches.join('\n\n')).toEqual([]);
  });
});
