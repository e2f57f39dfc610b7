export { ChannelState } from './channel.js';
export {
  DEFAULT_LIMITS,
  type FounderPolicy,
  type RelayLimits,
  type RelayOptions,
  type RelayTimers,
  SYSTEM_TIMERS,
} from './options.js';
export { Relay, SUBPROTOCOL, startRelay } from './relay.js';
export { MemoryRelayStore } from './store/memory.js';
export { openSqliteStore } from './store/sqlite.js';
export { openThreadedSqliteStore, ThreadedSqliteStore } from './store/threaded.js';
export type {
  ChainHeadRecord,
  ChannelRecord,
  CheckpointRecord,
  CommitBatch,
  EvidenceRecord,
  LogEntry,
  RelayStore,
} from './store/types.js';
