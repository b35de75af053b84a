// The Litestream binary the control plane runs (config.ts's default, built by
// infra/scripts/build-litestream.sh): tests read replicas with the same build that wrote them.
import { SETTINGS } from '../../control-plane/src/config.js';

export const LITESTREAM_BIN: string = SETTINGS.find((s) => s.name === 'BERTH_LITESTREAM_BIN')!.default;
