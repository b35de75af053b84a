// The design system, inlined into every page: during a rollout two app versions serve at once
// and a page from one must never ask the other for an asset (ROLLOUT.md F8).
export const CSS = `
:root{--fg:#1c2330;--muted:#5d6778;--line:#e3e7ee;--bg:#f6f7f9;--card:#fff;--accent:#0f6e6e;--accent-2:#e6f3f2;
--danger:#a4262c;--danger-bg:#fdecec;--ok:#1e6b34;--ok-bg:#e9f6ec;--mono:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;
--sans:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
*{box-sizing:border-box}
html{font-size:15px}
body{margin:0;font-family:var(--sans);color:var(--fg);background:var(--bg);line-height:1.5}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
header.top{display:flex;align-items:center;gap:1.25rem;padding:.6rem 1.25rem;background:#14202b;color:#fff}
header.top .brand{font-weight:650;letter-spacing:.01em;color:#fff;font-size:1.05rem}
header.top .brand small{font-weight:400;color:#9fb3c4;margin-left:.4rem}
header.top nav{display:flex;flex-wrap:wrap;gap:.25rem 1rem;flex:1}
header.top nav a{white-space:nowrap}
header.top nav a{color:#d5e1ea}header.top nav a.active{color:#fff;font-weight:600}
header.top .user{color:#9fb3c4;font-size:.9rem}
.layout{display:grid;grid-template-columns:14rem minmax(0,1fr);gap:1.5rem;max-width:90rem;margin:0 auto;padding:1.25rem}
aside.side h2{font-size:.75rem;text-transform:uppercase;letter-spacing:.08em;color:var(--muted);margin:.25rem 0 .5rem}
aside.side ul{list-style:none;margin:0;padding:0}
aside.side li a{display:flex;justify-content:space-between;gap:.5rem;padding:.3rem .5rem;border-radius:6px;color:var(--fg);overflow-wrap:anywhere}
aside.side li a:hover{background:var(--accent-2);text-decoration:none}
aside.side li a.active{background:var(--accent-2);color:var(--accent);font-weight:600}
aside.side li small{color:var(--muted);white-space:nowrap}
main{min-width:0}
h1{font-size:1.6rem;margin:0 0 .25rem;line-height:1.25;overflow-wrap:anywhere}
h2{font-size:1.15rem;margin:1.5rem 0 .5rem}
.sub{color:var(--muted);margin:0 0 1rem}
.card{background:var(--card);border:1px solid var(--line);border-radius:10px;padding:1rem 1.25rem;margin:0 0 1rem}
.grid{overflow:auto;background:var(--card);border:1px solid var(--line);border-radius:10px;max-height:70vh}
table.data{border-collapse:separate;border-spacing:0;width:100%;font-size:.9rem}
table.data th,table.data td{padding:.4rem .65rem;white-space:nowrap;border-bottom:1px solid var(--line);text-align:left;vertical-align:top;max-width:28rem;overflow:hidden;text-overflow:ellipsis}
table.data th{position:sticky;top:0;background:#fafbfc;font-weight:600;white-space:nowrap;z-index:1}
table.data td.num{text-align:right;font-variant-numeric:tabular-nums}
table.data td.null{color:#aab2bf;font-style:italic}
table.data tr:hover td{background:#fafcfd}
th .type{font-weight:400;color:var(--muted);font-size:.75rem;margin-left:.3rem}
th a.sort{color:var(--fg)}th a.sort.on{color:var(--accent)}
.btn,button{display:inline-flex;align-items:center;gap:.35rem;font:inherit;font-size:.9rem;padding:.4rem .85rem;border-radius:7px;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer;text-decoration:none}
.btn:hover,button:hover{filter:brightness(1.08);text-decoration:none}
.btn.secondary,button.secondary{background:#fff;color:var(--accent)}
.btn.danger,button.danger{background:#fff;color:var(--danger);border-color:var(--danger)}
input,select,textarea{font:inherit;font-size:.9rem;padding:.35rem .5rem;border:1px solid #c9d0da;border-radius:6px;background:#fff;color:var(--fg);max-width:100%}
textarea{font-family:var(--mono);width:100%;min-height:8rem}
label{font-size:.85rem;color:var(--muted);display:block;margin-bottom:.2rem}
.row{display:flex;flex-wrap:wrap;gap:.75rem;align-items:flex-end}
.row > div{min-width:0}
.alert{border-radius:8px;padding:.75rem 1rem;margin:0 0 1rem;border:1px solid}
.alert.error{background:var(--danger-bg);border-color:#f3c2c4;color:var(--danger)}
.alert.ok{background:var(--ok-bg);border-color:#bfe3c8;color:var(--ok)}
.alert.info{background:var(--accent-2);border-color:#bfe0dd;color:#0d4f4f}
.alert code{font-family:var(--mono)}
.muted{color:var(--muted)}.mono{font-family:var(--mono);font-size:.85rem}
.pill{display:inline-block;padding:.05rem .5rem;border-radius:99px;background:var(--accent-2);color:var(--accent);font-size:.8rem}
.toolbar{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;margin:.75rem 0}
.toolbar .spacer{flex:1}
.facets{display:grid;grid-template-columns:repeat(auto-fill,minmax(14rem,1fr));gap:.75rem;margin:0 0 1rem}
.facets ul{list-style:none;margin:0;padding:0;font-size:.88rem}
.facets li{display:flex;justify-content:space-between;gap:.5rem}
.facets h3{font-size:.85rem;margin:0 0 .35rem}
.drop{border:2px dashed #b7c3cf;border-radius:12px;padding:1.75rem;text-align:center;background:#fbfcfd;transition:background .15s,border-color .15s}
.drop.over{background:var(--accent-2);border-color:var(--accent)}
.drop strong{display:block;font-size:1.05rem;margin-bottom:.25rem}
.progress{height:.6rem;background:#e8ecf1;border-radius:99px;overflow:hidden;margin:.5rem 0}
.progress > div{height:100%;width:0;background:var(--accent);transition:width .2s}
dl.kv{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;margin:0}
dl.kv dt{color:var(--muted)}dl.kv dd{margin:0;overflow-wrap:anywhere}
.pager{display:flex;gap:.5rem;align-items:center;margin:.75rem 0}
.chart svg{max-width:100%;height:auto}
@media (max-width:760px){.layout{grid-template-columns:1fr;padding:.75rem}aside.side{order:2}header.top{flex-wrap:wrap}}
`;
