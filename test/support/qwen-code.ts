import { createRequire } from 'node:module';

const resolveFrom = (specifier: string): string | undefined => {
  try {
    return createRequire(import.meta.url).resolve(specifier);
  } catch {
    return undefined;
  }
};

/** The real Qwen Code CLI (`@qwen-code/qwen-code@0.12.0`, a devDependency), or undefined when absent. */
export const QWEN_CODE_CLI: string | undefined = resolveFrom('@qwen-code/qwen-code/cli.js');

/** The real Qwen Code 0.24.4 CLI (installed by `node scripts/install-qwen-code-024.mjs` at `node_modules/qwen-code-024`), or undefined when absent. */
export const QWEN_CODE_024_CLI: string | undefined = resolveFrom('qwen-code-024/cli.js');
