/**
 * Planted secrets (issue 10): a distinct secret in every input place — the
 * environment, `.env`, settings, the credentials file, overrides, proxy
 * variables, CLI flags, the token endpoint's answers — and every output
 * scanned: results (`JSON.stringify`, `util.inspect`), errors with their
 * `cause` chains, diagnostics, and every CLI command in text and `--json`,
 * failure paths included. No output may hold a whole secret or 12
 * consecutive characters of one. (The fields that exist to hand a secret
 * over — `result.apiKey`, `getAccessToken()` — are not outputs.)
 */
import { writeFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFileTokenStore, createQwenOAuthClient, inspectEnvironment, type ResolveAuthOptions, resolveAuth, setSelectedAuthType } from '../../src/index.js';
import { deviceAnswer, type ScriptedServer, startScriptedServer, tokenAnswer } from '../support/scripted-server.js';
import { makeTree, type Tree } from '../support/tree.js';
import { Figures, inputRng, pool, REPLAY, word } from './harness.js';
import { runCli } from '../support/cli.js';

const figures = new Figures('secrets');
const r = inputRng('secrets', 0);
const key = (): string => `sk-${word(r, 30)}`;
const token = (): string => `tok-${word(r, 32)}`;
const password = (): string => `Pw${word(r, 22)}`;

/** One secret per input place. */
const S = {
  envKey: key(),
  envFileKey: key(),
  settingsKey: key(),
  settingsEnvKey: key(),
  dashscopeKey: key(),
  envFileBaseUrlPassword: password(),
  settingsBaseUrlPassword: password(),
  providerBaseUrlPassword: password(),
  proxyPassword: password(),
  accessToken: token(),
  refreshToken: token(),
  resourceUrlPassword: password(),
  overrideKey: key(),
  pastedBaseUrl: key(),
  pastedAuthType: key(),
  selectedTypeKey: key(),
  flagKey: key(),
  flagPastedBaseUrl: key(),
  flagPastedAuthType: key(),
  serverAccessToken: token(),
  serverRefreshToken: token(),
  serverResourcePassword: password(),
};
const SECRETS = Object.entries(S);

let tree: Tree;
let server: ScriptedServer;
const outputs: { readonly where: string; readonly text: string }[] = [];

function scan(where: string, text: string): void {
  outputs.push({ where, text });
  figures.add('outputsScanned');
  for (const [name, secret] of SECRETS) {
    for (let i = 0; i + 12 <= secret.length; i++) {
      if (text.includes(secret.slice(i, i + 12))) {
        figures.add('leaks');
        figures.problem(`${where}: ${name} (${secret.length} characters) shows ${i === 0 && text.includes(secret) ? 'whole' : 'in part'}`);
        break;
      }
    }
  }
}

/** The views of a value or an error that a program or a log would show. */
function views(where: string, value: unknown): void {
  scan(`${where} (inspect)`, inspect(value, { depth: 30, showHidden: false }));
  scan(`${where} (JSON)`, JSON.stringify(value) ?? '');
  if (value instanceof Error) {
    scan(`${where} (String)`, `${String(value)}\n${value.stack ?? ''}`);
    let cause: unknown = value.cause;
    for (let depth = 0; cause !== undefined && depth < 10; depth++) {
      scan(`${where} (cause ${depth})`, `${inspect(cause, { depth: 30 })}\n${String(cause)}`);
      cause = (cause as { cause?: unknown }).cause;
    }
  }
}

