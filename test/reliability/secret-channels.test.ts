/**
 * Secrets in the channels issue 17 found (hole 3), each scanned in every
 * output of the library and the command, failure paths included: a base
 * URL password through `check()`'s network errors; a key holding a line
 * break or NUL (the HTTP stack's header error would quote it whole); a key
 * put into a URL's path or query by `$VAR`; a key used as the model name;
 * passwords in the URL flags of `status` and `login`; and the result's
 * `baseUrl` field itself. No output may hold a whole secret or 12
 * consecutive characters of one.
 */
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ResolveAuthOptions, resolveAuth } from '../../src/index.js';
import { runCli } from '../support/cli.js';
import { makeTree, type Tree } from '../support/tree.js';
import { Figures, inputRng, pool, REPLAY, word } from './harness.js';

const figures = new Figures('secret channels');
const r = inputRng('secret-channels', 0);
const S = {
  basePassword: `Pw${word(r, 22)}`,
  pathKey: `sk-${word(r, 30)}`,
  queryKey: `sk-${word(r, 30)}`,
  /** Not key-shaped: only the known key itself can say it is one. */
  plainPathKey: word(r, 26, 'abcdefghijklmnopqrstuvwxyz'),
  modelKey: `sk-${word(r, 30)}`,
  newlineKey: `sk-${word(r, 20)}\n${word(r, 12)}`,
  nulKey: `sk-${word(r, 20)}\u0000${word(r, 12)}`,
  crKey: `sk-${word(r, 20)}\r\nX-Injected: ${word(r, 12)}`,
  flagPassword: `Pw${word(r, 22)}`,
  loginPassword: `Pw${word(r, 22)}`,
};
const SECRETS = Object.entries(S).flatMap(([name, secret]) =>
  secret
    .split(/[\r\n\u0000]/)
    .filter((p) => p.length >= 12)
    .map((part) => [name, part] as const),
);

let tree: Tree;
const leaksByChannel = new Map<string, number>();

function scan(where: string, text: string): void {
  figures.add('outputsScanned');
  let leaks = 0;
  for (const [name, secret] of SECRETS) {
    for (let i = 0; i + 12 <= secret.length; i++) {
      if (text.includes(secret.slice(i, i + 12))) {
        leaks++;
        figures.problem(`${where}: ${name} shows`);
        break;
      }
    }
  }
  leaksByChannel.set(where, leaks);
}

function views(where: string, value: unknown): void {
  scan(`${where} (inspect)`, inspect(value, { depth: 30 }));
  scan(`${where} (JSON)`, JSON.stringify(value) ?? '');
  if (value instanceof Error) scan(`${where} (String)`, `${String(value)}\n${value.stack ?? ''}\n${inspect(value.cause, { depth: 10 })}`);
}

async function capture(where: string, fn: () => Promise<unknown>): Promise<void> {
  try {
    views(where, await fn());
  } catch (error) {
    views(`${where} → error`, error);
  }
}

/** The built command's whole output (stdout, stderr, exit code), for the scan. */
async function cli(args: string[], env: Record<string, string> = {}): Promise<string> {
  const r = await runCli(args, { cwd: tree.path('w'), home: tree.path('home'), env: { NO_COLOR: '1', ...env } });
  return `${r.stdout}${r.stderr}\n(exit ${r.code})`;
}

beforeAll(() => {
  tree = makeTree({ 'home/.keep': '', 'w/.keep': '' });
});
afterAll(() => {
  tree?.remove();
  const open = [...leaksByChannel.values()].filter((n) => n > 0).length;
  figures.add('channels', leaksByChannel.size);
  figures.add('channelsLeaking', open);
  figures.print();
});

/** An endpoint nobody answers on (port 9, discard): every request fails fast with ECONNREFUSED. */
const DEAD = 'http://127.0.0.1:9';
const opts = (env: Record<string, string>): ResolveAuthOptions => ({ cwd: tree.path('w'), homeDir: tree.path('home'), env });

/** A result, and what its request side says: getToken aside, fetch and check are outputs. */
async function resolveAndUse(where: string, env: Record<string, string>): Promise<void> {
  await capture(where, () => resolveAuth(opts(env)));
  await capture(`${where}: fetch`, async () => {
    const auth = await resolveAuth(opts(env));
    return auth.fetch(`${auth.baseUrl}/models`);
  });
  await capture(`${where}: check`, async () => (await resolveAuth(opts(env))).check({ timeoutMs: 5_000 }));
}

