import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { bridgeInterface, chainsFor, egressRestoreScript, NON_PUBLIC_IPV4, type EgressRuleInput } from '../../../src/docker/egress-rules.js';

const none = { egress: '-N DOCKER-USER\n-A DOCKER-USER -j RETURN\n', host: '-P INPUT ACCEPT\n' };
const input = (over: Partial<EgressRuleInput> = {}): EgressRuleInput => ({
  instance: 'default', bridge: 'br-0123456789ab', mode: 'none', family: 4, installed: none, ...over,
});
const lines = (s: string) => s.trim().split('\n');

test('chain names: short instances verbatim, long ones shortened to fit iptables and stay distinct', () => {
  assert.deepEqual(chainsFor('default'), { egress: 'BERTH-EGRESS-default', host: 'BERTH-HOST-default' });
  const long = chainsFor('a-very-long-installation-name');
  const other = chainsFor('a-very-long-installation-name-2');
  assert.ok(long.egress.length <= 28, long.egress);
  assert.notEqual(long.egress, other.egress);
  assert.match(long.egress, /^BERTH-EGRESS-a-very-[0-9a-f]{8}$/);
});

test('the shell remover derives the same chain names', () => {
  // egress.sh's chain_id, evaluated alone: the names both sides must agree on.
  for (const instance of ['default', 'ta1b2c3d4', 'a-very-long-installation-name']) {
    const script = new URL('../../../../infra/scripts/egress.sh', import.meta.url).pathname;
    const id = execFileSync('bash', ['-c', `eval "$(sed -n '/^chain_id()/,/^}/p' "$0")"; chain_id "$1"`, script, instance], { encoding: 'utf8' }).trim();
    assert.equal(`BERTH-EGRESS-${id}`, chainsFor(instance).egress);
  }
});

test('IPv4, egress none: replies pass, every non-public range and then everything else is refused, host input refused', () => {
  const s = lines(egressRestoreScript(input()));
  assert.equal(s[0], '*filter');
  assert.ok(s.includes(':BERTH-EGRESS-default - [0:0]') && s.includes(':BERTH-HOST-default - [0:0]'));
  const egress = s.filter((l) => l.startsWith('-A BERTH-EGRESS-default '));
  assert.equal(egress[0], '-A BERTH-EGRESS-default -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN');
  for (const cidr of ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '169.254.0.0/16']) {
    assert.ok(egress.includes(`-A BERTH-EGRESS-default -d ${cidr} -j REJECT --reject-with icmp-admin-prohibited`), cidr);
  }
  assert.equal(egress.at(-1), '-A BERTH-EGRESS-default -j REJECT --reject-with icmp-admin-prohibited');
  assert.deepEqual(s.filter((l) => l.startsWith('-A BERTH-HOST-default ')), [
    '-A BERTH-HOST-default -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN',
    '-A BERTH-HOST-default -j REJECT --reject-with icmp-admin-prohibited',
  ]);
  assert.ok(s.includes('-I DOCKER-USER 1 -i br-0123456789ab -j BERTH-EGRESS-default'));
  assert.ok(s.includes('-I INPUT 1 -i br-0123456789ab -j BERTH-HOST-default'));
  assert.equal(s.at(-1), 'COMMIT');
});

test('IPv4, egress public: non-public ranges refused, the rest returns to Docker\'s chains', () => {
  const egress = lines(egressRestoreScript(input({ mode: 'public' }))).filter((l) => l.startsWith('-A BERTH-EGRESS-default '));
  assert.equal(egress.length, 1 + NON_PUBLIC_IPV4.length + 1);
  assert.equal(egress.at(-1), '-A BERTH-EGRESS-default -j RETURN');
});

