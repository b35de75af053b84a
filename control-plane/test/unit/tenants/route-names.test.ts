// Two tenants' Traefik objects never share a name, whatever their slugs: checked over many
// generated slugs, biased towards the adversarial ones (a victim's slug plus a role word).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRouteFiles } from '../../../src/edge/route-files.js';
import { sharedDocument } from '../../../src/edge/shared-config.js';
import { parseTenantObjectName, routeFor } from '../../../src/tenants/route.js';
import { checkSlug } from '../../../src/tenants/slug-rules.js';
import { config, tenant } from './fixtures.js';

/** A small seeded generator, so a failure names a reproducible slug pair. */
function random(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) / 2 ** 32;
  };
}

const ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789-';
const ROLE_WORDS = ['sso', 'health', 'app', 'cp', 'auth', 'svc', 'service', 't'];

function generatedSlugs(count: number, seed: number): string[] {
  const next = random(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!;
  const out = new Set<string>();
  while (out.size < count) {
    const len = 1 + Math.floor(next() * 8);
    // Hyphen-heavy on purpose: the old scheme's collisions all went through a hyphen.
    let base = '';
    for (let i = 0; i < len; i++) base += next() < 0.3 ? '-' : pick([...ALPHABET]);
    const word = pick(ROLE_WORDS);
    for (const s of [base, `${base}-${word}`, `${base}--${word}`, `${word}-${base}`, `t-${base}`, `${base}-${word}-${pick(ROLE_WORDS)}`]) {
      if (checkSlug(s, config.domain) === null) out.add(s);
    }
  }
  return [...out];
}

/** Every router and service name a tenant's route defines. */
function namesOf(slug: string): string[] {
  const doc = routeFor(tenant({ slug }), ['http://172.30.0.5:8080'], config);
  return [...Object.keys(doc.http.routers), ...Object.keys(doc.http.services ?? {})];
}

test('no two slugs define a router or service of the same name (generated adversarial slugs)', () => {
  const slugs = generatedSlugs(4000, 20261204);
  // The pairs of the issue are in, whatever the generator produced.
  slugs.push('acme', 'acme-sso', 'acme-health', 'acme-sso-health', 'acme-health-sso');
  const owner = new Map<string, string>();
  for (const slug of new Set(slugs)) {
    for (const name of new Set(namesOf(slug))) {
      const other = owner.get(`${name}`);
      // A router and the service of one tenant may share a name (Traefik keeps them apart).
      assert.ok(other === undefined || other === slug, `${slug} and ${other} both define ${name}`);
      owner.set(name, slug);
      assert.equal(parseTenantObjectName(name)?.slug, slug, `${name} reads back as its own slug`);
      assert.equal(parseTenantObjectName(`${name}@file`)?.slug, slug);
    }
  }
  assert.ok(owner.size > 10_000, `enough names were compared (${owner.size})`);
});

test('the old scheme would have collided on the issue pair; the new one does not', () => {
  assert.ok(namesOf('acme').includes('t-acme.sso'));
  assert.ok(namesOf('acme-sso').includes('t-acme-sso'));
  assert.ok(!namesOf('acme').some((n) => namesOf('acme-sso').includes(n)));
  assert.ok(!namesOf('acme').some((n) => namesOf('acme-health').includes(n)));
});

test('no tenant name is a name of the shared file (control-plane router, service, middlewares)', () => {
  const shared = sharedDocument(config, ['http://127.0.0.1:8088']).http;
  const sharedNames = [...Object.keys(shared.routers), ...Object.keys(shared.services), ...Object.keys(shared.middlewares)];
  for (const name of sharedNames) assert.equal(parseTenantObjectName(name), null, name);
  for (const slug of generatedSlugs(500, 7)) for (const name of namesOf(slug)) assert.ok(!sharedNames.includes(name), name);
});

test('route files of adversarial slugs read back to exactly their own tenants', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-route-names-'));
  try {
    const files = createRouteFiles(dir);
    await files.init();
    const slugs = ['acme', 'acme-sso', 'acme-health', 'acme--sso', 't-acme', ...generatedSlugs(60, 99)];
    for (const slug of slugs) await files.write(slug, routeFor(tenant({ slug }), [], config));
    const read = await files.readAll();
    assert.deepEqual([...read.keys()].sort(), [...new Set(slugs)].sort());
    for (const [slug, text] of read) assert.ok(text.includes(`"t-${slug}.sso"`), `${slug}'s file holds its own SSO router`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
