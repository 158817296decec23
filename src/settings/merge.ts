import { diagnostic } from '../diagnostics.js';
import type { Diagnostic } from '../types.js';
import type { SettingsDocument } from './read.js';
import { describeIssue, type Issue, isPlainObject, schemas } from '../internal/schemas.js';
import type { EffectiveSettings, ProviderEntry, ProviderList, SettingValue } from './types.js';

type Found = { readonly doc: SettingsDocument; readonly value: unknown };

/** The value at a dotted path of a document, if every step is an object holding the next key. */
function lookup(doc: SettingsDocument, path: readonly string[]): Found | undefined {
  let node: unknown = doc.data;
  for (const step of path) {
    if (typeof node !== 'object' || node === null || Array.isArray(node) || !Object.hasOwn(node, step)) {
      return undefined;
    }
    node = (node as Record<string, unknown>)[step];
  }
  return { doc, value: node };
}

/** Workspace over user: the higher scope wins as soon as it holds the key, whatever its value. */
function pick(docs: readonly SettingsDocument[], path: readonly string[]): Found | undefined {
  for (let i = docs.length - 1; i >= 0; i--) {
    const found = lookup(docs[i]!, path);
    if (found) return found;
  }
  return undefined;
}

function invalid(found: Found, key: string, issue: Issue, diagnostics: Diagnostic[]): undefined {
  diagnostics.push(diagnostic('SETTINGS_INVALID_VALUE', `${found.doc.path}: ${key} has ${describeIssue(issue)}; it was ignored.`, { path: found.doc.path }));
  return undefined;
}

function leaf(docs: readonly SettingsDocument[], key: string, diagnostics: Diagnostic[]): SettingValue<string | null> | undefined {
  const found = pick(docs, key.split('.'));
  if (!found) return undefined;
  // The common case needs no schema (warm resolution reads a few leaves each call); zod words the rest.
  const issue = found.value === null || typeof found.value === 'string' ? undefined : schemas().settingString(found.value);
  if (issue) return invalid(found, key, issue, diagnostics);
  return { value: found.value as string | null, scope: found.doc.scope, path: found.doc.path, key };
}

function flag(docs: readonly SettingsDocument[], key: string, diagnostics: Diagnostic[]): SettingValue<boolean | null> | undefined {
  const found = pick(docs, key.split('.'));
  if (!found) return undefined;
  const issue = found.value === null || typeof found.value === 'boolean' ? undefined : schemas().settingBoolean(found.value);
  if (issue) return invalid(found, key, issue, diagnostics);
  return { value: found.value as boolean | null, scope: found.doc.scope, path: found.doc.path, key };
}

/**
 * The `modelProviders` object of a document, with the `{ protocol, models }`
 * wrappers of a `$version: 5` file unwrapped to their `models` (Qwen Code
 * 0.24's v5→v4 migration; the protocol is dropped, as there).
 */
function providersOf(doc: SettingsDocument): Record<string, unknown> | undefined {
  const found = lookup(doc, ['modelProviders']);
  if (!found || !isPlainObject(found.value)) return undefined;
  const version = doc.data.$version;
  const wrapped = Object.values(found.value).some(isPlainObject);
  if (!(version === 5 || (version === undefined && wrapped))) return found.value;
  const out: Record<string, unknown> = {};
  for (const [id, value] of Object.entries(found.value)) {
    out[id] = isPlainObject(value) ? (Array.isArray(value.models) ? value.models : []) : value;
  }
  return out;
}

/**
 * `modelProviders`, merged per provider id: the highest scope holding an id
 * gives its whole list (Qwen Code's recursive merge replaces arrays), ids in
 * order of first appearance. Invalid lists and entries are reported and skipped.
 */
function mergeModelProviders(docs: readonly SettingsDocument[], diagnostics: Diagnostic[]): ProviderList[] {
  const lists = new Map<string, { value: unknown; doc: SettingsDocument }>();
  for (const doc of docs) {
    const found = lookup(doc, ['modelProviders']);
    if (found && !isPlainObject(found.value)) {
      diagnostics.push(diagnostic('SETTINGS_INVALID_VALUE', `${doc.path}: modelProviders has expected object; it was ignored.`, { path: doc.path }));
    }
    const providers = providersOf(doc);
    if (!providers) continue;
    for (const id of Object.keys(providers)) lists.set(id, { value: providers[id], doc });
  }
  const out: ProviderList[] = [];
  for (const [id, { value, doc }] of lists) {
    const listIssue = schemas().modelProviderList(value);
    if (listIssue) {
      invalid({ doc, value }, `modelProviders.${id}`, listIssue, diagnostics);
      continue;
    }
    const entries: ProviderEntry[] = [];
    (value as unknown[]).forEach((raw, index) => {
      const issue = schemas().modelProviderEntry(raw);
      if (issue) {
        invalid({ doc, value: raw }, `modelProviders.${id}[${index}]`, issue, diagnostics);
        return;
      }
      const entry = raw as { id: string; name?: string; baseUrl?: string; envKey?: string; wireApi?: string };
      const { id: modelId, name, baseUrl, envKey, wireApi } = entry;
      const flags = raw as { imageOnly?: unknown; voiceOnly?: unknown; realtimeOnly?: unknown };
      entries.push({
        id: modelId,
        ...(name !== undefined && { name }),
        ...(baseUrl !== undefined && { baseUrl }),
        ...(envKey !== undefined && { envKey }),
        ...(wireApi !== undefined && { wireApi }),
        provider: id,
        index,
        scope: doc.scope,
        path: doc.path,
        selectorOnly: Boolean(flags.imageOnly || flags.voiceOnly || flags.realtimeOnly),
      });
    });
    out.push({ id, entries, scope: doc.scope, path: doc.path });
  }
  return out;
}

