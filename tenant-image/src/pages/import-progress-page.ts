// Live progress of an import: rows, bytes, percentage, cancel; the outcome when it ends.
import type { ImportJob } from '../imports/import-jobs.js';
import { formatBytes, formatCount, html, tablePath, type Html } from './html.js';
import { renderErrorBox } from './layout.js';

function percent(job: ImportJob): number {
  if (job.state === 'succeeded') return 100;
  return job.totalBytes > 0 ? Math.min(100, Math.floor((job.bytes / job.totalBytes) * 100)) : 0;
}

export function renderImportProgressPage(job: ImportJob): Html {
  const running = job.state === 'running';
  return html`<h1>Importing “${job.fileName}”</h1><p class="sub">into <strong>${job.table}</strong> (${job.mode})</p>
<div class="card" id="job" data-job="${job.id}" data-state="${job.state}">
<div class="progress"><div id="job-bar" style="width:${percent(job)}%"></div></div>
<p id="job-text">${formatCount(job.rows)} rows · ${formatBytes(job.bytes)} of ${formatBytes(job.totalBytes)} · ${percent(job)}%</p>
<div id="job-outcome">${renderOutcome(job)}</div>
<form method="post" action="/imports/jobs/${job.id}/cancel" id="cancel-form"${running ? '' : html` hidden`}><button type="submit" class="danger" id="cancel">Cancel import</button></form>
<noscript>${running ? html`<p><a href="/imports/jobs/${job.id}">Refresh</a> to see progress.</p>` : ''}</noscript></div>`;
}

export function renderOutcome(job: ImportJob): Html {
  if (job.state === 'succeeded') {
    return html`<div class="alert ok">Imported ${formatCount(job.rows)} rows into <a href="${tablePath(job.table)}"><strong>${job.table}</strong></a>.</div>
<p><a class="btn" href="${tablePath(job.table)}">Open ${job.table}</a></p>`;
  }
  if (job.state === 'cancelled') return html`<div class="alert info">The import was cancelled. Nothing was written.</div><p><a href="/">Back to tables</a></p>`;
  if (job.state === 'failed' && job.error) {
    return html`${renderErrorBox(job.error.message, job.error.details)}<p>Nothing was written. <a href="/uploads/${job.uploadId}/review">Review the file again</a> or <a href="/">go back</a>.</p>`;
  }
  return html``;
}

/** Polls the status endpoint and updates the page in place; the outcome comes from the server. */
export const PROGRESS_SCRIPT = `
(function(){
  var el=document.getElementById('job');if(!el)return;
  var id=el.dataset.job,bar=document.getElementById('job-bar'),text=document.getElementById('job-text'),
      out=document.getElementById('job-outcome'),cancelForm=document.getElementById('cancel-form');
  function fmt(n){var u=['B','KiB','MiB','GiB'],i=0;while(n>=1024&&i<3){n/=1024;i++}return (i?n.toFixed(1):n)+' '+u[i]}
  function tick(){
    fetch('/api/imports/jobs/'+id,{headers:{accept:'application/json'}}).then(function(r){return r.json()}).then(function(j){
      if(!j.job){return}
      j=j.job;var p=j.state==='succeeded'?100:(j.totalBytes?Math.min(100,Math.floor(j.bytes/j.totalBytes*100)):0);
      bar.style.width=p+'%';text.textContent=j.rows.toLocaleString('en-US')+' rows · '+fmt(j.bytes)+' of '+fmt(j.totalBytes)+' · '+p+'%';
      el.dataset.state=j.state;
      if(j.state==='running'){setTimeout(tick,400)}else{cancelForm.hidden=true;
        fetch('/imports/jobs/'+id+'/outcome').then(function(r){return r.text()}).then(function(h){out.innerHTML=h})}
    }).catch(function(){setTimeout(tick,1500)});
  }
  cancelForm.addEventListener('submit',function(e){e.preventDefault();document.getElementById('cancel').disabled=true;
    fetch('/api/imports/jobs/'+id+'/cancel',{method:'POST'})});
  if(el.dataset.state==='running')tick();
})();`;
