// Pure summaries of request records: counts, failures and latency percentiles per window.
export interface TimedRecord {
  readonly startedAt: number;
  readonly ms: number;
  readonly ok: boolean;
}

export interface WindowSummary {
  readonly requests: number;
  readonly failed: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/** Nearest-rank percentile of an ascending array; 0 for an empty one. */
export function percentile(sortedAsc: readonly number[], p: number): number {
  if (sortedAsc.length === 0) return 0;
  const rank = Math.ceil((p / 100) * sortedAsc.length);
  return sortedAsc[Math.min(sortedAsc.length, Math.max(1, rank)) - 1]!;
}

export function summarise(records: readonly TimedRecord[]): WindowSummary {
  const ms = records.map((r) => r.ms).sort((a, b) => a - b);
  return {
    requests: records.length,
    failed: records.filter((r) => !r.ok).length,
    p50Ms: round(percentile(ms, 50)),
    p99Ms: round(percentile(ms, 99)),
    maxMs: round(ms.length ? ms[ms.length - 1]! : 0),
  };
}

export interface Interval {
  readonly from: number;
  readonly to: number;
}

/** True when the request started inside any of the intervals. */
export function startedWithin(r: Pick<TimedRecord, 'startedAt'>, intervals: readonly Interval[]): boolean {
  return intervals.some((i) => r.startedAt >= i.from && r.startedAt <= i.to);
}

/** Splits records into those started during the intervals and the rest (the steady state). */
export function splitByIntervals<T extends TimedRecord>(records: readonly T[], intervals: readonly Interval[]): { inside: T[]; outside: T[] } {
  const inside: T[] = [];
  const outside: T[] = [];
  for (const r of records) (startedWithin(r, intervals) ? inside : outside).push(r);
  return { inside, outside };
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
