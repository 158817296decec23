// A cold process on the API-key path through require() (the CommonJS build, or the ESM build where there is none).
// Usage: node cjs.cjs <dist folder> <cwd> <home>
const { existsSync } = require('node:fs');
const [dist, cwd, homeDir] = process.argv.slice(2);
const lib = require(existsSync(`${dist}/index.cjs`) ? `${dist}/index.cjs` : `${dist}/index.js`);
lib.resolveAuth({ cwd, homeDir, env: { OPENAI_API_KEY: 'sk-bench-0000000000000000' } }).then((auth) => {
  if (auth.type !== 'openai') process.exit(3);
});
