import { fsp, homedir } from '../internal/node.js';
import type { ParseError } from 'jsonc-parser';
import { resolve, sep } from 'node:path';
import type { EnvRecord } from '../types.js';
import { QwenAuthError } from '../errors.js';
import { redactText } from '../redact.js';
import { cleanTempFiles, writeFileAtomic } from '../internal/atomic-write.js';
import { errnoCode, readRegularFile } from '../internal/fs.js';
import { jsonNestingDepth, lineColumn, MAX_SETTINGS_DEPTH, stripJsonComments } from '../internal/jsonc.js';
import { locateQwenHome } from '../env/qwen-home.js';
import { type AuthType, isAuthType, listAuthTypes, QWEN_CODE_AUTH_TYPES, type QwenCodeAuthType, type QwenCodeVersion } from '../types.js';
import { migrateV1Settings } from './migrate-v1.js';
import { isHomeFolder, MAX_SETTINGS_FILE_BYTES, userSettingsPath, workspaceSettingsPath } from './read.js';

/** The settings files the writer changes: the user's and the workspace's (never a system file). */
export type WritableSettingsScope = 'user' | 'workspace';

export interface SetSelectedAuthTypeOptions {
  /** Which settings file to change (default `user`). */
  readonly scope?: WritableSettingsScope;
  /** For the workspace scope (default `process.cwd()`). */
  readonly cwd?: string;
  readonly homeDir?: string;
  /** Read for `QWEN_HOME` (default `process.env`). */
  readonly env?: EnvRecord;
  /** Qwen's home folder (default: found as `resolveAuth` finds it: `QWEN_HOME`, also from a home-level `.env`, else `<homeDir>/.qwen`). */
  readonly qwenDir?: string;
  /** `'0.24'` also accepts the types Qwen Code 0.24 knows (`anthropic`, `openai-responses`, `gemini`, `vertex-ai`). */
  readonly qwenCode?: QwenCodeVersion;
}

export interface SetSelectedAuthTypeResult {
  /** The file written (the target of a symlink, when the settings file is one). */
  readonly path: string;
  readonly scope: WritableSettingsScope;
  /** The value before, if there was one. */
  readonly previous: string | undefined;
  /** False when the file already had this value (nothing was written). */
  readonly changed: boolean;
}

const KEY_PATH = ['security', 'auth', 'selectedType'] as const;

/**
 * Where the selected type goes so that the CLIs read it (settings-layers.md
 * §5): `security.auth.selectedType`, except in a v1 (flat) file, which both
 * CLIs migrate on load. There a nested `security.auth` object would be
 * written over the migrated keys (rule 4), dropping the flat
 * `enforcedAuthType` and `useExternalAuth`; so the flat `selectedAuthType`
 * is written, unless the file already has a `security.auth` object, which
 * then is what they read.
 */
function selectedTypePath(data: Record<string, unknown>, dialect: QwenCodeVersion): string[] {
  if (!migrateV1Settings(data, dialect).migrated) return [...KEY_PATH];
  const security = data.security;
  const nested = typeof security === 'object' && security !== null && !Array.isArray(security) && Object.hasOwn(security, 'auth');
  return nested ? [...KEY_PATH] : ['selectedAuthType'];
}

