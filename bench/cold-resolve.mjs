// One whole process: load qwen-auth (ESM or CJS) and resolve once, API-key path.
// Usage: node cold-resolve.mjs esm|cjs <cwd> <home>
import { createRequire } from 'node:module';

const [format, cwd, homeDir] = process.argv.slice(2);
const options = { cwd, homeDir, env: { OPENAI_API_KEY: 'sk-bench-0000000000000000' } };
const lib =
  format === 'cjs'
    ? createRequire(import.meta.url)('../dist/index.cjs')
    : await import('../dist/index.js');
await lib.resolveAuth(options);
