// Internal arithmetic of RFC 9162 trees. Sizes and indices are JS numbers up to
// 2^53 - 1, so no 32-bit bitwise operators here: halving is Math.floor(x / 2).

import { hashChildren } from './hash.js';
import type { GetNode, NodeId } from './store.js';

/** A half-open leaf range [start, end) whose MTH a proof element carries. */
export type LeafRange = readonly [start: number, end: number];

export function requireCount(name: string, value: unknown): asserts value is number {
  if (typeof value !== 'number') throw new TypeError(`${name} must be a number`);
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative safe integer`);
  }
}

/** Number of bits of x (0 for 0). */
export function bitLength(x: number): number {
  let bits = 0;
  while (x >= 0x1_0000_0000) {
    x = Math.floor(x / 0x1_0000_0000);
    bits += 32;
  }
  return bits + 32 - Math.clz32(x);
}

export function isPowerOfTwo(x: number): boolean {
  return x > 0 && 2 ** (bitLength(x) - 1) === x;
}

/** The k of RFC 9162 §2.1.1: the largest power of two strictly less than n (n ≥ 2). */
export function splitPoint(n: number): number {
  return 2 ** (bitLength(n - 1) - 1);
}

/**
 * The complete subtrees, left to right, whose right fold is MTH(D[start:end]) for a
 * range of the RFC tree shape (start is a multiple of every power of two ≤ end - start):
 * split off the largest power of two below the size until the rest is a power of two.
 */
export function rangeNodes(start: number, end: number): NodeId[] {
  const nodes: NodeId[] = [];
  while (start < end) {
    const size = end - start;
    const part = isPowerOfTwo(size) ? size : splitPoint(size);
    if (start % part !== 0) throw new Error(`range [${start}, ${end}) is not a subtree range`);
    nodes.push({ level: bitLength(part) - 1, index: start / part });
    start += part;
  }
  return nodes;
}

/**
 * MTH of a range from its complete subtrees: MTH(D[a:b]) = H(C1, H(C2, … Ck)).
 * A single complete node is returned as a copy, never as the store's own buffer.
 */
export function rangeHash(start: number, end: number, getNode: GetNode): Uint8Array {
  const nodes = rangeNodes(start, end);
  let hash: Uint8Array | undefined;
  for (let i = nodes.length - 1; i >= 0; i--) {
    const node = readNode(getNode, nodes[i]!);
    hash = hash === undefined ? node.slice() : hashChildren(node, hash);
  }
  if (hash === undefined) throw new RangeError('empty range has no subtree hash');
  return hash;
}

function readNode(getNode: GetNode, { level, index }: NodeId): Uint8Array {
  const hash = getNode(level, index);
  if (!(hash instanceof Uint8Array) || hash.length !== 32) {
    throw new Error(`merkle node (level ${level}, index ${index}) is missing from the store`);
  }
  return hash;
}

/** Ranges of PATH(index, D[0:size]) (RFC 9162 §2.1.3.1), in proof order (leaf upward). */
export function inclusionRanges(index: number, size: number): LeafRange[] {
  const ranges: LeafRange[] = [];
  let start = 0;
  let end = size;
  while (end - start > 1) {
    const k = splitPoint(end - start);
    if (index < start + k) {
      ranges.push([start + k, end]);
      end = start + k;
    } else {
      ranges.push([start, start + k]);
      start += k;
    }
  }
  return ranges.reverse();
}

/** Ranges of PROOF(m, D[0:n]) = SUBPROOF(m, D[0:n], true) (RFC 9162 §2.1.4.1), 0 < m ≤ n. */
export function consistencyRanges(m: number, n: number): LeafRange[] {
  const ranges: LeafRange[] = [];
  let start = 0;
  let end = n;
  let whole = true; // the b of SUBPROOF: D[start:end] is still the whole old tree's ancestor
  while (m !== end) {
    const k = splitPoint(end - start);
    if (m - start <= k) {
      ranges.push([start + k, end]);
      end = start + k;
    } else {
      ranges.push([start, start + k]);
      start += k;
      whole = false;
    }
  }
  if (!whole) ranges.push([start, end]);
  return ranges.reverse();
}

/** The complete subtrees under a list of (disjoint) ranges, in order. */
export function nodesOfRanges(ranges: readonly LeafRange[]): NodeId[] {
  const out: NodeId[] = [];
  for (const [start, end] of ranges) out.push(...rangeNodes(start, end));
  return out;
}
