/**
 * The same tool on the AI SDK (`ai` + `@ai-sdk/openai-compatible`). The
 * provider's settings carry no static key: the helper's `fetch` owns the
 * `Authorization` header, so a refreshed token is used without recreating
 * the provider.
 *
 *   echo "Say hello" | npx tsx examples/ai-sdk-chat.ts
 */
import { createInterface } from 'node:readline';
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText } from 'ai';
import { findAuthError, openAICompatibleSettings, resolveAuth } from 'qwen-auth';

try {
  const auth = await resolveAuth({ probeOnFailure: true });
  const qwen = createOpenAICompatible(openAICompatibleSettings(auth, { name: 'qwen' }));
  for await (const prompt of createInterface({ input: process.stdin })) {
    if (prompt.trim() === '') continue;
    const { text } = await generateText({ model: qwen(auth.model), prompt });
    console.log(`> ${text}`);
  }
} catch (error) {
  const reason = findAuthError(error);
  if (!reason) throw error;
  console.error(`${reason.code}: ${reason.message}\n${reason.remedy}`);
  process.exitCode = 1;
}
