// The tenant network is the control plane's: removed behind its back (no tenant attached), it is
// made again on the next container create, and the new tenant is served without a restart.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { docker } from '../../../e2e/src/docker-cli.js';
import { request } from '../../../e2e/src/https-client.js';
import { startStack, type Stack } from '../../../e2e/src/stack.js';
import { waitFor } from '@berth/common/wait-for';
import { createApiClient } from './api-client.js';
import { assertImageExists, TENANT_IMAGE } from './harness.js';

let stack: Stack | undefined;
after(async () => {
  await stack?.stop();
});

test('a removed tenant network is created again and the next instance is served', { timeout: 120_000 }, async () => {
  assertImageExists();
  stack = await startStack({ env: { BERTH_TENANT_IMAGE: TENANT_IMAGE } });
  const s = stack;
  await waitFor(async () => (await request(`${s.publicUrl}/__lbheartbeat__`, { agent: s.agent })).status === 200, { timeoutMs: 20_000, what: 'control plane through Traefik' });
  await waitFor(async () => (await docker('network', 'ls', '-q', '--filter', `name=^${s.network}$`)) !== '', { timeoutMs: 10_000, what: 'tenant network' });
  await docker('network', 'rm', s.network);

  const api = createApiClient(s.publicUrl, s.agent);
  await api.signUp('net@example.com', 'a long enough password');
  await api.createTenant('net-again');
  await waitFor(async () => (await request(`${s.tenantUrl('net-again')}/__lbheartbeat__`, { agent: s.agent }).catch(() => null))?.status === 200, {
    timeoutMs: 30_000,
    what: 'the new tenant through Traefik',
  });
  const icc = await docker('network', 'inspect', '-f', '{{index .Options "com.docker.network.bridge.enable_icc"}}', s.network);
  assert.equal(icc, 'false', 'made again with inter-container traffic off');
});
