/**
 * Which files of the configuration hold keys, and the opt-in `gitCheck`
 * that asks git whether they would be published (docs/security.md).
 *
 * A file holds a key when:
 * - a `.env` layer that was read (the file used, and the home-level files
 *   below it with `envFile.homeFallback`) has a non-empty key-like variable,
 *   applied or shadowed by the environment (the file holds it either way);
 * - a settings file has a non-empty `security.auth.apiKey`, or a key-like
 *   name in `env`, written literally (a `$VAR` reference holds no key).
 *
 * Key-like names: `OPENAI_API_KEY`, the registry's provider variables
 * (`envKeys`), the `envKey` of every `modelProviders.openai` entry, and any
 * name ending in `_API_KEY`, `_TOKEN` or `_SECRET`. Every name a key can be
 * resolved from is among them, so the file that supplied the key is always
 * checked.
 */
import { readFileSync } from '../internal/node.js';
import { addOnce } from '../diagnostics.js';
import type { SecretFile } from '../env/git-check.js';
import type { EnvFileLayer } from '../types.js';
import type { ResolutionContext } from './context.js';
import { isPresent } from './provenance.js';

/** The default time bound of the whole git check. */
export const DEFAULT_GIT_CHECK_TIMEOUT_MS = 3000;

/** Name endings that mark a variable as holding a secret. */
export const SECRET_NAME_SUFFIXES: readonly string[] = Object.freeze(['_API_KEY', '_TOKEN', '_SECRET']);

/** The rule for key-like variable names, given the names known to hold keys. */
export function isKeyLikeName(name: string, known: ReadonlySet<string>): boolean {
  const upper = name.toUpperCase();
  return known.has(name) || SECRET_NAME_SUFFIXES.some((s) => upper.endsWith(s));
}

/** Names resolution may read a key from: `OPENAI_API_KEY`, `ANTHROPIC_API_KEY` (0.24), provider variables, `modelProviders` `envKey`s. */
function knownKeyNames(ctx: ResolutionContext): Set<string> {
  const registry = ctx.registry;
  return new Set([
    'OPENAI_API_KEY',
    ...ctx.dialect.extraKeyVariables,
    ...registry.providers.flatMap((p) => p.envKeys),
    ...ctx.settings.modelProviders.flatMap((list) => list.entries).flatMap((e) => (e.envKey ? [e.envKey] : [])),
  ]);
}

/** The value the layer's file gave `name`, applied or shadowed. */
function layerValue(ctx: ResolutionContext, layer: EnvFileLayer, name: string): string | undefined {
  const fromFile = (c: { source: { kind: string; path?: string } }) => c.source.kind === 'env-file' && c.source.path === layer.path;
  const current = ctx.env.get(name);
  if (current && fromFile(current)) return current.value;
  return ctx.env.shadowedOf(name).find(fromFile)?.value;
}

/** True when the settings file holds `value` as written (not through a `$VAR` reference). */
function writtenIn(path: string, value: string, texts: Map<string, string | undefined>): boolean {
  if (!texts.has(path)) {
    try {
      texts.set(path, readFileSync(path, 'utf8'));
    } catch {
      texts.set(path, undefined);
    }
  }
  return texts.get(path)?.includes(JSON.stringify(value).slice(1, -1)) ?? false;
}

/** The files that hold keys, each with the key names it holds, in discovery order. */
export function secretFiles(ctx: ResolutionContext): SecretFile[] {
  const known = knownKeyNames(ctx);
  const byPath = new Map<string, string[]>();
  const add = (path: string, key: string): void => {
    const keys = byPath.get(path);
    if (!keys) byPath.set(path, [key]);
    else if (!keys.includes(key)) keys.push(key);
  };

  for (const layer of ctx.envFile ? [ctx.envFile, ...ctx.envFile.fallbacks] : []) {
    for (const name of [...layer.applied, ...layer.shadowed]) {
      if (isKeyLikeName(name, known) && isPresent(layerValue(ctx, layer, name))) add(layer.path, name);
    }
  }

  const texts = new Map<string, string | undefined>();
  const { apiKey } = ctx.settings;
  if (apiKey && isPresent(apiKey.value) && writtenIn(apiKey.path, apiKey.value, texts)) add(apiKey.path, apiKey.key);
  for (const entry of ctx.settings.env) {
    if (isKeyLikeName(entry.name, known) && isPresent(entry.value) && writtenIn(entry.path, entry.value, texts)) add(entry.path, entry.key);
  }
  return [...byPath].map(([path, keys]) => ({ path, keys }));
}

/**
 * With `gitCheck`, asks git about the files that hold keys and adds what it
 * finds to the context's diagnostics. Loads the git module (and with it
 * `child_process`) only when there is a file to ask about.
 */
export async function addGitCheckDiagnostics(ctx: ResolutionContext): Promise<void> {
  const option = ctx.options.gitCheck;
  if (!option) return;
  const files = secretFiles(ctx);
  if (files.length === 0) return;
  const { checkSecretFilesInGit } = await import('../env/git-check.js');
  const found = await checkSecretFilesInGit(files, {
    env: ctx.realEnv,
    homeDir: ctx.homeDir,
    cwd: ctx.cwd,
    timeoutMs: (option === true ? undefined : option.timeoutMs) ?? DEFAULT_GIT_CHECK_TIMEOUT_MS,
  });
  for (const d of found) addOnce(ctx.diagnostics, d);
}
