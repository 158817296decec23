// A cold process on the API-key path: import qwen-auth, resolve once.
// Usage: node api-key.mjs <dist folder> <cwd> <home>
import { pathToFileURL } from 'node:url';

const [dist, cwd, homeDir] = process.argv.slice(2);
const { resolveAuth } = await import(pathToFileURL(`${dist}/index.js`).href);
const auth = await resolveAuth({ cwd, homeDir, env: { OPENAI_API_KEY: 'sk-bench-0000000000000000' } });
if (auth.type !== 'openai') process.exit(3);
