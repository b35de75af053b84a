#!/usr/bin/env node
// Stages the tenant image's build context: the bundled app (tenant-image/scripts/bundle.mjs)
// plus the dependency closure of the packages the bundle leaves external (native addons),
// resolved the way Node resolves it from the hoisted node_modules (dependency-closure.mjs).
//   node stage-tenant-app.mjs <out-dir>
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, copyFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, closureOf, copyPackages } from './dependency-closure.mjs';

const out = process.argv[2];
if (!out) throw new Error('usage: stage-tenant-app.mjs <out-dir>');
const pkgDir = join(ROOT, 'tenant-image');
const bundleDir = join(pkgDir, 'bundle');
if (!existsSync(join(bundleDir, 'main.js'))) throw new Error('tenant-image is not bundled (tenant-image/bundle/main.js missing)');

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'app'), { recursive: true });
mkdirSync(join(out, 'data'), { recursive: true });
copyFileSync(join(pkgDir, 'Dockerfile'), join(out, 'Dockerfile'));
cpSync(bundleDir, join(out, 'app/dist'), { recursive: true, filter: (src) => !src.endsWith('.map') && !src.endsWith('externals.json') });
copyFileSync(join(pkgDir, 'package.json'), join(out, 'app/package.json'));

const packages = closureOf(pkgDir, JSON.parse(readFileSync(join(bundleDir, 'externals.json'), 'utf8')));
copyPackages(packages, join(out, 'app'));
console.log(`staged ${packages.size} packages into ${out}`);
