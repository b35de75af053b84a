// PRAGMA integrity_check of a tenant's database, read straight off its named volume by a
// throwaway container of the tenant image (which carries node and better-sqlite3; it has no
// shell, so the command is exec-form). Read-only connection, no network, same uid as the app.
import { docker } from '../docker-cli.js';

export async function checkIntegrity(volume: string, image: string, label: string): Promise<string> {
  const script = [
    "const Database = require('/app/node_modules/better-sqlite3');",
    "const db = new Database('/data/tenant.db', { readonly: true, fileMustExist: true, timeout: 10000 });",
    "const rows = db.pragma('integrity_check');",
    'process.stdout.write(rows.map((r) => r.integrity_check).join("\\n"));',
  ].join(' ');
  return docker('run', '--rm', '--label', label, '--network', 'none', '--user', '10001:10001', '--read-only',
    '--cap-drop', 'ALL', '--security-opt', 'no-new-privileges', '-v', `${volume}:/data`, '--entrypoint', 'node', image, '-e', script);
}
