/**
 * The token hot path of a resolved Qwen OAuth result: a still-valid token is
 * answered with a settled promise, reads no file between store checks, and
 * the login's resource_url is checked once per value, not once per call.
 * Structure only: no timings (those are in `npm run bench`).
 */
import fs from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMemoryTokenStore, resolveAuth } from '../../src/index.js';
import { makeTree, type Tree } from '../support/tree.js';

let tree: Tree | undefined;
afterEach(() => {
  vi.restoreAllMocks();
  tree?.remove();
  tree = undefined;
});

const login = {
  accessToken: 'at-0000000000000000000000',
  refreshToken: 'rt-0000000000000000000000',
  tokenType: 'Bearer',
  resourceUrl: 'portal.qwen.ai',
  expiresAt: 4102444800000,
};

/** True when `p` is settled after one turn of the microtask queue (no await chain behind it). */
async function settledAtOnce(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => {
    done = true;
  });
  await Promise.resolve();
  return done;
}

async function oauthResult() {
  tree = makeTree({ 'home/.keep': '', 'work/.keep': '' });
  const auth = await resolveAuth({
    cwd: tree.path('work'),
    homeDir: tree.path('home'),
    env: { QWEN_OAUTH: '1' },
    oauth: { store: createMemoryTokenStore(login) },
  });
  if (auth.type !== 'qwen-oauth') throw new Error('not qwen-oauth');
  return auth;
}

describe("a resolved Qwen OAuth result's token", () => {
  it('getAccessToken() and getToken() answer a still-valid token with a settled promise', async () => {
    const auth = await oauthResult();
    expect(await auth.getAccessToken()).toBe(login.accessToken);
    expect(await settledAtOnce(auth.getAccessToken())).toBe(true);
    expect(await settledAtOnce(auth.getToken())).toBe(true);
    // Options that need waiting take the full path, and still answer.
    expect(await auth.getToken({ signal: new AbortController().signal })).toBe(login.accessToken);
  });

  it('reads no file and checks the resource_url once across many calls', async () => {
    const auth = await oauthResult();
    await auth.getAccessToken();
    expect(auth.baseUrl).toBe('https://portal.qwen.ai/v1');
    const reads = [vi.spyOn(fs, 'readFileSync'), vi.spyOn(fs, 'statSync'), vi.spyOn(fs.promises, 'readFile'), vi.spyOn(fs.promises, 'stat')];
    const parses = vi.spyOn(URL, 'canParse');
    for (let i = 0; i < 100; i++) {
      await auth.getAccessToken();
      void auth.baseUrl;
    }
    for (const spy of reads) expect(spy).not.toHaveBeenCalled();
    expect(parses).not.toHaveBeenCalled();
  });
});
