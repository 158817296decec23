import { createProviderRegistry } from './registry.js';
import type { ProviderRegistry } from './types.js';

let registry: ProviderRegistry | undefined;

/** The built-in registry, built on first use. */
export function defaultRegistry(): ProviderRegistry {
  registry ??= createProviderRegistry();
  return registry;
}
