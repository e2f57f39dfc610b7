// RFC 9162 §2.1 hashing with domain separation: a leaf hash can never be taken
// for an interior node hash (second-preimage resistance of the tree).

// SHA-256 from the codec: node:crypto where the host has it, else @noble/hashes.
import { sha256 } from '@hotline/codec';

/** Every hash in the log is SHA-256: 32 bytes. */
export const MERKLE_HASH_SIZE = 32;

/** MTH({}) = SHA-256 of the empty string: the root of the empty tree. */
export const EMPTY_TREE_ROOT: Uint8Array = sha256(new Uint8Array(0));

function requireBytes(name: string, value: unknown): asserts value is Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
}

function requireHash(name: string, value: unknown): asserts value is Uint8Array {
  requireBytes(name, value);
  if (value.length !== MERKLE_HASH_SIZE) {
    throw new RangeError(`${name} must be ${MERKLE_HASH_SIZE} bytes`);
  }
}

/** Leaf hash: SHA-256(0x00 ‖ data). */
export function leafHash(data: Uint8Array): Uint8Array {
  requireBytes('data', data);
  const buf = new Uint8Array(1 + data.length);
  buf.set(data, 1);
  return sha256(buf);
}

/** Leaf hash of a log entry: the log's leaves are 32-byte envelope ids. */
export function leafHashOfId(id: Uint8Array): Uint8Array {
  requireHash('id', id);
  return leafHash(id);
}

/** Interior node hash: SHA-256(0x01 ‖ left ‖ right), both 32 bytes. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  requireHash('left', left);
  requireHash('right', right);
  return hashChildren(left, right);
}

/** nodeHash without argument checks, for callers that already hold 32-byte hashes. */
export function hashChildren(left: Uint8Array, right: Uint8Array): Uint8Array {
  // One reused buffer: hashing is synchronous, and a fresh 65-byte array would be an
  // off-heap allocation (> 64 bytes) that costs more than the hash itself.
  NODE_INPUT.set(left, 1);
  NODE_INPUT.set(right, 1 + MERKLE_HASH_SIZE);
  return sha256(NODE_INPUT);
}

const NODE_INPUT = Uint8Array.of(0x01, ...new Uint8Array(2 * MERKLE_HASH_SIZE));
