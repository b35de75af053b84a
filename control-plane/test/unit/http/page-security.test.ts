import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { Browser, startTestApp, type TestApp } from './test-app.js';

let t: TestApp;
before(async () => {
  t = await startTestApp();
});
after(() => t.close());

const hashOf = (text: string) => `'sha256-${createHash('sha256').update(text).digest('base64')}'`;

test("the CSP admits exactly the pages' inline style and script (a browser would drop them otherwise)", async () => {
  const b = new Browser(t);
  await b.signUpWithForm('ann@example.com');
  await b.api('POST', '/api/v1/tenants', { slug: 'acme' });
  for (const url of ['/', '/instances/acme', '/login']) {
    const res = await (url === '/login' ? new Browser(t) : b).request({ method: 'GET', url });
    const csp = String(res.headers['content-security-policy']);
    const style = /<style>([\s\S]*?)<\/style>/.exec(res.body)![1]!;
    assert.match(csp, new RegExp(`style-src ${hashOf(style).replace(/[+/]/g, '\\$&')}`), url);
    const script = /<script>([\s\S]*?)<\/script>/.exec(res.body)?.[1];
    if (url !== '/login') assert.ok(script && csp.includes(`script-src ${hashOf(script)}`), `${url}: live-state script allowed`);
    assert.doesNotMatch(res.body, /\sstyle="/, `${url}: no inline style attributes (blocked by the CSP)`);
    assert.match(csp, /form-action 'self' https:\/\/\*\.berth\.localhost:8443/);
  }
});

test('user-supplied text is escaped on every page it appears', async () => {
  const b = new Browser(t);
  const page = await b.request({ method: 'GET', url: '/signup' });
  const res = await b.postForm('/signup', { email: '<img src=x onerror=alert(1)>@x.io', password: 'x', _csrf: Browser.csrfFrom(page.body) });
  assert.equal(res.statusCode, 422);
  assert.ok(!res.body.includes('<img src=x'));
  assert.match(res.body, /&lt;img src=x onerror=alert\(1\)&gt;/);
});
