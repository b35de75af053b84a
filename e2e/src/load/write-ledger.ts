// The ledger of writes the load generator made: every (client, sequence) pair it sent, and
// which of them the tenant acknowledged (2xx after COMMIT). Comparing it with what the
// tenant's database holds gives lost writes (acknowledged, absent) and duplicates (present
// more than once). Pure; one ledger per tenant.
export class WriteLedger {
  private readonly sent = new Map<string, number>();
  private readonly acked = new Map<string, Set<number>>();

  /** Reserves `count` consecutive sequence numbers for a client and returns the first. */
  reserve(client: string, count: number): number {
    const first = this.sent.get(client) ?? 0;
    this.sent.set(client, first + count);
    return first;
  }

  acknowledge(client: string, firstSeq: number, count: number): void {
    let set = this.acked.get(client);
    if (!set) this.acked.set(client, (set = new Set()));
    for (let s = firstSeq; s < firstSeq + count; s++) set.add(s);
  }

  clients(): string[] {
    return [...this.sent.keys()];
  }

  acknowledgedCount(): number {
    let n = 0;
    for (const s of this.acked.values()) n += s.size;
    return n;
  }

  sentCount(): number {
    let n = 0;
    for (const c of this.sent.values()) n += c;
    return n;
  }

  acknowledgedOf(client: string): ReadonlySet<number> {
    return this.acked.get(client) ?? new Set();
  }
}

/** How many times each sequence number of a client is stored, as read back from the database. */
export type StoredCounts = ReadonlyMap<string, ReadonlyMap<number, number>>;

export interface LedgerComparison {
  readonly acknowledged: number;
  readonly lost: { client: string; seq: number }[];
  readonly duplicates: { client: string; seq: number; count: number }[];
  /** Stored although the client saw a failure (the commit happened, the answer was lost): allowed. */
  readonly unacknowledgedStored: number;
}

export function compareLedger(ledger: WriteLedger, stored: StoredCounts): LedgerComparison {
  const lost: LedgerComparison['lost'] = [];
  const duplicates: LedgerComparison['duplicates'] = [];
  let unacknowledgedStored = 0;
  const clients = new Set([...ledger.clients(), ...stored.keys()]);
  for (const client of clients) {
    const acked = ledger.acknowledgedOf(client);
    const counts = stored.get(client) ?? new Map<number, number>();
    for (const seq of acked) if (!counts.has(seq)) lost.push({ client, seq });
    for (const [seq, count] of counts) {
      if (count > 1) duplicates.push({ client, seq, count });
      if (!acked.has(seq)) unacknowledgedStored++;
    }
  }
  return { acknowledged: ledger.acknowledgedCount(), lost, duplicates, unacknowledgedStored };
}

/** Parses the verifier's per-client group_concat of sequence numbers into counts. */
export function countSequences(concatenated: string | null): Map<number, number> {
  const counts = new Map<number, number>();
  if (!concatenated) return counts;
  for (const part of concatenated.split(',')) {
    const seq = Number(part);
    counts.set(seq, (counts.get(seq) ?? 0) + 1);
  }
  return counts;
}
