import { homedir } from 'node:os';
import { resolve as resolvePath } from 'node:path';
import { findEnvFile } from './env/discover.js';
import { type EnvRecord, LayeredEnv } from './env/layered-env.js';
import { applyEnvFile, DEFAULT_EXCLUDED_ENV_VARS, DEFAULT_MAX_ENV_FILE_BYTES, readEnvFiles } from './env/load.js';
import { isAuthError, QwenAuthError } from './errors.js';
import { type Candidate, choose, envCandidate, overrideCandidate, settingCandidate } from './internal/candidates.js';
import { statOrUndefined } from './internal/fs.js';
import { qwenDirFrom } from './internal/qwen-dir.js';
import { redact, withRedactedView } from './internal/redact.js';
import { resolveOpenAI } from './openai/resolve-openai.js';
import type { ResolveAuthOptions } from './options.js';
import { defaultRegistry } from './providers/default-registry.js';
import { mergeSettings } from './settings/merge.js';
import { isHomeFolder, readSettingsFile, userSettingsPath, workspaceSettingsPath } from './settings/read.js';
import type { SettingsDocument } from './settings/read.js';
import type { EffectiveSettings } from './settings/types.js';
import type {
  AuthType,
  Diagnostic,
  EnvFileLayer,
  EnvFileReport,
  EnvironmentReport,
  OpenAIAuth,
  Provenance,
  ResolvedAuth,
} from './types.js';

const AUTH_TYPES: readonly string[] = ['openai', 'qwen-oauth'];

/** Everything resolution has learned before choosing the auth type; shared with the OAuth path. */
export interface ResolutionContext {
  readonly options: ResolveAuthOptions;
  readonly cwd: string;
  readonly homeDir: string;
  readonly qwenDir: string;
  readonly env: LayeredEnv;
  readonly realEnv: EnvRecord;
  readonly settings: EffectiveSettings;
  readonly envFile: EnvFileReport | null;
  /** `.env` candidates checked, also when none was found. */
  readonly searched: readonly string[];
  readonly diagnostics: Diagnostic[];
  readonly now: () => number;
}

function invalidOption(option: string, message: string): QwenAuthError<'INVALID_OPTION'> {
  return new QwenAuthError('INVALID_OPTION', message, { details: { option } });
}

function checkOptions(options: ResolveAuthOptions): void {
  if (typeof options !== 'object' || options === null) throw invalidOption('options', 'resolveAuth() takes an options object.');
  for (const name of ['cwd', 'homeDir', 'qwenDir'] as const) {
    const v = options[name];
    if (v !== undefined && (typeof v !== 'string' || v === '' || v.includes('\0'))) {
      throw invalidOption(name, `options.${name} must be a non-empty path.`);
    }
  }
  if (options.env !== undefined && (typeof options.env !== 'object' || options.env === null)) {
    throw invalidOption('env', 'options.env must be a record of strings.');
  }
  const o = options.overrides;
  if (o !== undefined) {
    if (typeof o !== 'object' || o === null) throw invalidOption('overrides', 'options.overrides must be an object.');
    for (const name of ['apiKey', 'baseUrl', 'model', 'authType'] as const) {
      if (o[name] !== undefined && typeof o[name] !== 'string') {
        throw invalidOption(`overrides.${name}`, `options.overrides.${name} must be a string.`);
      }
    }
  }
}

/** The auth type candidates, highest first. `value` is an auth type name. */
function explicitAuthType(ctx: ResolutionContext): ReturnType<typeof choose> {
  const oauthFlag = envCandidate(ctx.env, 'QWEN_OAUTH', ctx.diagnostics);
  const chain: Candidate[] = [
    overrideCandidate(ctx.options.overrides?.authType, 'authType'),
    settingCandidate(ctx.settings.selectedType, 'security.auth.selectedType'),
    // Any non-empty QWEN_OAUTH selects Qwen OAuth, whatever its value.
    { ...oauthFlag, value: oauthFlag.value ? 'qwen-oauth' : undefined },
  ];
  return choose(chain);
}

