import { normalize } from 'node:path';
import type { Scope, ValueSource } from '../types.js';

/**
 * How much each scope is trusted: lower is more trusted. The caller's
 * overrides and the built-in defaults are not configuration anyone else can
 * plant (0); then the real environment, the system layers, the user's own
 * files, and last the workspace (a cloned repository may write it).
 */
export const SCOPE_RANK: Readonly<Record<Scope, number>> = Object.freeze({
  overrides: 0,
  environment: 1,
  system: 2,
  'system-defaults': 2,
  user: 3,
  workspace: 4,
  'built-in': 0,
});

/** The home-level `.env` files, for telling a home file from a project one when a source carries no scope. */
export interface ScopeRoots {
  /** `<qwenDir>/.env`, `~/.qwen/.env`, `~/.env`: paths that are user scope. */
  readonly homeEnvFiles?: readonly string[];
}

/**
 * The scope of a source: its `scope` when set, else derived from its kind
 * (`override` → `overrides`, `env` → `environment`, `default` and
 * `provider-default` → `built-in`); an `env-file` is `user` when its path is
 * one of `roots.homeEnvFiles`, and, like a `settings` source without a scope,
 * `workspace` otherwise (the least trusted answer when nothing says more).
 */
export function scopeOf(source: ValueSource, roots: ScopeRoots = {}): Scope {
  if (source.scope) return source.scope;
  switch (source.kind) {
    case 'override':
      return 'overrides';
    case 'env':
      return 'environment';
    case 'default':
    case 'provider-default':
      return 'built-in';
    case 'env-file':
      return source.path !== undefined && (roots.homeEnvFiles ?? []).some((p) => normalize(p) === normalize(source.path!)) ? 'user' : 'workspace';
    default:
      return 'workspace';
  }
}

/** The same source with its scope set (see {@link scopeOf}); the object itself when it already has one. */
export function withScope<T extends ValueSource>(source: T, roots: ScopeRoots = {}): T {
  return source.scope ? source : { ...source, scope: scopeOf(source, roots) };
}
