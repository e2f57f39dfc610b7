// A NodeStore over a channel's committed nodes that also holds the nodes of appends
// not yet committed. MerkleLog appends write here; the committer drains them into the
// commit batch and forgets them once the batch is on disk.

import type { MerkleNode, NodeStore } from '@hotline/signer';

export class PendingNodeStore implements NodeStore {
  readonly #pending = new Map<string, Uint8Array>();
  #undrained: MerkleNode[] = [];

  constructor(private readonly committed: NodeStore) {}

  get(level: number, index: number): Uint8Array | undefined {
    return this.#pending.get(`${level}:${index}`) ?? this.committed.get(level, index);
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

  /** Drops nodes that are now committed (reads then go to the committed store). */
  forget(nodes: readonly MerkleNode[]): void {
    for (const node of nodes) this.#pending.delete(`${node.level}:${node.index}`);
  }
}
