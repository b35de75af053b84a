// A database path in a fresh temporary directory, removed when the test ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempDbPath(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-db-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'tenant.db');
}

/**
 * Two connections on one new database (`openB` defaults to `openA`), closed when the test ends
 * (B first).
 */
export function twoConnections<A extends { close(): unknown }, B extends { close(): unknown } = A>(
  t: { after: (fn: () => void) => void },
  openA: (path: string) => A,
  openB: (path: string) => B = openA as unknown as (path: string) => B,
): { path: string; a: A; b: B } {
  const path = tempDbPath(t);
  const a = openA(path);
  const b = openB(path);
  t.after(() => {
    b.close();
    a.close();
  });
  return { path, a, b };
}
