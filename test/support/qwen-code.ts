import { createRequire } from 'node:module';

/** The real Qwen Code CLI (`@qwen-code/qwen-code@0.12.0`, a devDependency), or undefined when absent. */
export const QWEN_CODE_CLI: string | undefined = (() => {
  try {
    return createRequire(import.meta.url).resolve('@qwen-code/qwen-code/cli.js');
  } catch {
    return undefined;
  }
})();
