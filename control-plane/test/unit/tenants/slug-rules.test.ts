import { test } from 'node:test';
import assert from 'node:assert/strict';
import { checkSlug } from '../../../src/tenants/slug-rules.js';

test('checkSlug: DNS labels of 3-40 lowercase characters, no reserved names', () => {
  const table: [string, RegExp | null][] = [
    ['acme', null],
    ['a1b', null],
    ['team-42', null],
    ['x'.repeat(40), null],
    ['ab', /3 to 40/],
    ['x'.repeat(41), /3 to 40/],
    ['Acme', /lowercase/],
    ['ac_me', /lowercase/],
    ['ac.me', /lowercase/],
    ['acmé', /lowercase/],
    ['-acme', /start or end/],
    ['acme-', /start or end/],
    ['xn--acme', /third and fourth/],
    ['www', /reserved/],
    ['api', /reserved/],
    ['admin', /reserved/],
    ['app', /reserved/],
    ['auth', /reserved/],
    ['mail', /reserved/],
    ['traefik', /reserved/],
    ['berth', /reserved/],
    ['static', /reserved/],
    ['assets', /reserved/],
    ['status', /reserved/],
  ];
  for (const [slug, want] of table) {
    const problem = checkSlug(slug, 'berth.localhost');
    if (want === null) assert.equal(problem, null, slug);
    else assert.match(problem ?? '', want, slug);
  }
});

test("checkSlug refuses the control plane's own host label", () => {
  assert.match(checkSlug('data', 'data.example.org') ?? '', /reserved/);
  assert.equal(checkSlug('data', 'berth.example.org'), null);
});
