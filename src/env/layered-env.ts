import type { EnvRecord, ValueSource } from '../types.js';

/** One value of a variable and where it came from. */
export interface EnvCandidate {
  readonly value: string;
  readonly source: ValueSource;
}

/** How the layers decide that a name is still unset. */
export interface LayeredEnvOptions {
  /**
   * When true, a name whose effective value is the empty string counts as
   * unset, so a lower layer fills it (Qwen Code 0.24). Default false: an
   * exported `VAR=` is set, and hides every lower layer (Qwen Code 0.12).
   */
  readonly emptyIsUnset?: boolean;
}

/**
 * The environment as Qwen Code sees it after loading: the real environment,
 * then the `.env` files, then `settings.env`, each layer filling only names
 * still unset. It never writes anywhere; it remembers, for every name, the
 * lower-layer values that were shadowed so provenance can report them, and
 * (with `emptyIsUnset`) the empty values that a lower layer filled.
 *
 * The real environment is read lazily, name by name, so building the layers
 * costs nothing for names that are never asked for.
 */
export class LayeredEnv {
  readonly #base: EnvRecord;
  readonly #emptyIsUnset: boolean;
  readonly #added = new Map<string, EnvCandidate>();
  readonly #shadowed = new Map<string, EnvCandidate[]>();
  readonly #filled = new Map<string, EnvCandidate[]>();

  constructor(base: EnvRecord, options: LayeredEnvOptions = {}) {
    this.#base = base;
    this.#emptyIsUnset = options.emptyIsUnset === true;
  }

  /** True when the real environment defines `name` (an empty string counts). */
  hasReal(name: string): boolean {
    return Object.hasOwn(this.#base, name) && typeof this.#base[name] === 'string';
  }

  /** True when any layer defines `name` (an empty string counts). */
  has(name: string): boolean {
    return this.hasReal(name) || this.#added.has(name);
  }

  /** True when a lower layer may no longer fill `name`. */
  #isSet(name: string): boolean {
    if (!this.#emptyIsUnset) return this.has(name);
    const current = this.get(name);
    return current !== undefined && current.value !== '';
  }

  /**
   * Offers a value from a lower layer: it applies when the name is still
   * unset, and is recorded as shadowed otherwise. Returns whether it applied.
   */
  offer(name: string, candidate: EnvCandidate): boolean {
    if (!this.#isSet(name)) {
      const empty = this.get(name);
      if (empty) {
        const list = this.#filled.get(name);
        if (list) list.push(empty);
        else this.#filled.set(name, [empty]);
      }
      this.#added.set(name, candidate);
      return true;
    }
    const list = this.#shadowed.get(name);
    if (list) list.push(candidate);
    else this.#shadowed.set(name, [candidate]);
    return false;
  }

  /** The effective value of `name` with its source, or undefined. */
  get(name: string): EnvCandidate | undefined {
    const added = this.#added.get(name);
    if (this.hasReal(name) && !(this.#emptyIsUnset && this.#base[name] === '' && added)) {
      return { value: this.#base[name] as string, source: { kind: 'env', name, scope: 'environment' } };
    }
    return added;
  }

  /** The effective value only. */
  value(name: string): string | undefined {
    return this.get(name)?.value;
  }

  /** Lower-layer values of `name` that lost to the effective one. */
  shadowedOf(name: string): readonly EnvCandidate[] {
    return this.#shadowed.get(name) ?? [];
  }

  /** Empty values of `name` (from higher layers) that a lower layer filled; only with `emptyIsUnset`. */
  filledOf(name: string): readonly EnvCandidate[] {
    return this.#filled.get(name) ?? [];
  }

  /** Names that have shadowed lower-layer values, in the order they were first shadowed. */
  shadowedNames(): readonly string[] {
    return [...this.#shadowed.keys()];
  }
}
