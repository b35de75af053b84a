// The admin page's own inline style and script. Both are constants (data reaches the script
// through data- attributes only), so the page's Content-Security-Policy admits them by hash.
import { createHash } from 'node:crypto';

export const ADMIN_STYLE = `
main{max-width:1120px}
.grid{display:grid;grid-template-columns:1fr 1fr;gap:20px}@media(max-width:900px){.grid{grid-template-columns:1fr}}
input[type=number]{width:100%;padding:9px 11px;border:1px solid #c9d0db;border-radius:7px;font:inherit;background:#fff}
.row2{display:grid;grid-template-columns:1fr 1fr;gap:12px}
.bar{width:100%;height:10px;margin:8px 0;accent-color:var(--accent)}
.bar[data-state=failed],.bar[data-state=cancelled]{accent-color:var(--bad)}.bar[data-state=done]{accent-color:var(--ok)}.bad{color:var(--bad)}
.rollout{border-top:1px solid var(--line);padding:12px 0}.rollout:first-of-type{border-top:none;padding-top:0}
.rollout h3{font-size:15px;margin:0;display:flex;gap:8px;align-items:center;flex-wrap:wrap}
.lines{list-style:none;padding:0;margin:6px 0 0;font:13px/1.6 ui-monospace,SFMono-Regular,Menlo,monospace;max-height:260px;overflow:auto}
.lines li[data-state=done]{color:var(--ok)}.lines li[data-state=failed],.lines li[data-state=rolled-back]{color:var(--bad)}
.lines li[data-state=rolling],.lines li[data-state=rolling-back]{color:var(--warn)}
.state[data-state=healthy],.state[data-state=done]{background:#e5f4ec;color:var(--ok)}
.state[data-state=failed],.state[data-state=cancelled]{background:#fdecea;color:var(--bad)}
.state[data-state=rolling],.state[data-state=canary],.state[data-state=pending]{background:#fdf3e1;color:var(--warn)}
td.num{text-align:right;font-variant-numeric:tabular-nums}.small{font-size:13px}
td.res{white-space:nowrap}.chart{display:block;margin-left:auto}
`;

// Follows each live rollout's server-sent events and updates its bar, counts, state and lines.
export const ADMIN_SCRIPT = `
(function(){
  if (!window.EventSource) return;
  document.querySelectorAll('[data-events-url]').forEach(function(box){
    var es = new EventSource(box.getAttribute('data-events-url'));
    var bar = box.querySelector('.bar');
    var state = box.querySelector('[data-role=state]'), counts = box.querySelector('[data-role=counts]');
    var lines = box.querySelector('.lines');
    function render(p){
      var c = p.rollout.counts, finished = c.done + c.rolledBack + c.failed + c.skipped;
      bar.value = c.total ? Math.round(100 * finished / c.total) : 100;
      bar.setAttribute('data-state', p.rollout.state);
      state.textContent = p.rollout.state; state.setAttribute('data-state', p.rollout.state);
      counts.textContent = c.done + ' done, ' + c.rolling + ' rolling, ' + c.pending + ' waiting, ' + (c.rolledBack + c.failed) + ' not rolled, ' + c.skipped + ' skipped of ' + c.total;
      if (!p.tenants) return;
      while (lines.firstChild) lines.removeChild(lines.firstChild);
      p.tenants.forEach(function(t){
        var li = document.createElement('li');
        li.setAttribute('data-state', t.state);
        li.textContent = t.slug + ': ' + t.state + (t.step ? ' · ' + t.step : '') + (t.reason ? ' · ' + t.reason : '');
        lines.appendChild(li);
      });
    }
    es.addEventListener('progress', function(e){ render(JSON.parse(e.data)); });
    es.addEventListener('end', function(e){ render(JSON.parse(e.data)); es.close(); setTimeout(function(){ location.reload(); }, 1500); });
  });
})();
`;

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
}

export const ADMIN_STYLE_HASH = sha256(ADMIN_STYLE);
export const ADMIN_SCRIPT_HASH = sha256(ADMIN_SCRIPT);
