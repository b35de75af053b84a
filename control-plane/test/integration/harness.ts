// In-process provisioning against a real Docker engine and a real Traefik (from the e2e
// stack, without its control plane): the test drives desired state in a real SQLite file
// and nudges the reconciler, exactly as the HTTP handlers do.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config.js';
import { insertUser } from '../../src/auth/users.js';
import { openDatabase, type Db } from '../../src/db/open-database.js';
import { createLogger, type Logger } from '@berth/common/logger';
import { createProvisioning, type Provisioning } from '../../src/reconcile/provisioning.js';
import { createTenant, deleteTenant, requireTenant } from '../../src/tenants/tenant-commands.js';
import { reschedulePurge } from '../../src/tenants/tenant-store.js';
import { startStack, type Stack } from '../../../e2e/src/stack.js';
import { docker } from '../../../e2e/src/docker-cli.js';

/** The image under test: the real tenant image unless a test run names another build of it. */
export const TENANT_IMAGE = process.env.BERTH_TEST_TENANT_IMAGE ?? 'berth/tenant:current';

export interface Harness {
  readonly stack: Stack;
  readonly config: Config;
  readonly db: Db;
  readonly provisioning: Provisioning;
  readonly log: Logger;
  readonly logLines: string[];
  /** Creates a tenant as its owner would (the tenants module's use-case); returns its id. */
  createTenant(slug: string): number;
  /** Deletes a tenant as its owner would; its volume is kept for BERTH_VOLUME_RETENTION_HOURS. */
  deleteTenant(slug: string): void;
  /** Moves the time after which a deleted tenant's volume may be purged, and nudges. */
  schedulePurge(id: number, purgeAfter: number): void;
  stop(): Promise<void>;
}

export function assertImageExists(): void {
  try {
    execFileSync('docker', ['image', 'inspect', TENANT_IMAGE], { stdio: 'ignore' });
  } catch {
    throw new Error(`image ${TENANT_IMAGE} is missing: run ./berth image (or set BERTH_TEST_TENANT_IMAGE)`);
  }
}

export async function startHarness(env: Record<string, string> = {}): Promise<Harness> {
  assertImageExists();
  const stack = await startStack({ controlPlane: false });
  const stateDir = mkdtempSync(join(tmpdir(), 'berth-prov-'));
  const config = loadConfig({
    BERTH_DOMAIN: stack.domain,
    BERTH_PUBLIC_HTTPS_PORT: String(stack.httpsPort),
    BERTH_HTTP_PORT: String(stack.cpPort),
    BERTH_STATE_DIR: stateDir,
    BERTH_ROUTES_DIR: stack.routesDir,
    BERTH_TRAEFIK_API_URL: stack.traefikApi,
    BERTH_INSTANCE: stack.instance,
    BERTH_NETWORK: stack.network,
    BERTH_TENANT_IMAGE: TENANT_IMAGE,
    BERTH_STOP_GRACE_S: '5',
    BERTH_PROBE_INTERVAL_MS: '500',
    BERTH_RECONCILE_INTERVAL_MS: '2000',
    // One owner holds every test tenant; the limit has its own unit test.
    BERTH_MAX_INSTANCES_PER_ACCOUNT: '0',
    ...env,
  });
  const db = openDatabase(join(stateDir, 'berth.db'));
  const logLines: string[] = [];
  const log = createLogger({ component: 'test', level: 'debug', destination: { write: (line) => void logLines.push(line) } });
  const provisioning = createProvisioning(config, db, log);
  const shutdown = new AbortController();
  const running = provisioning.run(shutdown.signal);
  // 'not-a-login' is no argon2 hash, so this account cannot log in; it only owns the tests' tenants.
  const owner = insertUser(db, 'owner@example.com', 'not-a-login', Date.now());
  const commands = { db, config, nudge: provisioning.reconciler.nudge };
  return {
    stack, config, db, provisioning, log, logLines,
    createTenant: (slug) => createTenant(commands, owner, slug, Date.now()).id,
    deleteTenant: (slug) => deleteTenant(commands, owner, requireTenant(commands, owner, slug), Date.now()),
    schedulePurge(id, purgeAfter) {
      reschedulePurge(db, id, purgeAfter, 'test', Date.now());
      provisioning.reconciler.nudge();
    },
    async stop() {
      shutdown.abort();
      await running;
      db.close();
      await stack.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}

/** Managed containers of this stack as `docker ps` sees them: name → state. */
export async function containersOf(stack: Stack, slug?: string): Promise<{ id: string; name: string; state: string }[]> {
  const filters = ['--filter', `label=berth.instance=${stack.instance}`, ...(slug ? ['--filter', `label=berth.tenant=${slug}`] : [])];
  const out = await docker('ps', '-a', ...filters, '--format', '{{.ID}} {{.Names}} {{.State}}');
  return out.split('\n').filter(Boolean).map((l) => {
    const [id, name, state] = l.split(' ');
    return { id: id!, name: name!, state: state! };
  });
}

export async function volumeExists(name: string): Promise<boolean> {
  try {
    await docker('volume', 'inspect', name);
    return true;
  } catch {
    return false;
  }
}
