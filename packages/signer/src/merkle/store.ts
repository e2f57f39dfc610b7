// Where a log keeps its complete-subtree hashes. The log only ever writes each
// node once, when its subtree completes, and nodes of one level in index order;
// a durable store (e.g. a SQLite table keyed by (level, index)) writes each batch
// in the same transaction as the entries it covers.

import { MERKLE_HASH_SIZE } from './hash.js';

/** A complete (perfect) subtree: the leaves [index·2^level, (index+1)·2^level). */
export interface NodeId {
  readonly level: number;
  readonly index: number;
}

/** A complete subtree and its hash. */
export interface MerkleNode extends NodeId {
  readonly hash: Uint8Array;
}

/** Reads the hash of a complete subtree; undefined when it is not stored. */
export type GetNode = (level: number, index: number) => Uint8Array | undefined;

/** Storage of complete-subtree hashes by (level, index). */
export interface NodeStore {
  /** The node's hash, or undefined if it is not stored. Callers must not mutate it. */
  get(level: number, index: number): Uint8Array | undefined;
  /** Stores a batch of nodes, all or nothing. */
  put(nodes: readonly MerkleNode[]): void;
}

const INITIAL_CAPACITY = 64;

/**
 * In-memory NodeStore: one growable buffer per level, 32 bytes per node, so a log
 * of n leaves takes about 2n·32 bytes plus slack from doubling.
 */
export class MemoryNodeStore implements NodeStore {
  readonly #levels: { buf: Uint8Array; count: number }[] = [];

  get(level: number, index: number): Uint8Array | undefined {
    const row = this.#levels[level];
    if (row === undefined || !Number.isInteger(index) || index < 0 || index >= row.count) {
      return undefined;
    }
    const offset = index * MERKLE_HASH_SIZE;
    return row.buf.subarray(offset, offset + MERKLE_HASH_SIZE);
  }

  /**
   * Accepts a node at an index already stored (overwrite) or at the next index of
   * its level; a gap throws RangeError before anything of the batch is written.
   */
  put(nodes: readonly MerkleNode[]): void {
    const next = new Map<number, number>();
    for (const { level, index, hash } of nodes) {
      if (!Number.isSafeInteger(level) || level < 0 || level > 63) {
        throw new RangeError('level must be an integer in [0, 63]');
      }
      if (!(hash instanceof Uint8Array)) throw new TypeError('hash must be a Uint8Array');
      if (hash.length !== MERKLE_HASH_SIZE) throw new RangeError('hash must be 32 bytes');
      const count = next.get(level) ?? this.#levels[level]?.count ?? 0;
      if (!Number.isSafeInteger(index) || index < 0 || index > count) {
        throw new RangeError('nodes of a level must be stored without gaps');
      }
      next.set(level, Math.max(count, index + 1));
    }
    for (const { level, index, hash } of nodes) {
      while (this.#levels.length <= level) {
        this.#levels.push({ buf: new Uint8Array(INITIAL_CAPACITY * MERKLE_HASH_SIZE), count: 0 });
      }
      const row = this.#levels[level]!;
      const offset = index * MERKLE_HASH_SIZE;
      if (offset + MERKLE_HASH_SIZE > row.buf.length) {
        const grown = new Uint8Array(Math.max(row.buf.length * 2, offset + MERKLE_HASH_SIZE));
        grown.set(row.buf.subarray(0, row.count * MERKLE_HASH_SIZE));
        row.buf = grown;
      }
      row.buf.set(hash, offset);
      row.count = Math.max(row.count, index + 1);
    }
  }

  /** Number of nodes stored (about 2n for a log of n leaves). */
  get nodeCount(): number {
    let total = 0;
    for (const row of this.#levels) total += row.count;
    return total;
  }
}
