import { diagnostic } from '../diagnostics.js';
import * as z from 'zod/mini';
import type { Diagnostic } from '../types.js';
import type { SettingsDocument } from './read.js';
import {
  describeIssue,
  modelProviderEntry,
  modelProviderList,
  settingObject,
  settingString,
  settingStringList,
} from './schema.js';
import type { EffectiveSettings, ModelProviderEntry, SettingValue } from './types.js';

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

function invalid(found: Found, key: string, error: z.core.$ZodError, diagnostics: Diagnostic[]): undefined {
  diagnostics.push(diagnostic('SETTINGS_INVALID_VALUE', `${found.doc.path}: ${key} has ${describeIssue(error)}; it was ignored.`, { path: found.doc.path }));
  return undefined;
}

function leaf(
  docs: readonly SettingsDocument[],
  key: string,
  diagnostics: Diagnostic[],
): SettingValue<string | null> | undefined {
  const found = pick(docs, key.split('.'));
  if (!found) return undefined;
  const r = z.safeParse(settingString, found.value);
  if (!r.success) return invalid(found, key, r.error, diagnostics);
  return { value: r.data, scope: found.doc.scope, path: found.doc.path, key };
}

/**
 * Merges the user and workspace documents (lowest first) into the values
 * resolution consumes. Leaves: the workspace wins when it holds the key.
 * `env` and `modelProviders`: merged key by key. `advanced.excludedEnvVars`:
 * the union of both lists. Values of the wrong type are reported and ignored.
 */
export function mergeSettings(docs: readonly SettingsDocument[], diagnostics: Diagnostic[]): EffectiveSettings {
  const env = new Map<string, SettingValue<string> & { name: string }>();
  for (const doc of docs) {
    const found = lookup(doc, ['env']);
    if (!found) continue;
    const r = z.safeParse(settingObject, found.value);
    if (!r.success) {
      invalid(found, 'env', r.error, diagnostics);
      continue;
    }
    for (const name of Object.keys(r.data)) {
      const value = r.data[name];
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
    const r = z.safeParse(settingStringList, found.value);
    if (!r.success) {
      invalid(found, 'advanced.excludedEnvVars', r.error, diagnostics);
      continue;
    }
    excludedEnvVars = [...new Set([...(excludedEnvVars ?? []), ...r.data])];
  }

  let openaiProviders: EffectiveSettings['openaiProviders'];
  const providers = pick(docs, ['modelProviders', 'openai']);
  if (providers) {
    const list = z.safeParse(modelProviderList, providers.value);
    if (!list.success) {
      invalid(providers, 'modelProviders.openai', list.error, diagnostics);
    } else {
      const entries: (ModelProviderEntry & { index: number })[] = [];
      list.data.forEach((raw, index) => {
        const r = z.safeParse(modelProviderEntry, raw);
        if (r.success) {
          const { id, name, baseUrl, envKey } = r.data;
          entries.push({
            id,
            index,
            ...(name !== undefined && { name }),
            ...(baseUrl !== undefined && { baseUrl }),
            ...(envKey !== undefined && { envKey }),
          });
        } else {
          invalid(providers, `modelProviders.openai[${index}]`, r.error, diagnostics);
        }
      });
      openaiProviders = {
        value: entries,
        scope: providers.doc.scope,
        path: providers.doc.path,
        key: 'modelProviders.openai',
      };
    }
  }

  const selectedType = leaf(docs, 'security.auth.selectedType', diagnostics);
  const apiKey = leaf(docs, 'security.auth.apiKey', diagnostics);
  const baseUrl = leaf(docs, 'security.auth.baseUrl', diagnostics);
  const modelName = leaf(docs, 'model.name', diagnostics);
  return {
    ...(selectedType && { selectedType }),
    ...(apiKey && { apiKey }),
    ...(baseUrl && { baseUrl }),
    ...(modelName && { modelName }),
    env: [...env.values()],
    ...(excludedEnvVars && { excludedEnvVars }),
    ...(openaiProviders && { openaiProviders }),
    files: docs.map((d) => ({ scope: d.scope, path: d.path })),
  };
}