/** setSelectedAuthType(), as settings/on-first-use.ts exports it (its documentation is there). */
export async function setSelectedAuthType(type: AuthType | QwenCodeAuthType, options: SetSelectedAuthTypeOptions = {}): Promise<SetSelectedAuthTypeResult> {
  const v024 = options.qwenCode === '0.24';
  if (!(v024 ? (QWEN_CODE_AUTH_TYPES as readonly string[]).includes(type) : isAuthType(type))) {
    const known = (QWEN_CODE_AUTH_TYPES as readonly string[]).includes(type);
    // A key pasted into the type is quoted redacted.
    const shown = redactText(String(type), 80);
    throw new QwenAuthError(
      'UNSUPPORTED_AUTH_TYPE',
      `Cannot select ${JSON.stringify(shown)}: use ${v024 ? QWEN_CODE_AUTH_TYPES.map((t) => `'${t}'`).join(', ') : listAuthTypes()}.`,
      {
        details: { value: shown, origin: 'setSelectedAuthType', ...(known && { knownTo: 'Qwen Code 0.24' as const }) },
        ...(known && { remedy: `Pass qwenCode: '0.24' (qwen-auth use ${type} --qwen-code 0.24) to write a type Qwen Code 0.24 knows.` }),
      },
    );
  }
  const scope = options.scope ?? 'user';
  if (scope !== 'user' && scope !== 'workspace') {
    throw new QwenAuthError('INVALID_OPTION_TYPE', "scope must be 'user' or 'workspace'.", { details: { option: 'scope' } });
  }
  const homeDir = resolve(options.homeDir ?? homedir());
  const cwd = resolve(options.cwd ?? process.cwd());
  let path: string;
  if (scope === 'user') {
    path = userSettingsPath(locateQwenHome({ qwenDir: options.qwenDir, homeDir, env: options.env, cwd }).qwenDir);
  } else {
    if (isHomeFolder(cwd, homeDir)) {
      throw new QwenAuthError('INVALID_OPTION', 'The home folder has no workspace settings; use the user scope.', {
        details: { option: 'scope' },
      });
    }
    path = workspaceSettingsPath(cwd);
  }
  // Write through a symlinked settings file (dotfile managers) instead of replacing the link.
  const given = path;
  path = await fsp()
    .realpath(path)
    .catch(() => path);
  if (scope === 'workspace' && path !== given) {
    // A repository controls its workspace settings: a link out of it must not make `use` write elsewhere.
    const root = await fsp()
      .realpath(cwd)
      .catch(() => cwd);
    if (!path.startsWith(`${root}${sep}`)) {
      throw new QwenAuthError('SETTINGS_WRITE_FAILED', `${given} is a symbolic link to ${path}, outside the workspace ${root}; it was not changed.`, {
        details: { path: given },
        remedy: 'Replace the link with a regular settings file inside the workspace, or use the user scope (--scope user).',
      });
    }
  }

  let text: string | undefined;
  let mode = 0o600;
  try {
    // Bounded, as the reader is: a FIFO or device never hangs the write, a huge file is never read whole.
    const read = await readRegularFile(path, MAX_SETTINGS_FILE_BYTES);
    if (read.kind !== 'text') {
      const why = read.kind === 'too-large' ? `is over the ${MAX_SETTINGS_FILE_BYTES}-byte limit` : 'is not a regular file';
      throw new QwenAuthError('SETTINGS_WRITE_FAILED', `${path} ${why}; it was not changed.`, {
        details: { path },
        remedy: 'Replace it with a regular settings file (JSON with comments, at most 4 MiB), then retry.',
      });
    }
    text = read.text;
    mode = (await fsp().stat(path)).mode & 0o777;
  } catch (error) {
    if (error instanceof QwenAuthError) throw error;
    if (errnoCode(error) !== 'ENOENT') {
      throw new QwenAuthError('SETTINGS_WRITE_FAILED', `${path} could not be read (${errnoCode(error) ?? 'error'}).`, {
        details: { path },
        cause: error,
      });
    }
  }
  // A UTF-8 byte order mark is accepted, as the reader accepts it, and kept.
  const bom = text !== undefined && text.charCodeAt(0) === 0xfeff ? '\ufeff' : '';
  if (bom) text = text!.slice(1);

  const jsonc = await import('jsonc-parser');
  let next: string;
  let previous: string | undefined;
  if (text === undefined || text.trim() === '') {
    next = `${JSON.stringify({ security: { auth: { selectedType: type } } }, null, 2)}\n`;
  } else {
    const depth = jsonNestingDepth(stripJsonComments(text));
    if (depth > MAX_SETTINGS_DEPTH) {
      throw new QwenAuthError('SETTINGS_WRITE_FAILED', `${path} is nested ${depth} levels deep, more than ${MAX_SETTINGS_DEPTH}; it was not changed.`, {
        details: { path },
        remedy: `Flatten the settings file to at most ${MAX_SETTINGS_DEPTH} levels of nesting, then retry.`,
      });
    }
    const errors: ParseError[] = [];
    const tree = jsonc.parseTree(text, errors, { allowTrailingComma: false, disallowComments: false });
    if (errors.length > 0 || !tree || tree.type !== 'object') {
      const at = lineColumn(text, errors[0]?.offset ?? 0);
      throw new QwenAuthError(
        'SETTINGS_INVALID',
        `${path}:${at.line}:${at.column} is not a valid settings file (${errors[0] ? jsonc.printParseErrorCode(errors[0].error) : 'not a JSON object'}); it was not changed.`,
        { details: { path, ...at } },
      );
    }
    const keyPath = selectedTypePath(jsonc.getNodeValue(tree) as Record<string, unknown>, options.qwenCode ?? '0.12');
    const current = jsonc.findNodeAtLocation(tree, keyPath);
    previous = typeof current?.value === 'string' ? current.value : undefined;
    if (previous === type) return { path, scope, previous, changed: false };
    const indent = /^([ \t]+)\S/m.exec(text)?.[1] ?? '  ';
    try {
      const edits = jsonc.modify(text, keyPath, type, {
        formattingOptions: {
          insertSpaces: !indent.includes('\t'),
          tabSize: indent.includes('\t') ? 1 : indent.length,
          eol: text.includes('\r\n') ? '\r\n' : '\n',
        },
      });
      next = jsonc.applyEdits(text, edits);
    } catch (error) {
      throw new QwenAuthError('SETTINGS_WRITE_FAILED', `${path}: security.auth cannot hold selectedType (${(error as Error).message}); it was not changed.`, {
        details: { path },
      });
    }
  }

  try {
    await writeFileAtomic(path, `${bom}${next}`, { mode, dirMode: 0o700 });
  } catch (error) {
    throw new QwenAuthError('SETTINGS_WRITE_FAILED', `${path} could not be written (${errnoCode(error) ?? 'error'}).`, {
      details: { path },
      cause: error,
    });
  }
  // A writer killed mid-save leaves its temporary copy (which may hold keys): remove those of writers that are gone.
  await cleanTempFiles(path);
  return { path, scope, previous, changed: true };
}
