// Installs Qwen Code 0.24.4 for the differential (fidelity) tests of the
// `qwenCode: '0.24'` mode, without making it a devDependency.
//
// @qwen-code/qwen-code@0.24.4 declares `engines.node >= 22`, while qwen-auth
// supports Node 20 too: as a devDependency it made every `npm install` on
// Node 20 warn (EBADENGINE). The fidelity tests only read what its bundled CLI
// resolves, so they install it on demand into a private folder under
// node_modules/.cache and link it where test/support/qwen-code.ts finds it
// (`qwen-code-024/cli.js`). Without it those tests are skipped.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const prefix = `${root}node_modules/.cache/qwen-auth-qwen-code-024`;
const link = `${root}node_modules/qwen-code-024`;
const version = process.argv[2] ?? '0.24.4';

mkdirSync(prefix, { recursive: true });
writeFileSync(`${prefix}/package.json`, JSON.stringify({ name: 'qwen-auth-qwen-code-024', private: true }, null, 2));
// --engine-strict=false: its engines field asks for Node 22; the tests run its CLI on whatever Node runs them.
execFileSync(
  'npm',
  ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--engine-strict=false', '--loglevel=error', `@qwen-code/qwen-code@${version}`],
  {
    cwd: prefix,
    stdio: 'inherit',
  },
);
if (!existsSync(`${prefix}/node_modules/@qwen-code/qwen-code/cli.js`)) {
  console.error('@qwen-code/qwen-code did not install');
  process.exit(1);
}
rmSync(link, { recursive: true, force: true });
symlinkSync(`${prefix}/node_modules/@qwen-code/qwen-code`, link, 'dir');
console.log(`Qwen Code ${version} linked at node_modules/qwen-code-024`);
