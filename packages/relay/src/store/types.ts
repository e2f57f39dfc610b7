// What a relay persists, behind one interface so that another engine (PostgreSQL,
// a later issue) can plug in. Every method is async for that reason; the embedded
// SQLite store answers synchronously underneath.
//
// Durability contract: `commit` returns only when the whole batch is on disk (a
// receipt is sent after it returns), and a batch is all or nothing.

import type { MerkleNode, NodeId, NodeStore } from '@hotline/signer';

export interface ChannelRecord {
  readonly id: Uint8Array;
  /** The charter envelope's bytes (log index 0 of the channel). */
  readonly charter: Uint8Array;
  /** Number of entries in the channel's log. */
  readonly size: number;
}

export interface LogEntry {
  readonly channel: Uint8Array;
  /** Position in the channel's log, from 0. */
  readonly index: number;
  readonly id: Uint8Array;
  readonly sender: Uint8Array;
  readonly seq: number;
  /** The envelope's bytes exactly as published. */
  readonly envelope: Uint8Array;
}

export interface ChainHeadRecord {
  readonly seq: number;
  readonly id: Uint8Array;
}

/** A rejected envelope kept as evidence: a fork's second envelope. */
export interface EvidenceRecord {
  readonly channel: Uint8Array;
  readonly kind: 'fork';
  /** The envelope already in the log at that (sender, seq). */
  readonly existingId: Uint8Array;
  readonly envelope: Uint8Array;
  /** Relay clock when it was received, ms since the epoch. */
  readonly time: number;
}

export interface CheckpointRecord {
  readonly channel: Uint8Array;
  readonly size: number;
  /** The signed checkpoint's bytes. */
  readonly checkpoint: Uint8Array;
}

/** Everything one group commit writes, atomically. */
export interface CommitBatch {
  /** Channels the batch touches: a new one is inserted with its charter; for one
   * already stored only `size` is updated (its charter is never rewritten). */
  readonly channels: readonly ChannelRecord[];
  readonly entries: readonly LogEntry[];
  /** Merkle nodes completed by the entries, per channel. */
  readonly nodes: readonly { channel: Uint8Array; nodes: readonly MerkleNode[] }[];
  readonly checkpoints: readonly CheckpointRecord[];
  readonly evidence: readonly EvidenceRecord[];
}

export interface RelayStore {
  /** Every channel with its current size (startup). */
  listChannels(): Promise<ChannelRecord[]>;
  getChannel(id: Uint8Array): Promise<ChannelRecord | undefined>;

  /** Entries [from, from + limit) of a channel's log, in index order. */
  readEntries(channel: Uint8Array, from: number, limit: number): Promise<LogEntry[]>;
  /** The entry with this envelope id, if the channel's log has it. */
  findById(channel: Uint8Array, id: Uint8Array): Promise<LogEntry | undefined>;
  /** The entry of (sender, seq), if the channel's log has it. */
  findBySenderSeq(
    channel: Uint8Array,
    sender: Uint8Array,
    seq: number,
  ): Promise<LogEntry | undefined>;
  /** The highest-seq entry of a sender on a channel. */
  chainHead(channel: Uint8Array, sender: Uint8Array): Promise<ChainHeadRecord | undefined>;

  /** Stored Merkle nodes of a channel; missing ones are absent from the map. */
  readNodes(channel: Uint8Array, ids: readonly NodeId[]): Promise<Map<string, Uint8Array>>;
  /**
   * A synchronous view of a channel's committed Merkle nodes for MerkleLog: get()
   * reads one node; put() throws (nodes are written only through commit). SQLite and
   * memory stores answer synchronously; an engine that cannot (PostgreSQL) will
   * prefetch with readNodes — revisit this member then.
   */
  nodeStoreFor(channel: Uint8Array): NodeStore;
  /** The latest signed checkpoint of a channel. */
  latestCheckpoint(channel: Uint8Array): Promise<CheckpointRecord | undefined>;

  /** Writes a batch atomically and durably. */
  commit(batch: CommitBatch): Promise<void>;
  close(): Promise<void>;
}

/** Key of a node in `readNodes` results. */
export function nodeKey(level: number, index: number): string {
  return `${level}:${index}`;
}
