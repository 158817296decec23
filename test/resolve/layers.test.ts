/**
 * The layers Qwen Code reads beyond the `.env` files and the user/workspace
 * settings (spec settings-layers §1–2): folder trust, system settings and
 * system defaults, in both dialects. One test per rule. The system files
 * always live in the test tree (QWEN_CODE_SYSTEM_SETTINGS_PATH), never /etc.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { inspectEnvironment, isAuthError, resolveAuth } from '../../src/index.js';
import { systemSettingsPaths } from '../../src/settings/system-paths.js';
import type { QwenCodeVersion } from '../../src/types.js';
import type { ResolvedAuth } from '../../src/resolve/types.js';
import { makeTree, type Tree } from '../support/tree.js';

let tree: Tree | undefined;
afterEach(() => {
  tree?.remove();
  tree = undefined;
});

const DIALECTS: readonly QwenCodeVersion[] = ['0.12', '0.24'];
const json = (v: object): string => JSON.stringify(v);
/** User settings that select openai and turn folder trust on. */
const trustOn = (extra: object = {}): string => json({ security: { auth: { selectedType: 'openai' }, folderTrust: { enabled: true } }, ...extra });
const plainUser = json({ security: { auth: { selectedType: 'openai' } } });

interface Setup {
  readonly files: Record<string, string>;
  readonly env?: Record<string, string>;
  readonly cwd?: string;
}

function setup(s: Setup) {
  tree = makeTree({ 'home/.keep': '', 'w/.keep': '', 'sys/.keep': '', ...s.files });
  const t = tree;
  const sub = (v: string): string => v.replaceAll('{root}', t.root);
  for (const [k, v] of Object.entries(s.files)) t.write({ [k]: sub(v) });
  const env = {
    QWEN_CODE_SYSTEM_SETTINGS_PATH: t.path('sys/settings.json'),
    OPENAI_BASE_URL: 'http://127.0.0.1:9/v1',
    ...Object.fromEntries(Object.entries(s.env ?? {}).map(([k, v]) => [k, sub(v)])),
  };
  return { cwd: t.path(s.cwd ?? 'w'), homeDir: t.path('home'), env };
}

async function run(s: Setup, qwenCode: QwenCodeVersion): Promise<ResolvedAuth | { code: string; error: unknown }> {
  try {
    return await resolveAuth({ ...setup(s), qwenCode });
  } catch (error) {
    if (isAuthError(error)) return { code: error.code, error };
    throw error;
  }
}

const keyOf = (r: ResolvedAuth | { code: string }): string | undefined => ('code' in r ? r.code : 'apiKey' in r ? r.apiKey : undefined);
const modelOf = (r: ResolvedAuth | { code: string }): string | undefined => ('code' in r ? r.code : r.model);

