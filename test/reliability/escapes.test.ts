/**
 * Terminal escapes in every printed channel (issue 17, hole 2): values from
 * workspace files (model, base URL, the selected type, folder names) and a
 * server's text (a model endpoint's error, a device login's page and code)
 * carry OSC 52 (clipboard), cursor and erase sequences, C1 controls and a
 * carriage return. Every command, text and `--json`, failure paths
 * included, is run as built and its output scanned: nothing a terminal acts
 * on may come out (the command's own colours are off when piped).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/cli.js';
import { deviceAnswer, type ScriptedServer, startScriptedServer } from '../support/scripted-server.js';
import { makeTree, type Tree } from '../support/tree.js';
import { Figures, pool, REPLAY } from './harness.js';

const figures = new Figures('escapes');
/** Clipboard write, cursor up, erase line, colour, C1 CSI clear screen, carriage return, bidi override. */
const HOSTILE = '\u001b]52;c;cHduZWQ=\u0007\u001b[1A\u001b[2K\u001b[31mPWNED\u009b2J\r\u202e';
// eslint-disable-next-line no-control-regex
const ACTS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

let tree: Tree;
let model: Server;
let modelUrl: string;
let oauth: ScriptedServer;
const raw: string[] = [];
const channels: string[] = [];

beforeAll(async () => {
  model = createServer((req, res) => {
    req.resume();
    req.on('end', () =>
      res
        .writeHead(401, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { message: `Incorrect API key ${HOSTILE}`, code: `invalid_api_key${HOSTILE}` } })),
    );
  });
  await new Promise<void>((r) => model.listen(0, '127.0.0.1', () => r()));
  modelUrl = `http://127.0.0.1:${(model.address() as AddressInfo).port}`;
  oauth = await startScriptedServer((r) =>
    r.kind === 'device'
      ? { body: deviceAnswer(`http://127.0.0.1:1/${HOSTILE}`, { user_code: `AB${HOSTILE}CD`, verification_uri_complete: `http://127.0.0.1:1/x?${HOSTILE}` }) }
      : { status: 400, body: { error: 'access_denied', error_description: HOSTILE } },
  );
  const folder = `w${HOSTILE.replace(/[\u0000/]/g, '')}`;
  tree = makeTree({
    'home/.keep': '',
    'w/.qwen/settings.json': JSON.stringify({
      model: { name: `qwen${HOSTILE}` },
      security: { auth: { selectedType: 'openai', baseUrl: `${modelUrl}/v1/${HOSTILE}` } },
    }),
    'w/.env': `OPENAI_API_KEY=sk-esc000000000000000000000000beef\n`,
    'check/.qwen/settings.json': JSON.stringify({ security: { auth: { selectedType: 'openai', baseUrl: `${modelUrl}/v1` } } }),
    'check/.env': `OPENAI_API_KEY=sk-esc000000000000000000000000beef\n`,
    [`${folder}/.env`]: `OPENAI_API_KEY=sk-esc000000000000000000000000beef\n`,
    'bad/.qwen/settings.json': JSON.stringify({ security: { auth: { selectedType: `openai${HOSTILE}`, baseUrl: `not a url ${HOSTILE}` } } }),
    'bad/.env': `OPENAI_API_KEY=sk-esc000000000000000000000000beef\n`,
    'prev/.qwen/settings.json': JSON.stringify({ security: { auth: { selectedType: `qwen-oauth${HOSTILE}` } } }),
  });
  tree.write({ 'folder-name': folder });
});
afterAll(async () => {
  model?.closeAllConnections();
  await new Promise((r) => model?.close(r));
  await oauth?.close();
  tree?.remove();
  figures.add('channels', channels.length);
  figures.add('channelsRaw', raw.length);
  figures.print();
  for (const c of raw) console.log(`[reliability] escapes: raw in ${c}`);
});

describe.skipIf(REPLAY)('escapes in every printed channel', () => {
  it('every command, text and --json, as built', async () => {
    const folder = tree.path((await import('node:fs')).readFileSync(tree.path('folder-name'), 'utf8'));
    const login = ['--no-browser', '--device-endpoint', `${oauth.url}/device/code`, '--token-endpoint', `${oauth.url}/token`];
    const runs: [string, string[], string][] = [
      ['status (model, base URL)', ['status'], tree.path('w')],
      ['status --json (model, base URL)', ['status', '--json'], tree.path('w')],
      ['status --strict (model, base URL)', ['status', '--strict'], tree.path('w')],
      ['status --check (server error text)', ['status', '--check'], tree.path('check')],
      ['status --check --json (server error text)', ['status', '--check', '--json'], tree.path('check')],
      ['status (folder name)', ['status'], folder],
      ['status --json (folder name)', ['status', '--json'], folder],
      ['env (folder name)', ['env'], folder],
      ['env --json (folder name)', ['env', '--json'], folder],
      ['status, failing (selected type, base URL)', ['status'], tree.path('bad')],
      ['status --json, failing', ['status', '--json'], tree.path('bad')],
      ['use (the previous type)', ['use', 'openai', '--scope', 'workspace'], tree.path('prev')],
      ['login (page and code from the server)', ['login', ...login], tree.path('home')],
      ['login --json', ['login', '--json', ...login], tree.path('home')],
    ];
    await pool(runs, 2, async ([name, args, cwd]) => {
      const r = await runCli(args, { cwd, home: tree.path('home'), env: { NO_COLOR: '1' } });
      for (const [stream, text] of [
        ['stdout', r.stdout],
        ['stderr', r.stderr],
      ] as const) {
        if (text === '') continue;
        channels.push(`${name} (${stream})`);
        if (ACTS.test(text)) raw.push(`${name} (${stream}): ${JSON.stringify(text.slice(Math.max(0, text.search(ACTS) - 40), text.search(ACTS) + 40))}`);
      }
    });
    expect(channels.length).toBeGreaterThan(12);
    expect(raw).toEqual([]);
  }, 60_000);
});
