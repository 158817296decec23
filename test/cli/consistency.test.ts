/**
 * The command behaves the same everywhere: --json failures on stdout for
 * every command (usage errors too, exit 2), --strict, the shared options on
 * every command they apply to (as docs/cli.md says), logout without a login,
 * the keychain fallback, the free-tier notice, help for an unknown command,
 * one .env layout, and no doubled parentheses.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { type FakeQwenServer, startFakeQwenServer } from '../../src/testing/index.js';
import { jsonDocuments, runCli } from '../support/cli.js';
import { makeTree, type Tree } from '../support/tree.js';

const COMMANDS = ['status', 'env', 'providers', 'use', 'login', 'logout', 'token', 'exec', 'serve', 'trust'] as const;
const KEY = 'sk-sp-consist000000000000000beef';

let tree: Tree | undefined;
let server: FakeQwenServer | undefined;
afterEach(async () => {
  tree?.remove();
  tree = undefined;
  await server?.close();
  server = undefined;
});

const cli = (args: readonly string[], env: Record<string, string> = {}) => runCli(args, { cwd: tree!.root, home: tree!.path('home'), env });

function failureOf(stdout: string): { code: string; message: string; remedy: string } {
  const docs = jsonDocuments(stdout) as { ok?: boolean; error?: { code: string; message: string; remedy: string } }[];
  const last = docs.at(-1)!;
  expect(last.ok).toBe(false);
  expect(last.error).toMatchObject({ code: expect.any(String), message: expect.any(String), remedy: expect.any(String) });
  return last.error!;
}

describe('--json: every failure is a JSON error on stdout, nothing on stderr', () => {
  it.each(COMMANDS)('%s with an unknown option: USAGE, exit 2', async (command) => {
    tree = makeTree({ 'home/.keep': '' });
    const r = await cli([command, '--json', '--no-such-option', ...(command === 'use' ? ['openai'] : [])]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe('');
    expect(failureOf(r.stdout)).toMatchObject({ code: 'USAGE', message: expect.stringContaining('--no-such-option') });
  });

  it.each([
    ['an unknown command', ['nope', '--json'], 2, 'USAGE'],
    ['help for an unknown command', ['help', 'nope', '--json'], 2, 'USAGE'],
    ['a bad --auth-type', ['status', '--json', '--auth-type', 'gemini'], 2, 'INVALID_OPTION'],
    ['a --cwd that does not exist (status)', ['status', '--json', '--cwd', 'nope'], 2, 'USAGE'],
    ['a --cwd that does not exist (env)', ['env', '--json', '--cwd', 'nope'], 2, 'USAGE'],
    ['a --cwd that is a file (use)', ['use', 'openai', '--json', '--cwd', 'home/file'], 2, 'USAGE'],
    ['a --cwd that does not exist (logout)', ['logout', '--json', '--cwd', 'nope'], 2, 'USAGE'],
    ['a bad use argument', ['use', 'gemini', '--json'], 2, 'USAGE'],
    ['a bad --scope', ['use', 'openai', '--scope', 'system', '--json'], 2, 'USAGE'],
    ['a bad --store', ['logout', '--store', 'vault', '--json'], 2, 'USAGE'],
    ['an insecure endpoint', ['logout', '--json', '--token-endpoint', 'http://example.com/token'], 1, 'INSECURE_ENDPOINT'],
    ['nothing usable', ['status', '--json'], 1, 'NO_CREDENTIALS'],
    ['--cwd on providers (it does not take it)', ['providers', '--json', '--cwd', '.'], 2, 'USAGE'],
  ])('%s: %s', async (_name, args, exit, code) => {
    tree = makeTree({ 'home/file': 'x' });
    const r = await cli(args);
    expect(r.code).toBe(exit);
    expect(r.stderr).toBe('');
    expect(failureOf(r.stdout).code).toBe(code);
  });

  it('a --cwd that does not exist names the path, in text too (exit 2)', async () => {
    tree = makeTree({ 'home/.keep': '' });
    for (const command of ['status', 'env', 'logout', 'login']) {
      const r = await cli([command, '--cwd', 'missing-folder']);
      expect(r.code, command).toBe(2);
      expect(r.stderr).toContain(`--cwd: ${tree.path('missing-folder')} does not exist`);
    }
  });

  it('login that cannot reach its server: the JSON error on stdout (exit 1)', async () => {
    tree = makeTree({ 'home/.keep': '' });
    const r = await cli(['login', '--json', '--device-endpoint', 'http://127.0.0.1:9/device', '--token-endpoint', 'http://127.0.0.1:9/token']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    expect(failureOf(r.stdout).code).toBe('NETWORK_ERROR');
  });

  it('without --json, a usage error is text on stderr and exit 2', async () => {
    tree = makeTree({ 'home/.keep': '' });
    const r = await cli(['status', '--no-such-option']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain("unknown option '--no-such-option'");
  });
});

describe('help', () => {
  it('help <unknown> says the command is unknown (exit 2); help <command> shows its options', async () => {
    tree = makeTree({ 'home/.keep': '' });
    const r = await cli(['help', 'nope']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("unknown command 'nope'");
    const ok = await cli(['help', 'status']);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('--strict');
  });
});

describe('status --strict', () => {
  const setup = (baseUrl: string, more: Record<string, string> = {}) =>
    makeTree({ 'home/.keep': '', 'app/.qwen/.env': `OPENAI_API_KEY=${KEY}\nOPENAI_BASE_URL=${baseUrl}\n`, ...more });

  it('an sk-sp- key on the pay-as-you-go host: status 0, status --strict 1 with the diagnostic as the error', async () => {
    tree = setup('https://dashscope.aliyuncs.com/compatible-mode/v1');
    expect((await cli(['status', '--cwd', 'app'])).code).toBe(0);
    const strict = await cli(['status', '--cwd', 'app', '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toContain('KEY_PROVIDER_MISMATCH');
    const j = await cli(['status', '--cwd', 'app', '--strict', '--json']);
    expect(j.code).toBe(1);
    const doc = jsonDocuments(j.stdout)[0] as { ok: boolean; error: { code: string; remedy: string }; diagnostics: unknown[] };
    expect(doc.ok).toBe(false);
    expect(doc.error.code).toBe('KEY_PROVIDER_MISMATCH');
    expect(doc.diagnostics.length).toBeGreaterThan(0);
    expect(j.stdout).not.toContain(KEY);
  });

  it.each([
    ['the Coding Plan host (info only)', 'https://coding.dashscope.aliyuncs.com/v1', {}],
    // The gateway list comes from the user's settings: a workspace file cannot set it (issue 16).
    [
      'a trusted loopback gateway',
      'http://127.0.0.1:8080/v1',
      { 'home/.qwen/settings.json': '{"env":{"QWEN_AUTH_TRUSTED_GATEWAYS":"http://127.0.0.1:8080"}}' },
    ],
  ])('clean on %s: --strict exits 0', async (_name, baseUrl, more) => {
    tree = setup(baseUrl, more);
    const r = await cli(['status', '--cwd', 'app', '--strict', '--json']);
    expect(r.code).toBe(0);
    expect(jsonDocuments(r.stdout)[0]).toMatchObject({ ok: true });
  });
});

describe('the shared options: docs/cli.md says exactly which command takes which', () => {
  const doc = readFileSync(new URL('../../docs/cli.md', import.meta.url), 'utf8');
  const header = /^\| option \|(.*)\|$/m.exec(doc);
  const columns = header![1]!.split('|').map((c) => c.trim().replace(/`/g, ''));
  const table = [...doc.matchAll(/^\| `(--[a-z-]+)[^`]*` \|(.*)\|$/gm)].map((m) => ({
    option: m[1]!,
    takes: m[2]!.split('|').map((c) => c.trim() !== ''),
  }));

  it('has a column per command and rows', () => {
    expect(columns).toEqual([...COMMANDS]);
    expect(table.length).toBeGreaterThan(10);
  });

  it.each(COMMANDS)('%s --help lists exactly the options the table gives it', async (command) => {
    tree = makeTree({ 'home/.keep': '' });
    const r = await cli([command, '--help']);
    expect(r.code).toBe(0);
    const listed = [...r.stdout.matchAll(/^\s+(?:-\w, )?(--[a-z-]+)/gm)].map((m) => m[1]!).filter((o) => o !== '--help');
    const documented = table.filter((row) => row.takes[COMMANDS.indexOf(command)]).map((row) => row.option);
    expect(listed.sort()).toEqual(documented.sort());
  });

  it('--cwd and --json work on every command that takes them', async () => {
    tree = makeTree({ 'home/.keep': '', 'app/.qwen/.env': `OPENAI_API_KEY=${KEY}\n` });
    for (const args of [['status'], ['env'], ['use', 'openai', '--scope', 'workspace'], ['logout']]) {
      const r = await cli([...args, '--cwd', 'app', '--json']);
      expect(r.code, args.join(' ')).toBe(0);
      expect(jsonDocuments(r.stdout).length).toBeGreaterThan(0);
    }
    expect(JSON.parse(readFileSync(tree.path('app/.qwen/settings.json'), 'utf8'))).toMatchObject({ security: { auth: { selectedType: 'openai' } } });
    expect(jsonDocuments((await cli(['providers', '--json'])).stdout).length).toBe(1);
  });
});

describe('logout and login', () => {
  it('logout with no login says there was none (exit 0)', async () => {
    tree = makeTree({ 'home/.keep': '' });
    const r = await cli(['logout']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('There was no login to remove');
    expect(r.stdout).not.toContain('Logged out');
    expect(jsonDocuments((await cli(['logout', '--json'])).stdout)).toContainEqual(expect.objectContaining({ event: 'logged-out', removed: false }));
  });

  // No keychain answers here: the session bus is absent, whether or not keytar is installed.
  const noKeychain = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/qwen-auth-test-bus' };

  it('login --store keychain without a keychain says why it fell back, then logs in to the file', async () => {
    server = await startFakeQwenServer({ autoApproveAfterPolls: 1 });
    tree = makeTree({ 'home/.keep': '' });
    const endpoints = ['--device-endpoint', server.deviceAuthorizationEndpoint, '--token-endpoint', server.tokenEndpoint];
    const r = await cli(['login', '--store', 'keychain', '--no-browser', ...endpoints], noKeychain);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(
      /The OS keychain is not used: (no keychain module is installed \(@napi-rs\/keyring, or keytar\)|the keychain is unavailable.*\(.+\))\. The login is kept in ~\/\.qwen\/oauth_creds\.json \(file store\) instead\./,
    );
    expect(r.stdout.indexOf('The OS keychain is not used')).toBeLessThan(r.stdout.indexOf('Open '));
    const j = await cli(['logout', '--store', 'keychain', '--json'], noKeychain);
    expect(jsonDocuments(j.stdout)[0]).toMatchObject({ event: 'store-fallback', reason: expect.any(String), store: 'file' });
  });

  it('login with the default endpoints first says the free tier ended on 2026-04-15 (through a loopback proxy: nothing leaves)', async () => {
    tree = makeTree({ 'home/.keep': '' });
    let connections = 0;
    const proxy: Server = createServer((socket) => {
      connections++;
      socket.destroy();
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const port = (proxy.address() as { port: number }).port;
    try {
      const env = { HTTPS_PROXY: `http://127.0.0.1:${port}` };
      const text = await cli(['login', '--no-browser'], env);
      expect(text.stdout.split('\n')[0]).toMatch(/^Note: Qwen's free OAuth tier ended on 2026-04-15/);
      expect(text.code).toBe(1);
      const j = await cli(['login', '--json'], env);
      const docs = jsonDocuments(j.stdout) as { event?: string; message?: string }[];
      expect(docs[0]).toMatchObject({ event: 'notice', message: expect.stringContaining('2026-04-15') });
      expect(docs[0]!.message).toMatch(/Coding Plan, Token Plan or DashScope/);
      expect(connections).toBeGreaterThan(0);
    } finally {
      proxy.close();
    }
  });

  it('login against another server says nothing about the free tier', async () => {
    server = await startFakeQwenServer({ autoApproveAfterPolls: 1 });
    tree = makeTree({ 'home/.keep': '' });
    const r = await cli(['login', '--no-browser', '--device-endpoint', server.deviceAuthorizationEndpoint, '--token-endpoint', server.tokenEndpoint]);
    expect(r.code).toBe(0);
    expect(r.stdout).not.toContain('free OAuth tier');
  });
});

describe('output', () => {
  /** The `.env` block: its lines with the values cut after the label. */
  const envBlock = (text: string): string[] => {
    const lines = text.split('\n');
    const start = lines.findIndex((l) => /^ {2}\.env {2}/.test(l));
    const end = lines.findIndex((l, i) => i > start && !/^ {2}(\.env| {4}) {2}/.test(l));
    return lines.slice(start, end).map((l) => l.replace(/^(\s+(?:\.env)?\s+[a-z ]*:?).*$/, '$1'));
  };

  it('the .env report has one layout on success and on failure', async () => {
    tree = makeTree({
      'home/.keep': '',
      'app/.env': `OPENAI_API_KEY=${KEY}\nOPENAI_MODEL=m\n`,
      'home/.qwen/settings.json': '{"security":{"auth":{"selectedType":"openai"}}}',
    });
    const ok = await cli(['status', '--cwd', 'app']);
    const bad = await cli(['status', '--cwd', 'app'], { OPENAI_API_KEY: '' });
    expect(ok.code).toBe(0);
    expect(bad.code).toBe(1);
    expect(envBlock(ok.stdout).length).toBeGreaterThanOrEqual(4);
    expect(envBlock(bad.stderr)).toEqual(envBlock(ok.stdout));
    expect(bad.stderr).toContain('OPENAI_API_KEY is exported as an empty string');
  });

  it('env and status show a farther .env holding the missing key', async () => {
    tree = makeTree({
      'home/.qwen/.env': `OPENAI_API_KEY=${KEY}\n`,
      'app/.env': 'OPENAI_MODEL=m\n',
      'home/.qwen/settings.json': '{"security":{"auth":{"selectedType":"openai"}}}',
    });
    const line = 'not read: ~/.qwen/.env (home) — only the first file found is read; it has OPENAI_API_KEY, unset here';
    const env = await cli(['env', '--cwd', 'app']);
    expect(env.stdout).toContain(line);
    const status = await cli(['status', '--cwd', 'app']);
    expect(status.code).toBe(1);
    expect(status.stderr).toContain(line);
    expect(status.stderr).toContain('only the first .env file found is read');
    const j = jsonDocuments((await cli(['env', '--cwd', 'app', '--json'])).stdout)[0] as { unreadEnvFiles: unknown[] };
    expect(j.unreadEnvFiles).toEqual([{ path: tree.path('home/.qwen/.env'), scope: 'home', missing: ['OPENAI_API_KEY'] }]);
  });

  it('no doubled parentheses, in providers or status', async () => {
    tree = makeTree({
      'home/.keep': '',
      'app/.env': `OPENAI_API_KEY=sk-0000000000000000\nOPENAI_BASE_URL=https://dashscope-intl.aliyuncs.com/compatible-mode/v1\n`,
    });
    const texts = [
      (await cli(['providers'])).stdout,
      (await cli(['status', '--cwd', 'app'])).stdout,
      (await cli(['status'], { DASHSCOPE_API_KEY: 'sk-d000000000000000', BAILIAN_CODING_PLAN_API_KEY: 'sk-sp-0000000000000000' })).stderr,
    ];
    for (const text of texts) {
      expect(text.length).toBeGreaterThan(100);
      expect(text).not.toMatch(/\)\s*\(|\(\(|\)\)/);
    }
  });

  it('remedies printed by the command name its flags and its own login command', async () => {
    tree = makeTree({ 'home/.keep': '' });
    const r = await cli(['status']);
    expect(r.stderr).toContain('--openai-api-key');
    expect(r.stderr).toContain('`qwen-auth login`');
    expect(r.stderr).not.toMatch(/overrides\.|interactive/);
  });
});
