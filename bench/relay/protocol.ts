// What bench/relay.ts and its load generator (bench/relay/loadgen.ts, a child
// process) say to each other over IPC, and the few bytes of a frame the load
// generator reads (it never decodes whole frames: its CPU is the relay's CPU here).

/** One load to run against one server. */
export interface LoadSpec {
  /** 'relay': Hotline protocol (auth, found channels, publish, subscribe). 'forward': the bare forwarder. */
  readonly mode: 'relay' | 'forward';
  readonly url: string;
  /** The relay's public key, hex (listed in every charter). */
  readonly relayKey: string;
  /** Publisher connections, one channel each, one subscriber per channel. */
  readonly connections: number;
  /** Body bytes per envelope. */
  readonly bodyBytes: number;
  /** Closed loop: publishes in flight per connection. Ignored when `rate` is set. */
  readonly window: number;
  /** Open loop: envelopes/s over all connections, sent on schedule. */
  readonly rate?: number;
  /** Upper bound on envelopes published, over all connections. */
  readonly maxCount: number;
  /** No publish starts after this many ms. */
  readonly maxMs: number;
}

export interface LoadResult {
  readonly published: number;
  /** Receipts (relay) or acks (forwarder). */
  readonly answered: number;
  readonly errors: number;
  readonly errorCodes: readonly string[];
  readonly delivered: number;
  /** ms from the first publish to the last receipt. */
  readonly elapsedMs: number;
  /** ms from the first publish to the last delivery. */
  readonly deliverElapsedMs: number;
  /** Latency percentiles in ms: [p50, p99]. */
  readonly receiptMs: readonly [number, number];
  readonly deliverMs: readonly [number, number];
  /** CPU time of the load generator process during the load, ms (user + system). */
  readonly cpuMs: number;
  /** True if the load ended on its safety timeout with answers or deliveries missing. */
  readonly incomplete: boolean;
}

export type ToLoadgen =
  | { readonly type: 'run'; readonly spec: LoadSpec }
  | { readonly type: 'exit' };
export type FromLoadgen =
  | { readonly type: 'ready' }
  /** The measured part of a load begins (connections open, channels founded). */
  | { readonly type: 'started' }
  | { readonly type: 'result'; readonly result: LoadResult }
  | { readonly type: 'failed'; readonly message: string };

/** Reads a CBOR unsigned integer head at `offset`: [value, next offset]. */
export function readUint(bytes: Uint8Array, offset: number): [number, number] {
  const head = bytes[offset]!;
  if (head >> 5 !== 0) throw new Error(`expected an unsigned integer at ${offset}`);
  const info = head & 0x1f;
  if (info < 24) return [info, offset + 1];
  if (info === 24) return [bytes[offset + 1]!, offset + 2];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (info === 25) return [view.getUint16(offset + 1), offset + 3];
  if (info === 26) return [view.getUint32(offset + 1), offset + 5];
  if (info === 27) return [Number(view.getBigUint64(offset + 1)), offset + 9];
  throw new Error(`bad integer head ${head}`);
}

/** [frame type value, request id] of a frame `[type, requestId, …]` (array head: one byte). */
export function frameHead(bytes: Uint8Array): [number, number] {
  const [type, next] = readUint(bytes, 1);
  const [requestId] = readUint(bytes, next);
  return [type, requestId];
}

/**
 * A 48-bit tag of the envelope a frame ends with (publish, deliver): its signature's
 * last six bytes. Matches a delivery to its publish without hashing anything.
 */
export function tailTag(bytes: Uint8Array): number {
  const n = bytes.length;
  let tag = 0;
  for (let i = n - 6; i < n; i++) tag = tag * 256 + bytes[i]!;
  return tag;
}