function checkAuthType(value: string, provenance: Provenance): AuthType {
  if (AUTH_TYPES.includes(value)) return value as AuthType;
  const origin = provenance.kind === 'override' ? 'overrides.authType' : `${provenance.key ?? ''} in ${provenance.path ?? ''}`;
  throw new QwenAuthError(
    'UNSUPPORTED_AUTH_TYPE',
    `The auth type ${JSON.stringify(value)} from ${origin} is not supported; qwen-auth resolves 'openai' and 'qwen-oauth'.`,
    { details: { value, origin } },
  );
}

async function loadEnvironment(options: ResolveAuthOptions): Promise<ResolutionContext> {
  const realEnv: EnvRecord = options.env ?? process.env;
  const homeDir = resolvePath(options.homeDir ?? homedir());
  const cwd = resolvePath(options.cwd ?? process.cwd());
  const diagnostics: Diagnostic[] = [];
  let qwenDir = options.qwenDir ? resolvePath(options.qwenDir) : qwenDirFrom(realEnv.QWEN_HOME, homeDir);

  // 1. The .env file (found before settings: a home-level file may move QWEN_HOME).
  const search = findEnvFile({ cwd, homeDir, qwenDir });
  const fileOptions = {
    homeFallback: options.envFile?.homeFallback === true,
    maxBytes: options.envFile?.maxBytes ?? DEFAULT_MAX_ENV_FILE_BYTES,
  };
  const files = await readEnvFiles(search.found, { homeDir, qwenDir }, fileOptions, diagnostics);
  const movedHome = files.find((f) => f.file.scope === 'home' && f.values?.QWEN_HOME)?.values?.QWEN_HOME;
  if (movedHome && !options.qwenDir && !(typeof realEnv.QWEN_HOME === 'string' && realEnv.QWEN_HOME.trim())) {
    qwenDir = qwenDirFrom(movedHome, homeDir);
  }

  // 2. Settings: user, then workspace (none when cwd is the home folder).
  const docs: SettingsDocument[] = [];
  const user = await readSettingsFile(userSettingsPath(qwenDir), 'user', realEnv, diagnostics);
  if (user) docs.push(user);
  const wsPath = workspaceSettingsPath(cwd);
  if (statOrUndefined(wsPath)?.isFile() && !isHomeFolder(cwd, homeDir) && wsPath !== userSettingsPath(qwenDir)) {
    const ws = await readSettingsFile(wsPath, 'workspace', realEnv, diagnostics);
    if (ws) docs.push(ws);
  }
  const settings = mergeSettings(docs, diagnostics);

  // 3. Layers: real environment > .env > settings.env.
  const env = new LayeredEnv(realEnv);
  const excluded = settings.excludedEnvVars ?? options.envFile?.excludedVars ?? DEFAULT_EXCLUDED_ENV_VARS;
  const layers: EnvFileLayer[] = files.map(({ file, values }) =>
    values ? applyEnvFile(env, file, values, excluded) : { path: file.path, applied: [], excluded: [], shadowed: [] },
  );
  for (const entry of settings.env) {
    env.offer(entry.name, {
      value: entry.value,
      source: { kind: 'settings', name: entry.name, key: entry.key, path: entry.path, scope: entry.scope },
    });
  }

  const envFile: EnvFileReport | null =
    search.found && layers[0]
      ? { ...layers[0], searched: search.searched, scope: search.found.scope, fallbacks: layers.slice(1) }
      : null;

  return {
    options,
    cwd,
    homeDir,
    qwenDir,
    env,
    realEnv,
    settings,
    envFile,
    searched: search.searched,
    diagnostics,
    now: options.now ?? Date.now,
  };
}

/**
 * The configuration layers as Qwen Code would load them, without choosing
 * an auth method: the `.env` report (with every candidate checked, also
 * when none exists), the settings files read, Qwen's folder, diagnostics.
 * It never fails for a missing credential, so a CLI can always show it.
 */
export async function inspectEnvironment(options: ResolveAuthOptions = {}): Promise<EnvironmentReport> {
  checkOptions(options);
  const ctx = await loadEnvironment(options);
  return {
    cwd: ctx.cwd,
    homeDir: ctx.homeDir,
    qwenDir: ctx.qwenDir,
    envFile: ctx.envFile,
    searched: ctx.searched,
    settingsFiles: ctx.settings.files,
    diagnostics: Object.freeze([...ctx.diagnostics]),
  };
}

