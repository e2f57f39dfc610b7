// Every relay setting with its default, unit and reason (spec/07-relay.md §11 is
// the normative table; the README repeats it for operators).

import { LIMITS } from '@hotline/codec';
import type { Logger } from 'pino';
import type { RelayStore } from './store/types.js';

export interface RelayLimits {
  /**
   * Largest WebSocket message, bytes: the normative MAX_FRAME_BYTES, which both sides
   * enforce; not a setting (startRelay refuses another value with RangeError).
   */
  maxFrameBytes: number;
  /** ms from WebSocket open to a successful auth. */
  authTimeout: number;
  /** ms between WebSocket pings. */
  pingInterval: number;
  /** ms without any message or pong before the relay drops the connection. */
  idleTimeout: number;
  /** Envelopes/s and burst per connection (token bucket). */
  publishRate: number;
  publishBurst: number;
  /** Envelopes/s and burst per sender key, across connections. */
  senderRate: number;
  senderBurst: number;
  /** Subscriptions per connection. */
  maxSubscriptions: number;
  /** Bytes queued for one connection before it is cut off as a slow consumer. */
  maxPendingOutboundBytes: number;
  /** Bytes queued for one connection above which backfill pauses. */
  backfillHighWater: number;
  /** Publishes of one connection being processed before the relay stops reading it. */
  maxUnansweredRequests: number;
  /** Open WebSocket connections. */
  maxConnections: number;
}

export const DEFAULT_LIMITS: Readonly<RelayLimits> = Object.freeze({
  maxFrameBytes: LIMITS.MAX_FRAME_BYTES,
  authTimeout: 10_000,
  pingInterval: 30_000,
  idleTimeout: 90_000,
  publishRate: 100,
  publishBurst: 200,
  senderRate: 20,
  senderBurst: 100,
  maxSubscriptions: 64,
  maxPendingOutboundBytes: 4 * 1024 * 1024,
  backfillHighWater: 1024 * 1024,
  maxUnansweredRequests: 256,
  maxConnections: 1024,
});

/** Who may found channels on this relay. */
export type FounderPolicy =
  | { readonly mode: 'allowlist'; readonly keys: readonly Uint8Array[] }
  /** Anyone: for local trials only; the relay logs a warning at start. */
  | { readonly mode: 'open' };

export interface RelayOptions {
  /** The relay's Ed25519 secret key (32-byte seed). */
  secretKey: Uint8Array;
  store: RelayStore;
  founders: FounderPolicy;
  /** Default 127.0.0.1. */
  host?: string;
  /** Default 7400; 0 picks a free port. */
  port?: number;
  limits?: Partial<RelayLimits>;
  logger?: Logger;
  /** Milliseconds since the epoch; injectable for tests. */
  now?: () => number;
  /** Also export Node process metrics (memory, CPU, event loop lag, handles) on /metrics. */
  processMetrics?: boolean;
  /** Per-connection timers (the auth timeout); injectable so tests decide when time passes. */
  timers?: RelayTimers;
  /**
   * Worker threads that verify envelope signatures (see verify-pool.ts). Default
   * max(1, availableParallelism() - 1); 0 verifies on the main thread.
   */
  verifyWorkers?: number;
}

export interface RelayTimers {
  setTimeout(callback: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const SYSTEM_TIMERS: RelayTimers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
