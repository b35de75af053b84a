import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

// Ports are picked below the kernel's ephemeral range (ip_local_port_range, 32768-60999 by
// default). A port the kernel handed out for port 0 is also one it hands out as the local end
// of outgoing connections: between this check and the real bind, any connection a test opens
// to loopback (to Docker's proxy, a container, Traefik) can take it, and the process that was
// to listen there exits with EADDRINUSE. Below the range only an explicit bind can take it.
const DEFAULT_EPHEMERAL_LOW = 32768;
const LOWEST = 10_000;
const handedOut = new Set<number>();

function ephemeralLow(): number {
  try {
    const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(low) && low > LOWEST + 1000 ? low : DEFAULT_EPHEMERAL_LOW;
  } catch {
    return DEFAULT_EPHEMERAL_LOW;
  }
}

function canBind(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/** A TCP port on 127.0.0.1, free a moment ago, outside the ephemeral range, not handed out before by this process. */
export async function freePort(): Promise<number> {
  const high = ephemeralLow() - 1;
  for (let attempt = 0; attempt < 100; attempt++) {
    const port = LOWEST + Math.floor(Math.random() * (high - LOWEST + 1));
    if (handedOut.has(port)) continue;
    if (await canBind(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error(`no free port found in ${LOWEST}-${high} after 100 tries`);
}
