// A cold process on a cached Qwen OAuth login: import qwen-auth, resolve once,
// and ask the result for its (still valid) access token.
// Usage: node cached-oauth.mjs <dist folder> <cwd> <home>
import { pathToFileURL } from 'node:url';

const [dist, cwd, homeDir] = process.argv.slice(2);
const { resolveAuth } = await import(pathToFileURL(`${dist}/index.js`).href);
const auth = await resolveAuth({ cwd, homeDir, env: {} });
if (auth.type !== 'qwen-oauth') process.exit(3);
if (!(await auth.getAccessToken())) process.exit(4);
