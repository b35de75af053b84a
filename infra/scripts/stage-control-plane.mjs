#!/usr/bin/env node
// Stages the control-plane image's build context (control-plane/Dockerfile): the compiled
// control plane and @berth/common (dist + package.json, at their paths in the repo) and their
// runtime dependency closure from the hoisted node_modules (dependency-closure.mjs).
//   node stage-control-plane.mjs <out-dir>
import { cpSync, copyFileSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, closureOf, copyPackages } from './dependency-closure.mjs';

const out = process.argv[2];
if (!out) throw new Error('usage: stage-control-plane.mjs <out-dir>');
for (const pkg of ['control-plane', 'common']) {
  if (!existsSync(join(ROOT, pkg, 'dist'))) throw new Error(`${pkg} is not built (${pkg}/dist missing); run the build first`);
}
rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'app/node_modules/@berth'), { recursive: true });
copyFileSync(join(ROOT, 'control-plane/Dockerfile'), join(out, 'Dockerfile'));
const noMaps = (src) => !src.endsWith('.map') && !src.endsWith('.tsbuildinfo');
cpSync(join(ROOT, 'control-plane/dist'), join(out, 'app/control-plane/dist'), { recursive: true, filter: noMaps });
copyFileSync(join(ROOT, 'control-plane/package.json'), join(out, 'app/control-plane/package.json'));
// The workspace package is a symlink in the repo; in the image it is a plain package that the
// control plane resolves from /app/node_modules (its `berth-compiled` export names dist/).
cpSync(join(ROOT, 'common/dist'), join(out, 'app/node_modules/@berth/common/dist'), { recursive: true, filter: noMaps });
copyFileSync(join(ROOT, 'common/package.json'), join(out, 'app/node_modules/@berth/common/package.json'));

const depsOf = (pkg) => Object.keys(JSON.parse(readFileSync(join(ROOT, pkg, 'package.json'), 'utf8')).dependencies ?? {});
const packages = new Set([
  ...closureOf(join(ROOT, 'control-plane'), depsOf('control-plane').filter((d) => d !== '@berth/common')),
  ...closureOf(join(ROOT, 'common'), depsOf('common')),
]);
copyPackages(packages, join(out, 'app'));
console.log(`staged ${packages.size} packages into ${out}`);
