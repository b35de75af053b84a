// Numbered, append-only schema migrations, applied in id order, each with its bookkeeping row in
// one write transaction. Works on any connection with better-sqlite3's exec/prepare (typed
// structurally, so only the apps' database openers import the driver).
export interface Migration {
  readonly id: number;
  readonly name: string;
  readonly sql: string;
}

export interface MigratableDb {
  exec(sql: string): unknown;
  prepare(sql: string): { get(...params: unknown[]): unknown; run(...params: unknown[]): unknown };
}

export interface MigrateOptions {
  /** Table recording applied migrations (id, name, applied_at). */
  readonly table: string;
  /** Runs fn in the app's write transaction (BEGIN IMMEDIATE). */
  readonly writeTx: <T>(fn: () => T) => T;
}

/** Applies the pending migrations; returns the ids it applied. */
export function runMigrations(db: MigratableDb, migrations: readonly Migration[], opts: MigrateOptions): number[] {
  if (!/^[a-z_][a-z0-9_]*$/.test(opts.table)) throw new Error(`migrations table name "${opts.table}" is not a plain identifier`);
  const ids = new Set<number>();
  for (const m of migrations) {
    if (ids.has(m.id)) throw new Error(`two migrations have id ${m.id}`);
    ids.add(m.id);
  }
  opts.writeTx(() => db.exec(`CREATE TABLE IF NOT EXISTS ${opts.table} (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`));
  const applied: number[] = [];
  for (const m of [...migrations].sort((a, b) => a.id - b.id)) {
    // Checked inside the write lock: another process on the same file (a second copy of the
    // tenant app during a rollout) may be migrating at the same moment.
    opts.writeTx(() => {
      if (db.prepare(`SELECT 1 FROM ${opts.table} WHERE id = ?`).get(m.id)) return;
      db.exec(m.sql);
      db.prepare(`INSERT INTO ${opts.table} (id, name, applied_at) VALUES (?, ?, ?)`).run(m.id, m.name, Date.now());
      applied.push(m.id);
    });
  }
  return applied;
}
