// ./berth tenants: every tenant with its image, state, health and memory, as a table (or, with
// --json, the API's own objects, for scripts).
import type { AdminTenant } from '../rollout/admin-tenant-list.js';
import type { ControlPlaneClient } from './api-client.js';
import { UsageError } from './cli-errors.js';
import { expectPositionals, parseOptions } from './cli-options.js';

export const TENANTS_USAGE = `usage: ./berth tenants [--json]
       ./berth tenants pin|unpin SLUG
  every tenant: image, state (hibernated, waking, ...; "pinned" when pinned awake), health,
  memory and the reconciler's last detail
  --json   one JSON object {"tenants": [...]} with every field the admin API returns
  pin      keep SLUG awake: never hibernated, and woken now if asleep; unpin lets it sleep again`;

export async function runTenantsCommand(client: ControlPlaneClient, argv: readonly string[], out: NodeJS.WritableStream): Promise<number> {
  const { values, positionals, help } = parseOptions(argv, { json: 'flag' }, TENANTS_USAGE);
  if (help) {
    out.write(`${TENANTS_USAGE}\n`);
    return 0;
  }
  if (positionals[0] === 'pin' || positionals[0] === 'unpin') {
    expectPositionals(positionals, 2, TENANTS_USAGE);
    const slug = positionals[1];
    if (!slug) throw new UsageError(`${positionals[0]} needs the instance's slug\n${TENANTS_USAGE}`);
    const res = await client.json<{ slug: string; pinnedAwake: boolean }>('PUT', `/api/v1/admin/tenants/${encodeURIComponent(slug)}/pin`, { pinned: positionals[0] === 'pin' });
    out.write(values.json ? `${JSON.stringify(res)}\n` : `${slug}: ${res.pinnedAwake ? 'pinned awake (never hibernated)' : 'unpinned (hibernates when idle)'}\n`);
    return 0;
  }
  expectPositionals(positionals, 0, TENANTS_USAGE);
  const { tenants } = await client.json<{ tenants: AdminTenant[] }>('GET', '/api/v1/admin/tenants');
  if (values.json) {
    out.write(`${JSON.stringify({ tenants })}\n`);
    return 0;
  }
  if (tenants.length === 0) {
    out.write('no tenants yet\n');
    return 0;
  }
  const rows = tenants.map((t) => [
    t.slug,
    t.imageVersion + (t.runningImage && t.runningImage !== t.image ? ` (serving ${t.runningImage.split(':').pop()})` : ''),
    (t.rollout ? `rolling #${t.rollout}` : t.state) + (t.pinnedAwake ? ' (pinned)' : ''),
    t.health,
    t.memoryBytes === null ? '-' : `${(t.memoryBytes / 1048576).toFixed(1)} MiB`,
    t.detail ?? '',
  ]);
  out.write(formatTable(['TENANT', 'IMAGE', 'STATE', 'HEALTH', 'MEMORY', 'DETAIL'], rows));
  return 0;
}

export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd() + '\n';
  return line(header) + rows.map(line).join('');
}
