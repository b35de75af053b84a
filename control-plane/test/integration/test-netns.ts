// A network namespace the egress test makes for itself: a veth pair from the host and TCP
// listeners on three addresses inside it, routed from the host only into this namespace:
//   private    10.231.<n>.2      (the namespace's end of the veth, a /30)
//   linkLocal  169.254.<n>.<m>   (a link-local /32 on the namespace's loopback; never .169.254,
//                                 the cloud metadata address, which stays the host's)
//   public     198.18.<n>.<m>    (the benchmarking range, standing in for "the internet")
// Tests send traffic only here, to the host itself and to the project's containers.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { waitFor } from '@berth/common/wait-for';

export const GREETING = 'berth-egress-test';

export interface TestNamespace {
  readonly name: string;
  readonly port: number;
  readonly addresses: { readonly private: string; readonly linkLocal: string; readonly public: string };
  close(): Promise<void>;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });

/** Answers every connection with GREETING, on 0.0.0.0:port of whatever namespace it runs in. */
export const LISTENER_SCRIPT = (port: number) =>
  `require('net').createServer((s) => s.end('${GREETING}\\n')).listen(${port}, '0.0.0.0', () => console.log('listening'))`;

export async function makeNamespace(): Promise<TestNamespace> {
  const tag = randomBytes(3).toString('hex');
  const name = `berth-eg-${tag}`;
  const hostIf = `beg${tag}h`;
  const nsIf = `beg${tag}n`;
  const n = randomInt(1, 255);
  const m = randomInt(1, 255);
  const addresses = { private: `10.231.${n}.2`, linkLocal: `169.254.${n === 169 ? 170 : n}.${m}`, public: `198.18.${n}.${m}` };
  const port = randomInt(20_000, 30_000);
  let listener: ChildProcess | undefined;
  const close = async () => {
    if (listener && listener.exitCode === null) {
      const exited = new Promise((r) => listener!.once('exit', r));
      listener.kill('SIGTERM');
      await exited;
    }
    // Deleting the namespace deletes its veth end, which takes the host end and its routes along.
    try { ip('netns', 'del', name); } catch { /* never made */ }
    try { ip('link', 'del', hostIf); } catch { /* already gone with the namespace */ }
  };
  try {
    ip('netns', 'add', name);
    ip('link', 'add', hostIf, 'type', 'veth', 'peer', 'name', nsIf);
    ip('link', 'set', nsIf, 'netns', name);
    ip('addr', 'add', `10.231.${n}.1/30`, 'dev', hostIf);
    ip('link', 'set', hostIf, 'up');
    const inNs = (...args: string[]) => ip('netns', 'exec', name, 'ip', ...args);
    inNs('addr', 'add', `${addresses.private}/30`, 'dev', nsIf);
    inNs('addr', 'add', `${addresses.linkLocal}/32`, 'dev', 'lo');
    inNs('addr', 'add', `${addresses.public}/32`, 'dev', 'lo');
    inNs('link', 'set', 'lo', 'up');
    inNs('link', 'set', nsIf, 'up');
    inNs('route', 'add', 'default', 'via', `10.231.${n}.1`);
    ip('route', 'add', `${addresses.linkLocal}/32`, 'via', addresses.private, 'dev', hostIf);
    ip('route', 'add', `${addresses.public}/32`, 'via', addresses.private, 'dev', hostIf);

    listener = spawn('ip', ['netns', 'exec', name, process.execPath, '-e', LISTENER_SCRIPT(port)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    listener.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
    await waitFor(() => {
      if (listener!.exitCode !== null) throw new Error(`listener in ${name} exited (${listener!.exitCode})`);
      return out.includes('listening');
    }, { timeoutMs: 10_000, what: `listener in ${name}` });
  } catch (err) {
    await close();
    throw err;
  }
  return { name, port, addresses, close };
}
