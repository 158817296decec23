// Keeps `npm ci` working where the registry serves only this platform's
// optional packages (as the CI machines here do): `npm install` then leaves
// other platforms' optional dependencies (rollup's, a Qwen Code clipboard
// helper's) out of package-lock.json, and `npm ci` refuses the lock as out of
// sync. This adds an entry for each such package, with the os/cpu/libc that
// make npm skip it on every other platform. Run it after `npm install`
// changes the lock. Nothing is downloaded.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const lockPath = new URL('../package-lock.json', import.meta.url);
let report = '';
try {
  execFileSync('npm', ['ci', '--dry-run'], { stdio: 'pipe', encoding: 'utf8' });
} catch (error) {
  report = `${error.stdout ?? ''}${error.stderr ?? ''}`;
}
const missing = [...new Set([...report.matchAll(/Missing: (@?[^@\s]+)@/g)].map((m) => m[1]))];
if (missing.length === 0) {
  console.log('package-lock.json is complete for npm ci.');
  process.exit(0);
}

const lock = JSON.parse(readFileSync(lockPath, 'utf8'));
const pick = (name, table) => table.find(([re]) => re.test(name))?.[1];
for (const name of missing) {
  const parent = Object.values(lock.packages).find((p) => p.optionalDependencies?.[name]);
  if (!parent) throw new Error(`${name} is not an optional dependency of anything in the lock`);
  const os = pick(name, [
    [/darwin/, 'darwin'],
    [/win32/, 'win32'],
    [/freebsd/, 'freebsd'],
    [/openbsd/, 'openbsd'],
    [/android/, 'android'],
    [/openharmony/, 'openharmony'],
    [/linux/, 'linux'],
  ]);
  const cpu = pick(name, [
    [/arm64/, 'arm64'],
    [/x64/, 'x64'],
    [/ia32/, 'ia32'],
    [/arm/, 'arm'],
    [/loong64/, 'loong64'],
    [/ppc64/, 'ppc64'],
    [/riscv64/, 'riscv64'],
    [/s390x/, 's390x'],
  ]);
  const libc = pick(name, [
    [/musl/, 'musl'],
    [/gnu/, 'glibc'],
  ]);
  // Keys in npm's own order, so a later `npm install` leaves the entry as it is.
  lock.packages[`node_modules/${name}`] = {
    version: parent.optionalDependencies[name].replace(/^[\^~=]/, ''),
    ...(cpu && { cpu: [cpu] }),
    ...(parent.dev && { dev: true }),
    ...(libc && { libc: [libc] }),
    optional: true,
    ...(os && { os: [os] }),
  };
  console.log(`added node_modules/${name}`);
}
const [rootKey, ...rest] = Object.keys(lock.packages);
lock.packages = Object.fromEntries([rootKey, ...rest.sort()].map((k) => [k, lock.packages[k]]));
writeFileSync(lockPath, `${JSON.stringify(lock, null, 2)}\n`);
