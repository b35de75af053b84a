// Disk used by a tenant volume, measured on the host from its mountpoint (Docker's own
// `system df -v` walks every volume and takes seconds). A volume holds a handful of files
// (the database, its -wal/-shm, snapshots, an import's temporary file), so the walk is
// bounded in entries and depth rather than trusted to be small.
import { lstat, readdir } from 'node:fs/promises';
import { join } from 'node:path';

export interface SizeLimits {
  readonly maxEntries: number;
  readonly maxDepth: number;
}

const LIMITS: SizeLimits = { maxEntries: 5000, maxDepth: 6 };

/**
 * Bytes allocated on disk under dir (st_blocks, so sparse files count what they use), or null
 * when the directory cannot be read from this process (the control plane in a container
 * without the volumes mounted) or the walk passed its limits.
 */
export async function directorySize(dir: string, signal: AbortSignal, limits: SizeLimits = LIMITS): Promise<number | null> {
  let entries = 0;
  const walk = async (path: string, depth: number): Promise<number | null> => {
    signal.throwIfAborted();
    if (++entries > limits.maxEntries) return null;
    const st = await lstat(path);
    let total = st.blocks * 512;
    if (!st.isDirectory()) return total;
    if (depth >= limits.maxDepth) return null;
    for (const name of await readdir(path)) {
      const sub = await walk(join(path, name), depth + 1);
      if (sub === null) return null;
      total += sub;
    }
    return total;
  };
  try {
    return await walk(dir, 0);
  } catch (err) {
    if (signal.aborted) throw err;
    // A file removed mid-walk (a finished import's temp file) or no access: unknown this round.
    return null;
  }
}
