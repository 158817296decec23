/**
 * The API report (etc/qwen-auth.api.md) matches the built public face: a
 * change to what the package exports is deliberate, made with
 * `npm run api:update` and reviewed in the diff.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
// @ts-expect-error: a plain .mjs script without types
import { apiReport, REPORT_PATH } from '../../scripts/api-report.mjs';

describe('the API report', () => {
  it('etc/qwen-auth.api.md is the built face (after a deliberate change: npm run api:update)', () => {
    const report = (apiReport as () => string)();
    expect(report).toContain('export declare function resolveAuth(');
    expect(report).toContain('export declare function startFakeQwenServer(');
    expect(report).not.toMatch(/import\(["']\.\//); // no chunk file names
    expect(readFileSync(REPORT_PATH as string, 'utf8'), 'the public face changed: run `npm run api:update` and commit etc/qwen-auth.api.md').toBe(report);
  });
});