describe('folder trust (settings-layers §1)', () => {
  const repo = {
    'home/.qwen/.env': 'OPENAI_API_KEY=sk-home-0000000000000000\n',
    'w/.env': 'OPENAI_API_KEY=sk-project-00000000000000\n',
    'w/.qwen/settings.json': json({ model: { name: 'model-from-workspace' } }),
  };

  it('off by default: the workspace settings and the project .env apply', async () => {
    for (const q of DIALECTS) {
      const r = await run({ files: { ...repo, 'home/.qwen/settings.json': plainUser } }, q);
      expect([keyOf(r), modelOf(r)], q).toEqual(['sk-project-00000000000000', 'model-from-workspace']);
    }
  });

  it('DO_NOT_TRUST on the working folder: its settings and project .env are skipped, home files stay (both)', async () => {
    for (const q of DIALECTS) {
      const files = { ...repo, 'home/.qwen/settings.json': trustOn(), 'home/.qwen/trustedFolders.json': json({ '{root}/w': 'DO_NOT_TRUST' }) };
      const r = await run({ files }, q);
      expect(keyOf(r), q).toBe('sk-home-0000000000000000');
      expect(modelOf(r), q).not.toBe('model-from-workspace');
      const report = await inspectEnvironment({ ...setup({ files }), qwenCode: q });
      expect(report.trust, q).toMatchObject({
        enabled: true,
        verdict: 'untrusted',
        rule: { level: 'DO_NOT_TRUST', path: `${tree!.root}/w` },
        workspaceApplied: false,
        projectEnvApplied: false,
      });
      const skipped = report.files.filter((f) => f.status === 'skipped');
      expect(
        skipped.map((f) => [f.kind, f.scope, f.path]),
        q,
      ).toEqual(
        expect.arrayContaining([
          ['settings', 'workspace', tree!.path('w/.qwen/settings.json')],
          ['env-file', 'workspace', tree!.path('w/.env')],
        ]),
      );
      for (const f of skipped) expect(f.reason, q).toContain(`rule DO_NOT_TRUST at ${tree!.root}/w in ${tree!.path('home/.qwen/trustedFolders.json')}`);
      expect(
        report.unreadEnvFiles.map((f) => f.path),
        q,
      ).not.toContain(tree!.path('w/.env'));
    }
  });

  it('a key only in a project .env that trust kept out: MISSING_API_KEY says so (hint untrusted-env-file, the rule, the rules file)', async () => {
    for (const q of DIALECTS) {
      const files = {
        'w/.env': 'OPENAI_API_KEY=sk-project-00000000000000\n',
        'home/.qwen/settings.json': trustOn(),
        'home/.qwen/trustedFolders.json': json({ '{root}/w': 'DO_NOT_TRUST' }),
      };
      const r = await run({ files }, q);
      expect('code' in r && r.code, q).toBe('MISSING_API_KEY');
      const error = (r as { error: { message: string; remedy: string; details: { hints: unknown[] } } }).error;
      expect(error.details.hints, q).toEqual([
        { kind: 'untrusted-env-file', variable: 'OPENAI_API_KEY', path: tree!.path('w/.env'), reason: expect.stringContaining('rule DO_NOT_TRUST') },
      ]);
      expect(error.message, q).toContain('which folder trust kept out');
      expect(error.remedy, q).toContain(tree!.path('home/.qwen/trustedFolders.json'));
      expect(error.message, q).not.toContain('sk-project');
    }
  });

  it('undecided: untrusted in 0.24, trusted in 0.12', async () => {
    const files = { ...repo, 'home/.qwen/settings.json': trustOn() };
    expect(keyOf(await run({ files }, '0.24'))).toBe('sk-home-0000000000000000');
    expect(keyOf(await run({ files }, '0.12'))).toBe('sk-project-00000000000000');
    expect(modelOf(await run({ files }, '0.12'))).toBe('model-from-workspace');
  });

  it('TRUST_FOLDER (or TRUST_PARENT of a sibling) trusts the working folder', async () => {
    for (const q of DIALECTS) {
      for (const rule of [{ '{root}/w': 'TRUST_FOLDER' }, { '{root}/sibling': 'TRUST_PARENT' }]) {
        const files = { ...repo, 'home/.qwen/settings.json': trustOn(), 'home/.qwen/trustedFolders.json': json(rule) };
        const r = await run({ files }, q);
        expect([keyOf(r), modelOf(r)], `${q} ${JSON.stringify(rule)}`).toEqual(['sk-project-00000000000000', 'model-from-workspace']);
      }
    }
  });

  it('the switch: 0.24 reads system defaults < user < system; 0.12 system < user, and never system defaults', async () => {
    const on = { security: { folderTrust: { enabled: true } } };
    const off = { security: { folderTrust: { enabled: false } } };
    const cases: [string, Record<string, object>, boolean, boolean][] = [
      // [label, files, on in 0.24, on in 0.12]
      ['user on', { user: on }, true, true],
      ['system off beats user on', { user: on, system: off }, false, true],
      ['user off beats system on (0.12), system wins (0.24)', { system: on, user: off }, true, false],
      ['system defaults on alone', { defaults: on }, true, false],
      ['user off beats system defaults on', { defaults: on, user: off }, false, false],
    ];
    for (const [label, layers, on24, on12] of cases) {
      const files: Record<string, string> = {
        ...repo,
        'home/.qwen/settings.json': json({ security: { auth: { selectedType: 'openai' }, ...(layers.user as { security?: object })?.security } }),
      };
      if (layers.system) files['sys/settings.json'] = json(layers.system);
      if (layers.defaults) files['sys/system-defaults.json'] = json(layers.defaults);
      files['home/.qwen/trustedFolders.json'] = json({ '{root}/w': 'DO_NOT_TRUST' });
      for (const [q, expected] of [
        ['0.24', on24],
        ['0.12', on12],
      ] as const) {
        const report = await inspectEnvironment({ ...setup({ files }), qwenCode: q });
        expect(report.trust.enabled, `${label} ${q}`).toBe(expected);
        tree!.remove();
      }
    }
  });

  it('rule 7: a workspace that alone turns trust on keeps its settings but loses its own .env unless a rule trusts it', async () => {
    const files = {
      'home/.qwen/.env': 'OPENAI_API_KEY=sk-home-0000000000000000\n',
      'home/.qwen/settings.json': plainUser,
      'w/.env': 'OPENAI_API_KEY=sk-project-00000000000000\n',
      'w/.qwen/settings.json': json({ model: { name: 'model-from-workspace' }, security: { folderTrust: { enabled: true } } }),
    };
    const r24 = await run({ files }, '0.24');
    expect([keyOf(r24), modelOf(r24)]).toEqual(['sk-home-0000000000000000', 'model-from-workspace']);
    // 0.12: undecided counts as trusted, so only DO_NOT_TRUST removes the .env.
    expect(keyOf(await run({ files }, '0.12'))).toBe('sk-project-00000000000000');
    const distrusted = { ...files, 'home/.qwen/trustedFolders.json': json({ '{root}/w': 'DO_NOT_TRUST' }) };
    const r12 = await run({ files: distrusted }, '0.12');
    expect([keyOf(r12), modelOf(r12)]).toEqual(['sk-home-0000000000000000', 'model-from-workspace']);
    const trusted = { ...files, 'home/.qwen/trustedFolders.json': json({ '{root}/w': 'TRUST_FOLDER' }) };
    expect(keyOf(await run({ files: trusted }, '0.24'))).toBe('sk-project-00000000000000');
  });

  it('0.24 rule 6: an ancestor .env is skipped when its folder is decided untrusted; undecided passes; 0.12 has no such check', async () => {
    const base = {
      'home/.qwen/.env': 'OPENAI_API_KEY=sk-home-0000000000000000\n',
      'home/.qwen/settings.json': trustOn(),
      'w/.env': 'OPENAI_API_KEY=sk-parent-0000000000000000\n',
      'w/sub/.keep': '',
    };
    const distrustParent = { ...base, 'home/.qwen/trustedFolders.json': json({ '{root}/w': 'DO_NOT_TRUST', '{root}/w/sub': 'TRUST_FOLDER' }) };
    expect(keyOf(await run({ files: distrustParent, cwd: 'w/sub' }, '0.24'))).toBe('sk-home-0000000000000000');
    expect(keyOf(await run({ files: distrustParent, cwd: 'w/sub' }, '0.12'))).toBe('sk-parent-0000000000000000');
    const undecidedParent = { ...base, 'home/.qwen/trustedFolders.json': json({ '{root}/w/sub': 'TRUST_FOLDER' }) };
    expect(keyOf(await run({ files: undecidedParent, cwd: 'w/sub' }, '0.24'))).toBe('sk-parent-0000000000000000');
  });

  it('0.12: a distrusted folder’s project files are skipped all the way up', async () => {
    const files = {
      'home/.qwen/.env': 'OPENAI_API_KEY=sk-home-0000000000000000\n',
      'home/.qwen/settings.json': trustOn(),
      'w/.env': 'OPENAI_API_KEY=sk-parent-0000000000000000\n',
      'w/sub/.keep': '',
      'home/.qwen/trustedFolders.json': json({ '{root}/w/sub': 'DO_NOT_TRUST' }),
    };
    expect(keyOf(await run({ files, cwd: 'w/sub' }, '0.12'))).toBe('sk-home-0000000000000000');
  });

  it('an unparsable rules file: TRUST_FILE_INVALID while trust is on (a diagnostic in inspectEnvironment); not read while off', async () => {
    for (const q of DIALECTS) {
      const files = { ...repo, 'home/.qwen/settings.json': trustOn(), 'home/.qwen/trustedFolders.json': '{ "a": ' };
      const r = await run({ files }, q);
      expect('code' in r && r.code, q).toBe('TRUST_FILE_INVALID');
      expect((r as { error: { details: unknown } }).error.details, q).toMatchObject({ path: tree!.path('home/.qwen/trustedFolders.json') });
      const report = await inspectEnvironment({ ...setup({ files }), qwenCode: q });
      expect(
        report.diagnostics.map((d) => d.code),
        q,
      ).toContain('TRUST_FILE_INVALID');
      tree!.remove();
      const off = await run({ files: { ...files, 'home/.qwen/settings.json': plainUser } }, q);
      expect(keyOf(off), q).toBe('sk-project-00000000000000');
    }
  });

  it('the rules file moves with QWEN_CODE_TRUSTED_FOLDERS_PATH: from the shell (both), a home .env (0.24), a project .env only in 0.12', async () => {
    const files = {
      ...repo,
      'home/.qwen/settings.json': trustOn(),
      'rules/t.json': json({ '{root}/w': 'DO_NOT_TRUST' }),
      // The default file trusts the folder: which file was read shows in the key.
      'home/.qwen/trustedFolders.json': json({ '{root}/w': 'TRUST_FOLDER' }),
    };
    for (const q of DIALECTS) {
      expect(keyOf(await run({ files, env: { QWEN_CODE_TRUSTED_FOLDERS_PATH: '{root}/rules/t.json' } }, q)), q).toBe('sk-home-0000000000000000');
    }
    const viaHome = { ...files, 'home/.qwen/.env': 'OPENAI_API_KEY=sk-home-0000000000000000\nQWEN_CODE_TRUSTED_FOLDERS_PATH={root}/rules/t.json\n' };
    expect(keyOf(await run({ files: viaHome }, '0.24'))).toBe('sk-home-0000000000000000');
    const viaProject = { ...files, 'w/.qwen/.env': 'OPENAI_API_KEY=sk-project-00000000000000\nQWEN_CODE_TRUSTED_FOLDERS_PATH={root}/rules/t.json\n' };
    expect(keyOf(await run({ files: viaProject }, '0.24'))).toBe('sk-project-00000000000000');
    const r12 = await inspectEnvironment({ ...setup({ files: viaProject }), qwenCode: '0.12' });
    expect(r12.trust.file).toBe(tree!.path('rules/t.json'));
  });

  it('0.12 reads the rules from ~/.qwen even when QWEN_HOME moves Qwen’s folder; 0.24 from the moved folder', async () => {
    const files = {
      ...repo,
      'qh/settings.json': trustOn(),
      'qh/trustedFolders.json': json({ '{root}/w': 'DO_NOT_TRUST' }),
      'home/.qwen/trustedFolders.json': json({ '{root}/w': 'TRUST_FOLDER' }),
    };
    const env = { QWEN_HOME: '{root}/qh' };
    expect(keyOf(await run({ files, env }, '0.24'))).toBe('sk-home-0000000000000000');
    expect(keyOf(await run({ files, env }, '0.12'))).toBe('sk-project-00000000000000');
  });
});

