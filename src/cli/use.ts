import { AUTH_TYPES, isAuthType, QWEN_CODE_AUTH_TYPES, type QwenCodeAuthType, redactText, setSelectedAuthType } from 'qwen-auth';
import { type Context, UsageError } from './context.js';
import { EXIT } from './exit.js';
import { clean, type Output, tildify } from './output.js';

/** `qwen-auth use <type>`: the `/auth` switch, persisted. */
export async function use(ctx: Context, type: string, scope: string, out: Output, json: boolean): Promise<number> {
  const v024 = ctx.qwenCode === '0.24';
  if (!(v024 ? (QWEN_CODE_AUTH_TYPES as readonly string[]).includes(type) : isAuthType(type))) {
    const types = v024 ? QWEN_CODE_AUTH_TYPES : AUTH_TYPES;
    throw new UsageError(
      `use takes ${types.map((t) => `'${t}'`).join(v024 ? ', ' : ' or ')}, not '${redactText(type, 80)}'${v024 ? '' : ' (the types Qwen Code 0.24 knows need --qwen-code 0.24)'}.`,
    );
  }
  if (scope !== 'user' && scope !== 'workspace') throw new UsageError(`--scope must be 'user' or 'workspace', not '${redactText(scope, 80)}'.`);
  const r = await setSelectedAuthType(type as QwenCodeAuthType, {
    scope,
    cwd: ctx.cwd,
    homeDir: ctx.homeDir,
    env: ctx.env,
    ...(ctx.qwenCode && { qwenCode: ctx.qwenCode }),
  });
  if (json) out.json(r);
  else if (r.changed) out.line(`Selected ${out.green(type)} in ${tildify(r.path, ctx.homeDir)}${r.previous ? `, was ${clean(r.previous)}` : ''}.`);
  else out.line(`${type} was already selected in ${tildify(r.path, ctx.homeDir)}.`);
  return EXIT.ok;
}
