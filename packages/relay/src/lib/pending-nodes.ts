// A NodeStore over a channel's committed nodes that also holds the nodes of appends
// not yet committed. MerkleLog appends write here; the committer drains them into the
// commit batch and forgets them once the batch is on disk. Committed nodes read or
// just written stay in a bounded cache: the receipts of a commit each need an
// inclusion proof over the same few recent nodes and big left subtrees, and a node's
// hash never changes once its subtree is complete (the log is append-only).

import type { MerkleNode, NodeStore } from '@hotline/signer';

/** Committed nodes kept in memory per channel (~150 bytes each): a commit's proofs need about 2 per entry plus log2(size). */
export const COMMITTED_NODE_CACHE = 1024;

export class PendingNodeStore implements NodeStore {
  readonly #pending = new Map<string, Uint8Array>();
  /** Committed nodes, oldest first; evicted in insertion order. */
  readonly #cache = new Map<string, Uint8Array>();
  #undrained: MerkleNode[] = [];

  constructor(private readonly committed: NodeStore) {}

  get(level: number, index: number): Uint8Array | undefined {
    const key = `${level}:${index}`;
    const hash = this.#pending.get(key) ?? this.#cache.get(key);
    if (hash !== undefined) return hash;
    const stored = this.committed.get(level, index);
    if (stored !== undefined) this.#remember(key, stored);
    return stored;
  }

  #remember(key: string, hash: Uint8Array): void {
    if (this.#cache.size >= COMMITTED_NODE_CACHE) {
      this.#cache.delete(this.#cache.keys().next().value!);
    }
    this.#cache.set(key, hash);
  }

  put(nodes: readonly MerkleNode[]): void {
    for (const node of nodes) {
      this.#pending.set(`${node.level}:${node.index}`, node.hash);
      this.#undrained.push(node);
    }
  }

  /** Nodes written since the last drain, for the next commit batch. */
  drain(): MerkleNode[] {
    const nodes = this.#undrained;
    this.#undrained = [];
    return nodes;
  }

  /** Nodes now committed: out of the pending set, into the cache. */
  forget(nodes: readonly MerkleNode[]): void {
    for (const node of nodes) {
      const key = `${node.level}:${node.index}`;
      this.#pending.delete(key);
      this.#remember(key, node.hash);
    }
  }
}
