import { addOnce, diagnostic } from '../diagnostics.js';
import type { EnvCandidate } from '../env/layered-env.js';
import type { EnvRecord, Scope, ValueSource } from '../types.js';
import type { ResolutionContext } from './context.js';
import { describeSource } from './provenance.js';
import { scopeOf } from './scope.js';
import { TRUSTED_GATEWAYS_VARIABLE } from './trusted-gateways.js';

/** The proxy variables, as curl and undici read them. */
const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'NO_PROXY', 'no_proxy'] as const;
/** What browser detection reads (the device flow only). */
const DISPLAY_VARIABLES = ['CI', 'NO_BROWSER', 'SSH_CONNECTION', 'SSH_CLIENT', 'SSH_TTY', 'DISPLAY', 'WAYLAND_DISPLAY'] as const;

/** Certificate and TLS switches: read by Node.js (and Qwen Code) from the process environment only. */
export const TLS_VARIABLES: readonly string[] = Object.freeze([
  'NODE_EXTRA_CA_CERTS',
  'NODE_TLS_REJECT_UNAUTHORIZED',
  'NODE_USE_SYSTEM_CA',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'QWEN_TLS_INSECURE',
]);

/**
 * Where a request goes and whom it trusts: proxies (both spellings),
 * `NO_PROXY`, the TLS variables and `QWEN_AUTH_TRUSTED_GATEWAYS`. Taken only
 * from the real environment, system and user scope (issue 16): a project
 * file that sets one is ignored, with PROJECT_TRANSPORT_IGNORED.
 */
export const TRANSPORT_VARIABLES: readonly string[] = Object.freeze([...PROXY_VARIABLES, ...TLS_VARIABLES, TRUSTED_GATEWAYS_VARIABLE]);

const TRANSPORT_LOWER: ReadonlySet<string> = new Set(TRANSPORT_VARIABLES.map((n) => n.toLowerCase()));
const isTransport = (name: string): boolean => TRANSPORT_LOWER.has(name.toLowerCase());

/** The home-level `.env` files read (the project file, when one was found, is workspace scope). */
export function homeEnvFiles(ctx: ResolutionContext): string[] {
  const f = ctx.envFile;
  if (!f) return [];
  return [...(f.scope === 'home' ? [f.path] : []), ...f.fallbacks.map((l) => l.path)];
}

/** The scope of a source in this context (home `.env` files are user scope, project ones workspace). */
export function scopeIn(ctx: ResolutionContext, source: ValueSource): Scope {
  // Only an env-file source without a scope needs the home files.
  return source.scope ?? (source.kind === 'env-file' ? scopeOf(source, { homeEnvFiles: homeEnvFiles(ctx) }) : scopeOf(source));
}

/** True when a source is a workspace file (workspace settings, a project `.env`). */
export function isWorkspaceSource(ctx: ResolutionContext, source: ValueSource): boolean {
  return scopeIn(ctx, source) === 'workspace';
}

/** The two spellings of a variable that have them (`HTTPS_PROXY`, `https_proxy`). */
const spellings = (name: string): string[] => {
  const upper = name.toUpperCase();
  const lower = name.toLowerCase();
  return upper === lower ? [upper] : [upper, lower];
};

/**
 * The value a transport variable has for requests: the real environment's;
 * when neither spelling is set there, the first layer that is not a workspace
 * file (a user `.env` or user `settings.env` value hidden by a project one
 * comes back). Undefined when only workspace files set it.
 */
export function transportValue(ctx: ResolutionContext, name: string): EnvCandidate | undefined {
  if (ctx.env.hasReal(name.toUpperCase()) || ctx.env.hasReal(name.toLowerCase())) {
    return ctx.env.hasReal(name) ? { value: ctx.realEnv[name] as string, source: { kind: 'env', name } } : undefined;
  }
  const effective = ctx.env.get(name);
  if (effective !== undefined && !isWorkspaceSource(ctx, effective.source)) return effective;
  return ctx.env.shadowedOf(name).find((c) => !isWorkspaceSource(ctx, c.source));
}

/** A view of the layered environment that gives transport variables only from trusted layers. */
export function transportView(ctx: ResolutionContext): { get(name: string): EnvCandidate | undefined } {
  return { get: (name) => (isTransport(name) ? transportValue(ctx, name) : ctx.env.get(name)) };
}

const pick = (ctx: ResolutionContext, names: readonly string[]): EnvRecord => {
  const out: Record<string, string | undefined> = {};
  for (const n of names) out[n] = isTransport(n) ? transportValue(ctx, n)?.value : ctx.env.value(n);
  return out;
};

/** The view of the layered environment that model requests read: proxies, never from a workspace file. */
export function requestEnv(ctx: ResolutionContext): EnvRecord {
  return pick(ctx, PROXY_VARIABLES);
}

/** The view the OAuth client reads: proxies (never from a workspace file), and what decides whether a browser can be opened. */
export function oauthClientEnv(ctx: ResolutionContext): EnvRecord {
  return pick(ctx, [...PROXY_VARIABLES, ...DISPLAY_VARIABLES]);
}

/**
 * PROJECT_TRANSPORT_IGNORED for every transport variable a workspace file
 * sets (a project `.env`, applied or not, or workspace `settings.env`).
 */
export function addProjectTransportDiagnostics(ctx: ResolutionContext): void {
  const found: { name: string; path: string; source: ValueSource }[] = [];
  const project = ctx.envFile && ctx.envFile.scope === 'project' ? ctx.envFile : undefined;
  if (project) {
    for (const name of [...project.applied, ...project.excluded, ...project.shadowed]) {
      if (isTransport(name)) found.push({ name, path: project.path, source: { kind: 'env-file', name, path: project.path } });
    }
  }
  for (const entry of ctx.settings.env) {
    if (isTransport(entry.name) && entry.scope === 'workspace') {
      found.push({ name: entry.name, path: entry.path, source: { kind: 'settings', name: entry.name, key: entry.key, path: entry.path, scope: entry.scope } });
    }
  }
  for (const { name, path, source } of found) {
    const real = spellings(name).find((n) => ctx.env.hasReal(n));
    const why = real ? ` (and $${real} is set in the environment)` : '';
    addOnce(
      ctx.diagnostics,
      diagnostic(
        'PROJECT_TRANSPORT_IGNORED',
        `${describeSource(source, { homeDir: ctx.homeDir })} is ignored${why}: proxies, NO_PROXY, TLS variables and ${TRUSTED_GATEWAYS_VARIABLE} ` +
          'are taken only from the environment, system and user settings and home-level .env files, never from a file in the working folder.',
        { variable: name, path },
      ),
    );
  }
}
