export type { Alarm, AlarmEvidence, AlarmType } from './alarms.js';
export { type ClientOptions, HotlineClient, type WaitOptions } from './client.js';
export { type CancelTimer, type Clock, ManualClock, systemClock } from './clock.js';
export {
  type AckEvent,
  type BackfillEvent,
  type ClientEvents,
  type ClientTuning,
  DEFAULT_TUNING,
  type MeasureEvent as MeasureChangeEvent,
  type MessageEvent,
  type OverdueEvent,
  type ReceiptEvent,
  type StateEvent,
  type SuspensionEvent,
} from './context.js';
export { type BackoffOptions, LinkDownError, type LinkState, RelayRefusal } from './relay-link.js';
export {
  type AckRecord,
  type AckStage,
  AckTracker,
  type Expectation,
  type StageDeadlines,
} from './semantics/acks.js';
export { ChannelSemantics, type Content, NEEDS_ACK } from './semantics/channel.js';
export { Liveness, SILENT_AFTER_INTERVALS } from './semantics/liveness.js';
export * from './semantics/measures.js';
export { ChannelSession, type SendInput, type Sent } from './session.js';
export {
  type ClientSocket,
  type SocketCloseEvent,
  type SocketFactory,
  type SocketMessageEvent,
  SUBPROTOCOL,
} from './socket.js';
export { MemoryClientStore } from './store/memory.js';
export type { ClientStore, ConsistencyRecord, OwnEnvelope } from './store/types.js';
export * from './transcript/index.js';
