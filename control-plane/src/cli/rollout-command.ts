// ./berth rollout: start a rollout (or show, follow, cancel one) and show it live from the
// control plane's server-sent events. Starting or following exits 0 only if every tenant was
// rolled; `status` and `list` print what is stored (or JSON with --json) and exit 0.
import type { RolloutSummary, RolloutTenantView } from '../rollout/rollout-views.js';
import type { ControlPlaneClient } from './api-client.js';
import { CliError, UnreachableError, UsageError } from './cli-errors.js';
import { expectPositionals, parseOptions, type OptionSpec } from './cli-options.js';
import { readSse } from './sse-reader.js';
import { createRolloutView, formatRolloutStatus, type Progress } from './rollout-view.js';

export const ROLLOUT_USAGE = `usage: ./berth rollout [start] --image REF [--canary N] [--parallel K] [--tenants a,b,...] [--unsafe MODE]
       ./berth rollout status [ID] [--json]   one rollout (the latest without ID) and each tenant's state
       ./berth rollout list [--json]          recent rollouts, newest first
       ./berth rollout follow ID              watch a rollout until it ends
       ./berth rollout cancel ID              roll back the tenants in flight, start no new one
  start exits 0 only if every tenant was rolled, 1 otherwise; Ctrl-C stops watching (130), not the rollout.`;

const SUBCOMMANDS: Record<string, OptionSpec> = {
  start: { image: 'string', canary: 'count', parallel: 'count', tenants: 'string', unsafe: 'string' },
  status: { json: 'flag' },
  list: { json: 'flag' },
  follow: {},
  cancel: { json: 'flag' },
};

/** How long the CLI keeps reconnecting to a control plane that went away (it resumes the rollout on restart). */
const RECONNECT_FOR_MS = 120_000;

export async function runRolloutCommand(client: ControlPlaneClient, argv: readonly string[], out: NodeJS.WriteStream): Promise<number> {
  // `./berth rollout --image REF` is the short form of `start`.
  const named = argv[0] !== undefined && !argv[0].startsWith('-');
  const sub = named ? argv[0]! : 'start';
  const spec = SUBCOMMANDS[sub];
  if (!spec) throw new UsageError(`unknown subcommand "rollout ${sub}"\n${ROLLOUT_USAGE}`);
  const { values, positionals, help } = parseOptions(named ? argv.slice(1) : argv, spec, ROLLOUT_USAGE);
  if (help) {
    out.write(`${ROLLOUT_USAGE}\n`);
    return 0;
  }
  const json = values.json === true;
  switch (sub) {
    case 'list': {
      expectPositionals(positionals, 0, ROLLOUT_USAGE);
      const { rollouts } = await client.json<{ rollouts: RolloutSummary[] }>('GET', '/api/v1/rollouts');
      if (json) out.write(`${JSON.stringify({ rollouts })}\n`);
      else if (rollouts.length === 0) out.write('no rollouts yet\n');
      for (const r of json ? [] : rollouts) {
        out.write(`#${r.id}  ${r.state.padEnd(9)} ${r.image}  ${r.counts.done}/${r.counts.total} done  by ${r.createdBy}${r.error ? `  — ${r.error}` : ''}\n`);
      }
      return 0;
    }
    case 'status': {
      expectPositionals(positionals, 1, ROLLOUT_USAGE);
      const id = positionals[0] !== undefined ? rolloutId(positionals[0]) : await latestRolloutId(client);
      if (id === null) {
        out.write(json ? 'null\n' : 'no rollouts yet\n');
        return 0;
      }
      const detail = await client.json<RolloutSummary & { tenants: RolloutTenantView[] }>('GET', `/api/v1/rollouts/${id}`);
      const { tenants, ...rollout } = detail;
      out.write(json ? `${JSON.stringify(detail)}\n` : formatRolloutStatus({ rollout, tenants }));
      return 0;
    }
    case 'cancel': {
      const id = requiredId(positionals, 'cancel');
      const r = await client.json<RolloutSummary>('POST', `/api/v1/rollouts/${id}/cancel`);
      out.write(json ? `${JSON.stringify(r)}\n` : `rollout #${r.id}: cancel requested; tenants in flight are being rolled back\n`);
      return 0;
    }
    case 'follow':
      return follow(client, requiredId(positionals, 'follow'), out);
    default: {
      expectPositionals(positionals, 0, ROLLOUT_USAGE);
      if (values.image === undefined) throw new UsageError(`--image is required\n${ROLLOUT_USAGE}`);
      const tenants = typeof values.tenants === 'string' ? values.tenants.split(',').map((s) => s.trim()).filter(Boolean) : undefined;
      const r = await client.json<RolloutSummary>('POST', '/api/v1/rollouts', {
        image: values.image,
        ...(values.canary !== undefined ? { canary: values.canary } : {}),
        ...(values.parallel !== undefined ? { parallel: values.parallel } : {}),
        ...(tenants ? { tenants } : {}),
        ...(values.unsafe !== undefined ? { unsafe: values.unsafe } : {}),
      });
      out.write(`rollout #${r.id}: ${r.image} to ${r.counts.total - r.counts.skipped} tenant(s)` +
        `${r.counts.skipped ? ` (${r.counts.skipped} already on it)` : ''}, canary ${r.canary}, parallel ${r.parallel}\n`);
      return follow(client, r.id, out);
    }
  }
}

function rolloutId(text: string): number {
  if (!/^\d+$/.test(text)) throw new UsageError(`a rollout ID is a whole number, not "${text}"\n${ROLLOUT_USAGE}`);
  return Number(text);
}

function requiredId(positionals: readonly string[], sub: string): number {
  if (positionals[0] === undefined) throw new UsageError(`rollout ${sub} needs a rollout ID (./berth rollout list shows them)\n${ROLLOUT_USAGE}`);
  expectPositionals(positionals, 1, ROLLOUT_USAGE);
  return rolloutId(positionals[0]);
}

async function latestRolloutId(client: ControlPlaneClient): Promise<number | null> {
  const { rollouts } = await client.json<{ rollouts: RolloutSummary[] }>('GET', '/api/v1/rollouts');
  return rollouts[0]?.id ?? null;
}

async function follow(client: ControlPlaneClient, id: number, out: NodeJS.WriteStream): Promise<number> {
  const view = createRolloutView(out);
  const started = Date.now();
  let lastEventId: string | null = null;
  let lostSince: number | null = null;
  let last: Progress | null = null;
  // Reconnecting is for a control plane that restarts mid-rollout; one never reached is exit 3 now.
  let connected = false;
  const interrupted = new AbortController();
  process.once('SIGINT', () => interrupted.abort());
  for (;;) {
    try {
      const res = await client.stream(`/api/v1/rollouts/${id}/events`, lastEventId, interrupted.signal);
      lostSince = null;
      connected = true;
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
        out.write(`stopped watching; rollout #${id} continues (./berth rollout follow ${id}, or cancel ${id})\n`);
        return 130;
      }
      if (err instanceof CliError && (!(err instanceof UnreachableError) || !connected)) throw err;
    }
    // The stream ended early: the control plane restarted (it resumes the rollout). Reconnect.
    lostSince ??= Date.now();
    if (Date.now() - lostSince > RECONNECT_FOR_MS) {
      throw new UnreachableError(`lost the control plane for ${RECONNECT_FOR_MS / 1000} s; rollout #${id} resumes when it is back`);
    }
    view.note('control plane unreachable; reconnecting…');
    await new Promise((r) => setTimeout(r, 1000));
  }
}
