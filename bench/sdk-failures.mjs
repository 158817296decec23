// `node bench/sdk-failures.mjs` (after `npm run build`): how long each SDK,
// with its default retries, takes to report a dead login (a refresh token the
// server rejects), first and second time, and what findAuthError() finds.
// Loopback only (the fake Qwen server of qwen-auth/testing).
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { ChatOpenAI } from '@langchain/openai';
import { generateText } from 'ai';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import OpenAI from 'openai';
import { chatOpenAIFields, findAuthError, openAIClientOptions, openAICompatibleSettings, resolveAuth } from '../dist/index.js';
import { startFakeQwenServer } from '../dist/testing.js';

const drivers = {
  openai: (auth) => new OpenAI(openAIClientOptions(auth)).chat.completions.create({ model: auth.model, messages: [{ role: 'user', content: 'hi' }] }),
  'ai + @ai-sdk/openai-compatible': (auth) => generateText({ model: createOpenAICompatible(openAICompatibleSettings(auth))(auth.model), prompt: 'hi' }),
  '@langchain/openai': (auth) => new ChatOpenAI(chatOpenAIFields(auth)).invoke('hi'),
};

const rows = [];
for (const [name, chat] of Object.entries(drivers)) {
  const qwen = await startFakeQwenServer();
  const root = mkdtempSync(join(tmpdir(), 'qwen-auth-bench-'));
  try {
    mkdirSync(join(root, 'home/.qwen'), { recursive: true });
    mkdirSync(join(root, 'w'));
    const file = join(root, 'home/.qwen/oauth_creds.json');
    writeFileSync(file, JSON.stringify(qwen.mintCredentials()));
    const auth = await resolveAuth({ cwd: join(root, 'w'), homeDir: join(root, 'home'), env: {}, oauth: qwen.oauthOptions });
    writeFileSync(file, JSON.stringify({ ...qwen.mintCredentials({ expiresInSeconds: -60 }), refresh_token: 'revoked' }));
    qwen.revokeAll();
    for (const round of ['first', 'second']) {
      const t0 = performance.now();
      const e = await chat(auth).then(
        () => undefined,
        (x) => x,
      );
      const ms = performance.now() - t0;
      const r = findAuthError(e);
      rows.push({ sdk: name, round, ms: Math.round(ms), reason: r ? `${r.code}/${r.details.reason ?? ''}` : 'none' });
    }
  } finally {
    await qwen.close();
    rmSync(root, { recursive: true, force: true });
  }
}
console.table(rows);
