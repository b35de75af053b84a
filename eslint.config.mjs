// One lint setup for the whole workspace, including the layering rules of ARCHITECTURE.md
// (berth/boundaries; a test lints deliberate violations with this file to show they fail).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';
import { boundariesPlugin } from './scripts/lint-boundaries.mjs';

const SOURCES = ['common/src/', 'control-plane/src/', 'tenant-image/src/'];

/** Modules that do I/O: a pure module imports none of them. */
export const IO_MODULES = [
  'node:fs', 'fs', 'node:child_process', 'child_process', 'node:net', 'net', 'node:http', 'http', 'node:https', 'https',
  'node:worker_threads', 'worker_threads', 'dockerode', 'better-sqlite3', 'argon2', 'fastify', '@fastify/', 'pino',
];

/**
 * Modules documented as pure (decisions as functions of data). Besides the lint rule on their
 * own imports, control-plane/test/unit/architecture/import-graph.test.ts checks that nothing
 * they import at run time, however indirectly, reaches an I/O module.
 */
export const PURE_MODULES = [
  'control-plane/src/reconcile/plan.ts',
  'control-plane/src/reconcile/status.ts',
  'control-plane/src/reconcile/tenant-containers.ts',
  'control-plane/src/reconcile/actions.ts',
  'control-plane/src/reconcile/plan-hibernation.ts',
  'control-plane/src/hibernate/idle.ts',
  'control-plane/src/edge/wake-routes.ts',
  'control-plane/src/tenants/container-spec.ts',
  'control-plane/src/tenants/route.ts',
  'control-plane/src/tenants/slug-rules.ts',
  'control-plane/src/tenants/labels.ts',
  'control-plane/src/tenants/tenant.ts',
  'control-plane/src/edge/route-text.ts',
  'control-plane/src/rollout/rollout-plan.ts',
  'control-plane/src/backup/replication-plan.ts',
  'control-plane/src/rollout/tenant-steps.ts',
  'control-plane/src/rollout/rollout-types.ts',
  'control-plane/src/auth/account-rules.ts',
  'control-plane/src/auth/tenant-host.ts',
  'control-plane/src/wait/backoff.ts',
  'control-plane/src/lease/lease-decisions.ts',
  'tenant-image/src/tables/page-query.ts',
  'tenant-image/src/tables/view-params.ts',
  'tenant-image/src/query/sql-guard.ts',
  'tenant-image/src/imports/job-status.ts',
  'tenant-image/src/pages/chart-svg.ts',
];

export const BOUNDARIES = [
  {
    modules: ['dockerode'],
    files: SOURCES,
    allowedIn: ['control-plane/src/docker/'],
    why: 'only control-plane/src/docker/ talks to the Docker engine; it speaks berth types outward',
  },
  {
    modules: ['argon2'],
    files: SOURCES,
    allowedIn: ['control-plane/src/auth/passwords.ts'],
    why: 'password hashing lives in control-plane/src/auth/passwords.ts alone',
  },
  {
    modules: ['better-sqlite3'],
    files: SOURCES,
    // The openers: each connection of each package is opened (and its pragmas set) here.
    allowedIn: [
      'control-plane/src/db/open-database.ts',
      'tenant-image/src/db/open-database.ts',
      'tenant-image/src/csv-import/open-import-database.ts',
      'tenant-image/src/csv-import/scratch-file.ts',
      'tenant-image/src/query/sql-child.ts',
    ],
    typeImports: true,
    why: "only a package's database openers open SQLite (import type is fine elsewhere)",
  },
  {
    modules: ['fastify', '@fastify/'],
    files: SOURCES,
    allowedIn: [
      'control-plane/src/http/',
      'tenant-image/src/http/',
    ],
    why: "Fastify belongs to each package's http/ folder; the rest of the code never sees a request or reply",
  },
  {
    modules: IO_MODULES,
    files: PURE_MODULES,
    why: 'this module is documented as pure: it takes data and returns data, and the caller does the I/O',
  },
];

export default tseslint.config(
  { ignores: ['**/dist/**', 'tenant-image/bundle/**', '**/node_modules/**', 'e2e/artifacts/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    plugins: { berth: boundariesPlugin },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
      // Input validation legitimately matches control characters (NUL, C0) in user text.
      'no-control-regex': 'off',
      'berth/boundaries': ['error', BOUNDARIES],
    },
  },
);
