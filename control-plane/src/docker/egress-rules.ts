// What tenant containers may reach, as iptables rules in chains this installation owns. Pure:
// the text fed to `iptables-restore --noflush` is a function of the instance, the bridge
// interface, the mode and the jumps already installed (so a stale jump to an old bridge, left
// by a tenant network that was removed and made again, is deleted in the same transaction).
//
// Two paths leave a tenant container (see SECURITY.md, "Tenant egress"):
//   - to another machine: FORWARD → Docker's DOCKER-USER → BERTH-EGRESS-<id>;
//   - to the host itself, on any of its addresses (the bridge gateway, a port bound to
//     0.0.0.0): INPUT → BERTH-HOST-<id>. This path never crosses FORWARD.
// Both let replies through (conntrack ESTABLISHED,RELATED): the control plane's probes and
// Traefik run on the host and open every connection to a tenant themselves.
import { createHash } from 'node:crypto';

export type TenantEgress = 'none' | 'public';
export const TENANT_EGRESS_MODES: readonly TenantEgress[] = ['none', 'public'];

/**
 * Never public: private (RFC 1918), shared address space (carrier-grade NAT, also used by
 * some clouds' internal services), link-local (cloud metadata at 169.254.169.254), loopback,
 * "this network", multicast and reserved.
 */
export const NON_PUBLIC_IPV4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '224.0.0.0/3',
] as const;

// The kernel answers a rejected TCP connect with EHOSTUNREACH: a tenant's client fails at
// once instead of waiting out a timeout, and tests can tell the firewall from a closed port.
const REJECT4 = '-j REJECT --reject-with icmp-admin-prohibited';
const REJECT6 = '-j REJECT --reject-with icmp6-adm-prohibited';
const REPLIES = '-m conntrack --ctstate ESTABLISHED,RELATED -j RETURN';

export type IpFamily = 4 | 6;

export interface EgressChains {
  /** Jumped from DOCKER-USER (IPv4) or FORWARD (IPv6) for packets from the tenant bridge. */
  readonly egress: string;
  /** Jumped from INPUT for packets from the tenant bridge to the host's own addresses. */
  readonly host: string;
}

/**
 * Chain names of an instance. iptables allows 28 characters; an instance name longer than 15
 * is shortened to its first 6 characters and 8 hex of its SHA-256 (infra/scripts/egress.sh
 * derives the same names to remove them).
 */
export function chainsFor(instance: string): EgressChains {
  const id = instance.length <= 15 ? instance : `${instance.slice(0, 6)}-${createHash('sha256').update(instance).digest('hex').slice(0, 8)}`;
  return { egress: `BERTH-EGRESS-${id}`, host: `BERTH-HOST-${id}` };
}

/** The built-in chain each of our chains hangs off, per address family. */
export function parentChains(family: IpFamily): { egress: string; host: string } {
  // Docker 20.10 makes DOCKER-USER only for IPv4 (its ip6tables support is off by default).
  return { egress: family === 4 ? 'DOCKER-USER' : 'FORWARD', host: 'INPUT' };
}

export interface EgressRuleInput {
  readonly instance: string;
  /** Linux interface of the tenant network, e.g. br-0123456789ab. */
  readonly bridge: string;
  readonly mode: TenantEgress;
  readonly family: IpFamily;
  /** `iptables -S <chain>` of each parent chain, as installed now. */
  readonly installed: { readonly egress: string; readonly host: string };
}

/** The iptables-restore input (with --noflush) that converges this family's rules. */
export function egressRestoreScript(input: EgressRuleInput): string {
  const { instance, bridge, mode, family, installed } = input;
  if (!/^[A-Za-z0-9_.-]{1,15}$/.test(bridge)) throw new Error(`not a network interface name: "${bridge}"`);
  const chains = chainsFor(instance);
  const parents = parentChains(family);
  const reject = family === 4 ? REJECT4 : REJECT6;
  const lines = ['*filter', `:${chains.egress} - [0:0]`, `:${chains.host} - [0:0]`];

  lines.push(`-A ${chains.egress} ${REPLIES}`);
  if (family === 4) {
    for (const cidr of NON_PUBLIC_IPV4) lines.push(`-A ${chains.egress} -d ${cidr} ${reject}`);
  }
  // berth makes the tenant network without IPv6, so no tenant has a routable IPv6 address;
  // whatever IPv6 still leaves (link-local) is refused in either mode.
  lines.push(`-A ${chains.egress} ${mode === 'public' && family === 4 ? '-j RETURN' : reject}`);
  lines.push(`-A ${chains.host} ${REPLIES}`, `-A ${chains.host} ${reject}`);

  lines.push(...jumpEdits(parents.egress, chains.egress, bridge, installed.egress));
  lines.push(...jumpEdits(parents.host, chains.host, bridge, installed.host));
  lines.push('COMMIT', '');
  return lines.join('\n');
}

/**
 * Keeps exactly one jump to `chain`, first in `parent`, for `bridge`: stale jumps (another
 * bridge, a duplicate, or ours no longer first) are deleted and the jump inserted at 1.
 */
function jumpEdits(parent: string, chain: string, bridge: string, installed: string): string[] {
  const want = `-A ${parent} -i ${bridge} -j ${chain}`;
  const rules = installed.split('\n').map((l) => l.trim()).filter((l) => l.startsWith(`-A ${parent} `));
  const ours = rules.filter((r) => r.split(/\s+/).includes(chain));
  if (rules[0] === want && ours.length === 1) return [];
  return [...ours.map((r) => r.replace(/^-A /, '-D ')), `-I ${parent} 1 -i ${bridge} -j ${chain}`];
}

/** The Linux interface Docker made for a bridge network. */
export function bridgeInterface(networkId: string, options: Readonly<Record<string, string>> | undefined): string {
  return options?.['com.docker.network.bridge.name'] || `br-${networkId.slice(0, 12)}`;
}
