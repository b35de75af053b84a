// After the load has stopped: per tenant, every acknowledged write present exactly once (read
// through the tenant's SQL API) and PRAGMA integrity_check on its volume.
import type { Stack } from '../stack.js';
import { checkIntegrity } from './integrity-check.js';
import { LEDGER_TABLE, type ProofTenant } from './proof-tenants.js';
import { verifyWrites } from './verify-writes.js';
import type { WriteLedger } from './write-ledger.js';

export interface TenantWrites {
  readonly slug: string;
  readonly acknowledged: number;
  readonly lost: number;
  readonly duplicates: number;
  readonly unacknowledgedStored: number;
  readonly integrity: string;
}

export async function verifyTenants(stack: Stack, tenants: readonly ProofTenant[], ledgers: ReadonlyMap<string, WriteLedger>, image: string): Promise<TenantWrites[]> {
  const out: TenantWrites[] = [];
  for (const t of tenants) {
    const ledger = ledgers.get(t.slug);
    const cmp = ledger ? await verifyWrites(t.target, ledger, LEDGER_TABLE) : undefined;
    out.push({
      slug: t.slug,
      acknowledged: cmp?.acknowledged ?? 0,
      lost: cmp?.lost.length ?? 0,
      duplicates: cmp?.duplicates.length ?? 0,
      unacknowledgedStored: cmp?.unacknowledgedStored ?? 0,
      integrity: await checkIntegrity(t.volume, image, `berth.instance=${stack.instance}`),
    });
  }
  return out;
}
