/**
 * The parts of `zod/mini` the boundary checks use (internal/schemas.ts).
 * The build bundles this file alone into `dist/zod-mini.cjs`, which
 * schemas.ts requires the first time there is outside data to check: zod
 * ships inside the package, and `import('qwen-auth')` never loads it.
 * Nothing imports this file but for its types.
 */
export { array, boolean, enum, gte, int, looseObject, lte, minLength, nullable, number, optional, positive, safeParse, string, unknown } from 'zod/mini';
