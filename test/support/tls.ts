import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';

/** A throwaway certificate authority for tests, kept in a folder. */
export interface TestCa {
  /** PEM file of the CA certificate: what `NODE_EXTRA_CA_CERTS` points at. */
  readonly certPath: string;
  readonly keyPath: string;
  /** The CA certificate itself, for `ca:` options (undici `requestTls`, `tls.connect`). */
  readonly certPem: string;
  /**
   * A server certificate for `hosts` (DNS names and/or IP addresses), signed
   * by this CA. Cached by the set of hosts, so asking again is free.
   */
  issue(hosts: readonly string[]): { cert: string; key: string };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** A DNS name (wildcards allowed) or an IP literal: nothing that could break out of an openssl config line. */
const HOST_PATTERN = /^[A-Za-z0-9.*:-]+$/;

let opensslAvailable: boolean | undefined;

/** Whether the `openssl` command runs here (the tests that need it skip otherwise). */
export function hasOpenssl(): boolean {
  if (opensslAvailable === undefined) {
    try {
      execFileSync('openssl', ['version'], { stdio: 'ignore' });
      opensslAvailable = true;
    } catch {
      opensslAvailable = false;
    }
  }
  return opensslAvailable;
}

/** Runs `openssl` with arguments (never through a shell); throws with its stderr on failure. */
function openssl(args: readonly string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString().trim() ?? '';
    throw new Error(`openssl ${args[0] ?? ''} failed: ${stderr || String(error)}`, { cause: error });
  }
}

/** `openssl ca` date format (GeneralizedTime, UTC): YYYYMMDDHHMMSSZ. */
function opensslDate(date: Date): string {
  return `${date.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`;
}

/**
 * A minimal `openssl ca` configuration, written into the CA folder so the
 * result never depends on the machine's openssl.cnf.
 *
 * `openssl ca` is used (rather than `openssl x509 -req`) because OpenSSL 3.0
 * cannot backdate a certificate otherwise (`-not_before` arrived in 3.4), and
 * backdating guards against small clock differences between processes.
 */
function caConfig(): string {
  // Paths are relative: openssl always runs with the CA folder as its cwd,
  // so odd characters in the folder's path never reach the config parser.
  return `
[ca]
default_ca = test_ca

[test_ca]
database = index.txt
new_certs_dir = issued
rand_serial = yes
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
email_in_dn = no

[policy_any]
commonName = supplied

[req]
distinguished_name = req_dn
prompt = no

[req_dn]
CN = unused

[v3_ca]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
`;
}

/** Creates a new EC P-256 key (fast to make, accepted everywhere). */
function newKey(cwd: string, keyFile: string): void {
  openssl(['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', keyFile], cwd);
}

/**
 * Signs `csrFile` into `certFile` with `openssl ca`, valid from one day ago
 * until `days` from now. `extraArgs` carries `-selfsign` or the issuer.
 */
function sign(cwd: string, csrFile: string, certFile: string, days: number, extensions: string, extraArgs: readonly string[]): void {
  const now = Date.now();
  openssl(
    [
      'ca',
      '-batch',
      '-notext',
      '-config',
      'ca.cnf',
      '-in',
      csrFile,
      '-out',
      certFile,
      '-startdate',
      opensslDate(new Date(now - DAY_MS)),
      '-enddate',
      opensslDate(new Date(now + days * DAY_MS)),
      '-extensions',
      extensions,
      ...extraArgs,
    ],
    cwd,
  );
}

/**
 * Creates a self-signed CA in `dir` (which must exist): EC P-256, CA:TRUE,
 * keyCertSign, valid for ten years from yesterday. The returned `issue`
 * makes leaf certificates Node accepts: every host in subjectAltName (Node
 * matches the SAN and ignores the CN once a SAN exists; IP addresses only
 * ever match `IP:` entries), serverAuth, valid for a year from yesterday.
 */
export async function createTestCa(dir: string): Promise<TestCa> {
  if (!hasOpenssl()) throw new Error('createTestCa needs the openssl command');

  // The bookkeeping `openssl ca` insists on: a database and a folder for copies.
  writeFileSync(join(dir, 'ca.cnf'), caConfig());
  writeFileSync(join(dir, 'index.txt'), '');
  mkdirSync(join(dir, 'issued'), { recursive: true });

  const keyPath = join(dir, 'ca-key.pem');
  const certPath = join(dir, 'ca-cert.pem');
  newKey(dir, keyPath);
  openssl(['req', '-new', '-config', 'ca.cnf', '-key', keyPath, '-subj', '/CN=qwen-auth test CA', '-out', 'ca.csr'], dir);
  sign(dir, 'ca.csr', certPath, 3650, 'v3_ca', ['-selfsign', '-keyfile', keyPath]);
  const certPem = readFileSync(certPath, 'utf8');

  const cache = new Map<string, { cert: string; key: string }>();
  let counter = 0;

  const issue = (hosts: readonly string[]): { cert: string; key: string } => {
    if (hosts.length === 0) throw new Error('issue() needs at least one host');
    for (const host of hosts) {
      if (!HOST_PATTERN.test(host)) throw new Error(`not a host name or IP address: ${JSON.stringify(host)}`);
    }
    const sorted = [...new Set(hosts.map((h) => h.toLowerCase()))].sort();
    const cacheKey = sorted.join(',');
    const cached = cache.get(cacheKey);
    if (cached) return cached;

    // Unique names per leaf: issue() may be called for many host sets.
    const base = `leaf-${++counter}-${randomBytes(4).toString('hex')}`;
    const san = sorted.map((h) => (isIP(h) ? `IP:${h}` : `DNS:${h}`)).join(', ');
    // EC keys sign (ECDHE) and never encipher, so digitalSignature is the whole key usage.
    writeFileSync(
      join(dir, `${base}.ext`),
      `[leaf]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = ${san}
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
`,
    );
    newKey(dir, `${base}-key.pem`);
    // The CN is informational only; Node matches the hostname against the SAN.
    openssl(['req', '-new', '-config', 'ca.cnf', '-key', `${base}-key.pem`, '-subj', `/CN=${sorted[0]}`, '-out', `${base}.csr`], dir);
    sign(dir, `${base}.csr`, `${base}-cert.pem`, 365, 'leaf', ['-cert', certPath, '-keyfile', keyPath, '-extfile', `${base}.ext`]);

    const result = {
      cert: readFileSync(join(dir, `${base}-cert.pem`), 'utf8'),
      key: readFileSync(join(dir, `${base}-key.pem`), 'utf8'),
    };
    cache.set(cacheKey, result);
    return result;
  };

  return { certPath, keyPath, certPem, issue };
}

/** A test CA for the suite (made before its tests, removed after): call inside `describe`. */
export function useTestCa(): () => TestCa {
  let dir: string | undefined;
  let ca: TestCa | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'qwen-auth-ca-'));
    ca = await createTestCa(dir);
  });
  afterAll(() => {
    if (dir && existsSync(dir)) rmSync(dir, { recursive: true, force: true });
  });
  return () => ca!;
}
