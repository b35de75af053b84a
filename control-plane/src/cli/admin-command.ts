// ./berth admin add|remove|list: the operator decides who is an admin (nobody becomes one by
// signing up). Talks to the running control plane with the operator token, which only root
// on the host can read, so the one write path of the database stays the control plane's.
import type { ControlPlaneClient } from './api-client.js';
import { UsageError } from './cli-errors.js';
import { expectPositionals, parseOptions } from './cli-options.js';

export const ADMIN_USAGE = `usage: ./berth admin add EMAIL | remove EMAIL | list [--json]
  add EMAIL      make the account with this email an admin (it must exist: sign up first)
  remove EMAIL   take admin away from it
  list           the admins, one email a line (--json: {"admins": [...]})`;

interface AdminChange { email: string; isAdmin: boolean; changed: boolean }

export async function runAdminCommand(client: ControlPlaneClient, argv: readonly string[], out: NodeJS.WritableStream): Promise<number> {
  const { values, positionals, help } = parseOptions(argv, { json: 'flag' }, ADMIN_USAGE);
  if (help) {
    out.write(`${ADMIN_USAGE}\n`);
    return 0;
  }
  const [verb, email] = positionals;
  if (verb === 'list') {
    expectPositionals(positionals, 1, ADMIN_USAGE);
    const { admins } = await client.json<{ admins: string[] }>('GET', '/api/v1/admins');
    if (values.json) out.write(`${JSON.stringify({ admins })}\n`);
    else out.write(admins.length === 0 ? 'no admins (grant one with ./berth admin add EMAIL)\n' : admins.map((a) => `${a}\n`).join(''));
    return 0;
  }
  if (verb === 'add' || verb === 'remove') {
    if (email === undefined) throw new UsageError(`admin ${verb} needs an EMAIL\n${ADMIN_USAGE}`);
    expectPositionals(positionals, 2, ADMIN_USAGE);
    const path = `/api/v1/admins/${encodeURIComponent(email)}`;
    const r = await client.json<AdminChange>(verb === 'add' ? 'PUT' : 'DELETE', path);
    const now = r.isAdmin ? 'an admin' : 'not an admin';
    if (values.json) out.write(`${JSON.stringify(r)}\n`);
    else out.write(r.changed ? `${r.email} is now ${now}\n` : `${r.email} was already ${now}\n`);
    return 0;
  }
  throw new UsageError(`${verb === undefined ? 'admin needs a subcommand' : `unknown subcommand "admin ${verb}"`}\n${ADMIN_USAGE}`);
}
