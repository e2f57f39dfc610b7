// What a channel session needs of the client that owns it.

import type { DecodedEnvelope } from '@hotline/codec';
import type { Alarm } from './alarms.js';
import type { Clock } from './clock.js';
import type { LinkState, RelayLink } from './relay-link.js';
import type { AckStage } from './semantics/acks.js';
import type { Content } from './semantics/channel.js';
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
  /**
   * Send a heartbeat every charter interval, and watch the members' heartbeats
   * (peer-silent, witnessing). Default false in the library: a process that joins a
   * channel should not sign envelopes on its own unless asked; the CLI turns it on.
   */
  readonly heartbeats: boolean;
  /** Acknowledge every envelope that needs it with stage `received` at once. Default false, as above. */
  readonly autoAckReceived: boolean;
}

export const DEFAULT_TUNING: ClientTuning = Object.freeze({
  publishWindow: 16,
  retryMs: 1000,
  gapTimeoutMs: 30_000,
  withholdGraceMs: 30_000,
  checkpointIntervalMs: 30_000,
  maxParked: 4096,
  heartbeats: false,
  autoAckReceived: false,
});

export interface MessageEvent {
  readonly channel: Uint8Array;
  /** Verified: signature, membership, chain. */
  readonly envelope: DecodedEnvelope;
  /** The relay (hex key) it first arrived from. */
  readonly relay: string;
  /** The decoded body, or the code the channel's rules refuse it with (spec/12-semantics.md §2). */
  readonly content: Content;
}

/** A stage of acknowledgement is due and a member has not given it. */
export interface OverdueEvent {
  readonly channel: Uint8Array;
  /** The envelope to acknowledge, hex id. */
  readonly envelope: string;
  /** The member that owes the acknowledgement, hex key. */
  readonly member: string;
  readonly stage: AckStage;
  /** When it was due, ms since the epoch. */
  readonly due: number;
}

/** A member acknowledged a stage of an envelope (several at once when a later stage implies them). */
export interface AckEvent {
  readonly channel: Uint8Array;
  readonly envelope: string;
  readonly member: string;
  readonly stage: AckStage;
  /** After its due time (client clock at arrival). */
  readonly late: boolean;
  readonly at: number;
  readonly decision?: 'accepted' | 'rejected';
}

/** A member suspended the channel (or its own part in it), or resumed (spec/kinds/suspension.md). */
export interface SuspensionEvent {
  readonly channel: Uint8Array;
  /** The suspend envelope, hex id. */
  readonly envelope: string;
  /** The member who suspended, hex key. */
  readonly by: string;
  readonly state: 'suspended' | 'resumed';
  readonly scope?: string;
  /** For 'resumed': the resume envelope, hex id. */
  readonly resume?: string;
}

/** A measure changed state, or a transition was refused (code). */
export interface MeasureEvent {
  readonly channel: Uint8Array;
  /** The transition's envelope, hex id. */
  readonly envelope: string;
  readonly measure?: string;
  readonly state?: string;
  readonly code?: string;
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
  overdue: OverdueEvent;
  ack: AckEvent;
  measure: MeasureEvent;
  suspension: SuspensionEvent;
}

export interface ClientContext {
  readonly secretKey: Uint8Array;
  readonly store: ClientStore;
  readonly clock: Clock;
  readonly options: ClientTuning;
  emit<K extends keyof ClientEvents>(name: K, event: ClientEvents[K]): void;
  linkOf(relayHex: string): RelayLink | undefined;
}
