// Every page of the tenant app carries a content security policy that admits exactly the
// inline scripts and style the app writes (by hash) and nothing inline besides style
// attributes; refusals and error pages carry it too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HTML, seedPeople, session, startTestApp } from '../support/test-app.js';

const hashOf = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

function directive(csp: string, name: string): string[] {
  const found = csp.split(';').map((d) => d.trim().split(/\s+/)).find(([n]) => n === name);
  return found ? found.slice(1) : [];
}

test('pages, error pages and refusals carry the policy; every inline script and style on them is allowed by its hash', async () => {
  const ta = await startTestApp();
  try {
    seedPeople(ta.db);
    const pages = ['/', '/tables/people', '/tables/people/rows/1', '/sql', '/imports', '/tables/nope'];
    for (const url of pages) {
      const res = await ta.app.inject({ url, headers: { ...session(), ...HTML } });
      assert.match(String(res.headers['content-type']), /^text\/html/, url);
      const csp = String(res.headers['content-security-policy'] ?? '');
      assert.ok(csp, `${url} (${res.statusCode}) has a policy`);
      assert.equal(res.headers['referrer-policy'], 'same-origin', url);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', url);
      assert.ok(!directive(csp, 'script-src').includes("'unsafe-inline'"), 'no unsafe-inline for scripts');
      assert.deepEqual(directive(csp, 'frame-ancestors'), ["'none'"]);
      for (const [, body] of res.body.matchAll(/<script>([\s\S]*?)<\/script>/g)) {
        assert.ok(directive(csp, 'script-src').includes(hashOf(body!)), `${url}: a script without its hash in the policy`);
      }
      for (const [, body] of res.body.matchAll(/<style>([\s\S]*?)<\/style>/g)) {
        assert.ok(directive(csp, 'style-src-elem').includes(hashOf(body!)), `${url}: a style element without its hash`);
      }
      assert.doesNotMatch(res.body, /\son[a-z]+="/, `${url}: an attribute event handler (blocked by the policy)`);
    }
    // Not signed in (a request that did not come through ForwardAuth): refused, with the headers.
    const refused = await ta.app.inject({ url: '/', headers: HTML });
    assert.ok(refused.statusCode >= 400);
    assert.equal(refused.headers['x-content-type-options'], 'nosniff');
  } finally {
    await ta.close();
  }
});

test('no page source writes an attribute event handler (the policy would block it)', () => {
  const dir = new URL('../../src/pages/', import.meta.url).pathname;
  for (const name of readdirSync(dir)) {
    assert.doesNotMatch(readFileSync(join(dir, name), 'utf8'), /\son(submit|click|change|load|input)=/, name);
  }
});
