/**
 * The settings writers, as one module loaded on first use (settings/on-first-use.ts):
 * the build makes it one chunk, so `import('qwen-auth')` compiles no writing code.
 */
export { trustFolder } from './trust-writer.js';
export { setSelectedAuthType } from './writer.js';
