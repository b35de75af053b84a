// The Litestream binary the control plane runs by default (config.ts, built by
// infra/scripts/build-litestream.sh), under BERTH_CACHE_DIR when a run moved the cache: tests
// read replicas with the same build that wrote them.
import { SETTINGS } from '../../control-plane/src/config.js';

const DEFAULT_CACHE = '/var/cache/berth';

export const LITESTREAM_BIN: string = (() => {
  const bin = SETTINGS.find((s) => s.name === 'BERTH_LITESTREAM_BIN')!.default;
  const cache = process.env.BERTH_CACHE_DIR;
  return cache && bin.startsWith(`${DEFAULT_CACHE}/`) ? cache + bin.slice(DEFAULT_CACHE.length) : bin;
})();
