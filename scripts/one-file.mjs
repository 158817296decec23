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
// their bindings are ready when they read them. The CommonJS build gets the
// same three steps (its chunks' exports handed over the same way) and step 4.
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

/** What both one-file builds share: one bundle in memory for Node 20, compacted (names kept for stack traces). */
const BUNDLE = { bundle: true, platform: 'node', target: 'node20', write: false, minifyWhitespace: true, minifySyntax: true, logLevel: 'warning' };

/** An esbuild plugin leaving packages, and our files `outside(file)` names, as imports. */
const keepOutside = (outside) => ({
  name: 'keep-later-parts-and-packages-outside',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (args.kind === 'entry-point') return undefined;
      if (!args.path.startsWith('.')) return { path: args.path, external: true };
      return outside(resolve(args.resolveDir, args.path).slice(dist.length)) ? { path: args.path, external: true } : undefined;
    });
  },
});

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
  // index.js itself is the public face (the command imports it): only the chunks behind it are rewritten.
  const imports = staticImports(text).filter((i) => eager.has(i.file) && i.file !== 'index.js');
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
  ...BUNDLE,
  stdin: { contents: lines.join('\n'), resolveDir: dist, sourcefile: 'one-file-entry.js', loader: 'js' },
  format: 'esm',
  treeShaking: true,
  logOverride: { 'ignored-bare-import': 'silent' },
  plugins: [keepOutside((file) => later.has(file))],
});
writeFileSync(join(dist, 'index.js'), result.outputFiles[0].text);
for (const f of shared) rmSync(join(dist, f));
// The later parts, compacted like index.js (the public entries testing.js and cli.js are left as they are).
for (const f of others.filter((x) => x !== 'testing.js' && x !== 'cli.js')) {
  const compact = await transform(rewrites.get(f) ?? read(f), {
    format: 'esm',
    platform: 'node',
    target: 'node20',
    minifyWhitespace: true,
    minifySyntax: true,
    sourcefile: f,
  });
  writeFileSync(join(dist, f), compact.code);
}
// The same for the CommonJS build: index.cjs with every chunk it requires, one file; the files
// required later (the OAuth parts, the writers, …) take those chunks' exports from a symbol-keyed,
// non-enumerable property of its `resolveAuth`. (Each chunk is a CommonJS module of its own inside
// the bundle, evaluated once, so a later part sees the very objects index.cjs uses.)
const CJS_KEY = 'qwen-auth.cjs-chunks';
const CHUNK_REQUIRE = /require\(["']\.\/(chunk-[A-Z0-9]+\.cjs)["']\)/g;
const cjsEager = new Set();
const visitCjs = (f) => {
  for (const m of read(f).matchAll(CHUNK_REQUIRE)) {
    if (cjsEager.has(m[1])) continue;
    cjsEager.add(m[1]);
    visitCjs(m[1]);
  }
};
visitCjs('index.cjs');
const cjsEntry = read('index.cjs');
// The export names, for Node's CommonJS export detection (import of the .cjs from an ES module).
const names = [...new Set([...cjsEntry.matchAll(/(?:exports\.([\w$]+)\s*=|Object\.defineProperty\(exports,\s*"([\w$]+)")/g)].map((m) => m[1] ?? m[2]))].filter(
  (n) => n !== '__esModule',
);
const cjsLines = [
  'const lib = require("./index.cjs");',
  `const chunks = { ${[...cjsEager].map((c) => `${JSON.stringify(c)}: require("./${c}")`).join(', ')} };`,
  `Object.defineProperty(lib.resolveAuth, Symbol.for(${JSON.stringify(CJS_KEY)}), { value: Object.freeze(chunks) });`,
  'module.exports = lib;',
];
const cjsResult = await build({
  ...BUNDLE,
  stdin: { contents: cjsLines.join('\n'), resolveDir: dist, sourcefile: 'one-file-entry.cjs', loader: 'js' },
  format: 'cjs',
  plugins: [keepOutside((file) => file !== 'index.cjs' && !cjsEager.has(file))],
});
const cjsLater = readdirSync(dist).filter((x) => x.endsWith('.cjs') && x !== 'index.cjs' && x !== 'testing.cjs' && x !== 'zod-mini.cjs' && !cjsEager.has(x));
for (const f of ['testing.cjs'])
  if (read(f).match(CHUNK_REQUIRE)) throw new Error(`one-file: ${f} requires a chunk: an entry must not share chunks with index.cjs`);
// The names once more, as Node's CommonJS export detection reads them (after the bundle: its compaction would drop them).
writeFileSync(join(dist, 'index.cjs'), `${cjsResult.outputFiles[0].text}0 && (module.exports = { ${names.join(', ')} });\n`);
for (const f of cjsLater) {
  const text = read(f).replace(CHUNK_REQUIRE, (whole, chunk) =>
    cjsEager.has(chunk) ? `require("./index.cjs").resolveAuth[Symbol.for(${JSON.stringify(CJS_KEY)})][${JSON.stringify(chunk)}]` : whole,
  );
  // Whitespace only: index.cjs takes them with import(), so Node's export detection must still read
  // `Object.defineProperty(exports, "x", { enumerable: true, get … })`, which `!0` for `true` would hide.
  const compact = await transform(text, { format: 'cjs', platform: 'node', target: 'node20', minifyWhitespace: true, sourcefile: f });
  writeFileSync(join(dist, f), compact.code);
}
for (const f of cjsEager) rmSync(join(dist, f));

// Nothing may still point at a removed chunk.
for (const f of readdirSync(dist).filter((x) => x.endsWith('.js') || x.endsWith('.cjs'))) {
  const text = read(f);
  for (const gone of [...shared, ...cjsEager]) if (text.includes(`./${gone}`)) throw new Error(`one-file: ${f} still refers to ${gone}`);
}
console.log(
  `one-file: index.js now holds ${shared.length + 1} files, index.cjs ${cjsEager.size + 1}; ${rewrites.size} + ${cjsLater.length} later parts read from them`,
);