async function capture(where: string, fn: () => Promise<unknown>): Promise<void> {
  figures.add('calls');
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

beforeAll(async () => {
  server = await startScriptedServer((req) => {
    if (req.path.includes('/reflect/'))
      return {
        status: 403,
        body: {
          error: `unknown client for ${req.form.get('refresh_token') ?? req.form.get('device_code')} ${S.refreshToken}`,
          error_description: S.accessToken,
        },
      };
    if (req.path.includes('/rotate/'))
      return {
        body: tokenAnswer({
          access_token: S.serverAccessToken,
          refresh_token: S.serverRefreshToken,
          resource_url: `https://u:${S.serverResourcePassword}@evil.example`,
        }),
      };
    if (req.kind === 'device') return { body: deviceAnswer(server.url, { device_code: S.accessToken }) };
    return { status: 400, body: { error: `invalid_grant ${req.form.get('refresh_token')}` } };
  });
  tree = makeTree({
    'w/.env': `OPENAI_API_KEY=${S.envFileKey}\nOPENAI_BASE_URL=https://user:${S.envFileBaseUrlPassword}@llm.example/v1\nDASHSCOPE_API_KEY=${S.dashscopeKey}\n`,
    'home/.qwen/settings.json': JSON.stringify({
      security: { auth: { apiKey: S.settingsKey, baseUrl: `https://u:${S.settingsBaseUrlPassword}@settings.example/v1` } },
      env: { OPENAI_API_KEY: S.settingsEnvKey },
      modelProviders: { openai: [{ id: 'm-secret', baseUrl: `https://u:${S.providerBaseUrlPassword}@provider.example/v1`, envKey: 'DASHSCOPE_API_KEY' }] },
    }),
    'home/.qwen/oauth_creds.json': JSON.stringify({
      access_token: S.accessToken,
      refresh_token: S.refreshToken,
      token_type: 'Bearer',
      resource_url: `https://u:${S.resourceUrlPassword}@portal.qwen.ai`,
      expiry_date: 1,
    }),
  });
  figures.add('secretsPlanted', SECRETS.length);
});
afterAll(async () => {
  await server?.close();
  tree?.remove();
  figures.print();
});

const base = (): ResolveAuthOptions => ({
  cwd: tree.path('w'),
  homeDir: tree.path('home'),
  env: { OPENAI_API_KEY: S.envKey, HTTPS_PROXY: `http://u:${S.proxyPassword}@127.0.0.1:9` },
});

describe.skipIf(REPLAY)('planted secrets', () => {
  it('the library: results, errors and their causes, diagnostics', async () => {
    await capture('openai (env key over .env and settings)', () => resolveAuth(base()));
    await capture('openai (.env key)', () => resolveAuth({ ...base(), env: {} }));
    await capture('modelProviders entry', () => resolveAuth({ ...base(), overrides: { model: 'm-secret' } }));
    await capture('override key', () => resolveAuth({ ...base(), overrides: { apiKey: S.overrideKey } }));
    await capture('pasted base URL', () => resolveAuth({ ...base(), overrides: { apiKey: S.overrideKey, baseUrl: S.pastedBaseUrl } }));
    await capture('pasted auth type', () => resolveAuth({ ...base(), overrides: { authType: S.pastedAuthType as never } }));
    await capture('inspectEnvironment', () => inspectEnvironment(base()));
    await capture('setSelectedAuthType(pasted)', () => setSelectedAuthType(S.pastedAuthType as never, { homeDir: tree.path('home'), env: {} }));
    // Qwen OAuth: the cached login, then refreshes against hostile answers.
    for (const [name, path] of [
      ['reflecting', 'reflect'],
      ['rejecting', 'reject'],
      ['rotating to a hostile resource_url', 'rotate'],
    ] as const) {
      writeFileSync(
        tree.path('home/.qwen/oauth_creds.json'),
        JSON.stringify({
          access_token: S.accessToken,
          refresh_token: S.refreshToken,
          token_type: 'Bearer',
          resource_url: `https://u:${S.resourceUrlPassword}@portal.qwen.ai`,
          expiry_date: 1,
        }),
      );
      const options = {
        ...base(),
        env: {},
        overrides: { authType: 'qwen-oauth' as const },
        oauth: { tokenEndpoint: `${server.url}/${path}/token`, deviceAuthorizationEndpoint: `${server.url}/${path}/device/code` },
      };
      await capture(`qwen-oauth result (${name})`, () => resolveAuth(options));
      await capture(`getAccessToken (${name})`, async () => {
        const auth = await resolveAuth(options);
        if (auth.type !== 'qwen-oauth') throw new Error('expected qwen-oauth');
        await auth.getAccessToken(); // the token itself is the one output that must hold it
        return auth;
      });
    }
    const client = (env: Record<string, string>, path = 'reflect') =>
      createQwenOAuthClient({
        store: createFileTokenStore({ qwenDir: tree.path('home/.qwen') }),
        env,
        tokenEndpoint: `${server.url}/${path}/token`,
        deviceAuthorizationEndpoint: `${server.url}/${path}/device/code`,
        refreshRetry: { attempts: 1 },
      });
    await capture('device login against a reflecting server', () => client({}).authorizeDevice({ onVerification: () => undefined, openBrowser: false }));
    await capture('a proxy with a password, unparseable', () => client({ HTTPS_PROXY: `http://u:${S.proxyPassword}@[::1` }).refresh());
    await capture('a proxy with a password, unreachable', () => client({ HTTPS_PROXY: `http://u:${S.proxyPassword}@127.0.0.1:9` }).refresh());
    expect(figures.counts.calls).toBeGreaterThan(15);
  }, 60_000);

  it('the command: every command, text and --json, failure paths included', async () => {
    const runs: [string, string[], Record<string, string>?][] = [
      ['status', ['status']],
      ['status --json', ['status', '--json']],
      ['status, key in the environment', ['status'], { OPENAI_API_KEY: S.envKey }],
      ['status, Qwen OAuth', ['status', '--auth-type', 'qwen-oauth']],
      ['status --json, Qwen OAuth', ['status', '--json', '--auth-type', 'qwen-oauth']],
      ['status, flags', ['status', '--openai-api-key', S.flagKey]],
      ['status, pasted base URL', ['status', '--openai-api-key', S.flagKey, '--openai-base-url', S.flagPastedBaseUrl]],
      ['status --json, pasted base URL', ['status', '--json', '--openai-api-key', S.flagKey, '--openai-base-url', S.flagPastedBaseUrl]],
      ['status, pasted auth type', ['status', '--auth-type', S.flagPastedAuthType]],
      ['env', ['env']],
      ['env --json', ['env', '--json']],
      ['providers', ['providers']],
      ['providers --json', ['providers', '--json']],
      ['use, pasted type', ['use', S.flagPastedAuthType]],
      ['use --json', ['use', 'openai', '--json']],
      [
        'login against a reflecting server',
        ['login', '--no-browser', '--device-endpoint', `${server.url}/reflect/device/code`, '--token-endpoint', `${server.url}/reflect/token`],
      ],
      [
        'login --json against a reflecting server',
        ['login', '--json', '--no-browser', '--device-endpoint', `${server.url}/reflect/device/code`, '--token-endpoint', `${server.url}/reflect/token`],
      ],
      [
        'login, a proxy with a password',
        ['login', '--no-browser', '--device-endpoint', `${server.url}/reflect/device/code`, '--token-endpoint', `${server.url}/reflect/token`],
        { HTTPS_PROXY: `http://u:${S.proxyPassword}@[::1` },
      ],
      ['login, pasted store', ['login', '--store', S.flagPastedAuthType]],
      ['a pasted command', [S.flagKey]],
      ['logout', ['logout']],
      ['logout --json', ['logout', '--json']],
    ];
    await pool(runs, 2, async ([name, args, env]) => {
      figures.add('cliRuns');
      scan(`qwen-auth ${name}`, await cli(args, env));
    });
    expect(figures.counts.cliRuns).toBe(runs.length);
  }, 90_000);

  it('holds: no output shows a secret, whole or 12 characters of it', () => {
    if (process.env.RELIABILITY_SHOW_OUTPUTS) for (const o of outputs) console.log(`[reliability] --- ${o.where}\n${o.text.slice(0, 600)}`);
    figures.add('leaks', 0);
    expect(figures.problems, figures.problems.join('\n')).toEqual([]);
  });
});
