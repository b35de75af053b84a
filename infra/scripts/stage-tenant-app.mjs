#!/usr/bin/env node
// Stages the tenant image's build context: the bundled app (tenant-image/scripts/bundle.mjs)
// plus the dependency closure of the packages the bundle leaves external (native addons),
// resolved the way Node resolves it from the hoisted node_modules.
//   node stage-tenant-app.mjs <out-dir>
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, copyFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

const root = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const out = process.argv[2];
if (!out) throw new Error('usage: stage-tenant-app.mjs <out-dir>');
const pkgDir = join(root, 'tenant-image');
const bundleDir = join(pkgDir, 'bundle');
if (!existsSync(join(bundleDir, 'main.js'))) throw new Error('tenant-image is not bundled (tenant-image/bundle/main.js missing)');

rmSync(out, { recursive: true, force: true });
mkdirSync(join(out, 'app'), { recursive: true });
mkdirSync(join(out, 'data'), { recursive: true });
copyFileSync(join(pkgDir, 'Dockerfile'), join(out, 'Dockerfile'));
cpSync(bundleDir, join(out, 'app/dist'), { recursive: true, filter: (src) => !src.endsWith('.map') && !src.endsWith('externals.json') });
copyFileSync(join(pkgDir, 'package.json'), join(out, 'app/package.json'));

function resolveDep(fromDir, name) {
  for (let dir = fromDir; dir.startsWith(root); dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === root) break;
  }
  throw new Error(`cannot resolve ${name} from ${fromDir}`);
}

// Needed only to install or build a package, never when it runs: node-addon-api is C++ headers
// for compiling an addon (better-sqlite3 13 ships its addons prebuilt; older ones listed
// prebuild-install to download one).
const INSTALL_TIME_ONLY = new Set(['prebuild-install', 'node-addon-api']);

const seen = new Set();
const queue = [[pkgDir, JSON.parse(readFileSync(join(bundleDir, 'externals.json'), 'utf8'))]];
while (queue.length) {
  const [from, deps] = queue.shift();
  for (const name of deps) {
    const dir = resolveDep(from, name);
    if (seen.has(dir)) continue;
    seen.add(dir);
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    queue.push([dir, Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies }).filter((d) => !INSTALL_TIME_ONLY.has(d)).filter((d) => {
      try { resolveDep(dir, d); return true; } catch { return !(pkg.dependencies ?? {})[d]; }
    })]);
  }
}
// Nested node_modules were resolved separately above. Native packages (binding.gyp) keep
// only their JS and the addon: no C sources, no build intermediates, and of the prebuilt
// addons only this platform's (the image runs this host's Node build: glibc, same arch).
const PLATFORM = `${process.platform}-${process.arch}`;
function keep(src, dir, native) {
  if (src.endsWith('.md') || src.endsWith('.map') || src.endsWith('.d.ts')) return false;
  const inner = relative(dir, src).split(sep);
  if (inner[0] === 'node_modules') return false;
  if (!native) return true;
  if (inner[0] === 'deps' || inner[0] === 'src') return false;
  if (inner[0] === 'prebuilds') return inner.length === 1 || inner[1] === PLATFORM || inner[1] === `${PLATFORM}.node`;
  if (inner[0] === 'build') return inner.length === 1 || (inner[1] === 'Release' && (inner.length === 2 || inner[2].endsWith('.node')));
  return true;
}
for (const dir of seen) {
  const native = existsSync(join(dir, 'binding.gyp'));
  const target = join(out, 'app', relative(root, dir));
  cpSync(dir, target, { recursive: true, filter: (src) => src === dir || keep(src, dir, native) });
}
console.log(`staged ${seen.size} packages into ${out}`);
