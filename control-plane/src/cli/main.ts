// The operator's command line, run on the host by ./berth:
//   ./berth tenants                      every tenant with image, state, health, memory
//   ./berth rollout --image REF [...]    start a rollout and watch it live
//   ./berth admin add|remove|list [EMAIL] grant or revoke admin (operator only)
// It reads the same settings as the control plane (BERTH_HTTP_PORT, BERTH_STATE_DIR) and
// talks to it on loopback with the operator token.
import { ConfigError, loadConfig } from '../config.js';
import { ADMIN_USAGE, runAdminCommand } from './admin-command.js';
import { CliError, connect } from './api-client.js';
import { ROLLOUT_USAGE, runRolloutCommand } from './rollout-command.js';
import { runTenantsCommand } from './tenants-command.js';

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  const client = connect(loadConfig());
  switch (command) {
    case 'tenants':
      return runTenantsCommand(client, process.stdout);
    case 'rollout':
      return runRolloutCommand(client, rest, process.stdout);
    case 'admin':
      return runAdminCommand(client, rest, process.stdout);
    default:
      process.stderr.write(`usage: ./berth tenants\n${ROLLOUT_USAGE}\n${ADMIN_USAGE}\n`);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof CliError || err instanceof ConfigError) {
      process.stderr.write(`berth: ${err.message}\n`);
      process.exit(2);
    }
    process.stderr.write(`berth: ${(err as Error).stack ?? err}\n`);
    process.exit(1);
  },
);
