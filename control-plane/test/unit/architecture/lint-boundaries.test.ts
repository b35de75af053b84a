// The layering rules are kept by lint, and this shows that they bite: each case lints a small
// source with the repository's own eslint.config.mjs, as `pnpm lint` would, under a file name
// inside or outside the boundary, and expects berth/boundaries to fail or pass it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';

const ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
const eslint = new ESLint({ cwd: ROOT });

async function boundaryErrors(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: `${ROOT}${file}` });
  return result!.messages.filter((m) => m.ruleId === 'berth/boundaries').map((m) => m.message);
}

const cases: { file: string; source: string; fails: boolean }[] = [
  { file: 'control-plane/src/reconcile/sneaky.ts', source: "import Docker from 'dockerode';\nexport const d = Docker;\n", fails: true },
  { file: 'control-plane/src/rollout/sneaky.ts', source: "import type Docker from 'dockerode';\nexport type D = Docker;\n", fails: true },
  { file: 'control-plane/src/docker/sneaky.ts', source: "import Docker from 'dockerode';\nexport const d = Docker;\n", fails: false },
  { file: 'control-plane/src/auth/sessions-sneaky.ts', source: "import argon2 from 'argon2';\nexport const a = argon2;\n", fails: true },
  { file: 'control-plane/src/auth/passwords.ts', source: "import argon2 from 'argon2';\nexport const a = argon2;\n", fails: false },
  { file: 'control-plane/src/tenants/sneaky.ts', source: "import Database from 'better-sqlite3';\nexport const db = new Database(':memory:');\n", fails: true },
  { file: 'control-plane/src/tenants/sneaky.ts', source: "import type Database from 'better-sqlite3';\nexport type Db = Database.Database;\n", fails: false },
  { file: 'control-plane/src/db/open-database.ts', source: "import Database from 'better-sqlite3';\nexport const db = new Database(':memory:');\n", fails: false },
  { file: 'tenant-image/src/tables/sneaky.ts', source: "import Database from 'better-sqlite3';\nexport const db = new Database(':memory:');\n", fails: true },
  { file: 'control-plane/src/pages/sneaky.ts', source: "import type { FastifyReply } from 'fastify';\nexport type R = FastifyReply;\n", fails: true },
  { file: 'control-plane/src/auth/sneaky.ts', source: "import cookie from '@fastify/cookie';\nexport const c = cookie;\n", fails: true },
  { file: 'tenant-image/src/tables/sneaky.ts', source: "export { default } from 'fastify';\n", fails: true },
  { file: 'control-plane/src/http/sneaky.ts', source: "import Fastify from 'fastify';\nexport const f = Fastify;\n", fails: false },
  { file: 'control-plane/src/reconcile/plan.ts', source: "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n", fails: true },
  { file: 'control-plane/src/tenants/route.ts', source: "export async function load() {\n  return import('node:fs/promises');\n}\n", fails: true },
  { file: 'control-plane/src/edge/route-files.ts', source: "import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n", fails: false },
];

for (const c of cases) {
  test(`${c.fails ? 'fails' : 'passes'}: ${c.source.split('\n')[0]} in ${c.file}`, async () => {
    const errors = await boundaryErrors(c.file, c.source);
    if (c.fails) assert.ok(errors.length > 0 && errors[0]!.includes(c.file), `expected a berth/boundaries error, got ${JSON.stringify(errors)}`);
    else assert.deepEqual(errors, []);
  });
}

test('the error names the module, the file and the reason', async () => {
  const [message] = await boundaryErrors('control-plane/src/reconcile/sneaky.ts', "import Docker from 'dockerode';\nexport const d = Docker;\n");
  assert.match(message!, /'dockerode' may not be imported in control-plane\/src\/reconcile\/sneaky\.ts: only control-plane\/src\/docker\//);
});
