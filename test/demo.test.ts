/**
 * `npm run demo` (scripts/demo.mjs on the build): no ANSI codes when piped
 * or with NO_COLOR on a terminal; the reason DEBUG applies from .qwen/.env;
 * one model call; one failure with its code and remedy.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const DEMO = fileURLToPath(new URL('../scripts/demo.mjs', import.meta.url));

function checkContent(text: string): void {
  expect(text).toMatch(/DEBUG=1 from that file was applied: DEBUG and DEBUG_MODE are dropped only from project files/);
  expect(text).toMatch(/a file inside a \.qwen folder/);
  expect(text).toMatch(/POST http:\/\/127\.0\.0\.1:\d+\/v1\/chat\/completions, model coder-model → HTTP 200: "ok"/);
  expect(text).toMatch(/NO_CREDENTIALS: No credentials found\. OPENAI_API_KEY is exported as an empty string/);
  expect(text).toMatch(/Remedy: Unset OPENAI_API_KEY/);
  expect(text).not.toContain('sk-sp-demo0000000000000000c0de');
}

describe('the demo', () => {
  it('piped: plain text, and the whole story', () => {
    const r = spawnSync(process.execPath, [DEMO], { env: { PATH: process.env.PATH }, encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout + r.stderr).not.toMatch(/\u001b\[/);
    checkContent(r.stdout);
  });

  const hasTmux = spawnSync('tmux', ['-V']).status === 0;
  it.skipIf(!hasTmux)('on a terminal with NO_COLOR (tmux): no ANSI codes either', async () => {
    const session = `qwen-auth-demo-${process.pid}`;
    const tmux = (...args: string[]) => execFileSync('tmux', args, { encoding: 'utf8' });
    const env = `PATH=${process.env.PATH} TERM=xterm-256color NO_COLOR=1`;
    tmux('new-session', '-d', '-s', session, '-x', '250', '-y', '50', `env -i ${env} ${process.execPath} ${DEMO}; echo "EXIT=$?"; sleep 30`);
    try {
      const end = Date.now() + 45_000;
      let screen = '';
      while (!screen.includes('EXIT=')) {
        if (Date.now() > end) throw new Error(`timed out:\n${screen}`);
        await new Promise((r) => setTimeout(r, 200));
        screen = tmux('capture-pane', '-p', '-e', '-J', '-S', '-400', '-t', session);
      }
      expect(screen).toContain('EXIT=0');
      expect(screen).not.toMatch(/\u001b\[/);
      checkContent(screen);
    } finally {
      spawnSync('tmux', ['kill-session', '-t', session]);
    }
  });
});