describe('system settings and system defaults (settings-layers §2)', () => {
  it('precedence: system defaults < user < workspace < system, for model.name and security.auth', async () => {
    const chain: [string, string][] = [
      ['sys/system-defaults.json', 'from-defaults'],
      ['home/.qwen/settings.json', 'from-user'],
      ['w/.qwen/settings.json', 'from-workspace'],
      ['sys/settings.json', 'from-system'],
    ];
    for (const q of DIALECTS) {
      // Each layer added in turn wins over those below it.
      for (let n = 1; n <= chain.length; n++) {
        const files = Object.fromEntries(chain.slice(0, n).map(([p, m]) => [p, json({ model: { name: m }, security: { auth: { selectedType: 'openai' } } })]));
        const r = await run({ files: { ...files, 'home/.qwen/.env': 'OPENAI_API_KEY=sk-home-0000000000000000\n' } }, q);
        expect(modelOf(r), `${q} ${n}`).toBe(chain[n - 1]![1]);
        if (!('code' in r)) expect(r.sources.model.scope, `${q} ${n}`).toBe(['system-defaults', 'user', 'workspace', 'system'][n - 1]);
        tree!.remove();
      }
    }
  });

  it('env merges key by key, system over user; system defaults fill only what nothing sets; a .env file beats them all', async () => {
    for (const q of DIALECTS) {
      const files = {
        'sys/system-defaults.json': json({ env: { OPENAI_MODEL: 'defaults-model', OPENAI_API_KEY: 'sk-defaults-000000000000' } }),
        'home/.qwen/settings.json': json({
          security: { auth: { selectedType: 'openai' } },
          env: { OPENAI_MODEL: 'user-model', OPENAI_API_KEY: 'sk-user-0000000000000000' },
        }),
        'sys/settings.json': json({ env: { OPENAI_API_KEY: 'sk-system-00000000000000' } }),
      };
      const r = await run({ files }, q);
      expect([keyOf(r), modelOf(r)], q).toEqual(['sk-system-00000000000000', 'user-model']);
      tree!.remove();
      const withEnv = await run({ files: { ...files, 'w/.env': 'OPENAI_API_KEY=sk-project-00000000000000\n' } }, q);
      expect(keyOf(withEnv), q).toBe('sk-project-00000000000000');
    }
  });

  it('the defaults file sits beside the system file unless QWEN_CODE_SYSTEM_DEFAULTS_PATH moves it alone; paths per platform', () => {
    expect(systemSettingsPaths({}, 'linux', '/w')).toEqual({ system: '/etc/qwen-code/settings.json', defaults: '/etc/qwen-code/system-defaults.json' });
    expect(systemSettingsPaths({}, 'darwin', '/w')).toEqual({
      system: '/Library/Application Support/QwenCode/settings.json',
      defaults: '/Library/Application Support/QwenCode/system-defaults.json',
    });
    expect(systemSettingsPaths({}, 'win32', '/w')).toEqual({
      system: 'C:\\ProgramData\\qwen-code\\settings.json',
      defaults: 'C:\\ProgramData\\qwen-code\\system-defaults.json',
    });
    expect(systemSettingsPaths({ QWEN_CODE_SYSTEM_SETTINGS_PATH: '/s/x.json' }, 'linux', '/w')).toEqual({
      system: '/s/x.json',
      defaults: '/s/system-defaults.json',
    });
    expect(systemSettingsPaths({ QWEN_CODE_SYSTEM_DEFAULTS_PATH: '/d/y.json' }, 'linux', '/w')).toEqual({
      system: '/etc/qwen-code/settings.json',
      defaults: '/d/y.json',
    });
    expect(systemSettingsPaths({ QWEN_CODE_SYSTEM_SETTINGS_PATH: '' }, 'linux', '/w').system).toBe('/etc/qwen-code/settings.json');
  });

  it('platform, systemSettingsPath and systemDefaultsPath are checked before any I/O', async () => {
    for (const bad of [{ platform: '' }, { platform: 3 }, { systemSettingsPath: '' }, { systemDefaultsPath: 'a\0b' }]) {
      const error = await resolveAuth({ env: {}, ...(bad as object) }).catch((e: unknown) => e);
      expect(isAuthError(error, 'INVALID_OPTION_TYPE'), JSON.stringify(bad)).toBe(true);
    }
  });

  it('platform picks the system path when nothing moves it (darwin here: no such file, so no layer)', async () => {
    const files = { 'home/.qwen/.env': 'OPENAI_API_KEY=sk-home-0000000000000000\n', 'home/.qwen/settings.json': plainUser };
    const s = setup({ files });
    const { QWEN_CODE_SYSTEM_SETTINGS_PATH: _moved, ...env } = s.env;
    const report = await inspectEnvironment({ ...s, env, platform: 'darwin' });
    expect(report.files.filter((f) => f.scope === 'system' || f.scope === 'system-defaults').map((f) => f.path)).toEqual([
      '/Library/Application Support/QwenCode/system-defaults.json',
      '/Library/Application Support/QwenCode/settings.json',
    ]);
  });

  it('explicit systemSettingsPath / systemDefaultsPath options win over the variables', async () => {
    const files = {
      'home/.qwen/.env': 'OPENAI_API_KEY=sk-home-0000000000000000\n',
      'home/.qwen/settings.json': plainUser,
      'other/s.json': json({ model: { name: 'from-option' } }),
      'sys/settings.json': json({ model: { name: 'from-variable' } }),
    };
    const s = setup({ files });
    const auth = await resolveAuth({ ...s, systemSettingsPath: tree!.path('other/s.json') });
    expect(auth.model).toBe('from-option');
  });

  it('who moves the system file: the shell or a home .env (0.24); also a project .env in 0.12', async () => {
    const files = {
      'home/.qwen/settings.json': plainUser,
      'alt/settings.json': json({ model: { name: 'from-alt-system' } }),
    };
    const home = { ...files, 'home/.qwen/.env': 'OPENAI_API_KEY=sk-home-0000000000000000\nQWEN_CODE_SYSTEM_SETTINGS_PATH={root}/alt/settings.json\n' };
    const project = {
      ...files,
      'home/.qwen/.env': 'OPENAI_API_KEY=sk-home-0000000000000000\n',
      'w/.qwen/.env': 'OPENAI_API_KEY=sk-project-00000000000000\nQWEN_CODE_SYSTEM_SETTINGS_PATH={root}/alt/settings.json\n',
    };
    const noShell = { QWEN_CODE_SYSTEM_SETTINGS_PATH: '' };
    expect(modelOf(await run({ files: home, env: noShell }, '0.24'))).toBe('from-alt-system');
    expect(modelOf(await run({ files: project, env: noShell }, '0.24'))).not.toBe('from-alt-system');
    // 0.12: the exported empty value counts as set, so take the shell variable away entirely.
    const r12 = await resolveAuth({
      ...setup({ files: project }),
      env: { OPENAI_BASE_URL: 'http://127.0.0.1:9/v1' },
      qwenCode: '0.12',
      homeDir: tree!.path('home'),
    }).catch((e) => e);
    expect(modelOf(r12)).toBe('from-alt-system');
  });

  it('0.24: a system, system-defaults or user file that is not a JSON object stops the run (SETTINGS_INVALID); 0.12 reports it and reads on', async () => {
    for (const path of ['sys/settings.json', 'sys/system-defaults.json', 'home/.qwen/settings.json']) {
      const files: Record<string, string> = {
        'home/.qwen/.env': 'OPENAI_API_KEY=sk-home-0000000000000000\n',
        'home/.qwen/settings.json': plainUser,
        'w/.qwen/settings.json': json({ security: { auth: { selectedType: 'openai' } } }),
        [path]: '[1, 2]',
      };
      const r24 = await run({ files }, '0.24');
      expect('code' in r24 && r24.code, path).toBe('SETTINGS_INVALID');
      expect((r24 as { error: { details: { path: string } } }).error.details.path, path).toBe(tree!.path(path));
      tree!.remove();
      const r12 = await run({ files }, '0.12');
      expect(keyOf(r12), path).toBe('sk-home-0000000000000000');
      tree!.remove();
    }
    // A bad workspace file is ignored by 0.24 too (it resets it).
    const ws = await run(
      { files: { 'home/.qwen/.env': 'OPENAI_API_KEY=sk-home-0000000000000000\n', 'home/.qwen/settings.json': plainUser, 'w/.qwen/settings.json': '[1]' } },
      '0.24',
    );
    expect(keyOf(ws)).toBe('sk-home-0000000000000000');
  });

  it('inspectEnvironment lists every settings file with its scope, lowest first, and each .env with its scope', async () => {
    const files = {
      'home/.qwen/.env': 'OPENAI_API_KEY=sk-home-0000000000000000\n',
      'home/.qwen/settings.json': plainUser,
      'w/.env': 'A=1\n',
      'w/.qwen/settings.json': json({}),
      'sys/settings.json': json({}),
    };
    const report = await inspectEnvironment({ ...setup({ files }), qwenCode: '0.24' });
    expect(report.files.map((f) => [f.kind, f.scope, f.path.slice(tree!.root.length), f.status])).toEqual([
      ['settings', 'system-defaults', '/sys/system-defaults.json', 'missing'],
      ['settings', 'user', '/home/.qwen/settings.json', 'read'],
      ['settings', 'workspace', '/w/.qwen/settings.json', 'read'],
      ['settings', 'system', '/sys/settings.json', 'read'],
      ['env-file', 'workspace', '/w/.env', 'read'],
      ['env-file', 'user', '/home/.qwen/.env', 'read'],
    ]);
    expect(report.settingsFiles.map((f) => f.scope)).toEqual(['user', 'workspace', 'system']);
    expect(report.trust).toMatchObject({ enabled: false, verdict: 'undecided', workspaceApplied: true, projectEnvApplied: true });
  });
});
