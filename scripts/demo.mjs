// The main job from a fresh clone: `npm install && npm run demo`.
//
// Everything runs on this machine, with no account and no network:
//   1. a Qwen-shaped OAuth server starts on 127.0.0.1 (qwen-auth/testing);
//   2. `qwen-auth login` runs the real device flow against it, and this script
//      plays the user approving the code on the verification page;
//   3. `qwen-auth status` shows what resolves, and from where;
//   4. a refresh is forced and the new token is shown to come from the server;
//   5. an API-key setup is resolved in a temporary project with a .env file
//      holding a Coding Plan key (sk-sp-…);
//   6. one model call with what resolveAuth() returned, against the loopback server;
//   7. one failure, with its code and remedy: the library's most useful output.
//
// No colour when piped or with NO_COLOR.
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { createFileTokenStore, createQwenOAuthClient, isAuthError, openAIClientOptions, redact, resolveAuth } from '../dist/index.js';
import { startFakeQwenServer } from '../dist/testing.js';

const cli = fileURLToPath(new URL('../dist/cli.js', import.meta.url));
const root = realpathSync(mkdtempSync(join(tmpdir(), 'qwen-auth-demo-')));
const home = join(root, 'home');
mkdirSync(home, { recursive: true });

const color = process.stdout.isTTY === true && process.env.NO_COLOR === undefined && process.env.TERM !== 'dumb';
const bold = (text) => (color ? `\u001b[1m${text}\u001b[22m` : text);
const step = (n, text) => console.log(`\n${bold(`${n}. ${text}`)}`);
const cliEnv = { PATH: process.env.PATH, HOME: home, NO_COLOR: '1' };

function runCli(args, { onLine } = {}) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env: cliEnv, cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let buffer = '';
    child.stdout.on('data', (chunk) => {
      buffer += chunk;
      for (let i = buffer.indexOf('\n'); i !== -1; i = buffer.indexOf('\n')) {
        const line = buffer.slice(0, i);
        buffer = buffer.slice(i + 1);
        onLine ? onLine(line) : console.log(`   ${line}`);
      }
    });
    child.on('error', reject);
    child.on('close', (code) => resolve(code));
  });
}

const server = await startFakeQwenServer({ slowDownPolls: 1, nonJsonErrors: true });
try {
  step(1, `A Qwen-shaped OAuth server is listening on ${server.url}`);
  console.log('   It answers slow_down with HTTP 429 and an HTML body, and adds resource_url to tokens, as Qwen does.');
  console.log('   (Its first poll answer is slow_down, so the login backs off 5 s, as RFC 8628 asks.)');

  step(2, 'qwen-auth login (the real device flow, PKCE S256)');
  const endpoints = ['--device-endpoint', server.deviceAuthorizationEndpoint, '--token-endpoint', server.tokenEndpoint];
  let json = '';
  const code = await runCli(['login', '--json', '--no-browser', ...endpoints], {
    onLine: async (line) => {
      json += `${line}\n`;
      if (!json.trim().endsWith('}')) return;
      let event;
      try {
        event = JSON.parse(json);
      } catch {
        return;
      }
      json = '';
      if (event.event === 'verification') {
        console.log(`   Open ${event.verificationUriComplete} and enter ${event.userCode}`);
        console.log('   (playing the user: approving the code on the verification page)');
        await fetch(event.verificationUri, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ user_code: event.userCode, decision: 'approve' }),
        });
      } else if (event.event === 'logged-in') {
        console.log(`   Logged in; the login is in ${event.location} (${event.store} store, Qwen Code's own file).`);
      }
    },
  });
  if (code !== 0) throw new Error(`login exited with ${code}`);
  console.log(`   Server saw ${server.stats.tokenPolls} polls, ${server.stats.slowDowns} of them answered slow_down.`);

  step(3, 'qwen-auth status');
  await runCli(['status', '--cwd', home]);

  step(4, 'A forced refresh');
  const client = createQwenOAuthClient({ ...server.oauthOptions, store: createFileTokenStore({ qwenDir: join(home, '.qwen') }), env: {} });
  const before = await client.getAccessToken();
  const after = (await client.refresh()).accessToken;
  console.log(`   before ${redact(before)}  after ${redact(after)}  (refresh requests: ${server.stats.refreshRequests})`);
  const check = await fetch(`${server.baseUrl}/chat/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${after}`, 'content-type': 'application/json' },
    body: JSON.stringify({ model: 'coder-model', messages: [{ role: 'user', content: 'hi' }] }),
  });
  console.log(`   The new token works against the server's chat endpoint: HTTP ${check.status}.`);

  step(5, 'An API-key setup: a project .env with a Coding Plan key');
  const project = join(root, 'project', 'packages', 'app');
  mkdirSync(join(root, 'project', '.qwen'), { recursive: true });
  mkdirSync(project, { recursive: true });
  writeFileSync(join(root, 'project', '.qwen', '.env'), 'OPENAI_API_KEY="sk-sp-demo0000000000000000c0de"\nDEBUG=1\n');
  const auth = await resolveAuth({ cwd: project, homeDir: home, env: { PATH: process.env.PATH } });
  console.log(`   type ${auth.type}, provider ${auth.provider?.name} (${auth.provider?.region})`);
  console.log(`   base URL ${auth.baseUrl} (${auth.sources.baseUrl.detail})`);
  console.log(`   model ${auth.model}, key ${redact(auth.type === 'openai' ? auth.apiKey : '')}`);
  console.log(`   .env used: ${auth.envFile?.path} (searched ${auth.envFile?.searched.length} places)`);
  const debug = auth.envFile?.applied.includes('DEBUG') ? 'applied' : 'dropped';
  console.log(`   DEBUG=1 from that file was ${debug}: DEBUG and DEBUG_MODE are dropped only from project files such as`);
  console.log('   project/.env; a file inside a .qwen folder (project/.qwen/.env) and home-level files may set them, as in Qwen Code.');
  console.log('   The same, through the command:');
  await runCli(['status', '--cwd', project]);

  step(6, 'One model call through the openai SDK with what resolveAuth() returned (the login of step 2, against the loopback server)');
  const oauth = await resolveAuth({ cwd: home, homeDir: home, env: {}, oauth: server.oauthOptions });
  // The real openai SDK, given qwen-auth's options: a key function (a valid token on every
  // attempt) and auth.fetch (Authorization only for this origin, one refresh + replay on a 401).
  const openai = new OpenAI(openAIClientOptions(oauth));
  const reply = await openai.chat.completions.create({ model: oauth.model, messages: [{ role: 'user', content: 'Say ok.' }] });
  console.log(`   openai SDK → POST ${oauth.baseUrl}/chat/completions, model ${oauth.model}: "${reply.choices?.[0]?.message?.content}"`);

  step(7, 'One failure: the key is in project/.qwen/.env, but OPENAI_API_KEY is exported empty');
  const emptyHome = join(root, 'empty-home');
  mkdirSync(emptyHome, { recursive: true });
  try {
    await resolveAuth({ cwd: project, homeDir: emptyHome, env: { OPENAI_API_KEY: '' } });
    console.log('   (unexpectedly resolved)');
  } catch (error) {
    if (!isAuthError(error)) throw error;
    console.log(`   ${error.code}: ${error.message}`);
    console.log(`   Remedy: ${error.remedy}`);
  }
  console.log('\nDone. Nothing left this machine; the temporary folders are removed.');
} finally {
  await server.close();
  rmSync(root, { recursive: true, force: true });
}
