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
import { rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const pkgDir = fileURLToPath(new URL('..', import.meta.url));
const outdir = `${pkgDir}bundle`;

/** Native addons cannot be bundled; the image stages them (and what they require) as packages. */
const EXTERNAL_PACKAGES = ['better-sqlite3'];

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
});
writeFileSync(`${outdir}/externals.json`, JSON.stringify(EXTERNAL_PACKAGES) + '\n');
const files = Object.entries(result.metafile.outputs);
const total = files.reduce((n, [, o]) => n + o.bytes, 0);
console.log(`bundled ${files.length} files, ${(total / 1024).toFixed(0)} KiB, into ${outdir}`);
