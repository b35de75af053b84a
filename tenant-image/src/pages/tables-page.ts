// Home: the drop zone for a new CSV and the list of tables with row counts and provenance.
import type { SavedQuery } from '../edits/saved-queries.js';
import type { Provenance } from '../imports/provenance.js';
import { html, type Html } from '@berth/common/html';
import { formatCount, formatTime, tablePath } from './format.js';

export interface TableSummary {
  readonly name: string;
  readonly rows: number;
  readonly columns: number;
  readonly provenance?: Provenance;
}

/** maxUploadBytes null: the person may not upload (a viewer), so there is no drop zone. */
export function renderTablesPage(tables: readonly TableSummary[], maxUploadBytes: number | null, saved: readonly SavedQuery[] = []): Html {
  return html`<h1>Tables</h1><p class="sub">Upload a CSV file to make a table you can browse, filter, query, chart and export.</p>
${maxUploadBytes === null ? html`<div class="card muted" id="read-only">You can read this instance; ask an owner to make you a member to upload or change data.</div>` : renderDropZone(maxUploadBytes)}
${tables.length === 0
    ? html`<div class="card muted">No tables yet. Drop a CSV file above to create the first one.</div>`
    : html`<div class="grid"><table class="data"><thead><tr><th>Table</th><th>Rows</th><th>Columns</th><th>Latest import</th><th>By</th><th>SHA-256</th></tr></thead><tbody>
${tables.map((t) => html`<tr><td><a href="${tablePath(t.name)}"><strong>${t.name}</strong></a></td><td class="num">${formatCount(t.rows)}</td><td class="num">${t.columns}</td>
<td>${t.provenance ? html`${t.provenance.fileName}<br><span class="muted">${formatTime(t.provenance.at)}${t.provenance.rows !== null ? ` · ${formatCount(t.provenance.rows)} rows` : ''}</span>` : html`<span class="muted">—</span>`}</td>
<td>${t.provenance?.actor ?? ''}</td><td class="mono" title="${t.provenance?.sha256 ?? ''}">${t.provenance?.sha256 ? t.provenance.sha256.slice(0, 12) + '…' : ''}</td></tr>`)}
</tbody></table></div>`}
${renderSavedQueries(saved)}`;
}

/** Saved queries, each run again with one click (through the read-only SQL page). */
function renderSavedQueries(saved: readonly SavedQuery[]): Html {
  if (saved.length === 0) return html``;
  return html`<h2>Saved queries</h2><div class="grid"><table class="data" id="saved-queries"><thead><tr><th>Name</th><th>Query</th><th>Saved by</th><th></th></tr></thead><tbody>
${saved.map(
  (q) => html`<tr><td><a href="/queries/${q.id}" data-query="${q.name}"><strong>${q.name}</strong></a></td><td class="mono" title="${q.sql}">${q.sql.length > 80 ? `${q.sql.slice(0, 80)}…` : q.sql}</td><td>${q.createdBy}<br><span class="muted">${formatTime(q.updatedAt)}</span></td>
<td><a class="btn secondary" href="/queries/${q.id}">Run</a> <form method="post" action="/queries/${q.id}/delete" style="display:inline"><button type="submit" class="danger">Delete</button></form></td></tr>`,
)}</tbody></table></div>`;
}

function renderDropZone(maxUploadBytes: number): Html {
  return html`<div class="drop card" id="drop" data-max="${maxUploadBytes}">
<strong>Drop a CSV file here</strong><span class="muted">or</span>
<label class="btn" for="file" style="display:inline-flex;color:#fff;margin:.5rem auto">Choose a file</label>
<input type="file" id="file" accept=".csv,.tsv,.txt,text/csv,text/plain" style="position:absolute;left:-9999px">
<div id="upload-status" hidden><div class="progress"><div id="upload-bar"></div></div><span id="upload-text" class="muted"></span></div>
<div id="upload-error" class="alert error" hidden role="alert"></div>
<noscript><p class="muted">Uploading needs JavaScript (the file is streamed with a progress bar).</p></noscript></div>`;
}

/** Drag and drop + picker, upload by XHR for its progress events, then on to the review page. */
export const UPLOAD_SCRIPT = `
(function(){
  var drop=document.getElementById('drop'),input=document.getElementById('file');
  if(!drop)return;
  var status=document.getElementById('upload-status'),bar=document.getElementById('upload-bar'),
      text=document.getElementById('upload-text'),err=document.getElementById('upload-error');
  var max=Number(drop.dataset.max);
  function fmt(n){var u=['B','KiB','MiB','GiB'],i=0;while(n>=1024&&i<3){n/=1024;i++}return (i?n.toFixed(1):n)+' '+u[i]}
  function fail(m){err.textContent=m;err.hidden=false;status.hidden=true}
  function send(file){
    err.hidden=true;
    if(file.size>max){fail('This file is '+fmt(file.size)+'; the limit is '+fmt(max)+'.');return}
    status.hidden=false;bar.style.width='0%';text.textContent='Uploading '+file.name+'…';
    var xhr=new XMLHttpRequest();
    xhr.open('POST','/api/uploads?name='+encodeURIComponent(file.name));
    xhr.setRequestHeader('Content-Type','application/octet-stream');
    xhr.upload.onprogress=function(e){if(e.lengthComputable){var p=Math.round(e.loaded/e.total*100);bar.style.width=p+'%';text.textContent='Uploading '+file.name+': '+fmt(e.loaded)+' of '+fmt(e.total)+' ('+p+'%)'}};
    xhr.onload=function(){
      var body={};try{body=JSON.parse(xhr.responseText)}catch(e){}
      if(xhr.status===201&&body.upload){bar.style.width='100%';text.textContent='Uploaded. Opening the review…';location.href='/uploads/'+body.upload.id+'/review';return}
      fail((body.error&&body.error.message)||('Upload failed (HTTP '+xhr.status+')'));
    };
    xhr.onerror=function(){fail('The upload was interrupted. Check your connection and try again.')};
    xhr.send(file);
  }
  ['dragenter','dragover'].forEach(function(t){drop.addEventListener(t,function(e){e.preventDefault();drop.classList.add('over')})});
  ['dragleave','drop'].forEach(function(t){drop.addEventListener(t,function(e){e.preventDefault();drop.classList.remove('over')})});
  drop.addEventListener('drop',function(e){var f=e.dataTransfer&&e.dataTransfer.files[0];if(f)send(f)});
  input.addEventListener('change',function(){if(input.files[0])send(input.files[0])});
})();`;