function checkedFiles(ctx: ResolutionContext): string[] {
  return ctx.envFile ? [ctx.envFile.path] : [];
}

/** Builds the `openai` result, or returns the missing-key error. `authType` may depend on the key's source. */
function openAIResult(
  ctx: ResolutionContext,
  authType: (apiKey: Provenance) => Provenance,
): OpenAIAuth | { error: QwenAuthError } {
  const r = resolveOpenAI({
    overrides: ctx.options.overrides ?? {},
    env: ctx.env,
    settings: ctx.settings,
    registry: ctx.options.registry ?? defaultRegistry(),
    checkedFiles: checkedFiles(ctx),
  });
  if (!r.ok) return { error: r.error };
  const { values } = r;
  const result: OpenAIAuth = {
    type: 'openai',
    apiKey: values.apiKey,
    baseUrl: values.baseUrl,
    model: values.model,
    sources: {
      authType: authType(values.sources.apiKey),
      apiKey: values.sources.apiKey,
      baseUrl: values.sources.baseUrl,
      model: values.sources.model,
    },
    envFile: ctx.envFile,
    provider: values.provider,
    diagnostics: Object.freeze([...ctx.diagnostics, ...r.diagnostics]),
    qwenDir: ctx.qwenDir,
  };
  return Object.freeze(withRedactedView(result, () => ({ ...result, apiKey: redact(result.apiKey) })));
}

/** The authType source when it is inferred from the key: the key's own source. */
function inferredFromKey(apiKey: Provenance): Provenance {
  const { shadowed: _shadowed, ...evidence } = apiKey;
  return { ...evidence, detail: 'inferred: an API key is available', shadowed: [] };
}

/**
 * Resolves what a tool needs to talk to a model, exactly as Qwen Code would:
 * the `.env` file, settings, the auth type, and the OpenAI-compatible key,
 * base URL and model (or the Qwen OAuth login), each with its source.
 * Reads files, never writes them; never touches `process.env`.
 */
export async function resolveAuth(options: ResolveAuthOptions = {}): Promise<ResolvedAuth> {
  checkOptions(options);
  const ctx = await loadEnvironment(options);
  const chosen = explicitAuthType(ctx);

  if (chosen) {
    const type = checkAuthType(chosen.value, chosen.provenance);
    if (type === 'qwen-oauth') {
      return (await import('./oauth/resolve-qwen-oauth.js')).resolveQwenOAuth(ctx, chosen.provenance);
    }
    const r = openAIResult(ctx, () => chosen.provenance);
    if ('error' in r) throw r.error;
    return r;
  }

  // Nothing selected: an available key means `openai`…
  const inferred = openAIResult(ctx, inferredFromKey);
  if (!('error' in inferred)) return inferred;
  if (!isAuthError(inferred.error, 'MISSING_API_KEY')) throw inferred.error;

  // …then cached Qwen OAuth credentials, then an interactive login.
  const oauth = await import('./oauth/resolve-qwen-oauth.js');
  const cached = await oauth.findCachedLogin(ctx);
  if (cached) return oauth.resolveQwenOAuth(ctx, cached.provenance, cached.credentials);
  if (options.interactive) {
    return oauth.resolveQwenOAuth(ctx, { kind: 'default', detail: 'interactive login: nothing else is configured', shadowed: [] });
  }
  const { variables, settingsKeys } = inferred.error.details;
  const checked = [
    'overrides.authType',
    ...ctx.settings.files.map((f) => `security.auth.selectedType in ${f.path}`),
    'QWEN_OAUTH',
    ...variables,
    ...settingsKeys.map((key) => `${key} in settings`),
    ctx.envFile ? `the .env file ${ctx.envFile.path}` : 'a .env file (none found)',
    `cached Qwen OAuth credentials (${oauth.describeCredentialsLocation(ctx)})`,
  ];
  throw new QwenAuthError('NO_CREDENTIALS', `No credentials found and not running interactively. Checked: ${checked.join('; ')}.`, {
    details: { checked },
  });
}
