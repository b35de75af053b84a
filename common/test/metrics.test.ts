import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRegistry, formatValue } from '../src/metrics.js';

test('counters, gauges and histograms render as Prometheus text, in declaration order', () => {
  const m = createRegistry();
  const failures = m.counter<'kind'>('app_probe_failures_total', 'Failed probes.', { labels: ['kind'] });
  const up = m.gauge('app_up', 'Whether the app is up.');
  const pass = m.histogram('app_pass_seconds', 'Pass duration.', { buckets: [0.1, 1] });
  failures.inc({ kind: 'readiness' });
  failures.inc({ kind: 'readiness' }, 2);
  failures.inc({ kind: 'liveness' });
  up.set(1);
  pass.observe(0.05);
  pass.observe(0.5);
  pass.observe(3);
  assert.equal(m.render(), [
    '# HELP app_probe_failures_total Failed probes.',
    '# TYPE app_probe_failures_total counter',
    'app_probe_failures_total{kind="liveness"} 1',
    'app_probe_failures_total{kind="readiness"} 3',
    '# HELP app_up Whether the app is up.',
    '# TYPE app_up gauge',
    'app_up 1',
    '# HELP app_pass_seconds Pass duration.',
    '# TYPE app_pass_seconds histogram',
    'app_pass_seconds_bucket{le="0.1"} 1',
    'app_pass_seconds_bucket{le="1"} 2',
    'app_pass_seconds_bucket{le="+Inf"} 3',
    'app_pass_seconds_sum 3.55',
    'app_pass_seconds_count 3',
    '',
  ].join('\n'));
});

test('labelled histograms put le last; label values and help text are escaped', () => {
  const m = createRegistry();
  const h = m.histogram<'route'>('req_seconds', 'Back\\slash and\nnewline.', { labels: ['route'], buckets: [1] });
  h.observe(2, { route: 'a"b\\c\nd' });
  assert.equal(m.render(), [
    '# HELP req_seconds Back\\\\slash and\\nnewline.',
    '# TYPE req_seconds histogram',
    'req_seconds_bucket{route="a\\"b\\\\c\\nd",le="1"} 0',
    'req_seconds_bucket{route="a\\"b\\\\c\\nd",le="+Inf"} 1',
    'req_seconds_sum{route="a\\"b\\\\c\\nd"} 2',
    'req_seconds_count{route="a\\"b\\\\c\\nd"} 1',
    '',
  ].join('\n'));
});

test('collect computes samples at every render, replacing set values', () => {
  const m = createRegistry();
  let rss = 10;
  m.gauge('proc_rss_bytes', 'RSS.', { collect: () => rss });
  m.gauge<'state'>('instances', 'By state.', { labels: ['state'], collect: () => [[{ state: 'running' }, 2], [{ state: 'error' }, 0]] });
  assert.match(m.render(), /^proc_rss_bytes 10$/m);
  rss = 20;
  const text = m.render();
  assert.match(text, /^proc_rss_bytes 20$/m);
  assert.match(text, /^instances\{state="error"\} 0\ninstances\{state="running"\} 2$/m);
});

test('a family with no series still says what it is', () => {
  const m = createRegistry();
  const g = m.gauge<'rollout'>('rollout_tenants', 'Tenants per rollout.', { labels: ['rollout'] });
  g.set(3, { rollout: 1 });
  g.reset();
  assert.equal(m.render(), '# HELP rollout_tenants Tenants per rollout.\n# TYPE rollout_tenants gauge\n');
});

test('an unlabelled metric shows zero before it is used; a labelled one once touched', () => {
  const m = createRegistry();
  m.counter('errors_total', 'Errors.');
  m.histogram('lag_seconds', 'Lag.', { buckets: [1] });
  const byKind = m.counter<'kind'>('by_kind_total', 'By kind.', { labels: ['kind'] });
  byKind.inc({ kind: 'startup' }, 0);
  assert.equal(m.render(), [
    '# HELP errors_total Errors.', '# TYPE errors_total counter', 'errors_total 0',
    '# HELP lag_seconds Lag.', '# TYPE lag_seconds histogram',
    'lag_seconds_bucket{le="1"} 0', 'lag_seconds_bucket{le="+Inf"} 0', 'lag_seconds_sum 0', 'lag_seconds_count 0',
    '# HELP by_kind_total By kind.', '# TYPE by_kind_total counter', 'by_kind_total{kind="startup"} 0',
    '',
  ].join('\n'));
});

test('mistakes are refused where the metric is declared or used', () => {
  const m = createRegistry();
  m.counter('dup_total', 'x');
  assert.throws(() => m.counter('dup_total', 'x'), /declared twice/);
  assert.throws(() => m.gauge('bad-name', 'x'), /not a valid Prometheus name/);
  assert.throws(() => m.gauge('g', 'x', { labels: ['__x'] }), /label name "__x"/);
  assert.throws(() => m.histogram('h', 'x', { labels: ['le'] }), /reserved/);
  assert.throws(() => m.histogram('h2', 'x', { buckets: [1, 1] }), /ascending/);
  const c = m.counter<'kind'>('c_total', 'x', { labels: ['kind'] });
  assert.throws(() => c.inc(), /takes labels \[kind\], got \[\]/);
  assert.throws(() => c.inc({ kind: 'a' }, -1), /only go up/);
});

test('special values use the format spelling', () => {
  assert.equal(formatValue(Infinity), '+Inf');
  assert.equal(formatValue(-Infinity), '-Inf');
  assert.equal(formatValue(NaN), 'NaN');
  assert.equal(formatValue(1e21), '1e+21');
  assert.equal(formatValue(0.25), '0.25');
});
