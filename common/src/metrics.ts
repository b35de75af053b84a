// Metrics in Prometheus's text exposition format (version 0.0.4): counters, gauges and
// histograms with fixed buckets, each with optional labels. One registry per process; a
// metric is declared once, where it is measured, in one line:
//   const failures = metrics.counter('berth_probe_failures_total', 'Failed probes', ['kind']);
// Values computed only when scraped (process memory, rows in a database) come from `collect`,
// which runs at every render. An unlabelled metric shows 0 from the start; a labelled one shows
// a series once used (`inc(labels, 0)` makes a known one visible at 0). Nothing here does I/O:
// the app serves render()'s text.

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Upper bounds (seconds) for durations from a millisecond to a minute. */
export const DURATION_BUCKETS: readonly number[] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60];

type LabelValues<L extends string> = [L] extends [never] ? Record<string, never> | undefined : Readonly<Record<L, string | number>>;

/** One computed sample: its label values (every declared label) and its value. */
export type Sample<L extends string> = readonly [labels: LabelValues<L>, value: number];

export interface Counter<L extends string = never> {
  inc(labels?: LabelValues<L>, by?: number): void;
}

export interface Gauge<L extends string = never> {
  set(value: number, labels?: LabelValues<L>): void;
  inc(labels?: LabelValues<L>, by?: number): void;
  /** Drops every series (a gauge refilled from scratch before a render). */
  reset(): void;
}

export interface Histogram<L extends string = never> {
  observe(value: number, labels?: LabelValues<L>): void;
  /** Starts a clock; calling the result observes the seconds since, and returns them. */
  startTimer(labels?: LabelValues<L>): () => number;
}

export interface MetricOptions<L extends string> {
  readonly labels?: readonly L[];
  /**
   * Computes the metric's samples at every render, replacing what was set: a number for an
   * unlabelled metric, or one [labels, value] per series.
   */
  readonly collect?: () => number | readonly Sample<L>[];
}

export interface HistogramOptions<L extends string> {
  readonly labels?: readonly L[];
  /** Upper bounds, ascending; +Inf is added. Default DURATION_BUCKETS. */
  readonly buckets?: readonly number[];
}

