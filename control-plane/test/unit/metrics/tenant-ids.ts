// The tenant id of a slug, read the way the pages read it (a test helper; writes go through the stores).
import type { Db } from '../../../src/db/open-database.js';

export function requireTenantBySlug(db: Db, slug: string): number {
  const row = db.prepare('SELECT id FROM tenants WHERE slug = ?').get(slug) as { id: number } | undefined;
  if (!row) throw new Error(`no tenant ${slug}`);
  return row.id;
}
