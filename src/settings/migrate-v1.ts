import type { QwenCodeVersion } from '../types.js';

/**
 * Qwen Code's v1 → v2 settings migration (settings-layers.md §5), as a pure
 * function: both CLIs rewrite a flat v1 file (`{"selectedAuthType": "openai"}`)
 * into the nested v2 shape before `$VAR` expansion, folder trust and the
 * merge, and so does qwen-auth — in memory, never on disk.
 *
 * The tables are facts read from the bundled CLIs
 * (`config/migration/versions/v1-to-v2-shared.ts`): where each flat key
 * moves, and which keys mark a file as v1.
 */

/** Flat v1 key → its dotted v2 path, in the order the CLIs apply them (order decides collisions). */
const MOVES: readonly (readonly [string, string])[] = [
  ['accessibility', 'ui.accessibility'],
  ['allowedTools', 'tools.allowed'],
  ['allowMCPServers', 'mcp.allowed'],
  ['autoAccept', 'tools.autoAccept'],
  ['autoConfigureMaxOldSpaceSize', 'advanced.autoConfigureMemory'],
  ['bugCommand', 'advanced.bugCommand'],
  ['chatCompression', 'model.chatCompression'],
  ['checkpointing', 'general.checkpointing'],
  ['coreTools', 'tools.core'],
  ['contextFileName', 'context.fileName'],
  ['customThemes', 'ui.customThemes'],
  ['customWittyPhrases', 'ui.customWittyPhrases'],
  ['debugKeystrokeLogging', 'general.debugKeystrokeLogging'],
  ['dnsResolutionOrder', 'advanced.dnsResolutionOrder'],
  ['enforcedAuthType', 'security.auth.enforcedType'],
  ['excludeTools', 'tools.exclude'],
  ['excludeMCPServers', 'mcp.excluded'],
  ['excludedProjectEnvVars', 'advanced.excludedEnvVars'],
  ['extensions', 'extensions'],
  ['fileFiltering', 'context.fileFiltering'],
  ['folderTrustFeature', 'security.folderTrust.featureEnabled'],
  ['folderTrust', 'security.folderTrust.enabled'],
  ['hasSeenIdeIntegrationNudge', 'ide.hasSeenNudge'],
  ['hideWindowTitle', 'ui.hideWindowTitle'],
  ['showStatusInTitle', 'ui.showStatusInTitle'],
  ['hideTips', 'ui.hideTips'],
  ['showLineNumbers', 'ui.showLineNumbers'],
  ['showCitations', 'ui.showCitations'],
  ['ideMode', 'ide.enabled'],
  ['includeDirectories', 'context.includeDirectories'],
  ['loadMemoryFromIncludeDirectories', 'context.loadFromIncludeDirectories'],
  ['maxSessionTurns', 'model.maxSessionTurns'],
  ['mcpServers', 'mcpServers'],
  ['mcpServerCommand', 'mcp.serverCommand'],
  ['memoryImportFormat', 'context.importFormat'],
  ['model', 'model.name'],
  ['preferredEditor', 'general.preferredEditor'],
  ['sandbox', 'tools.sandbox'],
  ['selectedAuthType', 'security.auth.selectedType'],
  ['shouldUseNodePtyShell', 'tools.shell.enableInteractiveShell'],
  ['shellPager', 'tools.shell.pager'],
  ['shellShowColor', 'tools.shell.showColor'],
  ['skipNextSpeakerCheck', 'model.skipNextSpeakerCheck'],
  ['telemetry', 'telemetry'],
  ['theme', 'ui.theme'],
  ['toolDiscoveryCommand', 'tools.discoveryCommand'],
  ['toolCallCommand', 'tools.callCommand'],
  ['usageStatisticsEnabled', 'privacy.usageStatisticsEnabled'],
  ['useExternalAuth', 'security.auth.useExternal'],
  ['useRipgrep', 'tools.useRipgrep'],
  ['vimMode', 'general.vimMode'],
  ['enableWelcomeBack', 'ui.enableWelcomeBack'],
  ['approvalMode', 'tools.approvalMode'],
  ['sessionTokenLimit', 'model.sessionTokenLimit'],
  ['contentGenerator', 'model.generationConfig'],
  ['skipLoopDetection', 'model.skipLoopDetection'],
  ['skipStartupContext', 'model.skipStartupContext'],
  ['enableOpenAILogging', 'model.enableOpenAILogging'],
  ['tavilyApiKey', 'advanced.tavilyApiKey'],
];

