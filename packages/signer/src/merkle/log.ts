// An append-only RFC 9162 log over envelope ids. See README.md in this folder for
// the design; in short: every complete subtree's hash is stored once by (level,
// index) when it completes, and the right-edge complete subtrees (the frontier)
// are kept in memory to append. Appending writes 1 + (trailing one bits of the old
// size) nodes — 2 on average; roots and proofs for any size ≤ the current one read
// O(log n) stored nodes. At the current size, the hashes of right-edge ranges
// [start, size) are cached until the next append, so the many receipts a relay cuts
// after a commit re-hash the right edge once, not once per receipt.

import { rangeHash, rangeNodes, requireCount } from './_tree.js';
import { EMPTY_TREE_ROOT, hashChildren, leafHashOfId, MERKLE_HASH_SIZE } from './hash.js';
import { consistencyProof, inclusionProof, type RangeHasher } from './prove.js';
import { rootAt } from './root.js';
import { type GetNode, MemoryNodeStore, type MerkleNode, type NodeStore } from './store.js';

function requireLeafHash(value: unknown): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError('leaf hash must be a Uint8Array');
  if (value.length !== MERKLE_HASH_SIZE) throw new RangeError('leaf hash must be 32 bytes');
}

const isBitSet = (x: number, bit: number): boolean => Math.floor(x / 2 ** bit) % 2 === 1;

export class MerkleLog {
  readonly #store: NodeStore;
  readonly #getNode: GetNode;
  #size: number;
  /** frontier[level]: hash of the right-edge complete subtree of 2^level leaves, iff bit `level` of size is set. */
  #frontier: (Uint8Array | undefined)[] = [];
  /**
   * MTH(D[start:size]) by start, for the current size only; replaced on every append.
   * For a given end, a subtree range's start is fixed by its top power of two, so this
   * holds at most log2(size)+1 entries.
   */
  #edge = new Map<number, Uint8Array>();
  /**
   * Range hasher for the proof generators: the cache for ranges ending at the current
   * size, the store otherwise (every range of a proof at a past size ends before it).
   */
  readonly #hashRange: RangeHasher = (start, end, getNode) =>
    end === this.#size ? this.#edgeHash(start) : rangeHash(start, end, getNode);

  /**
   * Opens the log of `size` leaves held by `store` (a new empty in-memory log by
   * default), reading its frontier: at most log2(size)+1 node reads.
   */
  constructor(store: NodeStore = new MemoryNodeStore(), size = 0) {
    if (typeof store?.get !== 'function' || typeof store.put !== 'function') {
      throw new TypeError('store must be a NodeStore');
    }
    requireCount('size', size);
    this.#store = store;
    this.#getNode = (level, index) => store.get(level, index);
    this.#size = size;
    for (const { level, index } of rangeNodes(0, size)) {
      const hash = store.get(level, index);
      if (!(hash instanceof Uint8Array) || hash.length !== MERKLE_HASH_SIZE) {
        throw new Error(
          `store does not hold a log of ${size} leaves: node (${level}, ${index}) missing`,
        );
      }
      this.#frontier[level] = hash.slice();
    }
  }

  /** Number of leaves. */
  get size(): number {
    return this.#size;
  }

  /** Appends an envelope id (leaf hash SHA-256(0x00 ‖ id)); returns its leaf index. */
  appendId(id: Uint8Array): number {
    return this.appendLeafHashes([leafHashOfId(id)]);
  }

  /** Appends envelope ids with one store write; returns the index of the first. */
  appendIds(ids: readonly Uint8Array[]): number {
    if (!Array.isArray(ids)) throw new TypeError('ids must be an array');
    return this.appendLeafHashes(ids.map(leafHashOfId));
  }

  /** Appends one leaf hash; returns its leaf index. */
  appendLeafHash(leafHash: Uint8Array): number {
    return this.appendLeafHashes([leafHash]);
  }

  /**
   * Appends leaf hashes with one store write (all or nothing: if the store throws,
   * the log is unchanged); returns the index of the first.
   */
  appendLeafHashes(leafHashes: readonly Uint8Array[]): number {
    if (!Array.isArray(leafHashes)) throw new TypeError('leafHashes must be an array');
    for (const leaf of leafHashes) requireLeafHash(leaf);
    const first = this.#size;
    if (!Number.isSafeInteger(first + leafHashes.length)) throw new RangeError('log is full');
    const frontier = this.#frontier.slice();
    const nodes: MerkleNode[] = [];
    let size = first;
    for (const leaf of leafHashes) {
      // The new leaf completes one subtree per trailing one bit of the old size.
      let hash = leaf.slice();
      let level = 0;
      let index = size;
      nodes.push({ level, index, hash });
      while (isBitSet(size, level)) {
        hash = hashChildren(frontier[level]!, hash);
        frontier[level] = undefined;
        level++;
        index = Math.floor(index / 2);
        nodes.push({ level, index, hash });
      }
      frontier[level] = hash;
      size++;
    }
    this.#store.put(nodes);
    this.#frontier = frontier;
    this.#size = size;
    this.#edge = new Map(); // every cached range ended at the old size
    return first;
  }

  /** MTH(D[0:size]) for any size ≤ the current one. */
  root(size: number = this.#size): Uint8Array {
    this.#checkSize('size', size);
    return size === this.#size ? this.#edgeHash(0) : rootAt(size, this.#getNode);
  }

  /** Leaf hash of leaf `index`. */
  leafHash(index: number): Uint8Array {
    requireCount('index', index);
    if (index >= this.#size) throw new RangeError('index must be less than the log size');
    return rangeHash(index, index + 1, this.#getNode);
  }

  /** PATH(index, D[0:size]) for any size ≤ the current one (default: the current size). */
  inclusionProof(index: number, size: number = this.#size): Uint8Array[] {
    this.#checkSize('size', size);
    return inclusionProof(index, size, this.#getNode, this.#hashRange);
  }

  /** PROOF(m, D[0:n]) for any m ≤ n ≤ the current size (default n: the current size). */
  consistencyProof(m: number, n: number = this.#size): Uint8Array[] {
    this.#checkSize('n', n);
    return consistencyProof(m, n, this.#getNode, this.#hashRange);
  }

  #checkSize(name: string, size: number): void {
    requireCount(name, size);
    if (size > this.#size) throw new RangeError(`${name} must not exceed the log size`);
  }

  /** MTH(D[start:size]) at the current size, computed once per size; returns a copy. */
  #edgeHash(start: number): Uint8Array {
    let hash = this.#edge.get(start);
    if (hash === undefined) {
      // The whole tree folds the in-memory frontier; a shorter edge reads the store.
      hash = start === 0 ? this.#currentRoot() : rangeHash(start, this.#size, this.#getNode);
      this.#edge.set(start, hash);
    }
    return hash.slice();
  }

  #currentRoot(): Uint8Array {
    let root: Uint8Array | undefined;
    for (let level = 0; level < this.#frontier.length; level++) {
      const hash = this.#frontier[level];
      if (hash !== undefined) root = root === undefined ? hash.slice() : hashChildren(hash, root);
    }
    return root ?? EMPTY_TREE_ROOT.slice();
  }
}
