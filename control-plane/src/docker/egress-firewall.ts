// Installs the tenant egress rules (egress-rules.ts) with the host's iptables, the same
// iptables Docker uses. Called after every ensureNetwork, so the rules follow the tenant bridge
// when the network is made again. Each family goes in with one iptables-restore transaction:
// a tenant never sees the chain half-written. Removal is infra/scripts/egress.sh's job
// (`./berth down`, test stacks' stop()); the control plane never removes them, so tenants stay
// fenced while it restarts.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { BerthError } from '../errors.js';
import { egressRestoreScript, parentChains, type IpFamily, type TenantEgress } from './egress-rules.js';

export interface EgressFirewall {
  /** Converges this instance's chains and jumps for the tenant bridge; idempotent. */
  apply(bridge: string): Promise<void>;
}

export function createEgressFirewall(instance: string, mode: TenantEgress): EgressFirewall {
  return {
    async apply(bridge) {
      // Without IPv6 in the kernel there is no IPv6 path to fence (and no ip6tables table).
      const families: IpFamily[] = existsSync('/proc/net/if_inet6') ? [4, 6] : [4];
      for (const family of families) {
        const bin = family === 4 ? 'iptables' : 'ip6tables';
        const parents = parentChains(family);
        const installed = {
          egress: await run(bin, ['-w', '-S', parents.egress]),
          host: await run(bin, ['-w', '-S', parents.host]),
        };
        await run(`${bin}-restore`, ['-w', '--noflush'], egressRestoreScript({ instance, bridge, mode, family, installed }));
      }
    },
  };
}

function run(cmd: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const fail = (why: string, cause?: unknown) =>
      reject(new BerthError('FIREWALL_FAILED', `${cmd} ${args.join(' ')}: ${why}`, undefined, { cause }));
    const child = spawn(cmd, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    // stdout and stderr are 'pipe' above, so both exist (the typings cannot see it through the computed stdio).
    child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr!.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', (e) => fail(e.message, e));
    child.on('close', (code) => (code === 0 ? resolve(out) : fail(`exit ${code}: ${err.trim()}`)));
    // A command that dies before reading its input fails through 'close' with its own message.
    child.stdin?.on('error', () => {});
    child.stdin?.end(input);
  });
}
