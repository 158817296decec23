import { createRequire } from 'node:module';

type Parse = (src: string) => Record<string, string>;
let dotenvParse: Parse | undefined;

/**
 * Parses the text of a `.env` file exactly as `dotenv.parse` does (no
 * expansion, no command substitution, nothing written anywhere). dotenv is
 * loaded on the first call, never at import.
 */
export function parseEnvText(text: string): Record<string, string> {
  dotenvParse ??= (createRequire(import.meta.url)('dotenv') as { parse: Parse }).parse;
  return dotenvParse(text);
}
