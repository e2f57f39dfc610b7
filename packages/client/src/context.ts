// What a channel session needs of the client that owns it.

import type { DecodedEnvelope } from '@hotline/codec';
import type { Alarm } from './alarms.js';
import type { Clock } from './clock.js';
import type { LinkState, RelayLink } from './relay-link.js';
import type { ClientStore } from './store/types.js';

export interface ClientTuning {
  /** Own envelopes in flight to one relay before a receipt is awaited. Default 16. */
  readonly publishWindow: number;
  /** Wait before retrying a refused publish or subscription (rate limit, shutdown), ms. Default 1000. */
  readonly retryMs: number;
  /** How long a sender's missing seq may stay missing before a `gap` alarm, ms. Default 30 000. */
  readonly gapTimeoutMs: number;
  /** How long a relay may sign more than it delivers before `relay-withholding`, ms. Default 30 000. */
  readonly withholdGraceMs: number;
  /** Interval of checkpoint requests to every relay, ms. Default 30 000. */
  readonly checkpointIntervalMs: number;
  /** Envelopes held while their sender's chain has a gap (all senders). Default 4096. */
  readonly maxParked: number;
}

export const DEFAULT_TUNING: ClientTuning = Object.freeze({
  publishWindow: 16,
  retryMs: 1000,
  gapTimeoutMs: 30_000,
  withholdGraceMs: 30_000,
  checkpointIntervalMs: 30_000,
  maxParked: 4096,
});

export interface MessageEvent {
  readonly channel: Uint8Array;
  /** Verified: signature, membership, chain. */
  readonly envelope: DecodedEnvelope;
  /** The relay (hex key) it first arrived from. */
  readonly relay: string;
}

export interface ReceiptEvent {
  readonly channel: Uint8Array;
  readonly relay: string;
  readonly id: Uint8Array;
  /** How many relays have receipted this envelope so far. */
  readonly count: number;
}

export interface StateEvent {
  readonly relay: string;
  readonly state: LinkState;
  readonly reason?: string;
}

export interface BackfillEvent {
  readonly channel: Uint8Array;
  readonly relay: string;
  /** Entries this relay has delivered of the channel's log, now that it caught up. */
  readonly delivered: number;
}

export interface ClientEvents extends Record<string, unknown> {
  message: MessageEvent;
  /** A relay finished delivering the log it held when we subscribed (end-of-backfill). */
  backfill: BackfillEvent;
  receipt: ReceiptEvent;
  alarm: Alarm;
  state: StateEvent;
}

export interface ClientContext {
  readonly secretKey: Uint8Array;
  readonly store: ClientStore;
  readonly clock: Clock;
  readonly options: ClientTuning;
  emit<K extends keyof ClientEvents>(name: K, event: ClientEvents[K]): void;
  linkOf(relayHex: string): RelayLink | undefined;
}
