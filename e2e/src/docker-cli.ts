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
  if (networks.length) await docker('network', 'rm', ...networks);
}

export async function containerIp(id: string, network: string): Promise<string> {
  return docker('inspect', '-f', `{{(index .NetworkSettings.Networks "${network}").IPAddress}}`, id);
}
