// Upgrading from the old router names (t-<slug>-health, t-<slug>-sso, which another slug could
// produce): the reconciler rewrites each tenant's file in one atomic write, under the same
// file name, and keeps serving the containers the old file listed while it does.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ManagedContainer, ManagedVolume } from '../../../src/docker/types.js';
import { renderRoute } from '../../../src/edge/route-text.js';
import { plan, type Observed } from '../../../src/reconcile/plan.js';
import { volumeNameFor } from '../../../src/tenants/container-spec.js';
import { LABEL } from '../../../src/tenants/labels.js';
import { routeFor, serverUrlFor, type RouteDocument } from '../../../src/tenants/route.js';
import type { Tenant } from '../../../src/tenants/tenant.js';
import { config, containerOf, tenant } from '../tenants/fixtures.js';

/** The file an earlier version wrote: the same document with the hyphenated role names. */
function oldText(t: Tenant, urls: string[]): string {
  const doc = routeFor(t, urls, config);
  const routers = Object.fromEntries(Object.entries(doc.http.routers).map(([k, v]) => [k.replace(/\.(health|sso)$/, '-$1'), v]));
  return renderRoute({ http: { ...doc.http, routers } } satisfies RouteDocument);
}

function observedOf(tenants: Tenant[], containers: ManagedContainer[], texts: Map<string, string>): Observed {
  return { containers, volumes: tenants.map(volumeOf), routes: texts, confirmedRoutes: new Map(texts), readiness: () => ({ state: 'ready', since: 0, detail: '' }) };
}

function volumeOf(t: Tenant): ManagedVolume {
  return { name: volumeNameFor(t, config), labels: { [LABEL.instance]: 'unit', [LABEL.tenantId]: String(t.id), [LABEL.role]: 'data' } };
}

test('an old-named route file is rewritten in place, with the servers it listed, and nothing is removed', () => {
  const acme = tenant({ id: 1, slug: 'acme' });
  const squatter = tenant({ id: 2, slug: 'acme-sso' });
  const a = containerOf(acme);
  const s = containerOf(squatter);
  const texts = new Map([['acme', oldText(acme, [serverUrlFor(a.ip!)])], ['acme-sso', oldText(squatter, [serverUrlFor(s.ip!)])]]);
  const lanes = plan({ tenants: [acme, squatter], observed: observedOf([acme, squatter], [a, s], texts), held: new Set(), now: 0, config: { ...config, rolloutParallel: 2 } });
  for (const [t, c] of [[acme, a], [squatter, s]] as const) {
    const lane = lanes.find((l) => l.tenantId === t.id);
    assert.ok(lane, `${t.slug} is planned`);
    // One action: the write (temp file + rename of t-<slug>.yml), no container churn.
    assert.equal(lane.actions.length, 1, JSON.stringify(lane.actions));
    const [write] = lane.actions;
    assert.equal(write?.kind, 'write-route');
    if (write?.kind !== 'write-route') return;
    assert.deepEqual(write.servers, [serverUrlFor(c.ip!)]);
    assert.ok(write.text.includes(`"t-${t.slug}.sso"`) && !write.text.includes(`"t-${t.slug}-sso"`));
  }
  // After the rewrite, nothing is left to do.
  const after = new Map([...texts.keys()].map((slug) => [slug, renderRoute(routeFor(slug === 'acme' ? acme : squatter, [serverUrlFor((slug === 'acme' ? a : s).ip!)], config))]));
  assert.deepEqual(plan({ tenants: [acme, squatter], observed: observedOf([acme, squatter], [a, s], after), held: new Set(), now: 0, config: { ...config, rolloutParallel: 2 } }), []);
});
