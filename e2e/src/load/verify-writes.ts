// Reads back what a tenant's database holds of the load generator's writes, through the
// tenant's own read-only SQL API (one row per client, sequence numbers concatenated, so the
// API's row cap never truncates the answer), and compares it with the ledger. The row that
// created the table by import has client 'seed' and is not a load write.
import { compareLedger, countSequences, type LedgerComparison, type WriteLedger } from './write-ledger.js';
import { runSql } from './tenant-api.js';
import type { TenantTarget } from './tenant-target.js';

export async function readStoredWrites(target: TenantTarget, table: string, clientPrefix = ''): Promise<Map<string, Map<number, number>>> {
  if (!/^[A-Za-z0-9_-]*$/.test(clientPrefix)) throw new Error(`client prefix ${clientPrefix} must be [A-Za-z0-9_-]`);
  const res = await runSql(
    target,
    `SELECT client, group_concat(seq) AS seqs FROM "${table.replaceAll('"', '""')}" WHERE client LIKE '${clientPrefix}%' AND client <> 'seed' GROUP BY client`,
  );
  if (res.truncated) throw new Error('the verifier query was truncated: too many clients');
  const stored = new Map<string, Map<number, number>>();
  for (const [client, seqs] of res.rows as [string, string | null][]) stored.set(client, countSequences(seqs));
  return stored;
}

export async function verifyWrites(target: TenantTarget, ledger: WriteLedger, table = 'ledger', clientPrefix = ''): Promise<LedgerComparison> {
  return compareLedger(ledger, await readStoredWrites(target, table, clientPrefix));
}
