// Server-side SVG charts (pure, no libraries): vertical bars for a histogram, horizontal bars
// for the top values of a text column. Text is escaped; sizes are in viewBox units so the
// chart scales with the page.
import type { ChartData, HistogramBin } from '../tables/chart-data.js';
import { html, type Html } from '@berth/common/html';

const W = 760;
const H = 320;
const PAD = { left: 56, right: 16, top: 16, bottom: 56 };

function niceMax(n: number): number {
  if (n <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(n));
  const m = n / p;
  const step = [1, 1.2, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10].find((x) => m <= x) ?? 10;
  return step * p;
}

function formatEdge(v: number, scale: 'number' | 'date'): string {
  if (scale === 'date') return new Date((v - 2440588) * 86_400_000).toISOString().slice(0, 10);
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a >= 1000 || a < 0.01 ? v.toPrecision(3) : v.toFixed(2);
}

function binLabel(b: HistogramBin, scale: 'number' | 'date', unitBins: boolean): string {
  if (unitBins) return formatEdge(b.from, scale);
  return `${formatEdge(b.from, scale)} – ${formatEdge(b.to, scale)}`;
}

export function renderHistogramSvg(data: Extract<ChartData, { kind: 'histogram' }>): Html {
  const max = niceMax(Math.max(...data.bins.map((b) => b.count), 0));
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const bw = plotW / Math.max(1, data.bins.length);
  const unitBins = data.bins.every((b) => b.to - b.from === 1);
  const labelEvery = Math.ceil(data.bins.length / 8);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => ({ y: PAD.top + plotH * (1 - f), v: Math.round(max * f) }));
  return html`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${H}" role="img" aria-label="Histogram of ${data.column}" font-family="system-ui,sans-serif" font-size="11">
${ticks.map((t) => html`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${t.y}" y2="${t.y}" stroke="#e3e7ee"/><text x="${PAD.left - 6}" y="${t.y + 4}" text-anchor="end" fill="#5d6778">${t.v.toLocaleString('en-US')}</text>`)}
${data.bins.map((b, i) => {
    const h = (b.count / max) * plotH;
    const x = PAD.left + i * bw;
    return html`<g><title>${binLabel(b, data.scale, unitBins)}: ${b.count.toLocaleString('en-US')}</title><rect x="${(x + 1).toFixed(1)}" y="${(PAD.top + plotH - h).toFixed(1)}" width="${Math.max(1, bw - 2).toFixed(1)}" height="${h.toFixed(1)}" fill="#0f6e6e" rx="2"/></g>
${i % labelEvery === 0 ? html`<text x="${(x + bw / 2).toFixed(1)}" y="${H - PAD.bottom + 16}" text-anchor="middle" fill="#5d6778">${formatEdge(b.from, data.scale)}</text>` : ''}`;
  })}
<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${PAD.top + plotH}" y2="${PAD.top + plotH}" stroke="#5d6778"/>
<text x="${PAD.left + plotW / 2}" y="${H - 12}" text-anchor="middle" fill="#1c2330" font-size="12">${data.column}</text></svg>`;
}

export function renderTopValuesSvg(data: Extract<ChartData, { kind: 'top' }>): Html {
  const rowH = 22;
  const labelW = 200;
  const height = PAD.top + data.values.length * rowH + 24;
  const max = Math.max(...data.values.map((v) => v.count), 1);
  const plotW = W - labelW - 80;
  const clip = (s: string) => (s.length > 28 ? s.slice(0, 27) + '…' : s);
  return html`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${W} ${height}" role="img" aria-label="Most common values of ${data.column}" font-family="system-ui,sans-serif" font-size="12">
${data.values.map((v, i) => {
    const y = PAD.top + i * rowH;
    const w = (v.count / max) * plotW;
    const label = v.value === null ? '(null)' : v.value === '' ? '(empty)' : v.value;
    return html`<g><title>${label}: ${v.count.toLocaleString('en-US')}</title><text x="${labelW - 8}" y="${y + 15}" text-anchor="end" fill="#1c2330">${clip(label)}</text>
<rect x="${labelW}" y="${y + 3}" width="${Math.max(1, w).toFixed(1)}" height="${rowH - 6}" fill="#0f6e6e" rx="2"/>
<text x="${(labelW + w + 6).toFixed(1)}" y="${y + 15}" fill="#5d6778">${v.count.toLocaleString('en-US')}</text></g>`;
  })}</svg>`;
}

export function renderChartSvg(data: ChartData): Html {
  return data.kind === 'histogram' ? renderHistogramSvg(data) : renderTopValuesSvg(data);
}
