// ./berth restore SLUG [--at TIME | --undo | --adopt] and ./berth backups: the operator's whole-
// database restore (the tenant is stopped, its database swapped, started again; the database it
// replaced is kept, so --undo puts it back) and each tenant's replication.
import type { ControlPlaneClient } from './api-client.js';
import { UsageError } from './cli-errors.js';
import { expectPositionals, parseOptions } from './cli-options.js';

export const RESTORE_USAGE = `usage: ./berth restore SLUG [--at TIME | --undo | --adopt] [--json]
  (no option)  restore the latest replicated moment of the tenant's database
  --at TIME    restore the moment TIME (ISO 8601, e.g. 2026-01-31T14:05:00Z) within the retention window
  --undo       put back the database the last restore replaced
  --adopt      start a new backup history from the current database (after its volume was replaced on purpose)`;

export const BACKUPS_USAGE = `usage: ./berth backups [--json]
  each running tenant's last replicated moment and replication lag
usage: ./berth backups purge [--older-than HOURS] [--json]
  remove backup histories that ended longer ago than the retention window (BERTH_BACKUP_RETENTION_HOURS,
  or the longer HOURS): deleted tenants' backups and histories a restore superseded; each one is
  recorded in the audit log`;

interface RestoreResult { slug: string; mode: string; fromLineage: number | null; newLineage: number; kept: string | null; downtimeMs: number; totalMs: number }
interface BackupStatus { ok: boolean; worstLagMs: number; detail: string; tenants: { slug: string; lineageId: number | null; lastReplicatedAt: number | null; lagMs: number; problem: string | null; parked?: boolean }[] }

export async function runRestoreCommand(client: ControlPlaneClient, argv: readonly string[], out: NodeJS.WritableStream): Promise<number> {
  const { values, positionals, help } = parseOptions(argv, { at: 'string', undo: 'flag', adopt: 'flag', json: 'flag' }, RESTORE_USAGE);
  if (help) {
    out.write(`${RESTORE_USAGE}\n`);
    return 0;
  }
  const [slug] = positionals;
  if (slug === undefined) throw new UsageError(`restore needs a SLUG\n${RESTORE_USAGE}`);
  expectPositionals(positionals, 1, RESTORE_USAGE);
  const body = { ...(values.at !== undefined ? { at: String(values.at) } : {}), ...(values.undo ? { undo: true } : {}), ...(values.adopt ? { adopt: true } : {}) };
  if (Object.keys(body).length > 1) throw new UsageError(`give at most one of --at, --undo, --adopt\n${RESTORE_USAGE}`);
  const r = await client.json<RestoreResult>('POST', `/api/v1/tenants/${encodeURIComponent(slug)}/restore`, body);
  if (values.json) out.write(`${JSON.stringify(r)}\n`);
  else if (r.mode === 'adopt') out.write(`${r.slug}: new backup history ${r.newLineage} from the current database\n`);
  else out.write(`${r.slug} restored (${r.mode}) and serving again: ${r.downtimeMs} ms unrouted; the database it replaced is kept in ${r.kept} (./berth restore ${r.slug} --undo puts it back)\n`);
  return 0;
}

export async function runBackupsCommand(client: ControlPlaneClient, argv: readonly string[], out: NodeJS.WritableStream): Promise<number> {
  if (argv[0] === 'purge') return runPurge(client, argv.slice(1), out);
  const { values, positionals, help } = parseOptions(argv, { json: 'flag' }, BACKUPS_USAGE);
  if (help) {
    out.write(`${BACKUPS_USAGE}\n`);
    return 0;
  }
  expectPositionals(positionals, 0, BACKUPS_USAGE);
  const s = await client.json<BackupStatus>('GET', '/api/v1/backups');
  if (values.json) {
    out.write(`${JSON.stringify(s)}\n`);
    return s.ok ? 0 : 1;
  }
  out.write(`${s.ok ? 'ok' : 'FAILING'}: ${s.detail}\n`);
  for (const t of s.tenants) {
    const last = t.lastReplicatedAt === null ? 'never' : new Date(t.lastReplicatedAt).toISOString();
    out.write(`${t.slug.padEnd(24)} lineage ${String(t.lineageId ?? '-').padEnd(5)} last replicated ${last}  lag ${t.lagMs} ms${t.parked ? '  (asleep: replica complete)' : ''}${t.problem ? `  (${t.problem})` : ''}\n`);
  }
  return s.ok ? 0 : 1;
}

interface PurgeResult { olderThanHours: number; purged: { lineageId: number; slug: string; endedAt: number; why: string }[] }

async function runPurge(client: ControlPlaneClient, argv: readonly string[], out: NodeJS.WritableStream): Promise<number> {
  const { values, positionals, help } = parseOptions(argv, { 'older-than': 'string', json: 'flag' }, BACKUPS_USAGE);
  if (help) {
    out.write(`${BACKUPS_USAGE}\n`);
    return 0;
  }
  expectPositionals(positionals, 0, BACKUPS_USAGE);
  const raw = values['older-than'];
  const hours = raw === undefined ? undefined : Number(raw);
  if (hours !== undefined && (!Number.isInteger(hours) || hours < 1)) throw new UsageError(`--older-than: "${String(raw)}" is not a whole number of hours\n${BACKUPS_USAGE}`);
  const r = await client.json<PurgeResult>('POST', '/api/v1/backups/purge', hours === undefined ? {} : { olderThanHours: hours });
  if (values.json) out.write(`${JSON.stringify(r)}\n`);
  else {
    out.write(`${r.purged.length} backup histor${r.purged.length === 1 ? 'y' : 'ies'} ended more than ${r.olderThanHours} h ago purged\n`);
    for (const p of r.purged) out.write(`${p.slug.padEnd(24)} lineage ${String(p.lineageId).padEnd(5)} ${p.why}\n`);
  }
  return 0;
}
