import { addOnce, diagnostic } from '../diagnostics.js';
import type { LayeredEnv } from '../env/layered-env.js';
import type { SettingValue } from '../settings/types.js';
import { type Diagnostic, OVERRIDE_FLAGS, type Provenance, type ValueSource } from '../types.js';

/** One place a value may come from, in a precedence chain. */
export interface Candidate {
  readonly value: string | null | undefined;
  readonly source: ValueSource;
  /** Lower layers of the same variable that this value shadowed. */
  readonly under?: readonly Candidate[];
}

/** A value is present when it is a string with something other than white space in it. */
export function isPresent(value: string | null | undefined): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

/** The winner of a chain. */
export interface Chosen {
  readonly value: string;
  readonly provenance: Provenance;
}

/**
 * Present candidates' sources, with the lower layers they shadowed in turn.
 * A candidate that is empty (an exported empty string) shadows nothing here:
 * the values it blocks are reported by the ENV_EMPTY_SHADOWS diagnostic.
 * Built-in defaults are not configuration and are left out.
 */
export function sourcesOfPresent(list: readonly Candidate[]): ValueSource[] {
  const out: ValueSource[] = [];
  for (const c of list) {
    if (!isPresent(c.value)) continue;
    if (c.source.kind !== 'default') out.push(c.source);
    if (c.under) out.push(...sourcesOfPresent(c.under));
  }
  return out;
}

/**
 * Takes the first present value of a precedence chain and records the
 * present candidates below it, and the lower layers they hid, as shadowed.
 */
export function choose(chain: readonly Candidate[]): Chosen | undefined {
  const index = chain.findIndex((c) => isPresent(c.value));
  if (index === -1) return undefined;
  const winner = chain[index]!;
  const shadowed = [...sourcesOfPresent(winner.under ?? []), ...sourcesOfPresent(chain.slice(index + 1))];
  return { value: winner.value as string, provenance: { ...winner.source, shadowed } };
}

/**
 * A variable of the layered environment as a candidate. When the effective
 * value is an exported empty string that blocked a non-empty value from a
 * lower layer, a diagnostic says so (once per name).
 */
export function envCandidate(env: LayeredEnv, name: string, diagnostics: Diagnostic[]): Candidate {
  const effective = env.get(name);
  const under: Candidate[] = env.shadowedOf(name).map((c) => ({ value: c.value, source: c.source }));
  const filled = env.filledOf(name)[0];
  if (filled && effective && isPresent(effective.value)) {
    const where = filled.source.kind === 'env' ? 'exported empty' : `empty in ${filled.source.path ?? 'a higher layer'}`;
    addOnce(
      diagnostics,
      diagnostic('ENV_EMPTY_FILLED', `${name} is ${where}, so, as Qwen Code 0.24 does, the value in ${effective.source.path ?? 'a lower layer'} was used.`, {
        variable: name,
        ...(effective.source.path !== undefined && { path: effective.source.path }),
      }),
    );
  }
  if (effective && !isPresent(effective.value)) {
    const blocked = under.find((c) => isPresent(c.value));
    if (blocked) {
      const where = effective.source.kind === 'env' ? 'environment' : 'configuration';
      addOnce(
        diagnostics,
        diagnostic(
          'ENV_EMPTY_SHADOWS',
          `${name} is set to an empty value in the ${where}, so the value in ${blocked.source.path ?? 'a lower layer'} was not used; unset it to use that value.`,
          { variable: name, ...(blocked.source.path !== undefined && { path: blocked.source.path }) },
        ),
      );
    }
  }
  return { value: effective?.value, source: effective?.source ?? { kind: 'env', name, scope: 'environment' }, under };
}

/** A settings value as a candidate. */
export function settingCandidate(setting: SettingValue<string | null> | undefined, key: string): Candidate {
  return {
    value: setting?.value,
    source: setting ? { kind: 'settings', key: setting.key, path: setting.path, scope: setting.scope } : { kind: 'settings', key },
  };
}

/** An override (a CLI flag) as a candidate. */
export function overrideCandidate(value: string | undefined, field: string): Candidate {
  return { value, source: { kind: 'override', key: field, scope: 'overrides' } };
}

export { OVERRIDE_FLAGS } from '../types.js';

/** How {@link describeSource} words a source. */
export interface DescribeSourceOptions {
  /** Paths under this folder are shown as `~/…`. */
  readonly homeDir?: string;
  /** Name overrides by their command-line flags (`--openai-base-url`) rather than `overrides.baseUrl`. */
  readonly flags?: boolean;
}

/** `~/…` for a path under the home folder. */
export function tildify(path: string, homeDir: string | undefined): string {
  return homeDir && (path === homeDir || path.startsWith(`${homeDir}/`)) ? `~${path.slice(homeDir.length)}` : path;
}

/** One phrase saying where a value came from, for messages and the command line alike. */
export function describeSource(source: ValueSource, options: DescribeSourceOptions = {}): string {
  const at = source.path ? ` in ${tildify(source.path, options.homeDir)}` : '';
  switch (source.kind) {
    case 'override':
      return (options.flags && (OVERRIDE_FLAGS as Readonly<Record<string, string>>)[source.key ?? '']) || `overrides.${source.key ?? ''}`;
    case 'env':
      return `$${source.name ?? ''} (environment)${source.detail ? `, ${source.detail}` : ''}`;
    case 'env-file':
      return `${source.name ?? ''}${at}${source.detail ? `, ${source.detail}` : ''}`;
    case 'settings':
      return `${source.key ?? ''}${at}${source.scope ? ` (${source.scope})` : ''}`;
    case 'provider-default':
      return `${source.detail ?? 'default'} (${source.provider ?? 'provider'})`;
    default:
      return `${source.detail ?? 'built-in default'}${at}`;
  }
}