test('the cloud metadata address is inside a refused range', () => {
  const toInt = (ip: string) => ip.split('.').reduce((n, o) => n * 256 + Number(o), 0);
  const inRange = (ip: string, cidr: string) => {
    const [base, bits] = cidr.split('/');
    const size = 2 ** (32 - Number(bits));
    return Math.floor(toInt(ip) / size) === Math.floor(toInt(base!) / size);
  };
  assert.ok(NON_PUBLIC_IPV4.some((c) => inRange('169.254.169.254', c)));
  assert.ok(!NON_PUBLIC_IPV4.some((c) => inRange('198.18.0.1', c)), 'the tests\' "public" address stays public');
});

test('IPv6: hung off FORWARD and INPUT, everything but replies refused in either mode', () => {
  const s = lines(egressRestoreScript(input({ family: 6, mode: 'public', installed: { egress: '-P FORWARD ACCEPT', host: '-P INPUT ACCEPT' } })));
  assert.deepEqual(s.filter((l) => l.startsWith('-A BERTH-EGRESS-default ')), [
    '-A BERTH-EGRESS-default -m conntrack --ctstate ESTABLISHED,RELATED -j RETURN',
    '-A BERTH-EGRESS-default -j REJECT --reject-with icmp6-adm-prohibited',
  ]);
  assert.ok(s.includes('-I FORWARD 1 -i br-0123456789ab -j BERTH-EGRESS-default'));
  assert.ok(s.includes('-I INPUT 1 -i br-0123456789ab -j BERTH-HOST-default'));
});

test('applying again with the jumps in place leaves them alone', () => {
  const installed = {
    egress: '-N DOCKER-USER\n-A DOCKER-USER -i br-0123456789ab -j BERTH-EGRESS-default\n-A DOCKER-USER -j RETURN\n',
    host: '-P INPUT ACCEPT\n-A INPUT -i br-0123456789ab -j BERTH-HOST-default\n-A INPUT -j ufw-before-input\n',
  };
  const s = lines(egressRestoreScript(input({ installed })));
  assert.ok(!s.some((l) => /^-[DI] (DOCKER-USER|INPUT) /.test(l)), s.join('\n'));
});

test('a jump to an old bridge, a duplicate or a jump no longer first is replaced in the same transaction', () => {
  const installed = {
    egress: '-A DOCKER-USER -i br-old000000000 -j BERTH-EGRESS-default\n-A DOCKER-USER -j RETURN\n',
    host: '-A INPUT -j ACCEPT\n-A INPUT -i br-0123456789ab -j BERTH-HOST-default\n',
  };
  const s = lines(egressRestoreScript(input({ installed })));
  assert.ok(s.includes('-D DOCKER-USER -i br-old000000000 -j BERTH-EGRESS-default'));
  assert.ok(s.includes('-I DOCKER-USER 1 -i br-0123456789ab -j BERTH-EGRESS-default'));
  assert.ok(s.includes('-D INPUT -i br-0123456789ab -j BERTH-HOST-default'));
  assert.ok(s.indexOf('-D INPUT -i br-0123456789ab -j BERTH-HOST-default') < s.indexOf('-I INPUT 1 -i br-0123456789ab -j BERTH-HOST-default'));
  assert.ok(!s.includes('-D INPUT -j ACCEPT'), 'other rules are not ours to touch');
});

test('another instance\'s jumps are not ours', () => {
  const installed = { egress: '-A DOCKER-USER -i br-aaaaaaaaaaaa -j BERTH-EGRESS-default2\n', host: '' };
  const s = lines(egressRestoreScript(input({ installed })));
  assert.ok(!s.some((l) => l.includes('BERTH-EGRESS-default2')));
});

test('bridge interface: Docker\'s default name or the one set in the network options; junk refused', () => {
  assert.equal(bridgeInterface('0123456789abcdef0123', {}), 'br-0123456789ab');
  assert.equal(bridgeInterface('0123456789abcdef0123', { 'com.docker.network.bridge.name': 'berth0' }), 'berth0');
  assert.throws(() => egressRestoreScript(input({ bridge: 'br-x -j ACCEPT' })), /not a network interface name/);
});
