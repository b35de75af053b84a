// The runtime dependency closure of some packages, copied out of the workspace's hoisted
// node_modules the way Node resolves it, for image build contexts (the tenant image, the
// control-plane image). Native packages keep only their JS and this platform's addon.
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';

export const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

function resolveDep(fromDir, name) {
  for (let dir = fromDir; dir.startsWith(ROOT); dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dir === ROOT) break;
  }
  throw new Error(`cannot resolve ${name} from ${fromDir}`);
}

// Needed only to install or build a package, never when it runs: node-addon-api is C++ headers
// for compiling an addon (better-sqlite3 13 ships its addons prebuilt; older ones listed
// prebuild-install to download one).
const INSTALL_TIME_ONLY = new Set(['prebuild-install', 'node-addon-api']);

/** Directories of every package `deps` (resolved from `fromDir`) needs at run time. */
export function closureOf(fromDir, deps) {
  const seen = new Set();
  const queue = [[fromDir, deps]];
  while (queue.length) {
    const [from, names] = queue.shift();
    for (const name of names) {
      const dir = resolveDep(from, name);
      if (seen.has(dir)) continue;
      seen.add(dir);
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      queue.push([dir, Object.keys({ ...pkg.dependencies, ...pkg.optionalDependencies }).filter((d) => !INSTALL_TIME_ONLY.has(d)).filter((d) => {
        try { resolveDep(dir, d); return true; } catch { return !(pkg.dependencies ?? {})[d]; }
      })]);
    }
  }
  return seen;
}

// Nested node_modules are resolved separately by closureOf. Native packages (binding.gyp) keep
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

/** Copies each package directory to the same path (relative to the repo) under `outRoot`. */
export function copyPackages(dirs, outRoot) {
  for (const dir of dirs) {
    const native = existsSync(join(dir, 'binding.gyp'));
    cpSync(dir, join(outRoot, relative(ROOT, dir)), { recursive: true, filter: (src) => src === dir || keep(src, dir, native) });
  }
}