/** Qwen Code 0.12.0 also moves this one (0.24.4 dropped it). */
const MOVES_012_ONLY: readonly (readonly [string, string])[] = [['summarizeToolOutput', 'model.summarizeToolOutput']];

/** `disable*` keys: moved only when boolean, except the first two, which become `value === true`. */
const DISABLE_MOVES: readonly (readonly [string, string])[] = [
  ['disableAutoUpdate', 'general.disableAutoUpdate'],
  ['disableUpdateNag', 'general.disableUpdateNag'],
  ['disableLoadingPhrases', 'ui.accessibility.disableLoadingPhrases'],
  ['disableFuzzySearch', 'context.fileFiltering.disableFuzzySearch'],
  ['disableCacheControl', 'model.generationConfig.disableCacheControl'],
];
const COERCED_DISABLE = new Set(['disableAutoUpdate', 'disableUpdateNag']);

/** Top-level keys of the v2 shape: an object under one of them is already v2 and stays. */
const V2_CONTAINERS = new Set(['ui', 'tools', 'mcp', 'advanced', 'model', 'general', 'context', 'security', 'ide', 'privacy', 'telemetry', 'extensions']);

/** Keys whose non-object value marks a file as v1: the moved keys except the three kept in place, and the `disable*` keys. */
const KEPT_IN_PLACE = new Set(['extensions', 'mcpServers', 'telemetry']);

function movesOf(dialect: QwenCodeVersion): readonly (readonly [string, string])[] {
  return dialect === '0.12' ? [...MOVES, ...MOVES_012_ONLY] : MOVES;
}

/** Per dialect, built once: the indicator keys in the CLIs' order, and the same as a set. */
const indicatorCache = new Map<QwenCodeVersion, { readonly list: readonly string[]; readonly set: ReadonlySet<string> }>();
function indicatorsOf(dialect: QwenCodeVersion): { readonly list: readonly string[]; readonly set: ReadonlySet<string> } {
  let found = indicatorCache.get(dialect);
  if (!found) {
    const list = [
      ...movesOf(dialect)
        .map(([key]) => key)
        .filter((key) => !KEPT_IN_PLACE.has(key)),
      ...DISABLE_MOVES.map(([key]) => key),
    ];
    found = { list, set: new Set(list) };
    indicatorCache.set(dialect, found);
  }
  return found;
}

/** The v1 keys that decide auth, with their v2 paths (for documentation and diagnostics). */
export const V1_AUTH_KEYS: Readonly<Record<string, string>> = Object.freeze({
  selectedAuthType: 'security.auth.selectedType',
  enforcedAuthType: 'security.auth.enforcedType',
  useExternalAuth: 'security.auth.useExternal',
  model: 'model.name',
  contentGenerator: 'model.generationConfig',
  excludedProjectEnvVars: 'advanced.excludedEnvVars',
  folderTrust: 'security.folderTrust.enabled',
});

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const UNSAFE = new Set(['__proto__', 'constructor', 'prototype']);

/** Sets a dotted path, creating objects on the way; gives up at a non-object step (as the CLIs do). */
function setPath(target: Json, path: string, value: unknown): void {
  const steps = path.split('.');
  if (steps.some((s) => UNSAFE.has(s))) return;
  const last = steps.pop()!;
  let node: Json = target;
  for (const step of steps) {
    if (!Object.hasOwn(node, step)) node[step] = {};
    const next = node[step];
    if (!isObject(next)) return;
    node = next;
  }
  node[last] = value;
}

