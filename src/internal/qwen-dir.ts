import { isAbsolute, join, resolve } from 'node:path';

/**
 * Qwen's home folder: `QWEN_HOME` when it is set to something, else
 * `<homeDir>/.qwen`. A leading `~` means the home folder; a relative path is
 * taken from the home folder.
 */
export function qwenDirFrom(qwenHome: string | undefined, homeDir: string): string {
  const value = qwenHome?.trim();
  if (!value) return join(homeDir, '.qwen');
  if (value === '~') return homeDir;
  if (value.startsWith('~/')) return join(homeDir, value.slice(2));
  return isAbsolute(value) ? resolve(value) : resolve(homeDir, value);
}
