// Proof generation, RFC 9162 §2.1.3.1 (PATH) and §2.1.4.1 (PROOF / SUBPROOF).
// Every proof element is the MTH of a leaf range of the tree D[0:size]; such a
// range is either a complete subtree (one stored node) or the right edge of the
// tree, whose hash folds at most log2(size) complete subtrees. So a proof costs
// O(log size) node reads for any historic size, and never touches leaves beyond it.
//
// For stores that answer asynchronously, `inclusionProofNodes` / `consistencyProofNodes`
// list the nodes a proof will read: fetch them in one batch, then call the generator
// with a lookup into that batch.
//
// A caller that already knows some range hashes (MerkleLog caches the right edge of
// its current size) passes its own `hashRange`; it must return MTH(D[start:end]).

import {
  consistencyRanges,
  inclusionRanges,
  nodesOfRanges,
  rangeHash,
  requireCount,
} from './_tree.js';
import type { GetNode, NodeId } from './store.js';

/** MTH(D[start:end]) of a subtree range, from complete subtrees read via getNode. */
export type RangeHasher = (start: number, end: number, getNode: GetNode) => Uint8Array;

function checkInclusionArgs(index: number, size: number): void {
  requireCount('index', index);
  requireCount('size', size);
  if (index >= size) throw new RangeError('index must be less than size');
}

function checkConsistencyArgs(m: number, n: number): void {
  requireCount('m', m);
  requireCount('n', n);
  if (m > n) throw new RangeError('m must not exceed n');
}

function requireFunctions(getNode: unknown, hashRange: unknown): asserts getNode is GetNode {
  if (typeof getNode !== 'function') throw new TypeError('getNode must be a function');
  if (typeof hashRange !== 'function') throw new TypeError('hashRange must be a function');
}

/** The complete subtrees `inclusionProof(index, size, …)` reads, each once. */
export function inclusionProofNodes(index: number, size: number): NodeId[] {
  checkInclusionArgs(index, size);
  return nodesOfRanges(inclusionRanges(index, size));
}

/** The complete subtrees `consistencyProof(m, n, …)` reads, each once. */
export function consistencyProofNodes(m: number, n: number): NodeId[] {
  checkConsistencyArgs(m, n);
  return m === 0 || m === n ? [] : nodesOfRanges(consistencyRanges(m, n));
}

/** PATH(index, D[0:size]): the audit path of leaf `index` in the tree of `size` leaves. */
export function inclusionProof(
  index: number,
  size: number,
  getNode: GetNode,
  hashRange: RangeHasher = rangeHash,
): Uint8Array[] {
  checkInclusionArgs(index, size);
  requireFunctions(getNode, hashRange);
  return inclusionRanges(index, size).map(([start, end]) => hashRange(start, end, getNode));
}

/**
 * PROOF(m, D[0:n]): proves the tree of m leaves is a prefix of the tree of n leaves.
 * Empty for m = 0 and m = n (nothing to prove beyond comparing roots).
 */
export function consistencyProof(
  m: number,
  n: number,
  getNode: GetNode,
  hashRange: RangeHasher = rangeHash,
): Uint8Array[] {
  checkConsistencyArgs(m, n);
  requireFunctions(getNode, hashRange);
  if (m === 0 || m === n) return [];
  return consistencyRanges(m, n).map(([start, end]) => hashRange(start, end, getNode));
}
