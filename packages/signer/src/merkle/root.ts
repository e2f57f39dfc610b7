// MTH of RFC 9162 §2.1.1, from leaf hashes or from stored complete subtrees.

import { rangeHash, rangeNodes, requireCount } from './_tree.js';
import { EMPTY_TREE_ROOT, hashChildren, MERKLE_HASH_SIZE } from './hash.js';
import type { GetNode, NodeId } from './store.js';

/**
 * MTH(D[n]) over the given leaf hashes (already SHA-256(0x00 ‖ leaf)); the empty
 * list gives SHA-256(""). O(n) hashes, O(log n) memory.
 */
export function merkleRoot(leafHashes: readonly Uint8Array[]): Uint8Array {
  if (!Array.isArray(leafHashes)) throw new TypeError('leafHashes must be an array');
  // Stack of complete subtrees with strictly decreasing sizes (the "frontier").
  const hashes: Uint8Array[] = [];
  const sizes: number[] = [];
  for (const leaf of leafHashes) {
    if (!(leaf instanceof Uint8Array)) throw new TypeError('each leaf hash must be a Uint8Array');
    if (leaf.length !== MERKLE_HASH_SIZE) throw new RangeError('each leaf hash must be 32 bytes');
    let hash = leaf;
    let size = 1;
    while (sizes.length > 0 && sizes[sizes.length - 1] === size) {
      sizes.pop();
      hash = hashChildren(hashes.pop()!, hash);
      size *= 2;
    }
    hashes.push(hash);
    sizes.push(size);
  }
  // MTH folds the complete subtrees from the right: H(C1, H(C2, … Ck)).
  let root = hashes.pop();
  if (root === undefined) return EMPTY_TREE_ROOT.slice();
  if (hashes.length === 0) return root.slice();
  while (hashes.length > 0) root = hashChildren(hashes.pop()!, root);
  return root;
}

/** The complete subtrees a root of `size` is computed from: one per set bit of size. */
export function rootNodes(size: number): NodeId[] {
  requireCount('size', size);
  return rangeNodes(0, size);
}

/** MTH(D[0:size]) from at most log2(size)+1 complete-subtree reads. */
export function rootAt(size: number, getNode: GetNode): Uint8Array {
  requireCount('size', size);
  if (typeof getNode !== 'function') throw new TypeError('getNode must be a function');
  return size === 0 ? EMPTY_TREE_ROOT.slice() : rangeHash(0, size, getNode);
}
