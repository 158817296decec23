/**
 * Where the two system layers live (spec settings-layers §2): the system
 * settings, which beat every other file, and the system defaults, which
 * fill only what nothing else sets. Paths only; nothing is read here.
 */
import { posix, resolve, win32 } from 'node:path';
import type { EnvRecord } from '../types.js';

/** Moves the system settings file (and with it the defaults file beside it). */
export const SYSTEM_SETTINGS_VARIABLE = 'QWEN_CODE_SYSTEM_SETTINGS_PATH';
/** Moves the system defaults file alone. */
export const SYSTEM_DEFAULTS_VARIABLE = 'QWEN_CODE_SYSTEM_DEFAULTS_PATH';

/** The system settings file of a platform when no variable moves it. */
export function defaultSystemSettingsPath(platform: string): string {
  if (platform === 'darwin') return '/Library/Application Support/QwenCode/settings.json';
  if (platform === 'win32') return 'C:\\ProgramData\\qwen-code\\settings.json';
  return '/etc/qwen-code/settings.json';
}

/** The two system files in effect. */
export interface SystemSettingsPaths {
  readonly system: string;
  readonly defaults: string;
}

/**
 * The system settings file: `QWEN_CODE_SYSTEM_SETTINGS_PATH` when non-empty,
 * else the platform's. The defaults file: `QWEN_CODE_SYSTEM_DEFAULTS_PATH`
 * when non-empty, else `system-defaults.json` beside the system file. A
 * relative value is taken from `cwd` (Qwen Code takes it from its working
 * folder). `env` holds only the values the version lets set them.
 */
export function systemSettingsPaths(env: EnvRecord, platform: string, cwd: string): SystemSettingsPaths {
  const path = platform === 'win32' ? win32 : posix;
  const given = (name: string): string | undefined => {
    const v = env[name];
    return typeof v === 'string' && v !== '' ? resolve(cwd, v) : undefined;
  };
  const system = given(SYSTEM_SETTINGS_VARIABLE) ?? defaultSystemSettingsPath(platform);
  const defaults = given(SYSTEM_DEFAULTS_VARIABLE) ?? path.join(path.dirname(system), 'system-defaults.json');
  return { system, defaults };
}
