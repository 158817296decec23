/**
 * The real cause of a missing key. When no key is found, the usual reason
 * is not that there is none, but that one exists where it is not read: an
 * exported empty variable hiding it, a provider's variable without that
 * provider's base URL, a `.env` file farther away than the one read. These
 * findings go into the error's message, remedy and `details.hints`.
 */
import { DEFAULT_MAX_ENV_FILE_BYTES, readEnvFileValues } from '../env/load.js';
import { statOrUndefined } from '../internal/fs.js';
import { type MissingKeyHint, overrideName, QwenAuthError, remedyPhrases, type RemedyWording } from '../errors.js';
import { remedyFor } from './remedies.js';
import type { QwenCodeAuthType, ValueSource } from '../types.js';
import type { ResolutionContext } from './context.js';
import { describeSource, isPresent } from './provenance.js';
import { readPaths, unreadEnvFilesOf } from './unread-env-files.js';

/**
 * The sentences each finding adds, with `{placeholders}`: the cause goes
 * into the message, the remedy replaces the default one.
 * docs/troubleshooting.md lists them verbatim and is tested against this table.
 */
export const MISSING_KEY_TEXTS = Object.freeze({
  'empty-export': {
    cause: '{variable} is exported as an empty string, which hides the value in {hidden}; unset it.',
    remedy: 'Unset {variable} (`unset {variable}`) so the value in {hidden} is used.',
  },
  'empty-in-file': {
    cause: '{variable} is set to an empty value in {file}, which hides the value in {hidden}.',
    remedy: 'Remove the empty {variable}= line from {file} so the value in {hidden} is used.',
  },
  'provider-variable': {
    cause: '{variable} is set {where}, but it is read only with a base URL of {provider}.',
    remedy: 'Set OPENAI_BASE_URL (or {baseUrlOverride}) to {baseUrls} so that {variable} is read, or put the key in OPENAI_API_KEY.',
  },
  'unread-project-file': {
    cause: '{variable} is defined in {path}, which was not read: only the first .env file found is read ({used}).',
    remedy: 'Move {variable} into {used}, or export it.',
  },
  'unread-home-file': {
    cause: '{variable} is defined in {path}, a home-level .env file that is skipped because {used} was found first.',
    remedy: 'Move {variable} into {used} (only the first .env file found is read), or export it.',
  },
  'untrusted-env-file': {
    cause: '{variable} is defined in {path}, which folder trust kept out: {reason}.',
    remedy: 'If you trust that folder, add it to {trustFile} as TRUST_FOLDER; otherwise set {variable} outside it (exported, or in a home-level .env file).',
  },
  'model-provider-key': {
    cause: '{variable} is required by {entry} in {path}.',
    remedy: 'Set {variable} in the environment or a .env file.',
  },
} as const satisfies Record<string, { readonly cause: string; readonly remedy: string }>);

type TextKey = keyof typeof MISSING_KEY_TEXTS;

/** Fills `{name}` placeholders. */
export function fillText(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => values[name] ?? whole);
}

/** What resolution knows about a missing key (api-key.ts). */
export interface MissingKey {
  /** The API-key type whose key is missing. */
  readonly type: string;
  /** The variables that were read for the key, in order. */
  readonly variables: readonly string[];
  /** Settings keys that were read (`security.auth.apiKey`). */
  readonly settingsKeys: readonly string[];
  /**
   * The `modelProviders` entry that decided, whether the requested model
   * picked it (rather than the first standing in or the default model), and
   * the variable it requires (its `envKey`, or where the entry decides alone
   * the type's key variable).
   */
  readonly entry?: { readonly at: string; readonly path: string; readonly matched: boolean; readonly requires?: string };
}

/** One finding with its sentences. */
export interface Finding {
  readonly hint: MissingKeyHint;
  readonly cause: string;
  readonly remedy: string;
}

function text(key: TextKey, values: Readonly<Record<string, string>>): { cause: string; remedy: string } {
  return { cause: fillText(MISSING_KEY_TEXTS[key].cause, values), remedy: fillText(MISSING_KEY_TEXTS[key].remedy, values) };
}

/** `in the environment`, `in /repo/.env`, `in the env of /home/me/.qwen/settings.json`. */
function whereSet(source: ValueSource): string {
  if (source.kind === 'env-file' && source.path) return `in ${source.path}`;
  if (source.kind === 'settings' && source.path) return `in the env of ${source.path}`;
  return 'in the environment';
}

