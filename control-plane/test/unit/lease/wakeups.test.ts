// Nudges across processes on a real SQLite file: a bump on one connection wakes the watcher on
// another, once; a wake this process delivered itself (markSeen) is not delivered again. Both
// polls are a minute long, so only inotify's notice of the commit can deliver in time.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '@berth/common/wait-for';
import { openDatabase } from '../../../src/db/open-database.js';
import { bumpWakeup, createWakeupWatcher } from '../../../src/lease/wakeups.js';

test('a bump on another connection wakes the named loop once; markSeen suppresses a wake delivered in-process', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-wakeups-'));
  const web = openDatabase(join(dir, 'berth.db'));
  const work = openDatabase(join(dir, 'berth.db'));
  const woken = { reconcile: 0, rollouts: 0 };
  bumpWakeup(web, 'reconcile'); // before the watcher: covered by the holder's first full pass
  const watcher = createWakeupWatcher(work, { reconcile: () => woken.reconcile++, rollouts: () => woken.rollouts++ }, { pollMs: 60_000, unwatchedPollMs: 60_000 });
  const stop = new AbortController();
  const running = watcher.run(stop.signal);
  try {
    assert.equal(bumpWakeup(web, 'reconcile'), 2);
    await waitFor(() => woken.reconcile === 1, { timeoutMs: 5_000, what: 'reconcile woken' });
    bumpWakeup(web, 'rollouts');
    await waitFor(() => woken.rollouts === 1, { timeoutMs: 5_000, what: 'rollouts woken' });
    watcher.markSeen('reconcile', bumpWakeup(web, 'reconcile'));
    // An unrelated commit moves data_version; the watcher reads the counters and finds nothing new.
    web.prepare('INSERT INTO audit_log (at, actor, action, subject) VALUES (1, ?, ?, ?)').run('t', 'a', 's');
    bumpWakeup(web, 'rollouts');
    await waitFor(() => woken.rollouts === 2, { timeoutMs: 5_000, what: 'rollouts woken again' });
    assert.deepEqual(woken, { reconcile: 1, rollouts: 2 });
  } finally {
    stop.abort();
    await running;
    web.close();
    work.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
