// Where a wake's time goes, from the control plane's log lines (hibernate/wake.ts,
// reconcile/apply-action.ts, the prober) and the client's own clock: median of each step.
import { percentile } from './bench-tools.js';

interface Line { time: string; msg: string; tenant?: string; id?: string; state?: string; servers?: string[]; startMs?: number; ipMs?: number; via?: string }

export function wakeBreakdown(log: string, marks: readonly { slug: string; at: number; ms: number }[]): string {
  const lines = log.split('\n').filter(Boolean).map((l) => {
    try {
      return JSON.parse(l) as Line;
    } catch {
      return null;
    }
  }).filter((l) => l !== null);
  const at = (l: Line) => Date.parse(l.time);
  const steps: Record<string, number[]> = {
    'request → marked awake': [], 'docker start': [], '(of which before the start call': [], 'the start call': [], 'the inspect after it)': [],
    'app start → ready': [],
    // Forwarded by the waker (the usual case): the address recorded, the waker's poll, the answer.
    'ready → address recorded': [], 'recorded → waker sees it': [], 'forwarded → the 200': [],
    // Or served by Traefik first: the route, its application, the 307 and the repeat.
    'ready → route written': [], 'route written → Traefik serves it (waker sees it)': [], '307 → the 200': [],
  };
  for (const m of marks) {
    const after = (from: number, pred: (l: Line) => boolean) => lines.find((l) => at(l) >= from && pred(l));
    const marked = after(m.at - 50, (l) => l.msg === 'waking a hibernated tenant' && l.tenant === m.slug);
    const started = marked && after(at(marked), (l) => l.msg === 'container restarted' && l.tenant === m.slug);
    const ready = started && after(at(started), (l) => l.msg === 'readiness changed' && l.state === 'ready' && l.id === started.id);
    const woken = ready && after(at(ready), (l) => l.msg === 'tenant woken' && l.tenant === m.slug);
    if (!marked || !started || !ready || !woken) continue;
    steps['request → marked awake']!.push(at(marked) - m.at);
    steps['docker start']!.push(at(started) - at(marked));
    if (started.startMs !== undefined && started.ipMs !== undefined) {
      steps['(of which before the start call']!.push(at(started) - at(marked) - started.startMs - started.ipMs);
      steps['the start call']!.push(started.startMs);
      steps['the inspect after it)']!.push(started.ipMs);
    }
    steps['app start → ready']!.push(at(ready) - at(started));
    if (woken.via === 'upstream') {
      const recorded = after(at(ready), (l) => l.msg === 'upstream ready' && l.tenant === m.slug);
      if (recorded) {
        steps['ready → address recorded']!.push(at(recorded) - at(ready));
        steps['recorded → waker sees it']!.push(at(woken) - at(recorded));
      }
      steps['forwarded → the 200']!.push(m.at + m.ms - at(woken));
    } else {
      const routed = after(at(ready), (l) => l.msg === 'route written' && l.tenant === m.slug && (l.servers?.length ?? 0) > 0);
      if (routed) {
        steps['ready → route written']!.push(at(routed) - at(ready));
        steps['route written → Traefik serves it (waker sees it)']!.push(at(woken) - at(routed));
      }
      steps['307 → the 200']!.push(m.at + m.ms - at(woken));
    }
  }
  const n = steps['docker start']!.length;
  return `${Object.entries(steps).filter(([, v]) => v.length > 0).map(([k, v]) => `${k} ${percentile(v, 50).toFixed(0)} ms${v.length < n ? ` (${v.length} wakes)` : ''}`).join('; ')} (${n} of ${marks.length} wakes traced)`;
}
