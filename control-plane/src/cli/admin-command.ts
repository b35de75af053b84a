// ./berth admin add|remove|list: the operator decides who is an admin (nobody becomes one by
// signing up). Talks to the running control plane with the operator token, which only root
// on the host can read, so the one write path of the database stays the control plane's.
import { CliError, type ControlPlaneClient } from './api-client.js';

export const ADMIN_USAGE = `usage: ./berth admin add EMAIL | remove EMAIL | list`;

interface AdminChange { email: string; isAdmin: boolean; changed: boolean }

export async function runAdminCommand(client: ControlPlaneClient, argv: readonly string[], out: NodeJS.WritableStream): Promise<number> {
  const [verb, email, ...extra] = argv;
  if (verb === 'list' && email === undefined) {
    const { admins } = await client.json<{ admins: string[] }>('GET', '/api/v1/admins');
    out.write(admins.length === 0 ? 'no admins (grant one with ./berth admin add EMAIL)\n' : admins.map((a) => `${a}\n`).join(''));
    return 0;
  }
  if ((verb === 'add' || verb === 'remove') && email !== undefined && extra.length === 0) {
    const path = `/api/v1/admins/${encodeURIComponent(email)}`;
    const r = await client.json<AdminChange>(verb === 'add' ? 'PUT' : 'DELETE', path);
    const now = r.isAdmin ? 'an admin' : 'not an admin';
    out.write(r.changed ? `${r.email} is now ${now}\n` : `${r.email} was already ${now}\n`);
    return 0;
  }
  throw new CliError(ADMIN_USAGE);
}
