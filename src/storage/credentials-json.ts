import { schemas } from '../internal/schemas.js';
import type { QwenCredentials } from './types.js';

interface CredentialsJson {
  readonly access_token: string;
  readonly refresh_token?: string | null;
  readonly token_type?: string | null;
  readonly resource_url?: string | null;
  readonly expiry_date?: number | null;
}

/**
 * Parses the text of a credentials file (or keychain entry), checked at the
 * boundary by its zod schema (internal/schemas.ts); undefined when it is not
 * a usable login. Unknown fields are ignored.
 */
export function parseCredentialsJson(text: string): QwenCredentials | undefined {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (schemas().credentialsJson(data)) return undefined;
  const d = data as CredentialsJson;
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
