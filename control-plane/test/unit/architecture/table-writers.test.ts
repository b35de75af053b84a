// One module owns each table: no other code (the integration harness and e2e included) writes
// it with its own SQL. A write elsewhere fails here, naming the file and the line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const SCANNED = ['control-plane/src', 'control-plane/test/integration', 'e2e'];

const OWNERS: Record<string, string> = {
  tenants: 'control-plane/src/tenants/tenant-store.ts',
  audit_log: 'control-plane/src/audit/audit-log.ts',
  rollouts: 'control-plane/src/rollout/rollout-store.ts',
  rollout_tenants: 'control-plane/src/rollout/rollout-store.ts',
  rollout_events: 'control-plane/src/rollout/rollout-store.ts',
  tenant_rollout_locks: 'control-plane/src/rollout/rollout-store.ts',
  resource_samples: 'control-plane/src/metrics/resource-history.ts',
  leases: 'control-plane/src/lease/lease-store.ts',
  processes: 'control-plane/src/lease/process-register.ts',
  wakeups: 'control-plane/src/lease/wakeups.ts',
};

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (name === 'node_modules' || name === 'artifacts') return [];
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : /\.(ts|mjs)$/.test(name) ? [path] : [];
  });
}

const WRITE = new RegExp(`\\b(?:INSERT\\s+(?:OR\\s+\\w+\\s+)?INTO|REPLACE\\s+INTO|UPDATE|DELETE\\s+FROM)\\s+(${Object.keys(OWNERS).join('|')})\\b`, 'gi');

test('each owned table is written only by its module', () => {
  const strays: string[] = [];
  const owned = new Set<string>();
  for (const abs of SCANNED.flatMap((d) => walk(join(ROOT, d)))) {
    const file = relative(ROOT, abs);
    readFileSync(abs, 'utf8').split('\n').forEach((line, i) => {
      for (const [, table] of line.matchAll(WRITE)) {
        if (OWNERS[table!.toLowerCase()] === file) owned.add(table!.toLowerCase());
        else strays.push(`${file}:${i + 1} writes ${table} (owned by ${OWNERS[table!.toLowerCase()]})`);
      }
    });
  }
  assert.deepEqual(strays, []);
  assert.deepEqual([...owned].sort(), Object.keys(OWNERS).sort(), 'every owner was found writing its table (the scan read the code)');
});

test('the scan recognises the forms of a write', () => {
  const line = "db.prepare('UPDATE tenants SET x = 1'); insert or replace into audit_log; DELETE FROM rollouts; SELECT * FROM tenants";
  assert.deepEqual([...line.matchAll(WRITE)].map((m) => m[1]), ['tenants', 'audit_log', 'rollouts']);
});
