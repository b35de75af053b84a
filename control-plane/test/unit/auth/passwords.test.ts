import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hashPassword, verifyDecoyPassword, verifyPassword } from '../../../src/auth/passwords.js';

test('hashes with argon2id at m >= 19456 KiB, t >= 2, p = 1', async () => {
  const hash = await hashPassword('correct horse battery');
  const m = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$/.exec(hash);
  assert.ok(m, `unexpected hash format: ${hash}`);
  assert.ok(Number(m[1]) >= 19456, `m=${m[1]}`);
  assert.ok(Number(m[2]) >= 2, `t=${m[2]}`);
  assert.equal(Number(m[3]), 1);
});

test('verifies the right password only; a malformed hash never verifies', async () => {
  const hash = await hashPassword('correct horse battery');
  assert.equal(await verifyPassword(hash, 'correct horse battery'), true);
  assert.equal(await verifyPassword(hash, 'correct horse batterY'), false);
  assert.equal(await verifyPassword('not-a-hash', 'anything'), false);
  assert.equal(await verifyDecoyPassword('anything'), false);
});
