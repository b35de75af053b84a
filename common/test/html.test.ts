import { test } from 'node:test';
import assert from 'node:assert/strict';
import { escapeHtml, html, trusted } from '../src/html.js';

test('html escapes every interpolation but Html', () => {
  const evil = `<script>alert("x")</script>&'`;
  assert.equal(html`<p>${evil}</p>`.value, '<p>&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&amp;&#39;</p>');
  assert.equal(html`<p>${trusted('<b>ok</b>')}</p>`.value, '<p><b>ok</b></p>');
  assert.equal(html`<ul>${['<a>', html`<li>${'&'}</li>`]}</ul>`.value, '<ul>&lt;a&gt;<li>&amp;</li></ul>');
  assert.equal(html`${null}${undefined}${false}${0}${10n}`.value, '010');
  assert.equal(escapeHtml(`"'<>&`), '&quot;&#39;&lt;&gt;&amp;');
  assert.equal(String(html`<i>${'a'}</i>`), '<i>a</i>');
});