describe.skipIf(REPLAY)('secrets in new channels', () => {
  it('the library', async () => {
    const key = `sk-${word(r, 30)}`;
    await resolveAndUse('base URL with a password', { OPENAI_API_KEY: key, OPENAI_BASE_URL: `http://user:${S.basePassword}@127.0.0.1:9/v1` });
    await resolveAndUse('key with a line break', { OPENAI_API_KEY: S.newlineKey, OPENAI_BASE_URL: `${DEAD}/v1` });
    await resolveAndUse('key with NUL', { OPENAI_API_KEY: S.nulKey, OPENAI_BASE_URL: `${DEAD}/v1` });
    await resolveAndUse('key with CR LF and a header', { OPENAI_API_KEY: S.crKey, OPENAI_BASE_URL: `${DEAD}/v1` });
    await resolveAndUse('key in the path by $VAR', { OPENAI_API_KEY: S.pathKey, OPENAI_BASE_URL: `${DEAD}/v1/${S.pathKey}` });
    await resolveAndUse('plain key in the path', { OPENAI_API_KEY: S.plainPathKey, OPENAI_BASE_URL: `${DEAD}/v1/${S.plainPathKey}` });
    await resolveAndUse('key in the query', { OPENAI_API_KEY: S.queryKey, OPENAI_BASE_URL: `${DEAD}/v1?key=${S.queryKey}` });
    await resolveAndUse('key as the model', { OPENAI_API_KEY: S.modelKey, OPENAI_BASE_URL: `${DEAD}/v1`, OPENAI_MODEL: S.modelKey });
    // The field itself: a result's baseUrl holds no user-info.
    const auth = await resolveAuth(opts({ OPENAI_API_KEY: key, OPENAI_BASE_URL: `http://user:${S.basePassword}@127.0.0.1:9/v1` }));
    scan('result.baseUrl and endpoint (the fields)', `${auth.baseUrl} ${auth.type === 'qwen-oauth' ? '' : auth.endpoint}`);
  }, 60_000);

  it('the command: status (text, --json, --check) and login with URL flags', async () => {
    const runs: [string, string[], Record<string, string>?][] = [];
    const envCases: [string, Record<string, string>][] = [
      ['key in the path', { OPENAI_API_KEY: S.pathKey, OPENAI_BASE_URL: `${DEAD}/v1/${S.pathKey}` }],
      ['plain key in the path', { OPENAI_API_KEY: S.plainPathKey, OPENAI_BASE_URL: `${DEAD}/v1/${S.plainPathKey}` }],
      ['key in the query', { OPENAI_API_KEY: S.queryKey, OPENAI_BASE_URL: `${DEAD}/v1?key=${S.queryKey}` }],
      ['key as the model', { OPENAI_API_KEY: S.modelKey, OPENAI_BASE_URL: `${DEAD}/v1`, OPENAI_MODEL: S.modelKey }],
      ['key with a line break', { OPENAI_API_KEY: S.newlineKey, OPENAI_BASE_URL: `${DEAD}/v1` }],
      ['base URL with a password', { OPENAI_API_KEY: `sk-${word(r, 30)}`, OPENAI_BASE_URL: `http://user:${S.basePassword}@127.0.0.1:9/v1` }],
    ];
    for (const [name, env] of envCases) {
      runs.push(
        [`status, ${name}`, ['status'], env],
        [`status --json, ${name}`, ['status', '--json'], env],
        [`status --check, ${name}`, ['status', '--check'], env],
      );
      runs.push([`status --check --json, ${name}`, ['status', '--check', '--json'], env]);
    }
    const flagUrl = `http://u:${S.flagPassword}@127.0.0.1:9/v1`;
    const flagKey = `sk-${word(r, 30)}`;
    runs.push(
      ['status --openai-base-url with a password', ['status', '--openai-api-key', flagKey, '--openai-base-url', flagUrl]],
      ['status --json --openai-base-url with a password', ['status', '--json', '--openai-api-key', flagKey, '--openai-base-url', flagUrl]],
      ['status --check --openai-base-url with a password', ['status', '--check', '--openai-api-key', flagKey, '--openai-base-url', flagUrl]],
    );
    const device = `http://u:${S.loginPassword}@127.0.0.1:9/device/code`;
    const token = `http://u:${S.loginPassword}@127.0.0.1:9/token`;
    runs.push(
      ['login with passwords in the endpoint flags', ['login', '--no-browser', '--device-endpoint', device, '--token-endpoint', token]],
      ['login --json with passwords in the endpoint flags', ['login', '--json', '--no-browser', '--device-endpoint', device, '--token-endpoint', token]],
      ['status --auth-type qwen-oauth with a password in --token-endpoint', ['status', '--json', '--auth-type', 'qwen-oauth', '--token-endpoint', token]],
    );
    await pool(runs, 2, async ([name, args, env]) => scan(`qwen-auth ${name}`, await cli(args, env)));
  }, 120_000);

  it('holds: no output shows a secret, whole or 12 characters of it', () => {
    expect(figures.problems, figures.problems.join('\n')).toEqual([]);
  });
});
