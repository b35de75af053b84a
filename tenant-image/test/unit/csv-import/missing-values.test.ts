// Issue 14: missing-value markers per column, exact reals, and the review's reason for a text
// column — detection (pure) and the commit (a real SQLite file).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { detectColumn } from '../../../src/csv-import/detect-types.js';
import { importCsv } from '../../../src/csv-import/import-csv.js';
import type { ImportPlan } from '../../../src/csv-import/import-plan.js';
import { listImports } from '../../../src/csv-import/provenance.js';
import { previewCsv } from '../../../src/csv-import/preview.js';
import { assertImportError, makeEnv } from './test-support.js';

// The shape of nycflights13's flights.csv as R's write.csv and pandas write it: delays are whole
// minutes, NA where a flight was cancelled; tailnum is text; time_hour a datetime.
const FLIGHTS = [
  'year,month,day,dep_time,sched_dep_time,dep_delay,arr_time,sched_arr_time,arr_delay,carrier,flight,tailnum,origin,dest,air_time,distance,hour,minute,time_hour',
  '2013,1,1,517,515,2,830,819,11,UA,1545,N14228,EWR,IAH,227,1400,5,15,2013-01-01 05:00:00',
  '2013,1,1,533,529,4,850,830,20,UA,1714,N24211,LGA,IAH,227,1416,5,29,2013-01-01 05:00:00',
  '2013,1,1,542,540,2,923,850,33,AA,1141,N619AA,JFK,MIA,160,1089,5,40,2013-01-01 05:00:00',
  '2013,1,1,NA,1630,NA,NA,1815,NA,EV,4308,N18120,EWR,RDU,NA,416,16,30,2013-01-01 16:00:00',
  '2013,1,1,544,545,-1,1004,1022,-18,B6,725,N804JB,JFK,BQN,183,1576,5,45,2013-01-01 05:00:00',
  '2013,1,2,NA,1500,NA,NA,1825,NA,AA,133,NA,JFK,LAX,NA,2475,15,0,2013-01-02 15:00:00',
  '2013,1,1,554,600,-6,812,837,-25,DL,461,N668DN,LGA,ATL,116,762,6,0,2013-01-01 06:00:00',
].join('\n');

describe('missing-value markers in detection', () => {
  it('types a column of numbers with NA as integer and proposes NA as its NULL', () => {
    const d = detectColumn(['2', '4', 'NA', '-1', 'NA', '']);
    assert.equal(d.type, 'integer');
    assert.deepEqual(d.markerCounts, [{ marker: 'NA', count: 2 }]);
    assert.equal(d.nulls[0], 'NA');
    assert.ok(d.nulls.includes('-') && d.nulls.includes('NaN'), 'the other default markers are proposed too');
    assert.equal(d.nullMarker, 'NA', 'NA outnumbers the empty cell');
  });

  it('recognises every default marker, and only with their exact spelling', () => {
    const d = detectColumn(['1.5', 'NA', 'N/A', 'NULL', 'null', 'NaN', 'nan', '-', '']);
    assert.equal(d.type, 'real');
    assert.equal(d.markerCounts.length, 7);
    assert.equal(detectColumn(['1', 'na']).type, 'text');
    assert.equal(detectColumn(['1', 'Null']).type, 'text');
  });

  it('leaves markers as values of a text column ("NA" is also a country code)', () => {
    const d = detectColumn(['US', 'NA', 'FR']);
    assert.equal(d.type, 'text');
    assert.deepEqual(d.nulls, []);
    assert.deepEqual(d.textCause, { value: 'US', line: 2 });
  });

  it('names the one stray word that keeps a numeric column text, with its line', () => {
    const cells = Array.from({ length: 50 }, (_, i) => String(i));
    cells[36] = 'unknown';
    const d = detectColumn(cells);
    assert.equal(d.type, 'text');
    assert.deepEqual(d.textCause, { value: 'unknown', line: 38 });
  });

  it('keeps leading-zero codes text, and says which value did it', () => {
    const d = detectColumn(['10', '20', '007', '30']);
    assert.equal(d.type, 'text');
    assert.deepEqual(d.textCause, { value: '007', line: 4 });
  });

  it('keeps the empty cell as the export marker when it is the most frequent', () => {
    assert.equal(detectColumn(['1', '', '', 'NA']).nullMarker, '');
    assert.equal(detectColumn(['1', '2']).nullMarker, '');
  });
});

