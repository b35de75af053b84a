// Setting up the tenants a rollout proof runs against, the way people get them: one account
// signs up, creates the tenants through the control plane's API, waits until each serves
// through Traefik, opens each through single sign-on, and creates the ledger table by
// importing a one-row CSV.
import { createTenant, signUp, waitUntilServing, type Session } from '../session.js';
import type { Stack } from '../stack.js';
import { importCsv } from './tenant-api.js';
import { signedInTarget, type TenantTarget } from './tenant-target.js';

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
    const target = await signedInTarget(stack, session, slug);
    await importCsv(target, LEDGER_TABLE, 'client,seq,payload\nseed,0,seed\n', 'ledger.csv');
    return { slug, target, volume: `berth-${stack.instance}-${slug}` };
  }));
  return { session, tenants };
}
