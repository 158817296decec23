// Inside one fresh process: how long `import('qwen-auth')` takes, then the
// first and the second resolveAuth() (API-key path). Prints three numbers (ms) as JSON.
// Usage: node in-process.mjs <cwd> <home>
import { performance } from 'node:perf_hooks';

const [cwd, homeDir] = process.argv.slice(2);
const options = { cwd, homeDir, env: { OPENAI_API_KEY: 'sk-bench-0000000000000000' } };
const t0 = performance.now();
const lib = await import('../dist/index.js');
const t1 = performance.now();
await lib.resolveAuth(options);
const t2 = performance.now();
await lib.resolveAuth(options);
const t3 = performance.now();
console.log(JSON.stringify([t1 - t0, t2 - t1, t3 - t2]));
