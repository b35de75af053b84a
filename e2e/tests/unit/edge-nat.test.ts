// The pure part of the public-port rules (infra/scripts/edge-nat.mjs): chain names, the edge
// file's validation, the REDIRECT and DROP rules for the live slot, and the jump edits that keep
// exactly one jump first in each parent chain. The rules on a real kernel: traefik-handover.test.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { edgeChain, parseEdge, chainRules, jumpEdits, restoreScript } from '../../../infra/scripts/edge-nat.mjs';

const edge = parseEdge(JSON.stringify({
  instance: 'default', live: 'b',
  ports: [{ name: 'http', public: 80, a: 8080, b: 9080 }, { name: 'https', public: 443, a: 8443, b: 9443 }],
}), 'edge.json');

test('chain names fit iptables (28 characters), long instance names shortened as the egress chains are', () => {
  assert.equal(edgeChain('default'), 'BERTH-EDGE-default');
  const long = edgeChain('a-very-long-instance-name');
  assert.match(long, /^BERTH-EDGE-a-very-[0-9a-f]{8}$/);
  assert.ok(long.length <= 28);
});

test('an edge file with problems is refused, naming each', () => {
  assert.throws(() => parseEdge('{', 'e.json'), /e\.json: not JSON/);
  assert.throws(() => parseEdge(JSON.stringify({ instance: 'x', live: 'c', ports: [{ name: 'http', public: 0, a: 1, b: 2 }] }), 'e.json'),
    /live "c" is not a or b; ports\.http: public, a and b must be TCP ports/);
});

test('the public ports go to the live slot; the internal ports of both slots only through a REDIRECT', () => {
  const rules = chainRules(edge);
  assert.deepEqual(rules.nat, [
    '-A BERTH-EDGE-default -p tcp -m tcp --dport 80 -j REDIRECT --to-ports 9080',
    '-A BERTH-EDGE-default -p tcp -m tcp --dport 443 -j REDIRECT --to-ports 9443',
  ]);
  assert.deepEqual(rules.filter, ['-A BERTH-EDGE-default ! -i lo -p tcp -m multiport --dports 8080,9080,8443,9443 -m conntrack ! --ctstate DNAT -j DROP']);
});

test('exactly one jump, first: kept as is, inserted, or moved (stale copies deleted)', () => {
  const want = '-A OUTPUT -m addrtype --dst-type LOCAL -j BERTH-EDGE-default';
  const docker = '-A OUTPUT ! -d 127.0.0.0/8 -m addrtype --dst-type LOCAL -j DOCKER';
  const m = '-m addrtype --dst-type LOCAL';
  assert.deepEqual(jumpEdits('OUTPUT', m, 'BERTH-EDGE-default', `-P OUTPUT ACCEPT\n${want}\n${docker}`), []);
  assert.deepEqual(jumpEdits('OUTPUT', m, 'BERTH-EDGE-default', `-P OUTPUT ACCEPT\n${docker}`), [`-I OUTPUT 1 ${m} -j BERTH-EDGE-default`]);
  assert.deepEqual(jumpEdits('OUTPUT', m, 'BERTH-EDGE-default', `-P OUTPUT ACCEPT\n${docker}\n${want}`),
    [want.replace('-A ', '-D '), `-I OUTPUT 1 ${m} -j BERTH-EDGE-default`]);
  // Another installation's chain is a bystander.
  assert.deepEqual(jumpEdits('OUTPUT', m, 'BERTH-EDGE-default', `${want}\n-A OUTPUT ${m} -j BERTH-EDGE-default2`), []);
});

test('one restore script converges both tables, flushing only our chain', () => {
  const script = restoreScript(edge, { 'nat PREROUTING': '', 'nat OUTPUT': '', 'filter INPUT': '' });
  assert.deepEqual(script.split('\n').filter((l) => l.startsWith('*') || l === 'COMMIT'), ['*nat', 'COMMIT', '*filter', 'COMMIT']);
  assert.match(script, /^-F BERTH-EDGE-default$/m);
  assert.doesNotMatch(script, /^-F (PREROUTING|OUTPUT|INPUT)/m);
  assert.match(script, /^-I PREROUTING 1 -m addrtype --dst-type LOCAL -j BERTH-EDGE-default$/m);
  assert.match(script, /^-I INPUT 1 -j BERTH-EDGE-default$/m);
});
