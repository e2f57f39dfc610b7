// Proof verification, exactly the algorithms of RFC 9162 §2.1.3.2 and §2.1.4.2.
// A bad proof returns false, never throws; only wrong argument types (TypeError)
// and sizes that are not non-negative safe integers (RangeError) throw.
// Every hash must be 32 bytes: a proof element, leaf or root of another length
// makes the proof invalid.

import { isPowerOfTwo, requireCount } from './_tree.js';
import { EMPTY_TREE_ROOT, hashChildren, MERKLE_HASH_SIZE } from './hash.js';

function requireBytes(name: string, value: unknown): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
}

function requireProof(proof: unknown): asserts proof is readonly Uint8Array[] {
  if (!Array.isArray(proof)) throw new TypeError('proof must be an array');
  for (const element of proof) requireBytes('each proof element', element);
}

function isHash(bytes: Uint8Array): boolean {
  return bytes.length === MERKLE_HASH_SIZE;
}

/** Constant-time-ish equality; hashes here are public, so this is about correctness only. */
function sameHash(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

const isOdd = (x: number): boolean => x % 2 === 1;
const half = (x: number): number => Math.floor(x / 2);

/**
 * True iff `proof` proves that `leafHash` is leaf `index` of the tree of `size`
 * leaves whose root is `root` (RFC 9162 §2.1.3.2). An index ≥ size is a failed proof.
 */
export function verifyInclusion(
  leafHash: Uint8Array,
  index: number,
  size: number,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): boolean {
  requireBytes('leafHash', leafHash);
  requireCount('index', index);
  requireCount('size', size);
  requireProof(proof);
  requireBytes('root', root);
  if (!isHash(leafHash) || !isHash(root) || !proof.every(isHash)) return false;
  // 1. leaf_index ≥ tree_size fails.
  if (index >= size) return false;
  // 2–3.
  let fn = index;
  let sn = size - 1;
  let r = leafHash;
  // 4.
  for (const p of proof) {
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      r = hashChildren(p, r);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = hashChildren(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  // 5.
  return sn === 0 && sameHash(r, root);
}

/**
 * True iff `proof` proves that the tree of `m` leaves with root `rootM` is a prefix
 * of the tree of `n` leaves with root `rootN` (RFC 9162 §2.1.4.2 for 0 < m < n).
 * Outside that range, which the RFC leaves to the caller: m = 0 holds iff the proof
 * is empty and rootM is the empty tree's root (a prefix of every tree); m = n holds
 * iff the proof is empty and the roots are equal; m > n never holds.
 */
export function verifyConsistency(
  m: number,
  n: number,
  proof: readonly Uint8Array[],
  rootM: Uint8Array,
  rootN: Uint8Array,
): boolean {
  requireCount('m', m);
  requireCount('n', n);
  requireProof(proof);
  requireBytes('rootM', rootM);
  requireBytes('rootN', rootN);
  if (!isHash(rootM) || !isHash(rootN) || !proof.every(isHash)) return false;
  if (m > n) return false;
  if (m === 0 && !sameHash(rootM, EMPTY_TREE_ROOT)) return false;
  if (m === n) return proof.length === 0 && sameHash(rootM, rootN);
  if (m === 0) return proof.length === 0;
  // 1. An empty path fails.
  if (proof.length === 0) return false;
  // 2. If first is an exact power of 2, prepend first_hash.
  const path = isPowerOfTwo(m) ? [rootM, ...proof] : proof;
  // 3.
  let fn = m - 1;
  let sn = n - 1;
  // 4. If LSB(fn) is set, right-shift both until it is not.
  while (isOdd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  // 5.
  let fr = path[0]!;
  let sr = path[0]!;
  // 6.
  for (let i = 1; i < path.length; i++) {
    const c = path[i]!;
    if (sn === 0) return false;
    if (isOdd(fn) || fn === sn) {
      fr = hashChildren(c, fr);
      sr = hashChildren(c, sr);
      if (!isOdd(fn)) {
        while (!isOdd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = hashChildren(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  // 7.
  return sameHash(fr, rootM) && sameHash(sr, rootN) && sn === 0;
}
