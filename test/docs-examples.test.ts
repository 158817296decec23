/**
 * The docs' code cannot drift from the code: every ```ts block of README.md
 * and docs/*.md is type-checked against the sources (strict, as the project
 * is), and **run**: each block as its own program against the built package
 * and the real SDKs, in a fresh project folder whose `.env` points at a
 * loopback model server, with every connection off this machine refused.
 * A line `expr; // true` (or `false`, or a number), or `console.log(expr);
 * // 1`, is checked: the docs say what the code answers. The claims that went
 * wrong before are checked as rules.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeModelServer } from '../src/testing/index.js';
import { makeTree } from './support/tree.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const pages = [
  'README.md',
  ...readdirSync(join(ROOT, 'docs'))
    .filter((f) => f.endsWith('.md'))
    .map((f) => `docs/${f}`),
];
const blocks = pages.flatMap((page) => {
  const text = readFileSync(join(ROOT, page), 'utf8');
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => ({
    page,
    line: text.slice(0, m.index).split('\n').length + 1,
    code: m[1]!,
  }));
});

describe('TypeScript blocks in the docs', () => {
  const dir = join(ROOT, '.tmp', `docs-examples-${process.pid}`);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('are many, on several pages', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(12);
    expect(new Set(blocks.map((b) => b.page)).size).toBeGreaterThanOrEqual(6);
  });

  it('type-check against the sources (tsc, the project’s strict options)', () => {
    mkdirSync(dir, { recursive: true });
    const names = blocks.map((b, i) => {
      const name = `${b.page.replace(/[/.]/g, '_')}_${b.line}_${i}.ts`;
      writeFileSync(join(dir, name), `${b.code}\nexport {};\n`);
      return name;
    });
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: '../../tsconfig.json', compilerOptions: { noEmit: true }, include: names }));
    let output = '';
    try {
      execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', join(dir, 'tsconfig.json')], { encoding: 'utf8' });
    } catch (error) {
      output = String((error as { stdout?: string }).stdout ?? error);
    }
    // Name the page and line of each failing block.
    const where = (name: string) => {
      const b = blocks[names.indexOf(name)]!;
      return `${b.page}:${b.line}`;
    };
    const errors = output
      .split('\n')
      .filter((l) => l.includes('error TS'))
      .map((l) => l.replace(/^.*?([^/]+\.ts)\((\d+),\d+\)/, (_, n: string, line: string) => `${names.includes(n) ? where(n) : n} (+${line})`));
    expect(errors).toEqual([]);
  }, 120_000);
});

/**
 * Blocks that cannot run alone, each with why (a fragment, a login a person
 * approves, a program that reads its own stdin…). Keyed by page and a line
 * the block holds.
 */
const NOT_RUNNABLE: ReadonlyArray<{ page: string; holds: string; why: string }> = [
  {
    page: 'docs/oauth.md',
    holds: 'const client = createQwenOAuthClient(); // Qwen',
    why: 'a real device login at chat.qwen.ai, which a person approves (docs/testing.md runs the same flow against the fake server)',
  },
];

const DIST = join(ROOT, 'dist');
const KEY = 'sk-docs-example-0123456789abcdef';

/** `expr; // true` and `console.log(expr); // 1` become checks; the rest is left as written. */
function withChecks(code: string, where: string): string {
  const check = /^(\s*)(?:console\.log\((.+)\)|([^=;]+?));\s*\/\/\s*(true|false|-?\d+)(?=$|[\s,.;:)—])/;
  return code
    .split('\n')
    .map((line, i) => {
      const m = check.exec(line);
      if (!m || /^\s*(const|let|var|import|export|return)\b/.test(line)) return line;
      const expr = (m[2] ?? m[3])!.trim();
      return `${m[1]}__docsCheck(${expr}, ${m[4]}, ${JSON.stringify(`${where} (+${i + 1})`)});`;
    })
    .join('\n');
}

const CHECK_FN = `function __docsCheck(actual, expected, where) {
  if (actual !== expected) { console.error('docs claim failed at ' + where + ': expected ' + expected + ', got ' + JSON.stringify(actual)); process.exitCode = 3; }
}\n`;

function runnable(b: { page: string; code: string }): boolean {
  return !NOT_RUNNABLE.some((n) => n.page === b.page && b.code.includes(n.holds));
}

