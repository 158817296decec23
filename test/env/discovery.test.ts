import { afterEach, describe, expect, it } from 'vitest';
import { findEnvFile } from '../../src/env/discover.js';
import { resolveAuth } from '../../src/index.js';
import { type Entry, makeTree, type Tree } from '../support/tree.js';

let tree: Tree | undefined;
afterEach(() => tree?.remove());

/** Which file wins: each case lists the files present (value = marker) and the file expected to be used. */
const cases: { name: string; files: Record<string, Entry>; cwd: string; home: string; expected: string | null }[] = [
  {
    name: 'the nearest folder wins',
    files: { 'w/.env': 'X=w', 'w/a/.env': 'X=a' },
    cwd: 'w/a/b',
    home: 'home',
    expected: 'w/a/.env',
  },
  {
    name: '.qwen/.env before .env in the same folder',
    files: { 'w/a/.env': 'X=plain', 'w/a/.qwen/.env': 'X=qwen' },
    cwd: 'w/a/b',
    home: 'home',
    expected: 'w/a/.qwen/.env',
  },
  {
    name: 'a nearer .env beats a farther .qwen/.env',
    files: { 'w/.qwen/.env': 'X=far', 'w/a/.env': 'X=near' },
    cwd: 'w/a/b',
    home: 'home',
    expected: 'w/a/.env',
  },
  {
    name: 'cwd itself is searched first',
    files: { 'w/a/b/.env': 'X=here', 'w/a/.qwen/.env': 'X=up' },
    cwd: 'w/a/b',
    home: 'home',
    expected: 'w/a/b/.env',
  },
  {
    name: 'no project file: <qwenDir>/.env',
    files: { 'home/.qwen/.env': 'X=qh', 'home/.env': 'X=h' },
    cwd: 'w/a/b',
    home: 'home',
    expected: 'home/.qwen/.env',
  },
  {
    name: 'no project file and no <qwenDir>/.env: ~/.env',
    files: { 'home/.env': 'X=h' },
    cwd: 'w/a/b',
    home: 'home',
    expected: 'home/.env',
  },
  {
    name: 'home inside the workspace is not on the walk, but is the fallback',
    files: { 'w/home/.env': 'X=h' },
    cwd: 'w/a/b',
    home: 'w/home',
    expected: 'w/home/.env',
  },
  {
    name: 'home inside the workspace: a workspace file above cwd still wins',
    files: { 'w/home/.qwen/.env': 'X=h', 'w/.env': 'X=w' },
    cwd: 'w/a/b',
    home: 'w/home',
    expected: 'w/.env',
  },
  {
    name: 'cwd inside home: the walk reaches ~/.qwen/.env',
    files: { 'home/.qwen/.env': 'X=qh' },
    cwd: 'home/p/q',
    home: 'home',
    expected: 'home/.qwen/.env',
  },
  {
    name: 'a folder named .env is not a file',
    files: { 'w/a/.env': { dir: true }, 'w/.env': 'X=w' },
    cwd: 'w/a/b',
    home: 'home',
    expected: 'w/.env',
  },
  {
    name: 'a symlink to a file counts',
    files: { 'target.env': 'X=t', 'w/a/.env': { symlink: 'target.env' } },
    cwd: 'w/a/b',
    home: 'home',
    expected: 'w/a/.env',
  },
  { name: 'nothing anywhere', files: { 'w/a/b/x': '' }, cwd: 'w/a/b', home: 'home', expected: null },
];

describe('.env discovery (spec §1.1–1.3)', () => {
  it.each(cases)('$name', ({ files, cwd, home, expected }) => {
    tree = makeTree({ ...files, [`${home}/.keep`]: '' });
    const found = findEnvFile({ cwd: tree.path(cwd), homeDir: tree.path(home), qwenDir: tree.path(`${home}/.qwen`) });
    expect(found.found?.path ?? null).toBe(expected === null ? null : tree.path(expected));
    if (expected) expect(found.searched.at(-1)).toBe(tree.path(expected));
    // Never the same candidate twice, and at most two per folder plus two fallbacks.
    expect(new Set(found.searched).size).toBe(found.searched.length);
  });

  it('checks candidates in order: D/.qwen/.env, D/.env, then up; then the two home files', () => {
    tree = makeTree({ 'home/.keep': '', 'w/a/.keep': '' });
    const { searched } = findEnvFile({ cwd: tree.path('w/a'), homeDir: tree.path('home'), qwenDir: tree.path('home/.qwen') });
    expect(searched.slice(0, 4)).toEqual([tree.path('w/a/.qwen/.env'), tree.path('w/a/.env'), tree.path('w/.qwen/.env'), tree.path('w/.env')]);
    expect(searched.slice(-4)).toEqual(['/.qwen/.env', '/.env', tree.path('home/.qwen/.env'), tree.path('home/.env')]);
  });

  it('uses QWEN_HOME as <qwenDir> for the fallback', async () => {
    tree = makeTree({ 'qh/.env': 'OPENAI_API_KEY=sk-from-qwen-home', 'home/.qwen/.env': 'OPENAI_API_KEY=sk-from-home', 'w/.keep': '' });
    const auth = await resolveAuth({ cwd: tree.path('w'), homeDir: tree.path('home'), env: { QWEN_HOME: tree.path('qh') } });
    expect(auth.type === 'openai' && auth.apiKey).toBe('sk-from-qwen-home');
    expect(auth.envFile?.scope).toBe('home');
  });

  it('never merges files: keys of a farther file are ignored', async () => {
    tree = makeTree({
      'home/.keep': '',
      'w/.env': 'OPENAI_API_KEY=sk-far\nOPENAI_MODEL=far-model',
      'w/a/.env': 'OPENAI_API_KEY=sk-near',
    });
    const auth = await resolveAuth({ cwd: tree.path('w/a'), homeDir: tree.path('home'), env: {} });
    expect(auth.type === 'openai' && [auth.apiKey, auth.model]).toEqual(['sk-near', 'qwen3.5-plus']);
    expect(auth.envFile?.path).toBe(tree.path('w/a/.env'));
  });
});
