// A small inline SVG line chart of one resource over a time window (the admin page's CPU,
// memory and disk per instance). Server-rendered, no script and no external asset; a gap in
// sampling (or a value not measured) breaks the line instead of drawing across it. Pure.
import { html, type Html } from '@berth/common/html';

export interface ChartPoint {
  /** Unix ms. */
  readonly at: number;
  readonly value: number | null;
}

export interface ChartOptions {
  readonly from: number;
  readonly to: number;
  /** Points further apart than this are not joined (the sampler missed a period). */
  readonly maxGapMs: number;
  /** What the chart shows, for its accessible name, e.g. "CPU of acme, last 24 hours". */
  readonly label: string;
  readonly format: (value: number) => string;
  readonly width?: number;
  readonly height?: number;
}

export function resourceChart(points: readonly ChartPoint[], o: ChartOptions): Html {
  const w = o.width ?? 120;
  const h = o.height ?? 28;
  const measured = points.filter((p): p is ChartPoint & { value: number } => p.value !== null && p.at >= o.from && p.at <= o.to);
  const max = Math.max(0, ...measured.map((p) => p.value));
  const peak = measured.length ? `peak ${o.format(max)}` : 'no samples';
  const x = (at: number) => (((at - o.from) / Math.max(1, o.to - o.from)) * w).toFixed(1);
  // 1 px of headroom top and bottom so a flat line at the peak or at zero stays visible.
  const y = (v: number) => (max === 0 ? h - 1 : h - 1 - (v / max) * (h - 2)).toFixed(1);
  const lines: string[][] = [];
  let prev: ChartPoint | undefined;
  for (const p of points) {
    if (p.at < o.from || p.at > o.to) continue;
    if (p.value === null) {
      prev = undefined;
      continue;
    }
    if (!prev || p.at - prev.at > o.maxGapMs) lines.push([]);
    lines[lines.length - 1]!.push(`${x(p.at)},${y(p.value)}`);
    prev = p;
  }
  return html`<svg class="chart" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" role="img" aria-label="${o.label}: ${peak}"><title>${o.label}: ${peak}</title>
<line x1="0" y1="${h - 0.5}" x2="${w}" y2="${h - 0.5}" stroke="#d5dae2" stroke-width="1"/>
${lines.map((l) => (l.length === 1
    ? html`<circle cx="${l[0]!.split(',')[0]}" cy="${l[0]!.split(',')[1]}" r="1.5" fill="#2f6fde"/>`
    : html`<polyline points="${l.join(' ')}" fill="none" stroke="#2f6fde" stroke-width="1.5" stroke-linejoin="round"/>`))}
</svg>`;
}