/**
 * Merges the user and workspace documents (lowest first) into the values
 * resolution consumes. Leaves: the workspace wins when it holds the key.
 * `env`, `modelProviders` and `providerProtocol`: merged key by key (a
 * provider's list is replaced whole). `advanced.excludedEnvVars`:
 * the union of both lists. Values of the wrong type are reported and ignored.
 */
export function mergeSettings(docs: readonly SettingsDocument[], diagnostics: Diagnostic[]): EffectiveSettings {
  const env = new Map<string, SettingValue<string> & { name: string }>();
  for (const doc of docs) {
    const found = lookup(doc, ['env']);
    if (!found) continue;
    const issue = isPlainObject(found.value) ? undefined : schemas().settingObject(found.value);
    if (issue) {
      invalid(found, 'env', issue, diagnostics);
      continue;
    }
    const vars = found.value as Record<string, unknown>;
    for (const name of Object.keys(vars)) {
      const value = vars[name];
      // A higher scope's key replaces the lower one even when it is not a
      // string; only string values ever reach the environment.
      env.delete(name);
      if (typeof value === 'string') {
        env.set(name, { name, value, scope: doc.scope, path: doc.path, key: `env.${name}` });
      }
    }
  }

  let excludedEnvVars: string[] | undefined;
  for (const doc of docs) {
    const found = lookup(doc, ['advanced', 'excludedEnvVars']);
    if (!found) continue;
    const issue = schemas().settingStringList(found.value);
    if (issue) {
      invalid(found, 'advanced.excludedEnvVars', issue, diagnostics);
      continue;
    }
    excludedEnvVars = [...new Set([...(excludedEnvVars ?? []), ...(found.value as string[])])];
  }

  const modelProviders = mergeModelProviders(docs, diagnostics);
  const providerProtocol = new Map<string, SettingValue<unknown>>();
  for (const doc of docs) {
    const found = lookup(doc, ['providerProtocol']);
    if (!found) continue;
    const issue = schemas().settingObject(found.value);
    if (issue) {
      invalid(found, 'providerProtocol', issue, diagnostics);
      continue;
    }
    const protocols = found.value as Record<string, unknown>;
    for (const id of Object.keys(protocols)) {
      providerProtocol.set(id, { value: protocols[id], scope: doc.scope, path: doc.path, key: `providerProtocol.${id}` });
    }
  }

  const selectedType = leaf(docs, 'security.auth.selectedType', diagnostics);
  const enforcedType = leaf(docs, 'security.auth.enforcedType', diagnostics);
  const useExternal = flag(docs, 'security.auth.useExternal', diagnostics);
  const apiKey = leaf(docs, 'security.auth.apiKey', diagnostics);
  const baseUrl = leaf(docs, 'security.auth.baseUrl', diagnostics);
  const modelName = leaf(docs, 'model.name', diagnostics);
  const modelBaseUrl = leaf(docs, 'model.baseUrl', diagnostics);
  return {
    ...(selectedType && { selectedType }),
    ...(enforcedType && { enforcedType }),
    ...(useExternal && { useExternal }),
    ...(apiKey && { apiKey }),
    ...(baseUrl && { baseUrl }),
    ...(modelName && { modelName }),
    ...(modelBaseUrl && { modelBaseUrl }),
    env: [...env.values()],
    ...(excludedEnvVars && { excludedEnvVars }),
    modelProviders,
    providerProtocol,
    references: [...new Set(docs.flatMap((d) => d.references ?? []))],
    files: docs.map((d) => ({ scope: d.scope, path: d.path })),
  };
}

/**
 * The folder-trust switch, `security.folderTrust.enabled`, from documents
 * given lowest first: the highest that holds the key decides; any truthy
 * value is on, as Qwen Code tests it. Off when none sets it.
 */
export function folderTrustEnabled(docs: readonly SettingsDocument[]): boolean {
  return Boolean(pick(docs, ['security', 'folderTrust', 'enabled'])?.value);
}
