// Requests that stay in flight for a while, so some are always in progress when a container
// is swapped (ROLLOUT.md F4: the old container must not be stopped with requests in flight).
// The preferred one costs almost no CPU: a small CSV upload whose body the client trickles
// over durationMs (Traefik streams request bodies, so the tenant holds the request open all
// along). CPU-heavy slow requests (a big export, a heavy query) would measure the machine's
// saturation instead, and a SQL query also meets the tenant's 1 s query limit.
import { Readable } from 'node:stream';
import { callTenant, type TenantTarget } from './tenant-target.js';
import type { CallResult } from './http-call.js';

function trickle(chunks: readonly string[], intervalMs: number): Readable {
  let i = 0;
  let timer: NodeJS.Timeout | undefined;
  return new Readable({
    read() {
      if (timer) return;
      if (i >= chunks.length) return void this.push(null);
      timer = setTimeout(() => {
        timer = undefined;
        this.push(chunks[i++]!);
      }, i === 0 ? 0 : intervalMs);
    },
    destroy(err, cb) {
      clearTimeout(timer);
      cb(err);
    },
  });
}

/** A ~2 KB CSV uploaded in `parts` pieces spread over durationMs; answered (201) once stored. */
export function trickledUpload(durationMs = 400, parts = 5): (target: TenantTarget) => Promise<CallResult> {
  const rows = Array.from({ length: 60 }, (_, i) => `${i},slow upload row ${i},${i * 3}.25`);
  const csv = `n,text,value\n${rows.join('\n')}\n`;
  const size = Math.ceil(csv.length / parts);
  const chunks = Array.from({ length: parts }, (_, k) => csv.slice(k * size, (k + 1) * size)).filter(Boolean);
  return (target) => callTenant(target, '/api/uploads?name=slow.csv', {
    method: 'POST',
    bodyStream: trickle(chunks, durationMs / Math.max(1, chunks.length - 1)),
    headers: { 'content-type': 'text/csv' },
    timeoutMs: 15_000,
  });
}
