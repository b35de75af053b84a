// The backup supervisor's status as the pages and /metrics of any process read it: it runs in
// the lease holder only, so elsewhere there is none (null) rather than an error.
import { BerthError } from '../errors.js';
import type { BackupStatus } from '../backup/backup-supervisor.js';
import type { AppDeps } from './app-deps.js';

export function backupStatusHere(deps: Pick<AppDeps, 'backupStatus'>): BackupStatus | null {
  try {
    return deps.backupStatus?.() ?? null;
  } catch (err) {
    if (err instanceof BerthError && err.code === 'NOT_LEASE_HOLDER') return null;
    throw err;
  }
}
