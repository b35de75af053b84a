// In-process provisioning against a real Docker engine and a real Traefik (from the e2e
// stack, without its control plane): the test drives desired state in a real SQLite file
// and nudges the reconciler, exactly as the HTTP handlers do.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig, type Config } from '../../src/config.js';
import { openDatabase, writeTx, type Db } from '../../src/db/open-database.js';
import { createLogger, type Logger } from '../../src/log.js';
import { createProvisioning, type Provisioning } from '../../src/reconcile/provisioning.js';
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
  createTenant(slug: string): number;
  deleteTenant(id: number, purgeAfter: number): void;
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
    ...env,
  });
  const db = openDatabase(join(stateDir, 'berth.db'));
  const logLines: string[] = [];
  const log = createLogger('debug', 'test', (line) => logLines.push(line));
  const provisioning = createProvisioning(config, db, log);
  const shutdown = new AbortController();
  const running = provisioning.run(shutdown.signal);
  const owner = db.prepare("INSERT INTO users (email, password_hash, created_at) VALUES ('owner@example.com', 'not-a-login', ?)").run(Date.now());
  return {
    stack, config, db, provisioning, log, logLines,
    createTenant(slug) {
      const id = writeTx(db, () =>
        Number(db.prepare("INSERT INTO tenants (slug, owner_id, image, desired_state, created_at) VALUES (?, ?, ?, 'running', ?)")
          .run(slug, owner.lastInsertRowid, TENANT_IMAGE, Date.now()).lastInsertRowid),
      );
      provisioning.reconciler.nudge();
      return id;
    },
    deleteTenant(id, purgeAfter) {
      writeTx(db, () => db.prepare("UPDATE tenants SET desired_state = 'deleted', deleted_at = ?, purge_volume_after = ? WHERE id = ?").run(Date.now(), purgeAfter, id));
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
