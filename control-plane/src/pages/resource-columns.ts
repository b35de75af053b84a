// The admin tenant table's CPU, memory and disk columns: the latest sample and a chart of
// the last 24 hours for each. Pure.
import { html, type Html } from '@berth/common/html';
import type { ResourceSample } from '../metrics/resource-history.js';
import { resourceChart } from './resource-chart.js';

export interface ResourceWindow {
  readonly history: ReadonlyMap<string, readonly ResourceSample[]>;
  readonly from: number;
  readonly to: number;
  /** Samples further apart than this are not joined in a chart. */
  readonly maxGapMs: number;
}

const COLUMNS = [
  { name: 'CPU', pick: (s: ResourceSample) => s.cpuCores, format: (v: number) => `${(v * 100).toFixed(v < 0.1 ? 1 : 0)} %` },
  { name: 'Memory', pick: (s: ResourceSample) => s.memoryBytes, format: mib },
  { name: 'Disk', pick: (s: ResourceSample) => s.diskBytes, format: mib },
] as const;

export function resourceHeaders(): Html {
  return html`${COLUMNS.map((c) => html`<th class="num">${c.name} <span class="muted small">(24 h)</span></th>`)}`;
}

/** The latest memory from tenant_status is shown when there is no history yet (e.g. right after an upgrade). */
export function resourceCells(slug: string, w: ResourceWindow, fallbackMemoryBytes: number | null): Html {
  const samples = w.history.get(slug) ?? [];
  return html`${COLUMNS.map((c) => {
    const latest = [...samples].reverse().map(c.pick).find((v) => v !== null);
    const value = latest ?? (c.name === 'Memory' ? fallbackMemoryBytes : null);
    const points = samples.map((s) => ({ at: s.at, value: c.pick(s) }));
    return html`<td class="num res"><div>${value === null || value === undefined ? '—' : c.format(value)}</div>
      ${points.length ? resourceChart(points, { from: w.from, to: w.to, maxGapMs: w.maxGapMs, label: `${c.name} of ${slug}, last 24 hours`, format: c.format }) : ''}</td>`;
  })}`;
}

function mib(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}
