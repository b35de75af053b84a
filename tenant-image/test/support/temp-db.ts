// A database path in a fresh temporary directory, removed when the test ends.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function tempDbPath(t: { after: (fn: () => void) => void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-db-test-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return join(dir, 'tenant.db');
}

/** Two read-write connections on one new database, closed when the test ends. */
export function twoConnections(t: { after: (fn: () => void) => void }, open: (path: string) => { close(): unknown }) {
  const path = tempDbPath(t);
  const a = open(path);
  const b = open(path);
  t.after(() => {
    a.close();
    b.close();
  });
  return { path, a, b };
}
