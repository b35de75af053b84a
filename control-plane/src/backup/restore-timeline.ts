// The restorable points of a tenant's database within the retention window, from the
// transaction files of its lineages (`litestream ltx`): level 0 holds each replicated
// transaction (kept a short while, then compacted into the higher levels), level 9 the
// snapshots. A moment between two points restores the earlier one.
import type { Lineage } from './lineage-store.js';
import type { LtxFile } from './litestream-cli.js';

/** Most recent points listed per lineage (a busy database has one per second). */
export const MAX_POINTS_PER_LINEAGE = 200;

export interface LineageTimeline {
  readonly lineageId: number;
  readonly startedAt: number;
  readonly reason: string;
  readonly endedAt: number | null;
  /** Earliest and latest moment its files hold (null: nothing replicated yet). */
  readonly earliest: number | null;
  readonly latest: number | null;
  readonly snapshots: readonly number[];
  /** Distinct moments, newest first, at most MAX_POINTS_PER_LINEAGE. */
  readonly points: readonly number[];
}

export interface Timeline {
  readonly slug: string;
  readonly retentionHours: number;
  /** Earliest moment a restore can ask for (the window's start or the oldest file, whichever is later). */
  readonly earliestRestorable: number | null;
  readonly latestReplicated: number | null;
  /** Newest lineage first. */
  readonly lineages: readonly LineageTimeline[];
}

/** Pure: lineages (any order) and their files → the timeline. Purged lineages are left out. */
export function timelineOf(slug: string, lineages: readonly Lineage[], files: ReadonlyMap<number, readonly LtxFile[]>, now: number, retentionHours: number): Timeline {
  const windowStart = now - retentionHours * 3_600_000;
  const out: LineageTimeline[] = [];
  for (const l of [...lineages].filter((x) => x.purgedAt === null).sort((a, b) => b.startedAt - a.startedAt || b.id - a.id)) {
    const list = files.get(l.id) ?? [];
    const times = list.map((f) => f.at).filter(Number.isFinite);
    const earliest = times.length ? Math.min(...times) : null;
    const latest = times.length ? Math.max(...times) : null;
    const points = [...new Set(times)].sort((a, b) => b - a).slice(0, MAX_POINTS_PER_LINEAGE);
    const snapshots = [...new Set(list.filter((f) => f.level === 9).map((f) => f.at))].sort((a, b) => b - a);
    out.push({ lineageId: l.id, startedAt: l.startedAt, reason: l.reason, endedAt: l.endedAt, earliest, latest, snapshots, points });
  }
  const earliests = out.map((l) => l.earliest).filter((t): t is number => t !== null);
  const latests = out.map((l) => l.latest).filter((t): t is number => t !== null);
  return {
    slug,
    retentionHours,
    earliestRestorable: earliests.length ? Math.max(windowStart, Math.min(...earliests)) : null,
    latestReplicated: latests.length ? Math.max(...latests) : null,
    lineages: out,
  };
}
