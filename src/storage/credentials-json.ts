import * as z from 'zod/mini';
import type { QwenCredentials } from './types.js';

/** Qwen Code's `oauth_creds.json`, checked at the boundary. Unknown fields are ignored. */
const credentialsJson = z.looseObject({
  access_token: z.string().check(z.minLength(1)),
  refresh_token: z.optional(z.nullable(z.string())),
  token_type: z.optional(z.nullable(z.string())),
  resource_url: z.optional(z.nullable(z.string())),
  expiry_date: z.optional(z.nullable(z.number())),
});

/** Parses the text of a credentials file; undefined when it is not a usable login. */
export function parseCredentialsJson(text: string): QwenCredentials | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  const r = z.safeParse(credentialsJson, data);
  if (!r.success) return undefined;
  const d = r.data;
  return {
    accessToken: d.access_token,
    tokenType: d.token_type || 'Bearer',
    ...(d.refresh_token ? { refreshToken: d.refresh_token } : {}),
    ...(d.resource_url ? { resourceUrl: d.resource_url } : {}),
    ...(typeof d.expiry_date === 'number' && Number.isFinite(d.expiry_date) ? { expiresAt: d.expiry_date } : {}),
  };
}

/** The JSON Qwen Code reads and writes, field for field. */
export function toQwenJson(c: QwenCredentials): string {
  return `${JSON.stringify(
    {
      access_token: c.accessToken,
      token_type: c.tokenType,
      refresh_token: c.refreshToken,
      resource_url: c.resourceUrl,
      expiry_date: c.expiresAt,
    },
    null,
    2,
  )}\n`;
}
