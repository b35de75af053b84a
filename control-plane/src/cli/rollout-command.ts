// ./berth rollout: start a rollout (or follow / cancel one) and show it live from the
// control plane's server-sent events: a line per tenant as it finishes, a progress bar with
// the tenants in flight below it. Exit code 0 only if every tenant was rolled.
import { describeTenant, type RolloutSummary, type RolloutTenantView } from '../rollout/rollout-views.js';
import { imageVersionOf } from '../tenants/tenant.js';
import { CliError, type ControlPlaneClient } from './api-client.js';
import { readSse } from './sse-reader.js';

export const ROLLOUT_USAGE = `usage: ./berth rollout --image REF [--canary N] [--parallel K] [--tenants a,b,...] [--unsafe MODE]
       ./berth rollout --follow ID | --cancel ID | --list`;

interface Progress { rollout: RolloutSummary; tenants: RolloutTenantView[] }

/** How long the CLI keeps reconnecting to a control plane that went away (it resumes the rollout on restart). */
const RECONNECT_FOR_MS = 120_000;

export async function runRolloutCommand(client: ControlPlaneClient, argv: readonly string[], out: NodeJS.WriteStream): Promise<number> {
  const args = parseArgs(argv);
  if (args.list) {
    const { rollouts } = await client.json<{ rollouts: RolloutSummary[] }>('GET', '/api/v1/rollouts');
    for (const r of rollouts) out.write(`#${r.id}  ${r.state.padEnd(9)} ${r.image}  ${r.counts.done}/${r.counts.total} done  by ${r.createdBy}${r.error ? `  — ${r.error}` : ''}\n`);
    return 0;
  }
  if (args.cancel !== undefined) {
    const r = await client.json<RolloutSummary>('POST', `/api/v1/rollouts/${args.cancel}/cancel`);
    out.write(`rollout #${r.id}: cancel requested; tenants in flight are being rolled back\n`);
    return 0;
  }
  let id = args.follow;
  if (id === undefined) {
    if (!args.image) throw new CliError(`--image is required\n${ROLLOUT_USAGE}`);
    const r = await client.json<RolloutSummary>('POST', '/api/v1/rollouts', {
      image: args.image,
      ...(args.canary !== undefined ? { canary: args.canary } : {}),
      ...(args.parallel !== undefined ? { parallel: args.parallel } : {}),
      ...(args.tenants ? { tenants: args.tenants } : {}),
      ...(args.unsafe ? { unsafe: args.unsafe } : {}),
    });
    id = r.id;
    out.write(`rollout #${r.id}: ${r.image} to ${r.counts.total - r.counts.skipped} tenant(s)` +
      `${r.counts.skipped ? ` (${r.counts.skipped} already on it)` : ''}, canary ${r.canary}, parallel ${r.parallel}\n`);
  }
  return follow(client, id, out);
}

