import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { folderTrustOf, readTrustRules, type TrustLevel, type TrustRule, trustedFoldersPath } from '../../src/settings/trusted-folders.js';
import { makeTree, type Tree } from '../support/tree.js';

let tree: Tree | undefined;
afterEach(() => {
  tree?.remove();
  tree = undefined;
});

/** A small deterministic generator (no clock, no Math.random). */
function rng(seed: number): () => number {
  let x = seed >>> 0 || 1;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

const LEVELS: readonly TrustLevel[] = ['TRUST_FOLDER', 'TRUST_PARENT', 'DO_NOT_TRUST'];
/** Folders of a small tree, relative: '' is the tree's root. */
const FOLDERS = ['', 'a', 'a/b', 'a/b/c', 'a/x', 'd', 'd/e'];

const within = (child: string, parent: string): boolean => child === parent || child.startsWith(`${parent}/`) || parent === '/';
const depth = (p: string): number => p.split('/').filter(Boolean).length;

/** The 0.24 rule restated: the deepest covering folder wins, distrust on a tie, none undecided. */
function oracle024(rules: readonly TrustRule[], location: string): string {
  let best = -1;
  let verdict = 'undecided';
  for (const r of rules) {
    const folder = r.level === 'TRUST_PARENT' ? dirname(r.path) : r.path;
    if (!within(location, folder)) continue;
    const d = depth(folder);
    const v = r.level === 'DO_NOT_TRUST' ? 'untrusted' : 'trusted';
    if (d > best || (d === best && v === 'untrusted')) {
      best = d;
      verdict = v;
    }
  }
  return verdict;
}

/** The 0.12 rule restated: any covering trust rule, else a distrust rule naming exactly the folder. */
function oracle012(rules: readonly TrustRule[], location: string): string {
  if (rules.some((r) => r.level !== 'DO_NOT_TRUST' && within(location, r.level === 'TRUST_PARENT' ? dirname(r.path) : r.path))) return 'trusted';
  if (rules.some((r) => r.level === 'DO_NOT_TRUST' && r.path === location)) return 'untrusted';
  return 'undecided';
}

describe('folderTrustOf: generated rule sets against the rules restated', () => {
  it('0.24 and 0.12 agree with their rule on 400 generated cases each', () => {
    tree = makeTree(Object.fromEntries(FOLDERS.filter(Boolean).map((f) => [f, { dir: true } as const])));
    const next = rng(15);
    for (let i = 0; i < 400; i++) {
      const rules: TrustRule[] = [];
      const n = 1 + Math.floor(next() * 4);
      for (let j = 0; j < n; j++) {
        rules.push({ path: tree.path(FOLDERS[Math.floor(next() * FOLDERS.length)]).replace(/\/$/, ''), level: LEVELS[Math.floor(next() * 3)]! });
      }
      const location = tree.path(FOLDERS[Math.floor(next() * FOLDERS.length)]).replace(/\/$/, '');
      const label = JSON.stringify({ rules: rules.map((r) => [r.path.slice(tree!.root.length), r.level]), location: location.slice(tree.root.length) });
      const v24 = folderTrustOf(rules, location, '0.24');
      expect(v24.verdict, label).toBe(oracle024(rules, location));
      expect(v24.rule === undefined, label).toBe(v24.verdict === 'undecided');
      const v12 = folderTrustOf(rules, location, '0.12');
      expect(v12.verdict, label).toBe(oracle012(rules, location));
    }
  });
});

describe('folderTrustOf: each rule', () => {
  it('TRUST_PARENT trusts the parent of its path and the parent’s subtree (both versions)', () => {
    for (const dialect of ['0.12', '0.24'] as const) {
      const rules: TrustRule[] = [{ path: '/srv/repos/one', level: 'TRUST_PARENT' }];
      expect(folderTrustOf(rules, '/srv/repos/two', dialect).verdict).toBe('trusted');
      expect(folderTrustOf(rules, '/srv/repos', dialect).verdict).toBe('trusted');
      expect(folderTrustOf(rules, '/srv', dialect).verdict).toBe('undecided');
    }
  });

  it('0.24: the deepest match wins, DO_NOT_TRUST wins a tie whatever the order', () => {
    const deepTrust: TrustRule[] = [
      { path: '/p', level: 'DO_NOT_TRUST' },
      { path: '/p/q', level: 'TRUST_FOLDER' },
    ];
    expect(folderTrustOf(deepTrust, '/p/q/r', '0.24')).toEqual({ verdict: 'trusted', rule: deepTrust[1] });
    expect(folderTrustOf(deepTrust, '/p/z', '0.24')).toEqual({ verdict: 'untrusted', rule: deepTrust[0] });
    const tie: TrustRule[] = [
      { path: '/p/q', level: 'TRUST_FOLDER' },
      { path: '/p/q', level: 'DO_NOT_TRUST' },
    ];
    expect(folderTrustOf(tie, '/p/q', '0.24').verdict).toBe('untrusted');
    expect(folderTrustOf([...tie].reverse(), '/p/q', '0.24').verdict).toBe('untrusted');
    // A TRUST_PARENT rule counts at its parent's depth: /p/q/x's parent /p/q ties with DO_NOT_TRUST /p/q.
    expect(
      folderTrustOf(
        [
          { path: '/p/q/x', level: 'TRUST_PARENT' },
          { path: '/p/q', level: 'DO_NOT_TRUST' },
        ],
        '/p/q/y',
        '0.24',
      ).verdict,
    ).toBe('untrusted');
  });

  it('0.12: a covering trust rule beats DO_NOT_TRUST, which matches its exact path only', () => {
    const rules: TrustRule[] = [
      { path: '/p/q', level: 'DO_NOT_TRUST' },
      { path: '/p', level: 'TRUST_FOLDER' },
    ];
    expect(folderTrustOf(rules, '/p/q', '0.12')).toEqual({ verdict: 'trusted', rule: rules[1] });
    expect(folderTrustOf([rules[0]!], '/p/q', '0.12')).toEqual({ verdict: 'untrusted', rule: rules[0] });
    expect(folderTrustOf([rules[0]!], '/p/q/sub', '0.12').verdict).toBe('undecided');
    expect(folderTrustOf([rules[0]!], '/p/q/sub', '0.24').verdict).toBe('untrusted');
    // 0.12 compares a DO_NOT_TRUST path as written (normalized): a trailing slash or a relative path never matches.
    expect(folderTrustOf([{ path: '/p/q/', level: 'DO_NOT_TRUST' }], '/p/q', '0.12').verdict).toBe('undecided');
    expect(folderTrustOf([{ path: '/p/./q', level: 'DO_NOT_TRUST' }], '/p/q', '0.12').verdict).toBe('untrusted');
    expect(folderTrustOf([{ path: 'q', level: 'DO_NOT_TRUST' }], '/p/q', '0.12', '/p').verdict).toBe('undecided');
    expect(folderTrustOf([{ path: '/p/q/', level: 'DO_NOT_TRUST' }], '/p/q', '0.24').verdict).toBe('untrusted');
  });

  it('0.24 compares resolved and real forms: a symlinked location or rule matches the real folder', () => {
    tree = makeTree({ 'real/proj/.keep': '', link: { symlink: 'real' } });
    const real = tree.path('real/proj');
    const viaLink = tree.path('link/proj');
    expect(folderTrustOf([{ path: real, level: 'DO_NOT_TRUST' }], viaLink, '0.24').verdict).toBe('untrusted');
    expect(folderTrustOf([{ path: viaLink, level: 'DO_NOT_TRUST' }], real, '0.24').verdict).toBe('untrusted');
    expect(folderTrustOf([{ path: `${tree.path('link')}/./proj/`, level: 'TRUST_FOLDER' }], real, '0.24').verdict).toBe('trusted');
    // 0.12 compares resolved paths only.
    expect(folderTrustOf([{ path: viaLink, level: 'DO_NOT_TRUST' }], real, '0.12').verdict).toBe('undecided');
  });

  it('relative rule paths are taken from the base folder (Qwen Code: its working folder)', () => {
    expect(folderTrustOf([{ path: 'repo', level: 'DO_NOT_TRUST' }], '/w/repo', '0.24', '/w').verdict).toBe('untrusted');
    expect(folderTrustOf([{ path: '.', level: 'TRUST_FOLDER' }], '/w/repo', '0.24').verdict).toBe('trusted');
  });

  it('no rule: undecided in both', () => {
    expect(folderTrustOf([], '/anything', '0.24')).toEqual({ verdict: 'undecided' });
    expect(folderTrustOf([], '/anything', '0.12')).toEqual({ verdict: 'undecided' });
  });
});

describe('the rules file', () => {
  it('is QWEN_CODE_TRUSTED_FOLDERS_PATH when non-empty, else <qwenDir>/trustedFolders.json', () => {
    expect(trustedFoldersPath('/h/.qwen', {})).toBe('/h/.qwen/trustedFolders.json');
    expect(trustedFoldersPath('/h/.qwen', { QWEN_CODE_TRUSTED_FOLDERS_PATH: '' })).toBe('/h/.qwen/trustedFolders.json');
    expect(trustedFoldersPath('/h/.qwen', { QWEN_CODE_TRUSTED_FOLDERS_PATH: '/etc/t.json' })).toBe('/etc/t.json');
    expect(trustedFoldersPath('/h/.qwen', { QWEN_CODE_TRUSTED_FOLDERS_PATH: 't.json' }, '/w')).toBe('/w/t.json');
  });

  it('reads JSON with comments; unknown levels are ignored; missing means no rules', () => {
    tree = makeTree({
      't.json': '{\n // mine\n "/a": "TRUST_FOLDER", "/b": "DO_NOT_TRUST", "/c": "TRUST_PARENT", "/d": "trust_folder", "/e": 1 }',
    });
    expect(readTrustRules(tree.path('t.json'))).toEqual({
      path: tree.path('t.json'),
      exists: true,
      rules: [
        { path: '/a', level: 'TRUST_FOLDER' },
        { path: '/b', level: 'DO_NOT_TRUST' },
        { path: '/c', level: 'TRUST_PARENT' },
      ],
    });
    expect(readTrustRules(tree.path('none.json'))).toEqual({ path: tree.path('none.json'), exists: false, rules: [] });
  });

  it('a file that is not a JSON object, or not a regular file, is a problem with its path', () => {
    tree = makeTree({ 'bad.json': '{ "a": ', 'arr.json': '["/a"]', 'null.json': 'null', dir: { dir: true } });
    for (const name of ['bad.json', 'arr.json', 'null.json', 'dir']) {
      const r = readTrustRules(tree.path(name));
      expect(r.exists, name).toBe(true);
      expect(r.rules, name).toEqual([]);
      expect(r.problem?.code, name).toBe('TRUST_FILE_INVALID');
      expect(r.problem?.path, name).toBe(tree.path(name));
    }
  });

  it('an oversized file is a problem, read no further than the bound', () => {
    tree = makeTree();
    const path = join(tree.root, 'big', 't.json');
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, `{"/a": "TRUST_FOLDER", "pad": "${'x'.repeat(1024 * 1024)}"}`);
    expect(readTrustRules(path).problem?.code).toBe('TRUST_FILE_INVALID');
  });
});
