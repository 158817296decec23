/**
 * The same tool on LangChain (`@langchain/openai`). `chatOpenAIFields` gives
 * the model, an `apiKey` function (passed on to the openai client) and the
 * helper's `fetch` in `configuration`.
 *
 *   echo "Say hello" | npx tsx examples/langchain-chat.ts
 */
import { createInterface } from 'node:readline';
import { ChatOpenAI } from '@langchain/openai';
import { chatOpenAIFields, findAuthError, resolveAuth } from 'qwen-auth';

try {
  const auth = await resolveAuth({ probeOnFailure: true });
  const model = new ChatOpenAI(chatOpenAIFields(auth));
  for await (const prompt of createInterface({ input: process.stdin })) {
    if (prompt.trim() === '') continue;
    const answer = await model.invoke(prompt);
    console.log(`> ${String(answer.content)}`);
  }
} catch (error) {
  const reason = findAuthError(error);
  if (!reason) throw error;
  console.error(`${reason.code}: ${reason.message}\n${reason.remedy}`);
  process.exitCode = 1;
}