describe('TypeScript blocks in the docs, run', () => {
  const cache = join(ROOT, 'node_modules', '.cache');
  mkdirSync(cache, { recursive: true });
  const scratch = mkdtempSync(join(cache, 'qwen-auth-docs-run-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it.each(blocks.filter(runnable).map((b) => ({ ...b, where: `${b.page}:${b.line}` })))(
    '$where runs on loopback and says what it answers',
    async (b) => {
      const server = await startFakeModelServer({ apiKeys: { [KEY]: {} } });
      const tree = makeTree({
        'home/.keep': '',
        'project/.env': `OPENAI_API_KEY=${KEY}\nOPENAI_BASE_URL=${server.baseUrl}\nOPENAI_MODEL=qwen3-coder-plus\n`,
      });
      try {
        const js = ts
          .transpileModule(withChecks(b.code, b.where), { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } })
          .outputText.replaceAll("'qwen-auth/testing'", JSON.stringify(join(DIST, 'testing.js')))
          .replaceAll("'qwen-auth'", JSON.stringify(join(DIST, 'index.js')));
        const file = join(scratch, `${b.page.replace(/[/.]/g, '_')}_${b.line}.mjs`);
        writeFileSync(file, `${CHECK_FN}${js}\nexport {};\n`);
        const child = spawn(process.execPath, ['--import', join(ROOT, 'test', 'support', 'loopback-only.mjs'), file], {
          cwd: tree.path('project'),
          env: { PATH: process.env.PATH, HOME: tree.path('home') },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        child.stderr.on('data', (d: Buffer) => (out += d.toString()));
        const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
        const code = await new Promise<number | null>((r) => child.on('close', (c) => r(c)));
        clearTimeout(timer);
        expect(code, `${b.where}\n${out}`).toBe(0);
      } finally {
        await server.close();
        tree.remove();
      }
    },
    30_000,
  );
});

describe('claims that drifted before', () => {
  const all = pages.map((page) => ({ page, text: readFileSync(join(ROOT, page), 'utf8') }));

  it('no example passes a literal folder (such as the shared /tmp) as cwd or homeDir', () => {
    const bad = blocks.filter((b) => /\b(cwd|homeDir)\s*:\s*['"`]\//.test(b.code)).map((b) => `${b.page}:${b.line}`);
    expect(bad).toEqual([]);
  });

  it('an example that starts a device flow turns the browser off', () => {
    const bad = blocks
      .filter((b) => /startFakeQwenServer/.test(b.code) && /interactive:\s*true|authorizeDevice\(/.test(b.code) && !/openBrowser:\s*false/.test(b.code))
      .map((b) => `${b.page}:${b.line}`);
    expect(bad).toEqual([]);
  });

  it('before the first release, nothing tells to install qwen-auth from the registry; the tarball named is this version’s', () => {
    // Flip when 0.1.0 (or later) is on npm.
    const published = false;
    const { name, version } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
    if (!published) {
      const bad = all.filter((p) => /npm (install|i) qwen-auth\b(?!-)/.test(p.text)).map((p) => p.page);
      expect(bad).toEqual([]);
      for (const p of all.filter((x) => x.text.includes('npm pack'))) expect(p.text, p.page).toContain(`${name}-${version}.tgz`);
    }
  });

  it('performance is stated in measured figures, not adjectives', () => {
    const bad = all.filter((p) => /a few (milli|micro)seconds|instant(ly)?\b|blazing|lightning/i.test(p.text)).map((p) => p.page);
    expect(bad).toEqual([]);
    // Figures come from the bench's generated block (npm run bench, then npm run bench:docs), never typed by hand.
    expect(all.find((p) => p.page === 'README.md')!.text).toMatch(
      /<!-- bench:start -->[\s\S]*medians and ratios measured side by side[\s\S]*<!-- bench:end -->/,
    );
  });

  it('the README does not say DEBUG is dropped from every project file', () => {
    const readme = all.find((p) => p.page === 'README.md')!.text;
    expect(readme).toMatch(/`DEBUG_MODE` are dropped from project `\.env` files, but not from `<project>\/\.qwen\/\.env`/);
  });

  it('docs/cli.md documents exit code 2 for usage errors and every command', () => {
    const cli = all.find((p) => p.page === 'docs/cli.md')!.text;
    expect(cli).toMatch(/\| 2 \| usage error/);
    for (const c of ['status', 'env', 'providers', 'use', 'login', 'logout', 'token', 'exec', 'serve', 'help']) expect(cli).toContain(`| \`${c}`);
  });
});
