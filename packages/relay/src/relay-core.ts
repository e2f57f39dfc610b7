// What a connection needs from the relay it belongs to (implemented by Relay).

import type { DecodedEnvelope, Frame, HotlineError } from '@hotline/codec';
import type { Logger } from 'pino';
import type { ChannelState } from './channel.js';
import type { Committer } from './committer.js';
import type { Connection } from './connection.js';
import type { RelayKey } from './lib/keys.js';
import type { TokenBucket } from './lib/token-bucket.js';
import type { RelayMetrics } from './metrics.js';
import type { RelayLimits, RelayTimers } from './options.js';
import type { RelayStore } from './store/types.js';

export interface RelayCore {
  readonly key: RelayKey;
  readonly limits: RelayLimits;
  readonly log: Logger;
  readonly metrics: RelayMetrics;
  readonly store: RelayStore;
  readonly committer: Committer;
  readonly now: () => number;
  readonly timers: RelayTimers;
  readonly shuttingDown: boolean;
  decodeFrame(bytes: Uint8Array): Frame;
  /** Any channel, its founding commit done or not (publishes, charter races). */
  channel(id: Uint8Array): ChannelState | undefined;
  /** A channel whose charter is committed (subscribe, proofs: B1, G1). */
  servedChannel(id: Uint8Array): ChannelState | undefined;
  /** A channel for a charter envelope of an unknown channel, or why it is refused. */
  admitCharter(envelope: DecodedEnvelope): ChannelState | HotlineError;
  /** Starts serving a founded channel. */
  adopt(channel: ChannelState): void;
  /** Forgets a channel whose founding commit failed. */
  abandon(channel: ChannelState): void;
  senderBucket(sender: Uint8Array): TokenBucket;
  verifySignature(envelope: DecodedEnvelope): Promise<boolean>;
  forget(connection: Connection): void;
}
