// A tenant image variant made without a registry or a shell: a Dockerfile with only FROM, ENV
// and LABEL steps (no RUN), built from an empty context in a temporary directory. Used for a
// second version to roll to, and for the busy-timeout-0 negative control.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docker } from '../docker-cli.js';

export async function buildDerivedImage(from: string, tag: string, env: Record<string, string>, labels: Record<string, string>): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-image-'));
  try {
    const lines = [`FROM ${from}`];
    for (const [k, v] of Object.entries(env)) lines.push(`ENV ${k}=${JSON.stringify(v)}`);
    for (const [k, v] of Object.entries(labels)) lines.push(`LABEL ${JSON.stringify(k)}=${JSON.stringify(v)}`);
    writeFileSync(join(dir, 'Dockerfile'), `${lines.join('\n')}\n`);
    await docker('build', '-q', '-t', tag, dir);
    return tag;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function removeImage(tag: string): Promise<void> {
  await docker('rmi', tag).catch(() => undefined);
}