function findings(ctx: ResolutionContext, missing: MissingKey, wording: RemedyWording): Finding[] {
  const out: Finding[] = [];
  const { env } = ctx;

  // 1. An empty value hiding a lower layer of the same variable.
  for (const variable of missing.variables) {
    const effective = env.get(variable);
    if (!effective || isPresent(effective.value)) continue;
    const blocked = env.shadowedOf(variable).find((c) => isPresent(c.value));
    if (!blocked) continue;
    const hidden = blocked.source.path ?? describeSource(blocked.source);
    const exported = effective.source.kind === 'env';
    const t = exported
      ? text('empty-export', { variable, hidden })
      : text('empty-in-file', { variable, hidden, file: effective.source.path ?? describeSource(effective.source) });
    out.push({ hint: { kind: 'empty-export', variable, hidden, exported }, ...t });
  }

  // 2. A provider's own variable, set without that provider's base URL (not when an entry decides; only where the registry fills in).
  if (!missing.entry && missing.type === 'openai' && ctx.dialect.models.registryFillsLayers) {
    const registry = ctx.registry;
    const seen = new Set(missing.variables);
    for (const provider of registry.providers) {
      if (provider.authType !== 'openai') continue;
      for (const variable of provider.envKeys) {
        if (variable === 'OPENAI_API_KEY' || seen.has(variable)) continue;
        seen.add(variable);
        const found = env.get(variable);
        if (!found || !isPresent(found.value)) continue;
        const baseUrls = provider.endpoints.filter((e) => (e.protocol ?? 'openai') === 'openai').map((e) => e.baseUrl);
        const hosts = (provider.hosts ?? []).map((h) => `a host under ${h}`);
        const t = text('provider-variable', {
          variable,
          where: whereSet(found.source),
          provider: provider.name,
          baseUrlOverride: `${wording.flags ? 'pass ' : ''}${overrideName('baseUrl', wording, 'security.auth.baseUrl in settings.json')}`,
          baseUrls: [...baseUrls, ...hosts].join(' or ') || `an endpoint of ${provider.name}`,
        });
        out.push({ hint: { kind: 'provider-variable', variable, provider: provider.id, baseUrls }, ...t });
      }
    }
  }

  // 3. A `.env` file that was not read and defines the variable.
  const wanted = missing.variables.filter((v) => !env.has(v));
  if (wanted.length > 0 && ctx.envFile) {
    const used = ctx.envFile.path;
    const unread = unreadEnvFilesOf(ctx);
    for (const variable of wanted) {
      const file = unread.find((f) => isPresent(f.values[variable]));
      if (!file) continue;
      const t = text(file.scope === 'home' ? 'unread-home-file' : 'unread-project-file', { variable, path: file.path, used });
      out.push({ hint: { kind: 'unread-env-file', variable, path: file.path, scope: file.scope }, ...t });
    }
  }

  // 4. A project `.env` file that folder trust kept out and that defines the variable.
  out.push(
    ...untrustedFileFindings(
      ctx,
      missing.variables.filter((v) => !isPresent(env.value(v))),
    ),
  );
  return out;
}

/** Findings for `.env` files folder trust skipped that define one of `variables` (names only, never values). */
export function untrustedFileFindings(ctx: ResolutionContext, variables: readonly string[]): Finding[] {
  const out: Finding[] = [];
  if (variables.length === 0) return out;
  const maxBytes = ctx.options.envFile?.maxBytes ?? DEFAULT_MAX_ENV_FILE_BYTES;
  for (const f of ctx.layerFiles) {
    if (f.kind !== 'env-file' || f.status !== 'skipped') continue;
    const st = statOrUndefined(f.path);
    if (!st?.isFile()) continue;
    const { values } = readEnvFileValues({ path: f.path, size: st.size, scope: 'project' }, maxBytes);
    for (const variable of variables) {
      if (!values || !isPresent(values[variable])) continue;
      const reason = f.reason ?? 'the folder is not trusted';
      const t = text('untrusted-env-file', { variable, path: f.path, reason, trustFile: ctx.trust.file.path });
      out.push({ hint: { kind: 'untrusted-env-file', variable, path: f.path, reason }, ...t });
    }
  }
  return out;
}

