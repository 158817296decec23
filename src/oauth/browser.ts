import { parse as parsePath } from 'node:path';
import type { EnvRecord } from '../types.js';
import { parseHttpUrl } from '../internal/url.js';
import { findProgram } from '../internal/which.js';

const isSet = (env: EnvRecord, name: string): boolean => {
  const v = env[name];
  return typeof v === 'string' && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
};

/**
 * Why a browser should not be opened here, or undefined when it may be:
 * CI, `NO_BROWSER`, an SSH session, or Linux without a display.
 */
export function browserUnavailableReason(env: EnvRecord, platform: NodeJS.Platform = process.platform): string | undefined {
  if (isSet(env, 'CI')) return 'CI is set';
  if (isSet(env, 'NO_BROWSER')) return 'NO_BROWSER is set';
  if (isSet(env, 'SSH_CONNECTION') || isSet(env, 'SSH_CLIENT') || isSet(env, 'SSH_TTY')) return 'this is an SSH session';
  if (platform === 'linux' && !isSet(env, 'DISPLAY') && !isSet(env, 'WAYLAND_DISPLAY')) return 'there is no display';
  return undefined;
}

/**
 * Opens an http(s) URL in the user's browser, best effort: the command is
 * started detached, without a shell, and any failure is swallowed. Resolves
 * whether a command could be started. The opener is found on the absolute
 * entries of `env`'s PATH only and runs from the volume's root, never from
 * the working folder (a repository may ship an `xdg-open`).
 */
export function openBrowser(url: string, platform: NodeJS.Platform = process.platform, env: EnvRecord = process.env): Promise<boolean> {
  if (!parseHttpUrl(url)) return Promise.resolve(false);
  const [command, args] =
    platform === 'darwin' ? ['open', [url]] : platform === 'win32' ? ['rundll32.exe', ['url.dll,FileProtocolHandler', url]] : ['xdg-open', [url]];
  const program = findProgram(command, env, platform);
  if (program === undefined) return Promise.resolve(false);
  // child_process is loaded here, not at import: most runs never open a browser.
  return import('node:child_process').then(
    ({ spawn }) =>
      new Promise<boolean>((resolve) => {
        try {
          const child = spawn(program, args, { detached: true, stdio: 'ignore', cwd: parsePath(program).root });
          child.once('error', () => resolve(false));
          child.once('spawn', () => {
            child.unref();
            resolve(true);
          });
        } catch {
          resolve(false);
        }
      }),
    () => false,
  );
}
