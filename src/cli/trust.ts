/**
 * `qwen-auth trust [dir]`: records a folder as trusted in Qwen Code's
 * trusted-folders file (TRUST_FOLDER), so its `.env` and `.qwen/settings.json`
 * may choose where a key goes — for qwen-auth and for Qwen Code alike.
 */
import { trustFolder } from 'qwen-auth';
import type { Context } from './context.js';
import { type Output, tildify } from './output.js';

export async function trust(ctx: Context, dir: string | undefined, out: Output, json: boolean): Promise<number> {
  const r = await trustFolder(dir ?? ctx.cwd, {
    cwd: ctx.cwd,
    homeDir: ctx.homeDir,
    env: ctx.env,
    ...(ctx.qwenCode && { qwenCode: ctx.qwenCode }),
  });
  if (json) out.json({ ok: true, ...r });
  else if (!r.changed) out.line(`${tildify(r.folder, ctx.homeDir)} is already trusted in ${tildify(r.path, ctx.homeDir)}.`);
  else {
    const was = r.previous ? `, was ${r.previous}` : '';
    out.line(`Trusted ${out.green(tildify(r.folder, ctx.homeDir))} in ${tildify(r.path, ctx.homeDir)} (TRUST_FOLDER${was}).`);
    out.line(out.dim('Its .env and .qwen/settings.json may now choose where your keys go, for qwen-auth and Qwen Code.'));
  }
  return 0;
}