describe('missing-value markers and exact reals at commit', () => {
  const plan = (columns: ImportPlan['columns'], table = 't'): ImportPlan => ({ table, mode: 'create', encoding: 'utf-8', delimiter: ',', columns });

  it('imports the flights delay columns as integers with NA stored as NULL, recorded in provenance', async (t) => {
    const env = makeEnv(t);
    const path = env.file('flights.csv', `${FLIGHTS}\n`);
    const preview = await previewCsv(path, { fileName: 'flights.csv' });
    const type = (name: string) => preview.columns.find((c) => c.name === name)!.type;
    for (const name of ['dep_time', 'dep_delay', 'arr_time', 'arr_delay', 'air_time']) assert.equal(type(name), 'integer', name);
    assert.equal(type('tailnum'), 'text');
    assert.equal(type('time_hour'), 'datetime');
    const depDelay = preview.columns.findIndex((c) => c.name === 'dep_delay');
    assert.deepEqual(preview.stats.markerCounts[depDelay], [{ marker: 'NA', count: 2 }]);
    assert.deepEqual(preview.stats.textCauses[preview.columns.findIndex((c) => c.name === 'tailnum')], { value: 'N14228', line: 2 });

    const result = await importCsv(env.db, path, preview.plan, { fileName: 'flights.csv' });
    assert.equal(result.rows, 7);
    const rows = env.db.prepare('SELECT dep_delay, typeof(dep_delay) AS t, tailnum FROM flights ORDER BY rowid').all() as { dep_delay: number | null; t: string; tailnum: string | null }[];
    assert.deepEqual(rows.map((r) => r.dep_delay), [2, 4, 2, null, -1, null, -6]);
    assert.deepEqual([...new Set(rows.map((r) => r.t))].sort(), ['integer', 'null']);
    assert.equal(rows[5]!.tailnum, 'NA', 'a text column keeps "NA" as a value');
    assert.equal(env.db.prepare('SELECT max(dep_delay) FROM flights').pluck().get(), 4);
    const [record] = listImports(env.db, 'flights');
    const recorded = record!.columns.find((c) => c.name === 'dep_delay')!;
    assert.equal(recorded.nulls![0], 'NA');
    assert.equal(recorded.nullMarker, 'NA');
  });

  it('stores a 17-digit double as a REAL that gives the same text back', async (t) => {
    const env = makeEnv(t);
    const path = env.file('geo.csv', 'lat,code\n48.053808600000004,007\n-0.1000000000000000055511151231257827,010\n1e5,020\n');
    const preview = await previewCsv(path);
    assert.deepEqual(preview.columns.map((c) => c.type), ['real', 'text']);
    await importCsv(env.db, path, preview.plan, { fileName: 'geo.csv' });
    const rows = env.db.prepare('SELECT lat, typeof(lat) AS t, code FROM geo ORDER BY rowid').all() as { lat: number; t: string; code: string }[];
    assert.deepEqual(rows.map((r) => r.t), ['real', 'real', 'real']);
    assert.equal(rows[0]!.lat, Number('48.053808600000004'));
    assert.equal(rows[0]!.lat.toPrecision(17), '48.053808600000004');
    assert.equal(rows[2]!.lat, 100000);
    assert.deepEqual(rows.map((r) => r.code), ['007', '010', '020'], 'leading zeros stay');
  });

  it('applies per-column marker overrides: a sentinel becomes NULL, a removed marker fails the row', async (t) => {
    const env = makeEnv(t);
    const path = env.file('m.csv', 'a,b\n1,NA\n-999,2\nunknown,3\n');
    const preview = await previewCsv(path);
    assert.deepEqual(preview.columns.map((c) => c.type), ['text', 'integer']);
    assert.deepEqual(preview.stats.textCauses[0], { value: 'unknown', line: 4 });
    const columns = preview.plan.columns.map((c) => ({ ...c }));
    columns[0] = { ...columns[0]!, type: 'integer', nulls: ['-999', 'unknown'], nullMarker: 'unknown' };
    await importCsv(env.db, path, plan(columns, 'fixed'), { fileName: 'm.csv' });
    assert.deepEqual(env.db.prepare('SELECT a, b FROM fixed ORDER BY rowid').raw().all(), [[1, null], [null, 2], [null, 3]]);

    const strict = [{ ...columns[0]!, nulls: ['-999', 'unknown'] }, { ...columns[1]!, nulls: ['N/A'], nullMarker: 'N/A' }];
    await assertImportError(importCsv(env.db, path, plan(strict, 'strict'), { fileName: 'm.csv' }), 'CSV_TYPE_MISMATCH', { line: 2, column: 2 });

    const textNulls = [{ ...columns[0]!, type: 'text' as const, nulls: ['unknown'], nullMarker: 'unknown' }, columns[1]!];
    await importCsv(env.db, path, plan(textNulls, 'textnulls'), { fileName: 'm.csv' });
    assert.deepEqual(env.db.prepare('SELECT a FROM textnulls ORDER BY rowid').pluck().all(), ['1', '-999', null]);
  });

  it('refuses a bad marker list naming the column', async (t) => {
    const env = makeEnv(t);
    const path = env.file('m.csv', 'a\n1\n');
    await assertImportError(
      importCsv(env.db, path, plan([{ name: 'a', header: 'a', type: 'integer', nulls: [''] }]), { fileName: 'm.csv' }),
      'CSV_INVALID_PLAN',
      { message: /column 1 lists the empty cell/ },
    );
  });
});
