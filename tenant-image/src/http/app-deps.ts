// Everything the routes need, built by main.ts (or a test) and passed in: no globals.
import type { Config } from '../config.js';
import type { Db } from '../db/open-database.js';
import type { DataBudget } from '../imports/data-budget.js';
import type { ImportJobs } from '../imports/import-jobs.js';
import type { LifecycleState } from '../lifecycle/lifecycle-state.js';
import type { Logger } from '@berth/common/logger';
import type { SqlRunner } from '../query/sql-runner.js';

export interface AppDeps {
  readonly config: Config;
  readonly log: Logger;
  /** The read-write connection: migrations and writeTx only. */
  readonly db: Db;
  /** A read-only connection for every read of the pages and the API. */
  readonly readDb: Db;
  readonly state: LifecycleState;
  readonly sqlRunner: SqlRunner;
  readonly imports: ImportJobs;
  /** The instance's data limit and uploads in flight (data-budget.ts). */
  readonly dataBudget: DataBudget;
  /** Names this container in X-Berth-Container (the rollout proof tells old from new by it). */
  readonly containerName: string;
  readonly rowCount: (table: string) => number;
}