/** The findings about a missing key, as hints and sentences. */
export interface MissingKeyExplanation {
  readonly hints: readonly MissingKeyHint[];
  /** The causes, one sentence each, or '' when nothing was found. */
  readonly causes: string;
  /** The specific remedies, or undefined when nothing was found. */
  readonly remedy: string | undefined;
}

export function explainMissingKey(ctx: ResolutionContext, missing: MissingKey, wording: RemedyWording): MissingKeyExplanation {
  const list = findings(ctx, missing, wording);
  return {
    hints: list.map((f) => f.hint),
    causes: list.map((f) => f.cause).join(' '),
    remedy: list.length > 0 ? list.map((f) => f.remedy).join(' ') : undefined,
  };
}

/** The remedy when nothing specific was found: the code's own for `openai`, else the type's key variable. */
function plainRemedy(ctx: ResolutionContext, missing: MissingKey, wording: RemedyWording): string {
  const own = ctx.dialect.missingKeyRemedy?.plain;
  if (own === undefined) return remedyFor('MISSING_API_KEY', wording);
  const variable = ctx.dialect.variables[missing.type as QwenCodeAuthType]!.apiKey[0]!;
  return fillText(own, { variable, orFlag: remedyPhrases(wording).orFlag('apiKey') });
}

/** The `MISSING_API_KEY` error, for every API-key type and both dialects: what was checked, and the real cause when one was found. */
export function missingKeyError(ctx: ResolutionContext, missing: MissingKey, wording: RemedyWording): QwenAuthError<'MISSING_API_KEY'> {
  const { hints, causes, remedy } = explainMissingKey(ctx, missing, wording);
  const files = [...readPaths(ctx), ...ctx.settings.files.map((f) => f.path)];
  const checked = [...missing.variables, ...missing.settingsKeys].join(', ');
  const requires = missing.entry?.requires;
  const entry = requires ? text('model-provider-key', { variable: requires, entry: missing.entry!.at, path: missing.entry!.path }) : undefined;
  const what = missing.type === 'openai' ? 'the OpenAI-compatible method' : missing.type;
  const message =
    `No API key found for ${what}.${entry ? ` ${entry.cause}` : ''}${causes ? ` ${causes}` : ''}` +
    ` Checked ${checked} and the files ${files.join(', ') || '(none)'}.`;
  return new QwenAuthError('MISSING_API_KEY', message, {
    details: {
      variables: [...missing.variables],
      files,
      settingsKeys: [...missing.settingsKeys],
      hints,
      ...(missing.entry && { requiredBy: missing.entry.at }),
    },
    remedy:
      remedy ??
      (entry && (ctx.dialect.missingKeyRemedy ? fillText(ctx.dialect.missingKeyRemedy.entry, { variable: requires! }) : entry.remedy)) ??
      plainRemedy(ctx, missing, wording),
  });
}

/**
 * `NO_CREDENTIALS`, when the default mode found nothing at all: every place
 * checked, in order (with `location`, where a cached Qwen OAuth login would
 * be), and the real cause when one was found.
 */
export function noCredentialsError(ctx: ResolutionContext, missing: MissingKey, wording: RemedyWording, location: string): QwenAuthError<'NO_CREDENTIALS'> {
  const { variables, settingsKeys } = missing;
  const { hints, causes, remedy } = explainMissingKey(ctx, missing, wording);
  const registry = ctx.registry;
  const checked = [
    overrideName('authType', wording, 'the auth type the program passed'),
    ...ctx.settings.files.map((f) => `security.auth.selectedType in ${f.path}`),
    'QWEN_OAUTH',
    ...variables,
    ...hints.flatMap((h) =>
      h.kind === 'provider-variable' ? [`${h.variable}, which is set but read only with a base URL of ${registry.get(h.provider)?.name ?? h.provider}`] : [],
    ),
    ...settingsKeys.map((key) => `${key} in settings`),
    ctx.envFile ? `the .env file ${ctx.envFile.path}` : 'a .env file (none found)',
    `cached Qwen OAuth credentials (${location}${ctx.diagnostics.some((d) => d.code === 'CREDENTIALS_INVALID') ? ': not a valid login' : ''})`,
  ];
  return new QwenAuthError('NO_CREDENTIALS', `No credentials found.${causes ? ` ${causes}` : ''} Checked: ${checked.join('; ')}.`, {
    details: { checked, hints },
    remedy: remedy ?? remedyFor('NO_CREDENTIALS', wording),
  });
}
