// The operator's command line, run on the host by ./berth (which handles up, down, test,
// bench and image itself and hands these over):
//   ./berth status [--json]                    is berth up: Traefik, the control plane, tenants by state
//   ./berth tenants [--json]                   every tenant with image, state, health, memory
//   ./berth rollout [start|status|list|follow|cancel] ...   rollouts, live
//   ./berth admin add|remove|list [EMAIL]      grant or revoke admin (operator only)
// It reads the same settings as the control plane (BERTH_HTTP_PORT, BERTH_STATE_DIR,
// BERTH_TRAEFIK_API_URL) and talks to it on loopback with the operator token. Exit codes:
// cli-errors.ts (0 ok, 1 failed, 2 usage, 3 control plane unreachable).
import { ConfigError, loadConfig, type Config } from '../config.js';
import { ADMIN_USAGE, runAdminCommand } from './admin-command.js';
import { connect, lazyClient } from './api-client.js';
import { CliError, EXIT_CODES } from './cli-errors.js';
import { BACKUPS_USAGE, RESTORE_USAGE, runBackupsCommand, runRestoreCommand } from './restore-command.js';
import { ROLLOUT_USAGE, runRolloutCommand } from './rollout-command.js';
import { STATUS_USAGE, runStatusCommand } from './status-command.js';
import { TENANTS_USAGE, runTenantsCommand } from './tenants-command.js';

export const CLI_USAGE = [STATUS_USAGE, TENANTS_USAGE, ROLLOUT_USAGE, ADMIN_USAGE, RESTORE_USAGE, BACKUPS_USAGE].join('\n');

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  let config: Config | null = null;
  const settings = () => (config ??= loadConfig());
  const client = lazyClient(() => connect(settings()));
  switch (command) {
    case 'status':
      return runStatusCommand(settings, client, rest, process.stdout);
    case 'tenants':
      return runTenantsCommand(client, rest, process.stdout);
    case 'rollout':
      return runRolloutCommand(client, rest, process.stdout);
    case 'admin':
      return runAdminCommand(client, rest, process.stdout);
    case 'restore':
      return runRestoreCommand(client, rest, process.stdout);
    case 'backups':
      return runBackupsCommand(client, rest, process.stdout);
    default:
      process.stderr.write(`berth: unknown command "${command ?? ''}"\n${CLI_USAGE}\n`);
      return EXIT_CODES.usage;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof CliError) {
      process.stderr.write(`berth: ${err.message}\n`);
      process.exit(err.exitCode);
    }
    // A bad BERTH_* setting is the invocation's fault, like a bad option.
    if (err instanceof ConfigError) {
      process.stderr.write(`berth: ${err.message}\n`);
      process.exit(EXIT_CODES.usage);
    }
    process.stderr.write(`berth: ${(err as Error).stack ?? err}\n`);
    process.exit(EXIT_CODES.failed);
  },
);
