// Live progress of an import: rows, bytes, percentage, cancel; the outcome when it ends.
import type { ImportJob } from '../imports/import-jobs.js';
import { html, type Html } from '@berth/common/html';
import { formatBytes, formatCount, tablePath } from './format.js';
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
<form method="post" action="/imports/jobs/${job.id}/cancel" id="cancel-form"${running ? '' : html` hidden`}><button type="submit" class="danger" id="cancel"${job.cancelRequested ? html` disabled` : ''}>Cancel import</button></form>
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

/**
 * Polls the status endpoint and updates the page in place; the outcome comes from the server.
 * During a rollout the polls alternate between two app copies: the one running the import has
 * fresher numbers than the other (which reads the database), so the bar only ever moves forward,
 * and an answer that is not a job (an older copy that does not know it) is retried for a while.
 */
export const PROGRESS_SCRIPT = `
(function(){
  var el=document.getElementById('job');if(!el)return;
  var id=el.dataset.job,bar=document.getElementById('job-bar'),text=document.getElementById('job-text'),
      out=document.getElementById('job-outcome'),cancelForm=document.getElementById('cancel-form'),cancelBtn=document.getElementById('cancel');
  var rows=0,bytes=0,misses=0;
  function fmt(n){var u=['B','KiB','MiB','GiB'],i=0;while(n>=1024&&i<3){n/=1024;i++}return (i?n.toFixed(1):n)+' '+u[i]}
  function miss(){if(++misses<20){setTimeout(tick,1500)}else{out.textContent='Lost track of this import; reload the page to try again.'}}
  function tick(){
    fetch('/api/imports/jobs/'+id,{headers:{accept:'application/json'}}).then(function(r){return r.json()}).then(function(j){
      if(!j.job){miss();return}
      misses=0;j=j.job;rows=Math.max(rows,j.rows);bytes=j.state==='succeeded'?j.totalBytes:Math.max(bytes,j.bytes);
      var p=j.state==='succeeded'?100:(j.totalBytes?Math.min(100,Math.floor(bytes/j.totalBytes*100)):0);
      bar.style.width=p+'%';text.textContent=rows.toLocaleString('en-US')+' rows · '+fmt(bytes)+' of '+fmt(j.totalBytes)+' · '+p+'%';
      el.dataset.state=j.state;
      if(j.state==='running'){if(j.cancelRequested){cancelBtn.disabled=true}setTimeout(tick,400)}else{cancelForm.hidden=true;
        fetch('/imports/jobs/'+id+'/outcome').then(function(r){return r.text()}).then(function(h){out.innerHTML=h})}
    }).catch(miss);
  }
  cancelForm.addEventListener('submit',function(e){e.preventDefault();cancelBtn.disabled=true;
    fetch('/api/imports/jobs/'+id+'/cancel',{method:'POST'}).then(function(r){if(!r.ok)cancelBtn.disabled=false},function(){cancelBtn.disabled=false})});
  if(el.dataset.state==='running')tick();
})();`;
