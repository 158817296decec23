/**
 * A small long-running tool on the `openai` SDK: reads prompts, one per line,
 * from stdin and answers each. One client for the whole run — the helper's
 * `fetch` puts a fresh credential on every request and recovers from a 401
 * (an expired or rejected token, a key edited in `.env`) by itself.
 *
 *   echo "Say hello" | npx tsx examples/openai-chat.ts
 */
import { createInterface } from 'node:readline';
import OpenAI from 'openai';
import { findAuthError, openAIClientOptions, resolveAuth } from 'qwen-auth';

try {
  const auth = await resolveAuth({ probeOnFailure: true });
  const client = new OpenAI(openAIClientOptions(auth));
  for await (const prompt of createInterface({ input: process.stdin })) {
    if (prompt.trim() === '') continue;
    const r = await client.chat.completions.create({ model: auth.model, messages: [{ role: 'user', content: prompt }] });
    console.log(`> ${r.choices[0]?.message.content ?? ''}`);
  }
} catch (error) {
  // The reason the request gave up with (a wrong region, a dead login…), whichever error the SDK built.
  const reason = findAuthError(error);
  if (!reason) throw error;
  console.error(`${reason.code}: ${reason.message}\n${reason.remedy}`);
  process.exitCode = 1;
}
