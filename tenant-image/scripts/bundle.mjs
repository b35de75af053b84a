#!/usr/bin/env node
// Bundles the tenant app for the image: one ES module per process/thread entry, shared code in
// chunks, every dependency inlined except native addons. Why: a new tenant's start-up is on the
// provisioning path (sign-up → first 200), and Node spent most of it resolving, reading and
// compiling ~300 separate module files; the bundle is a handful of files, and the image needs no
// node_modules beyond the native addon. tsc still type-checks and emits dist/ for tests.
//   node scripts/bundle.mjs            → tenant-image/bundle/
//
// The entries must keep their names and sit side by side, because the code finds them at run
// time relative to its own module: run-import-in-worker.ts → ./import-worker.js, sql-runner.ts
// → ./sql-child.js, config.ts → ../package.json.
import { build } from 'esbuild';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${pkgDir}bundle`;

/** Native addons cannot be bundled; the image stages them (and what they require) as packages. */
const EXTERNAL_PACKAGES = ['better-sqlite3'];

/**
 * V8 keeps every script's source text for lazy compilation, and stores a whole script as two
 * bytes per character if a single character is outside Latin-1: the "·", "←", "✕" in the page
 * templates doubled main.js in the heap of every idle tenant (~1 MiB each). esbuild escapes
 * non-ASCII itself except in template literals (it must keep their raw text), so our sources
 * are escaped on load: in a template, `\u00b7` cooks to the same string, and our html tag
 * reads only cooked strings (no String.raw in src/). The shared @berth/common sources are
 * escaped the same way. The bundle check below keeps it so.
 */
const asciiSources = {
  name: 'ascii-sources',
  setup(b) {
    b.onLoad({ filter: /[\\/](tenant-image|common)[\\/]src[\\/].*\.ts$/ }, (args) => {
      const text = readFileSync(args.path, 'utf8');
      const contents = text.replace(/[^\x00-\x7f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
      return { contents, loader: 'ts' };
    });
  },
};

rmSync(outdir, { recursive: true, force: true });
const result = await build({
  absWorkingDir: pkgDir,
  entryPoints: {
    main: 'src/main.ts',
    'import-worker': 'src/csv-import/import-worker.ts',
    'sql-child': 'src/query/sql-child.ts',
  },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  external: EXTERNAL_PACKAGES,
  chunkNames: 'chunk-[hash]',
  // CommonJS dependencies (Fastify and friends) call require() for Node built-ins; an ES module
  // has no require, so each output file gets one.
  banner: { js: "import { createRequire as __berthCreateRequire } from 'node:module'; const require = __berthCreateRequire(import.meta.url);" },
  legalComments: 'none',
  minifyWhitespace: true,
  minifySyntax: true,
  metafile: true,
  logLevel: 'warning',
  plugins: [asciiSources],
});
for (const file of Object.keys(result.metafile.outputs)) {
  const at = readFileSync(file, 'utf8').search(/[^\x00-\xff]/);
  if (at !== -1) throw new Error(`${file} has a non-Latin-1 character at offset ${at}: V8 would hold it at two bytes per character`);
}
writeFileSync(`${outdir}/externals.json`, JSON.stringify(EXTERNAL_PACKAGES) + '\n');
const files = Object.entries(result.metafile.outputs);
const total = files.reduce((n, [, o]) => n + o.bytes, 0);
console.log(`bundled ${files.length} files, ${(total / 1024).toFixed(0)} KiB, into ${outdir}`);
