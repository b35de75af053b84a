// Two versions on one database during a roll: the new version migrates before it serves, and
// the previous version keeps running on the migrated file. What is checked here, honestly: the
// lease migrations are additive (every table and column the previous list made is still
// there, nothing is renamed or dropped, and no earlier migration changed), and the statements
// the previous version runs against the tables it knows — the same statements this version
// still runs, since the lease change altered none of them — work on the migrated file beside a
// process that holds the lease. (The previous version has no lease: running it beside this one
// means two schedulers, so a roll from it stops it before starting a lease holder; see
// ARCHITECTURE.md, "Processes and the lease".)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../../../src/db/open-database.js';
import { MIGRATIONS } from '../../../src/db/migrations.js';
import { LEASE_MIGRATIONS } from '../../../src/lease/lease-migrations.js';
import { tryAcquire } from '../../../src/lease/lease-store.js';
import { installFence } from '../../../src/lease/fence.js';
import { insertUser } from '../../../src/auth/users.js';
import { readTenants } from '../../../src/tenants/tenant-store.js';
import { writeAudit } from '../../../src/audit/audit-log.js';

const leaseIds = new Set(LEASE_MIGRATIONS.map((m) => m.id));
const PREVIOUS = MIGRATIONS.filter((m) => !leaseIds.has(m.id));

function schemaOf(db: Db): Map<string, string[]> {
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").pluck().all() as string[];
  return new Map(tables.map((t) => [t, (db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(t) as string[])]));
}

test('the lease migrations only add: a database the previous list made keeps every table and column', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-additive-'));
  try {
    const path = join(dir, 'berth.db');
    const old = openDatabase(path, PREVIOUS);
    const before = schemaOf(old);
    const owner = insertUser(old, 'old@example.com', 'not-a-login', Date.now());
    old.close();

    const migrated = openDatabase(path);
    const after = schemaOf(migrated);
    for (const [table, columns] of before) assert.deepEqual(after.get(table)?.slice(0, columns.length), columns, `${table} unchanged`);
    assert.deepEqual([...after.keys()].filter((t) => !before.has(t)).sort(), ['leases', 'processes', 'wakeups']);
    for (const m of LEASE_MIGRATIONS) assert.doesNotMatch(m.sql, /\b(DROP|RENAME|ALTER\s+TABLE\s+\S+\s+(?!ADD))/i, `migration ${m.id} only adds`);
    assert.ok([...leaseIds].every((id) => id >= 1200 && id < 1300), 'lease/ migrations keep to their own id range');

    // A new process holds the lease on its fenced connection...
    const holder = openDatabase(path);
    installFence(holder);
    assert.equal(tryAcquire(holder, 'new', Date.now(), 10_000).acquired, true);
    // ...while a process running the previous version's statements on its own connection
    // reads and writes the tables it knows.
    // The columns every version since migration 1 writes (later columns have defaults).
    const id = Number(migrated.prepare("INSERT INTO tenants (slug, owner_id, image, desired_state, created_at) VALUES ('olderapp', ?, 'berth/tenant:old', 'running', ?)").run(owner.id, Date.now()).lastInsertRowid);
    migrated.prepare("INSERT INTO tenant_status (tenant_id, state, updated_at) VALUES (?, 'running', ?)").run(id, Date.now());
    writeAudit(migrated, Date.now(), 'old', 'tenant.note', 'olderapp');
    assert.deepEqual(readTenants(migrated).map((x) => x.slug), ['olderapp']);
    holder.close();
    migrated.close();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
