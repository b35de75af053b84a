// Preloaded (`--import`) into every test file's process by scripts/run-tests.mjs. A test file
// whose tests and after-hooks are done but which leaked a handle (a socket, a timer, a child)
// would keep its process alive until CI's limit; node's --test-force-exit ends it, but can lose
// the file's last results on the way (nodejs/node#64833: its flush drains only destinations with
// close(), and a child's stdout pipe has none). This guard ends such a file instead, 10 s after
// its last after-hook, and names it, so a leak costs one file and loses no result.
import { createRequire, syncBuiltinESMExports } from 'node:module';
import { relative } from 'node:path';

const GRACE_MS = 10_000;
const require = createRequire(import.meta.url);
const nodeTest = require('node:test');
const originalAfter = nodeTest.after;
let pending = 0;

function hookDone() {
  pending -= 1;
  if (pending > 0) return;
  // Unref'd: a file that ends normally exits before this fires and never sees it.
  setTimeout(() => {
    const file = relative(process.cwd(), process.argv[1] ?? '?');
    process.stderr.write(`test-exit-guard: ${file} is still running ${GRACE_MS / 1000} s after its last after-hook (a leaked handle: ${process.getActiveResourcesInfo().join(', ')}); ending it\n`);
    process.exit(process.exitCode || 1);
  }, GRACE_MS).unref();
}

function counted(fn) {
  pending += 1;
  return async function guardedHook(...args) {
    try {
      return await fn.apply(this, args);
    } finally {
      hookDone();
    }
  };
}

// Only in a test file's own process (the runner sets NODE_TEST_CONTEXT there), never in the
// runner that starts them, which gets the same --import. Files import `after` from 'node:test';
// the builtin's ESM named exports follow its CommonJS exports once synced, so every after-hook
// registered from here on is counted.
if (process.env.NODE_TEST_CONTEXT) {
  nodeTest.after = (fn, options) => originalAfter(counted(fn), options);
  syncBuiltinESMExports();
  // The root's own after-hook, registered first: a file without after-hooks is guarded too.
  nodeTest.after(() => {});
}