async function follow(client: ControlPlaneClient, id: number, out: NodeJS.WriteStream): Promise<number> {
  const view = createView(out);
  const started = Date.now();
  let lastEventId: string | null = null;
  let lostSince: number | null = null;
  let last: Progress | null = null;
  const interrupted = new AbortController();
  process.once('SIGINT', () => interrupted.abort());
  for (;;) {
    try {
      const res = await client.stream(`/api/v1/rollouts/${id}/events`, lastEventId, interrupted.signal);
      lostSince = null;
      for await (const msg of readSse(res.body!)) {
        if (msg.id) lastEventId = msg.id;
        if (msg.event === 'progress') view.update((last = JSON.parse(msg.data) as Progress));
        if (msg.event === 'end') {
          const { rollout } = JSON.parse(msg.data) as { rollout: RolloutSummary };
          view.finish(rollout, last?.tenants ?? [], Date.now() - started);
          return rollout.state === 'done' ? 0 : 1;
        }
      }
    } catch (err) {
      if (interrupted.signal.aborted) {
        view.clear();
        out.write(`stopped watching; rollout #${id} continues (./berth rollout --follow ${id}, or --cancel ${id})\n`);
        return 130;
      }
      if (err instanceof CliError && !/cannot reach/.test(err.message)) throw err;
    }
    // The stream ended early: the control plane restarted (it resumes the rollout). Reconnect.
    lostSince ??= Date.now();
    if (Date.now() - lostSince > RECONNECT_FOR_MS) throw new CliError(`lost the control plane for ${RECONNECT_FOR_MS / 1000} s; rollout #${id} resumes when it is back`);
    view.note('control plane unreachable; reconnecting…');
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/** Terminal output: permanent lines for finished tenants, a redrawn block (bar + tenants in flight) on a TTY. */
function createView(out: NodeJS.WriteStream) {
  const tty = out.isTTY === true;
  const printed = new Set<string>();
  let blockLines = 0;
  let lastCounts = '';
  const clear = () => {
    if (tty && blockLines > 0) out.write(`\x1b[${blockLines}F\x1b[J`);
    blockLines = 0;
  };
  const permanent = (p: Progress) => {
    for (const t of p.tenants) {
      const finished = t.state === 'done' || t.state === 'rolled-back' || t.state === 'failed' || t.state === 'skipped';
      if (finished && !printed.has(t.slug)) {
        printed.add(t.slug);
        out.write(`  ${mark(t.state)} ${describeTenant(t, p.rollout.image)}\n`);
      }
    }
  };
  return {
    update(p: Progress) {
      clear();
      permanent(p);
      const c = p.rollout.counts;
      const finished = c.done + c.rolledBack + c.failed + c.skipped;
      const line = `${bar(finished, c.total)} ${finished}/${c.total}  ${p.rollout.state}  (${c.done} rolled, ${c.rolledBack + c.failed} not rolled, ${c.rolling} in flight)`;
      if (tty) {
        const active = p.tenants.filter((t) => t.state === 'rolling' || t.state === 'rolling-back').map((t) => `    ${describeTenant(t, p.rollout.image)}`);
        out.write([line, ...active].join('\n') + '\n');
        blockLines = 1 + active.length;
      } else if (line !== lastCounts) {
        out.write(line + '\n');
      }
      lastCounts = line;
    },
    finish(r: RolloutSummary, tenants: RolloutTenantView[], ms: number) {
      clear();
      permanent({ rollout: r, tenants });
      const c = r.counts;
      out.write(`rollout #${r.id} ${r.state} in ${(ms / 1000).toFixed(1)} s: ${c.done} rolled to ${imageVersionOf(r.image)}, ` +
        `${c.rolledBack} rolled back, ${c.failed} failed, ${c.skipped} skipped${r.error ? `\n  ${r.error}` : ''}\n`);
    },
    note(text: string) {
      clear();
      out.write(`  … ${text}\n`);
    },
    clear,
  };
}

function bar(done: number, total: number, width = 28): string {
  const filled = total === 0 ? width : Math.round((width * done) / total);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

function mark(state: string): string {
  return state === 'done' ? 'ok  ' : state === 'skipped' ? 'skip' : 'FAIL';
}

interface RolloutArgs { image?: string; canary?: number; parallel?: number; tenants?: string[]; unsafe?: string; follow?: number; cancel?: number; list?: boolean }

function parseArgs(argv: readonly string[]): RolloutArgs {
  const a: RolloutArgs = {};
  const int = (flag: string, v: string | undefined) => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < 0) throw new CliError(`${flag} needs a whole number\n${ROLLOUT_USAGE}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = argv[i + 1];
    const take = () => {
      if (value === undefined || value.startsWith('--')) throw new CliError(`${flag} needs a value\n${ROLLOUT_USAGE}`);
      i++;
      return value;
    };
    switch (flag) {
      case '--image': a.image = take(); break;
      case '--canary': a.canary = int(flag, take()); break;
      case '--parallel': a.parallel = int(flag, take()); break;
      case '--tenants': a.tenants = take().split(',').map((s) => s.trim()).filter(Boolean); break;
      case '--unsafe': a.unsafe = take(); break;
      case '--follow': a.follow = int(flag, take()); break;
      case '--cancel': a.cancel = int(flag, take()); break;
      case '--list': a.list = true; break;
      default: throw new CliError(`unknown option ${flag}\n${ROLLOUT_USAGE}`);
    }
  }
  return a;
}
