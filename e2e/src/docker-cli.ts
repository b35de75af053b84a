// Tests drive Docker through its CLI (the control plane's dockerode adapter is the product's
// one Docker driver; tests observe from outside, as an operator would).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

export async function docker(...args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, { maxBuffer: 64 * 1024 * 1024 });
  return stdout.trim();
}

/** Removes every container, volume and network carrying the label. */
export async function removeLabelled(label: string): Promise<void> {
  const containers = (await docker('ps', '-aq', '--filter', `label=${label}`)).split('\n').filter(Boolean);
  if (containers.length) await docker('rm', '-f', '-v', ...containers);
  const volumes = (await docker('volume', 'ls', '-q', '--filter', `label=${label}`)).split('\n').filter(Boolean);
  if (volumes.length) await docker('volume', 'rm', '-f', ...volumes);
  const networks = (await docker('network', 'ls', '-q', '--filter', `label=${label}`)).split('\n').filter(Boolean);
  for (const net of networks) await removeNetwork(net);
}

/**
 * Docker 20.10 sometimes keeps a stale endpoint for a moment (or for good, after many
 * containers were removed at once) and refuses with "has active endpoints". Retry briefly;
 * if the engine still refuses, say so loudly but do not fail the test that was cleaning up:
 * the network is empty and labelled, and nothing else uses it.
 */
async function removeNetwork(net: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (true) {
    try {
      await docker('network', 'rm', net);
      return;
    } catch (err) {
      const msg = String((err as { stderr?: string }).stderr ?? (err as Error).message);
      if (/No such network/i.test(msg)) return;
      if (!/active endpoints/i.test(msg)) throw err;
      if (Date.now() >= deadline) {
        process.stderr.write(`warning: Docker kept network ${net} ("active endpoints" with no container attached); left in place\n`);
        return;
      }
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

export async function containerIp(id: string, network: string): Promise<string> {
  return docker('inspect', '-f', `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`, id);
}
