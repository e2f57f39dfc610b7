// What a client keeps across restarts. One interface, synchronous (SQLite through
// better-sqlite3 is synchronous; a browser keeps a MemoryClientStore and snapshots
// it). Every method that records something is idempotent: the client may record
// the same receipt or delivery twice after a reconnect.
//
// Writes other than `addOwnEnvelope` may be batched (see `afterCommit`).
//
// The one rule that makes a crash harmless: `addOwnEnvelope` stores a signed
// envelope and advances the own chain in one step, BEFORE the envelope is sent. So
// after a crash the envelope is re-sent as it was, and seq n is never signed twice
// (no self-inflicted fork).

/** One of this client's own envelopes on a channel. */
export interface OwnEnvelope {
  readonly seq: number;
  readonly id: Uint8Array;
  readonly bytes: Uint8Array;
}

export interface ConsistencyRecord {
  readonly fromSize: number;
  readonly toSize: number;
  readonly proof: readonly Uint8Array[];
}

export interface ClientStore {
  /** Records a channel by its charter envelope; idempotent. */
  putChannel(channel: Uint8Array, charter: Uint8Array): void;
  /** Every channel recorded, with its charter envelope. */
  channels(): { channel: Uint8Array; charter: Uint8Array }[];

  /** The last own envelope on `channel`, if any. */
  ownHead(channel: Uint8Array): OwnEnvelope | undefined;
  /**
   * Stores an own envelope and makes it the head, atomically. Throws RangeError
   * unless `envelope.seq` is the head's seq + 1 (1 on a new channel).
   */
  addOwnEnvelope(channel: Uint8Array, envelope: OwnEnvelope): void;
  /** Own envelopes of `channel` with seq ≥ fromSeq, ascending; at most `limit` of them. */
  ownEnvelopes(channel: Uint8Array, fromSeq?: number, limit?: number): OwnEnvelope[];

  /** Records a verified envelope of the channel (any sender); false if it was there. */
  putEnvelope(channel: Uint8Array, id: Uint8Array, bytes: Uint8Array): boolean;
  /** Every envelope recorded for `channel`, in the order recorded. */
  envelopes(channel: Uint8Array): Uint8Array[];

  /** Records a verified receipt of envelope `id` from `relay`; false if one was there. */
  putReceipt(channel: Uint8Array, relay: Uint8Array, id: Uint8Array, receipt: Uint8Array): boolean;
  /** Relays (keys) whose receipt of `id` is recorded. */
  receiptRelays(id: Uint8Array): Uint8Array[];
  /**
   * The seq of the first own envelope of `channel` whose receipt from `relay` is not
   * recorded; undefined when every one is. Where a reconnect resumes publishing:
   * answered without reading every own envelope.
   */
  firstUnreceipted(channel: Uint8Array, relay: Uint8Array): number | undefined;
  /** Every receipt of `channel` from `relay`. */
  receipts(channel: Uint8Array, relay: Uint8Array): Uint8Array[];

  /**
   * Records that `relay` delivered envelope `id` at log `index`. Entries form a
   * contiguous prefix: RangeError unless index is the current length.
   */
  appendLog(channel: Uint8Array, relay: Uint8Array, index: number, id: Uint8Array): void;
  /** The ids `relay` delivered at indices 0, 1, …, in order. */
  log(channel: Uint8Array, relay: Uint8Array): Uint8Array[];

  /** Records a verified checkpoint of `relay` for `channel`; false if the same bytes were there. */
  putCheckpoint(channel: Uint8Array, relay: Uint8Array, checkpoint: Uint8Array): boolean;
  checkpoints(channel: Uint8Array, relay: Uint8Array): Uint8Array[];

  putConsistency(channel: Uint8Array, relay: Uint8Array, record: ConsistencyRecord): void;
  consistency(channel: Uint8Array, relay: Uint8Array): ConsistencyRecord[];

  /**
   * Runs `callback` once every write made so far is durable. A store that commits
   * each write as it is made calls it at once. The client hands envelopes and
   * receipts to the application only from here, so that what the application saw is
   * never lost by a crash (and never shown twice after one).
   */
  afterCommit(callback: () => void): void;

  /** Releases resources (closes the database). */
  close(): void;
}
