// Version and commit of this build. BERTH_COMMIT is stamped by ./berth at build time
// (git is not available in every runtime); the package version is the release version.
import { readFileSync } from 'node:fs';

export function readVersion(): { version: string; commit: string } {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
  let commit = 'unknown';
  try {
    commit = readFileSync(new URL('../dist/COMMIT', import.meta.url), 'utf8').trim() || commit;
  } catch {
    // Not stamped (running from source in tests): say so rather than guess.
  }
  return { version: pkg.version, commit };
}
