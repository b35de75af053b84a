// Setting up the tenants a rollout proof runs against, the way people get them: one account
// signs up, creates the tenants through the control plane's API, waits until each serves
// through Traefik, opens each through single sign-on, and creates the ledger table by
// importing a one-row CSV. Also: the slow query, calibrated on the tenant itself.
import { openTenant, createTenant, signUp, waitUntilServing, type Session } from '../session.js';
import type { Stack } from '../stack.js';
import { importCsv, runSql, TenantCallError } from './tenant-api.js';
import type { TenantTarget } from './tenant-target.js';

export interface ProofTenant {
  readonly slug: string;
  readonly target: TenantTarget;
  /** The tenant's named volume (volumeNameFor in the control plane). */
  readonly volume: string;
}

export const LEDGER_TABLE = 'ledger';

export async function provisionTenants(stack: Stack, slugs: readonly string[]): Promise<{ session: Session; tenants: ProofTenant[] }> {
  const session = await signUp(stack, `proof-${stack.instance}@example.com`, 'proof-harness-password-1');
  for (const slug of slugs) await createTenant(stack, session, slug);
  const tenants = await Promise.all(slugs.map(async (slug) => {
    await waitUntilServing(stack, session, slug, 120_000);
    const cookie = await openTenant(stack, session, slug);
    const target: TenantTarget = { slug, baseUrl: stack.tenantUrl(slug), agent: stack.agent, headers: { cookie } };
    await importCsv(target, LEDGER_TABLE, 'client,seq,payload\nseed,0,seed\n', 'ledger.csv');
    return { slug, target, volume: `berth-${stack.instance}-${slug}` };
  }));
  return { session, tenants };
}

/** A read-only query that takes about `targetMs` inside the tenant (a recursive CTE counting up). */
export function slowSqlOf(n: number): string {
  return `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ${n}) SELECT count(*) AS n FROM c`;
}

/** Scales the count so the query takes about targetMs on this machine (staying well under the 1 s SQL limit). */
export async function calibrateSlowSql(target: TenantTarget, targetMs = 400): Promise<{ sql: string; ms: number }> {
  let n = 20_000;
  let ms = 0;
  for (let i = 0; i < 8; i++) {
    try {
      const r = await runSql(target, slowSqlOf(n)) as { elapsedMs?: number };
      ms = Math.max(1, r.elapsedMs ?? 1);
    } catch (err) {
      // Over the SQL time limit (a busy machine): shrink and measure again.
      if (!(err instanceof TenantCallError) || !err.message.includes('SQL_TIME_LIMIT')) throw err;
      ms = 1000;
    }
    // Grow at most 4× per step: the SQL time limit (1 s) kills a query that overshoots.
    n = Math.max(10_000, Math.round(n * Math.min(4, targetMs / ms)));
  }
  const sql = slowSqlOf(n);
  ms = (await runSql(target, sql) as { elapsedMs?: number }).elapsedMs ?? 0;
  return { sql, ms };
}
