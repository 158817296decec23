// After tsup: what every `import('qwen-auth')` loads becomes one file.
//
// tsup (esbuild with code splitting) leaves dist/index.js importing the
// chunks it shares with the parts loaded on first use (the Qwen OAuth branch,
// the OAuth protocol, the check, the git check, the 0.24 resolver). Each
// module costs the ESM loader a resolve, a read and a link: on a cold start
// that costs more than the code itself. This step
//   1. bundles index.js and every chunk it imports statically into index.js;
//   2. hands the parts loaded later what they took from those chunks through
//      one non-enumerable, symbol-keyed property of the entry's
//      `resolveAuth` (not a name of the module's namespace, not in the types);
//   3. deletes the chunks nothing loads any more;
//   4. compacts index.js and the later parts (whitespace and syntax, names
//      kept for stack traces, as the command's bundle): V8 scans every byte
//      of a module before it runs, so a start pays for comments and indents.
// The parts loaded later are only ever imported after index.js has run, so
// their bindings are ready when they read them. Steps 1–3 are ESM only; the
// CommonJS build keeps its chunks (step 4 compacts them too).
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, transform } from 'esbuild';

const dist = fileURLToPath(new URL('../dist/', import.meta.url));
const KEY = 'qwen-auth.internals';
const ANCHOR = 'resolveAuth';

/** Static import / re-export statements of relative files, as esbuild writes them (one line each). */
const STATIC = /^(import|export)\s*(\{[^}]*\}|\*\s+as\s+[\w$]+)?\s*(?:from\s*)?["'](\.\/[^"']+)["'];?[ \t]*$/gm;
const staticImports = (text) => [...text.matchAll(STATIC)].map((m) => ({ statement: m[0], kind: m[1], clause: m[2], file: m[3].slice(2) }));

const jsFiles = readdirSync(dist).filter((f) => f.endsWith('.js'));
const read = (f) => readFileSync(join(dist, f), 'utf8');

// What index.js loads at import.
const eager = new Set();
const visit = (f) => {
  if (eager.has(f)) return;
  eager.add(f);
  for (const i of staticImports(read(f))) visit(i.file);
};
visit('index.js');
const shared = [...eager].filter((f) => f !== 'index.js');
if (shared.length === 0) process.exit(0);

// What the other files take from those chunks.
const others = jsFiles.filter((f) => !eager.has(f));
const wanted = new Map(); // `${file}\0${name}` -> alias
const aliasOf = (file, name) => {
  const key = `${file}\0${name}`;
  if (!wanted.has(key)) wanted.set(key, `q${wanted.size}`);
  return wanted.get(key);
};
const specifiers = (clause) =>
  clause
    .slice(1, -1)
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const [name, local] = s.split(/\s+as\s+/);
      return { name: name.trim(), local: (local ?? name).trim() };
    });
const rewrites = new Map();
for (const f of others) {
  let text = read(f);
  const imports = staticImports(text).filter((i) => eager.has(i.file));
  if (imports.length === 0) continue;
  if (f === 'testing.js' || f === 'cli.js') throw new Error(`one-file: ${f} imports ${imports[0].file}: an entry must not share chunks with index.js`);
  let first = true;
  for (const i of imports) {
    let replacement = '';
    if (first)
      replacement += `import { ${ANCHOR} as __qwenAuthAnchor } from "./index.js";\nconst __qwenAuthInternals = __qwenAuthAnchor[Symbol.for(${JSON.stringify(KEY)})];\n`;
    first = false;
    if (i.clause?.startsWith('*')) throw new Error(`one-file: ${f} imports a namespace of ${i.file}`);
    if (i.clause) {
      const list = specifiers(i.clause);
      const pairs = list.map(({ name, local }) => `${aliasOf(i.file, name)}: ${local}`).join(', ');
      replacement += `const { ${pairs} } = __qwenAuthInternals;`;
      if (i.kind === 'export') replacement += `\nexport { ${list.map(({ local }) => local).join(', ')} };`;
    }
    text = text.replace(i.statement, replacement);
  }
  rewrites.set(f, text);
}

// One index.js: the public face, and the internals the later parts need.
const lines = ['export * from "./index.js";', `import { ${ANCHOR} as __anchor } from "./index.js";`];
const entries = [];
for (const [key, alias] of wanted) {
  const [file, name] = key.split('\0');
  lines.push(`import { ${name} as ${alias} } from "./${file}";`);
  entries.push(alias);
}
lines.push(`Object.defineProperty(__anchor, Symbol.for(${JSON.stringify(KEY)}), { value: Object.freeze({ ${entries.join(', ')} }) });`);
const later = new Set(others);
const result = await build({
  stdin: { contents: lines.join('\n'), resolveDir: dist, sourcefile: 'one-file-entry.js', loader: 'js' },
  bundle: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  write: false,
  treeShaking: true,
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
  logOverride: { 'ignored-bare-import': 'silent' },
  plugins: [
    {
      name: 'keep-later-parts-and-packages-outside',
      setup(b) {
        b.onResolve({ filter: /.*/ }, (args) => {
          if (args.kind === 'entry-point') return undefined;
          if (!args.path.startsWith('.')) return { path: args.path, external: true };
          const file = resolve(args.resolveDir, args.path).slice(dist.length);
          if (later.has(file)) return { path: args.path, external: true };
          return undefined;
        });
      },
    },
  ],
});
writeFileSync(join(dist, 'index.js'), result.outputFiles[0].text);
for (const f of shared) rmSync(join(dist, f));
// The later parts, compacted like index.js (the public entries testing.js and cli.js are left as they are).
for (const f of others.filter((x) => x !== 'testing.js' && x !== 'cli.js')) {
  const compact = await transform(rewrites.get(f) ?? read(f), { format: 'esm', platform: 'node', target: 'node20', minifyWhitespace: true, minifySyntax: true, sourcefile: f });
  writeFileSync(join(dist, f), compact.code);
}
// The CommonJS build keeps its chunks (bundling them into index.cjs as well measured no better), compacted the same way.
for (const f of readdirSync(dist).filter((x) => x.endsWith('.cjs') && x !== 'testing.cjs' && x !== 'zod-mini.cjs')) {
  const compact = await transform(read(f), { format: 'cjs', platform: 'node', target: 'node20', minifyWhitespace: true, minifySyntax: true, sourcefile: f });
  writeFileSync(join(dist, f), compact.code);
}

// Nothing may still point at a removed chunk.
for (const f of readdirSync(dist).filter((x) => x.endsWith('.js'))) {
  const text = read(f);
  for (const gone of shared) if (text.includes(`./${gone}`)) throw new Error(`one-file: ${f} still refers to ${gone}`);
}
console.log(`one-file: index.js now holds ${shared.length + 1} files; ${rewrites.size} later parts read ${wanted.size} bindings from it`);