/** A shallow-enough copy that writing into it never changes the parsed input. */
function copyObject(value: Json): Json {
  const out: Json = {};
  for (const key of Object.keys(value)) out[key] = isObject(value[key]) ? copyObject(value[key] as Json) : value[key];
  return out;
}

/** The top-level v1 keys (with a non-object value) a settings object holds, in the CLIs' order. */
export function v1KeysOf(data: Readonly<Json>, dialect: QwenCodeVersion): string[] {
  const { list, set } = indicatorsOf(dialect);
  // A v2 file (the common case) holds none of them: one pass over its few top-level keys.
  if (!Object.keys(data).some((key) => set.has(key) && !isObject(data[key]))) return [];
  return list.filter((key) => Object.hasOwn(data, key) && !isObject(data[key]));
}

/** What {@link migrateV1Settings} did to one file. */
export interface V1Migration {
  /** The settings as the CLIs use them (the input itself when nothing moved). */
  readonly data: Readonly<Json>;
  /** True when the file was v1 and was migrated. */
  readonly migrated: boolean;
  /** v1 keys ignored because `$version` is 2 or more (Qwen Code warns about them). */
  readonly ignored: readonly string[];
}

/**
 * Migrates one parsed settings object from v1 to v2 when it is v1: its
 * `$version` is not a number ≥ 2, and a v1 key sits at the top level with a
 * string, number, boolean, array or `null` value. Every key moves with its
 * value (`model: null` means no model); an object under a v2 container key
 * stays; other keys are copied. A key that is the parent of a moved path
 * (`security` next to `selectedAuthType`) has its direct children written
 * over the moved tree, so the nested value wins. Pure: the input is not changed.
 */
export function migrateV1Settings(data: Readonly<Json>, dialect: QwenCodeVersion = '0.24'): V1Migration {
  const found = v1KeysOf(data, dialect);
  if (found.length === 0) return { data, migrated: false, ignored: [] };
  const version = data.$version;
  if (typeof version === 'number' && version >= 2) return { data, migrated: false, ignored: found };
  return { data: migrated(data, dialect), migrated: true, ignored: [] };
}

/** The v2 object of a v1 one (its own function: a v2 file never compiles it). */
function migrated(data: Readonly<Json>, dialect: QwenCodeVersion): Json {
  const out: Json = {};
  const moved = new Map<string, string>();
  for (const [key, path] of movesOf(dialect)) {
    if (!Object.hasOwn(data, key)) continue;
    const value = data[key];
    moved.set(key, path);
    if (V2_CONTAINERS.has(key) && isObject(value)) {
      out[key] = copyObject(value);
      continue;
    }
    // Only a container key can move into a child of itself, and containers were handled above.
    setPath(out, path, isObject(value) ? copyObject(value) : value);
  }
  for (const [key, path] of DISABLE_MOVES) {
    if (!Object.hasOwn(data, key)) continue;
    const value = data[key];
    moved.set(key, path);
    if (COERCED_DISABLE.has(key)) setPath(out, path, value === true);
    else if (typeof value === 'boolean') setPath(out, path, value);
  }
  // mcpServers stays at the top level (it is in the move table as itself).
  const paths = [...moved.values()];
  for (const key of Object.keys(data)) {
    if (moved.has(key) || UNSAFE.has(key)) continue;
    const value = data[key];
    const parentOfMoved = paths.some((p) => p.startsWith(`${key}.`));
    if (parentOfMoved && isObject(value)) {
      // Rule 4: the direct children of the nested object are written over the moved tree.
      for (const child of Object.keys(value)) {
        if (paths.includes(`${key}.${child}`)) continue;
        const v = value[child];
        setPath(out, `${key}.${child}`, isObject(v) ? copyObject(v) : v);
      }
    } else {
      out[key] = isObject(value) ? copyObject(value) : value;
    }
  }
  out.$version = 2;
  return out;
}
