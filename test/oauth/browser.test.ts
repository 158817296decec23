import { describe, expect, it } from 'vitest';
import { browserUnavailableReason, openBrowser } from '../../src/oauth/browser.js';

describe('opening a browser is best effort', () => {
  it.each([
    [{ CI: 'true', DISPLAY: ':0' }, 'linux', 'CI is set'],
    [{ NO_BROWSER: '1', DISPLAY: ':0' }, 'linux', 'NO_BROWSER is set'],
    [{ SSH_CONNECTION: '10.0.0.1 22 10.0.0.2 22', DISPLAY: ':0' }, 'linux', 'this is an SSH session'],
    [{}, 'linux', 'there is no display'],
    [{ DISPLAY: ':0' }, 'linux', undefined],
    [{ WAYLAND_DISPLAY: 'wayland-0' }, 'linux', undefined],
    [{}, 'darwin', undefined],
    [{ CI: 'false' }, 'darwin', undefined],
    [{ CI: '0' }, 'win32', undefined],
  ] as const)('%j on %s → %s', (env, platform, reason) => {
    expect(browserUnavailableReason(env, platform)).toBe(reason);
  });

  it('opens only http(s) URLs, and reports failure instead of throwing', async () => {
    await expect(openBrowser('file:///etc/passwd')).resolves.toBe(false);
    await expect(openBrowser('javascript:alert(1)')).resolves.toBe(false);
  });
});
