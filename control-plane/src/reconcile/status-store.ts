// Writes tenant_status rows for pages and the API, only when something changed (a pass at
// 200 tenants would otherwise write 200 rows every few seconds for nothing).
import { writeTx, type Db } from '../db/open-database.js';
import type { TenantStatus } from './status.js';

export interface StatusStore {
  write(statuses: ReadonlyMap<number, TenantStatus>, now: number): void;
  writeMemory(tenantId: number, bytes: number | null, now: number): void;
}

export function createStatusStore(db: Db): StatusStore {
  const last = new Map<number, string>();
  const upsert = db.prepare(
    `INSERT INTO tenant_status (tenant_id, state, detail, container_id, image, ready_at, updated_at)
     VALUES (@tenantId, @state, @detail, @containerId, @image, @readyAt, @now)
     ON CONFLICT (tenant_id) DO UPDATE SET state = excluded.state, detail = excluded.detail,
       container_id = excluded.container_id, image = excluded.image, ready_at = excluded.ready_at,
       updated_at = excluded.updated_at`,
  );
  const memory = db.prepare('UPDATE tenant_status SET memory_bytes = ?, updated_at = ? WHERE tenant_id = ?');
  return {
    write(statuses, now) {
      // Each status is serialized once per pass (twice was a visible share of a pass at 10,000).
      const changed: [number, TenantStatus, string][] = [];
      for (const [id, s] of statuses) {
        const text = JSON.stringify(s);
        if (last.get(id) !== text) changed.push([id, s, text]);
      }
      if (changed.length === 0) return;
      writeTx(db, () => {
        for (const [tenantId, s] of changed) {
          // A tenant row deleted meanwhile makes the foreign key fail: skip it, it is gone.
          const exists = db.prepare('SELECT 1 FROM tenants WHERE id = ?').get(tenantId);
          if (exists) upsert.run({ tenantId, now, ...s });
        }
      });
      for (const [id, , text] of changed) last.set(id, text);
    },
    writeMemory(tenantId, bytes, now) {
      memory.run(bytes, now, tenantId);
    },
  };
}
