// Stopping a child process a test started (Traefik, the control plane, Pebble, versitygw):
// a signal, then SIGKILL if it has not exited within killAfterMs; resolves once it has exited.
import type { ChildProcess } from 'node:child_process';

export async function stopProcess(p: ChildProcess, signal: NodeJS.Signals = 'SIGTERM', killAfterMs = 10_000): Promise<void> {
  if (p.exitCode !== null || p.signalCode !== null) return;
  const exited = new Promise<void>((r) => p.once('exit', () => r()));
  p.kill(signal);
  const timer = setTimeout(() => p.kill('SIGKILL'), killAfterMs);
  await exited;
  clearTimeout(timer);
}
