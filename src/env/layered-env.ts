import type { EnvRecord, ValueSource } from '../types.js';

/** One value of a variable and where it came from. */
export interface EnvCandidate {
  readonly value: string;
  readonly source: ValueSource;
}

/**
 * The environment as Qwen Code sees it after loading: the real environment,
 * then the `.env` file, then `settings.env`, each layer filling only names
 * still unset. It never writes anywhere; it remembers, for every name, the
 * lower-layer values that were shadowed so provenance can report them.
 *
 * The real environment is read lazily, name by name, so building the layers
 * costs nothing for names that are never asked for.
 */
export class LayeredEnv {
  readonly #base: EnvRecord;
  readonly #added = new Map<string, EnvCandidate>();
  readonly #shadowed = new Map<string, EnvCandidate[]>();

  constructor(base: EnvRecord) {
    this.#base = base;
  }

  /** True when the real environment defines `name` (an empty string counts). */
  hasReal(name: string): boolean {
    return Object.hasOwn(this.#base, name) && typeof this.#base[name] === 'string';
  }

  /** True when any layer defines `name`. */
  has(name: string): boolean {
    return this.hasReal(name) || this.#added.has(name);
  }

  /**
   * Offers a value from a lower layer: it applies when no layer defines the
   * name yet, and is recorded as shadowed otherwise. Returns whether it applied.
   */
  offer(name: string, candidate: EnvCandidate): boolean {
    if (!this.has(name)) {
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
    if (this.hasReal(name)) return { value: this.#base[name] as string, source: { kind: 'env', name } };
    return this.#added.get(name);
  }

  /** The effective value only. */
  value(name: string): string | undefined {
    return this.get(name)?.value;
  }

  /** Lower-layer values of `name` that lost to the effective one. */
  shadowedOf(name: string): readonly EnvCandidate[] {
    return this.#shadowed.get(name) ?? [];
  }

  /** Names that have shadowed lower-layer values, in the order they were first shadowed. */
  shadowedNames(): readonly string[] {
    return [...this.#shadowed.keys()];
  }
}
