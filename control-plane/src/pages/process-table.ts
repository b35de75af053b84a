// The admin page's "Processes" card: every control-plane process in the register (role,
// version, pid, address, state, last seen) and which one holds the background-work lease.
import { html, type Html } from '@berth/common/html';
import type { LeaseRow } from '../lease/lease-decisions.js';
import type { ProcessView } from '../lease/process-register.js';

export interface ProcessesView {
  readonly lease: LeaseRow | null;
  readonly processes: readonly ProcessView[];
  readonly now: number;
}

export function processTable(v: ProcessesView): Html {
  const holder = v.lease && v.lease.expiresAt >= v.now ? v.lease.holder : null;
  const lease = v.lease === null
    ? 'nobody has held the background-work lease yet'
    : holder ? `lease held by ${holder} (epoch ${v.lease.epoch}), renewed ${ago(v.lease.renewedAt, v.now)}` : `lease free (last held by ${v.lease.holder}, renewed ${ago(v.lease.renewedAt, v.now)})`;
  return html`<section class="card" aria-labelledby="processes-h"><h2 id="processes-h">Processes (${v.processes.length})</h2>
  <p class="muted">${lease}</p>
  <table><thead><tr><th>Process</th><th>Role</th><th>Version</th><th>Pid</th><th>Address</th><th>State</th><th>Last seen</th></tr></thead>
  <tbody>${v.processes.map((p) => html`<tr><td>${p.id}${p.id === holder ? ' (lease holder)' : ''}</td><td>${p.role}</td><td>${p.version}</td><td>${String(p.pid)}</td><td>${p.url}</td><td>${p.state}</td><td>${ago(p.lastSeen, v.now)}</td></tr>`)}</tbody></table>
</section>`;
}

function ago(at: number, now: number): string {
  const s = Math.max(0, Math.round((now - at) / 1000));
  return s < 1 ? 'just now' : `${s} s ago`;
}
