// How ./berth rollout draws a rollout in the terminal: permanent lines for finished tenants,
// and on a TTY a redrawn block (progress bar + tenants in flight) below them; off a TTY only
// the bar line, and only when it changed.
import { describeTenant, type RolloutSummary, type RolloutTenantView } from '../rollout/rollout-views.js';
import { imageVersionOf } from '../tenants/tenant.js';

export interface Progress { rollout: RolloutSummary; tenants: RolloutTenantView[] }

export function createRolloutView(out: NodeJS.WriteStream) {
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
      if (isFinished(t) && !printed.has(t.slug)) {
        printed.add(t.slug);
        out.write(`${tenantLine(t, p.rollout.image)}\n`);
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

/** A rollout at rest, as `./berth rollout status` prints it: a summary line, then one line per tenant. */
export function formatRolloutStatus(p: Progress): string {
  const r = p.rollout;
  const c = r.counts;
  const finished = c.done + c.rolledBack + c.failed + c.skipped;
  const head = `rollout #${r.id} ${r.state}: ${r.image}, ${finished}/${c.total} finished (${c.done} rolled, ${c.rolledBack} rolled back, ` +
    `${c.failed} failed, ${c.skipped} skipped, ${c.rolling} in flight), canary ${r.canary}, parallel ${r.parallel}, by ${r.createdBy}`;
  const lines = p.tenants.map((t) => (isFinished(t) ? tenantLine(t, r.image) : `  ...  ${describeTenant(t, r.image)}`));
  return [head, ...(r.error ? [`  ${r.error}`] : []), ...lines].join('\n') + '\n';
}

function isFinished(t: Pick<RolloutTenantView, 'state'>): boolean {
  return t.state === 'done' || t.state === 'rolled-back' || t.state === 'failed' || t.state === 'skipped';
}

function tenantLine(t: RolloutTenantView, image: string): string {
  return `  ${t.state === 'done' ? 'ok  ' : t.state === 'skipped' ? 'skip' : 'FAIL'} ${describeTenant(t, image)}`;
}

function bar(done: number, total: number, width = 28): string {
  const filled = total === 0 ? width : Math.round((width * done) / total);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}
