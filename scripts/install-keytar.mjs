// Installs keytar for the keychain test, without making it a dependency.
//
// keytar is an optional peer of qwen-auth: users who want the OS keychain
// install it themselves. It cannot be a devDependency either: it compiles
// against libsecret, and `npm install` on a machine without those headers
// would fail. So this script installs it into a private folder
// under node_modules/.cache and links it where `import('keytar')` finds it.
// Needs libsecret-1-dev, python3, make and g++. Optional: CI tests the keychain through
// @napi-rs/keyring (prebuilt); the keytar tests run only when this has linked keytar.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const prefix = `${root}node_modules/.cache/qwen-auth-keytar`;
const link = `${root}node_modules/keytar`;
const version = process.argv[2] ?? '7.9.0';

mkdirSync(prefix, { recursive: true });
writeFileSync(`${prefix}/package.json`, JSON.stringify({ name: 'qwen-auth-keytar', private: true, allowScripts: { keytar: true } }, null, 2));
execFileSync('npm', ['install', '--no-audit', '--no-fund', `keytar@${version}`], { cwd: prefix, stdio: 'inherit' });
if (!existsSync(`${prefix}/node_modules/keytar/build/Release/keytar.node`)) {
  console.error('keytar did not build (is libsecret-1-dev installed?)');
  process.exit(1);
}
rmSync(link, { recursive: true, force: true });
symlinkSync(`${prefix}/node_modules/keytar`, link, 'dir');
console.log(`keytar ${version} linked at node_modules/keytar`);
