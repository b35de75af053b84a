// The one stylesheet and one script of the control plane, inline. The Content-Security-Policy
// allows exactly these by hash, so no other inline code can run on these pages.
import { createHash } from 'node:crypto';

export const STYLE = `
:root{--ink:#1d2430;--muted:#5b6576;--line:#e3e7ee;--bg:#f6f7f9;--card:#fff;--accent:#2450d3;--accent-ink:#fff;--bad:#b42318;--ok:#157347;--warn:#a15c07}
*{box-sizing:border-box}
body{margin:0;font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--ink);background:var(--bg)}
header.top{display:flex;align-items:center;justify-content:space-between;padding:12px 24px;background:var(--card);border-bottom:1px solid var(--line)}
header.top a.brand{font-weight:700;font-size:18px;color:var(--ink);text-decoration:none;letter-spacing:.02em}
header.top .who{display:flex;gap:12px;align-items:center;color:var(--muted)}
main{max-width:760px;margin:32px auto;padding:0 20px}
h1{font-size:24px;margin:0 0 16px}h2{font-size:18px;margin:0 0 12px}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:20px 22px;margin-bottom:20px}
.narrow{max-width:420px;margin-left:auto;margin-right:auto}
label{display:block;font-weight:600;margin:12px 0 4px}
input[type=email],input[type=password],input[type=text]{width:100%;padding:9px 11px;border:1px solid #c9d0db;border-radius:7px;font:inherit;background:#fff}
input:focus{outline:2px solid var(--accent);outline-offset:1px}
.hint{color:var(--muted);font-size:13px;margin:4px 0 0}
.field-error{color:var(--bad);font-size:13px;margin:4px 0 0}
button,.button{display:inline-block;padding:9px 16px;border-radius:7px;border:1px solid var(--accent);background:var(--accent);color:var(--accent-ink);font:inherit;font-weight:600;cursor:pointer;text-decoration:none}
button.secondary,.button.secondary{background:#fff;color:var(--ink);border-color:#c9d0db}
button.danger{background:var(--bad);border-color:var(--bad)}
button.link{background:none;border:none;color:var(--accent);padding:0;font-weight:500}
.actions{margin-top:16px;display:flex;gap:10px;align-items:center}
.alert{border:1px solid #f1b5ae;background:#fdf0ee;color:var(--bad);padding:10px 12px;border-radius:7px;margin-bottom:12px}
.notice{border:1px solid #b9d3f5;background:#eef4fd;padding:10px 12px;border-radius:7px;margin-bottom:12px}
table{width:100%;border-collapse:collapse}td,th{text-align:left;padding:9px 6px;border-bottom:1px solid var(--line)}th{color:var(--muted);font-weight:600;font-size:13px}
tr:last-child td{border-bottom:none}
.state{display:inline-block;padding:2px 9px;border-radius:99px;font-size:13px;font-weight:600;background:#eef0f4;color:var(--muted)}
.state[data-state=running]{background:#e5f4ec;color:var(--ok)}.state[data-state=creating],.state[data-state=starting]{background:#fdf3e1;color:var(--warn)}
.state[data-state=unhealthy],.state[data-state=error]{background:#fdecea;color:var(--bad)}.state[data-state=deleting]{background:#eef0f4;color:var(--muted)}
.inline{display:inline}.suffix{display:flex;align-items:center;gap:6px}.suffix input{flex:1}.suffix span{color:var(--muted);white-space:nowrap}
.muted{color:var(--muted)}a{color:var(--accent)}code{background:#eef0f4;padding:1px 5px;border-radius:4px}
.hero{text-align:center;padding:48px 20px}.hero p{color:var(--muted);font-size:17px;max-width:520px;margin:0 auto 24px}
`;

// Keeps every [data-live-state] element current by polling the JSON API; the page works
// without it (reload shows the same).
export const LIVE_STATE_SCRIPT = `
(function(){
  var els = document.querySelectorAll('[data-live-state]');
  if (!els.length) return;
  var url = document.body.getAttribute('data-state-url');
  function apply(list){
    var bySlug = {};
    list.forEach(function(t){ bySlug[t.slug] = t; });
    els.forEach(function(el){
      var t = bySlug[el.getAttribute('data-live-state')];
      var state = t ? t.state : 'deleted';
      if (el.textContent !== state) { el.textContent = state; el.setAttribute('data-state', state); }
    });
  }
  function poll(){
    if (document.hidden) return setTimeout(poll, 2000);
    fetch(url, { credentials: 'same-origin', headers: { accept: 'application/json' } })
      .then(function(r){ return r.ok ? r.json() : null; })
      .then(function(body){ if (body) apply(body.tenants ? body.tenants : [body]); })
      .catch(function(){})
      .then(function(){ setTimeout(poll, 1500); });
  }
  setTimeout(poll, 1000);
})();
`;

function sha256(text: string): string {
  return `'sha256-${createHash('sha256').update(text).digest('base64')}'`;
}

export const STYLE_HASH = sha256(STYLE);
export const SCRIPT_HASH = sha256(LIVE_STATE_SCRIPT);