export interface MetricsRegistry {
  counter<L extends string = never>(name: string, help: string, opts?: MetricOptions<L>): Counter<L>;
  gauge<L extends string = never>(name: string, help: string, opts?: MetricOptions<L>): Gauge<L>;
  histogram<L extends string = never>(name: string, help: string, opts?: HistogramOptions<L>): Histogram<L>;
  /** Every metric in declaration order, as exposition text ending in a newline. */
  render(): string;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

type AnyLabels = Readonly<Record<string, string | number>>;

interface Family {
  readonly name: string;
  render(): string;
}

export function createRegistry(): MetricsRegistry {
  const families = new Map<string, Family>();
  const add = <F extends Family>(family: F): F => {
    if (families.has(family.name)) throw new Error(`metric ${family.name} is declared twice`);
    families.set(family.name, family);
    return family;
  };

  return {
    counter(name, help, opts = {}) {
      const labels = checkNames(name, opts.labels ?? []);
      const values = new Map<string, number>(labels.length === 0 ? [['', 0]] : []);
      add({ name, render: () => renderSimple(name, help, 'counter', labels, values, opts.collect) });
      return {
        inc(l, by = 1) {
          if (!(by >= 0)) throw new Error(`counter ${name} can only go up (got ${by})`);
          const key = seriesKey(name, labels, l);
          values.set(key, (values.get(key) ?? 0) + by);
        },
      };
    },
    gauge(name, help, opts = {}) {
      const labels = checkNames(name, opts.labels ?? []);
      const values = new Map<string, number>(labels.length === 0 ? [['', 0]] : []);
      add({ name, render: () => renderSimple(name, help, 'gauge', labels, values, opts.collect) });
      return {
        set: (value, l) => void values.set(seriesKey(name, labels, l), value),
        inc(l, by = 1) {
          const key = seriesKey(name, labels, l);
          values.set(key, (values.get(key) ?? 0) + by);
        },
        reset: () => values.clear(),
      };
    },
    histogram(name, help, opts = {}) {
      const labels = checkNames(name, opts.labels ?? []);
      if (labels.includes('le')) throw new Error(`histogram ${name}: "le" is reserved for bucket bounds`);
      const bounds = [...(opts.buckets ?? DURATION_BUCKETS)];
      if (bounds.length === 0 || bounds.some((b, i) => !Number.isFinite(b) || (i > 0 && b <= bounds[i - 1]!))) {
        throw new Error(`histogram ${name}: buckets must be finite and strictly ascending`);
      }
      const series = new Map<string, { counts: number[]; sum: number; count: number }>();
      if (labels.length === 0) series.set('', { counts: bounds.map(() => 0), sum: 0, count: 0 });
      add({
        name,
        render() {
          const lines = header(name, help, 'histogram');
          for (const [key, s] of [...series].sort(([a], [b]) => a.localeCompare(b))) {
            let cumulative = 0;
            bounds.forEach((b, i) => {
              cumulative += s.counts[i]!;
              lines.push(`${name}_bucket${withLabel(key, 'le', formatValue(b))} ${cumulative}`);
            });
            lines.push(`${name}_bucket${withLabel(key, 'le', '+Inf')} ${s.count}`);
            lines.push(`${name}_sum${key} ${formatValue(s.sum)}`);
            lines.push(`${name}_count${key} ${s.count}`);
          }
          return lines.join('\n');
        },
      });
      const observe = (value: number, l: AnyLabels | undefined) => {
        const key = seriesKey(name, labels, l);
        let s = series.get(key);
        if (!s) series.set(key, (s = { counts: bounds.map(() => 0), sum: 0, count: 0 }));
        const i = bounds.findIndex((b) => value <= b);
        if (i >= 0) s.counts[i]!++;
        s.sum += value;
        s.count++;
      };
      return {
        observe,
        startTimer(l) {
          const started = process.hrtime.bigint();
          return () => {
            const seconds = Number(process.hrtime.bigint() - started) / 1e9;
            observe(seconds, l);
            return seconds;
          };
        },
      };
    },
    render() {
      return [...families.values()].map((f) => f.render()).join('\n') + '\n';
    },
  };
}

function checkNames(name: string, labels: readonly string[]): readonly string[] {
  if (!METRIC_NAME.test(name)) throw new Error(`metric name "${name}" is not a valid Prometheus name`);
  for (const l of labels) {
    if (!LABEL_NAME.test(l) || l.startsWith('__')) throw new Error(`metric ${name}: label name "${l}" is not valid`);
  }
  if (new Set(labels).size !== labels.length) throw new Error(`metric ${name}: a label is declared twice`);
  return labels;
}

function header(name: string, help: string, type: string): string[] {
  return [`# HELP ${name} ${help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')}`, `# TYPE ${name} ${type}`];
}

function renderSimple(
  name: string, help: string, type: 'counter' | 'gauge', labels: readonly string[], values: Map<string, number>,
  collect: (() => number | readonly (readonly [AnyLabels | undefined, number])[]) | undefined,
): string {
  const lines = header(name, help, type);
  let entries: [string, number][] = [...values];
  if (collect) {
    const got = collect();
    entries = typeof got === 'number' ? [[seriesKey(name, labels, undefined), got]] : got.map(([l, v]) => [seriesKey(name, labels, l), v]);
  }
  for (const [key, value] of entries.sort(([a], [b]) => a.localeCompare(b))) lines.push(`${name}${key} ${formatValue(value)}`);
  return lines.join('\n');
}

/** The `{a="x",b="y"}` part of a series, in declaration order; every declared label must be given. */
function seriesKey(name: string, labels: readonly string[], given: AnyLabels | undefined): string {
  const keys = Object.keys(given ?? {});
  if (keys.length !== labels.length || !labels.every((l) => given?.[l] !== undefined)) {
    throw new Error(`metric ${name} takes labels [${labels.join(', ')}], got [${keys.join(', ')}]`);
  }
  if (labels.length === 0) return '';
  return `{${labels.map((l) => `${l}="${escapeLabel(String(given![l]))}"`).join(',')}}`;
}

function withLabel(key: string, label: string, value: string): string {
  const pair = `${label}="${value}"`;
  return key === '' ? `{${pair}}` : `${key.slice(0, -1)},${pair}}`;
}

function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}
