// Per-key state shared by both backends: the verdict of rules (2) and (4) on the
// public key, its decoded point (portable backend) and its KeyObject (native
// backend). Deciding (4) costs a full scalar multiplication, so it is done once
// per key; the cache is keyed by the key's bytes and bounded.
import { isCanonicalPointEncoding } from './_encoding.js';
import { bytesKey, LruMap } from './_lru.js';
import { Point } from './_noble.js';
import type { NativeKeyObject } from './_runtime.js';

/** How many public keys keep their verdict, point and KeyObject cached. */
export const KEY_CACHE_CAPACITY = 1024;

export interface KeyEntry {
  /** Rules (2) and (4): canonical encoding, on the curve, prime order. */
  readonly acceptable: boolean;
  /** The decoded point when acceptable. */
  readonly point: Point | undefined;
  /** Created on first native use. */
  keyObject: NativeKeyObject | undefined;
}

const cache = new LruMap<KeyEntry>(KEY_CACHE_CAPACITY);

function decideKey(publicKey: Uint8Array): KeyEntry {
  const rejected: KeyEntry = { acceptable: false, point: undefined, keyObject: undefined };
  if (!isCanonicalPointEncoding(publicKey, 0)) return rejected;
  let point: Point;
  try {
    // Strict decoding: y < p, x = 0 only without the sign bit, y must give a square.
    point = Point.fromBytes(publicKey, false);
  } catch {
    return rejected;
  }
  // Prime order: not the identity, and [L]A = identity. For A = P + T with T of order
  // 2, 4 or 8, [L]A = [L mod 8]T = [5]T ≠ identity, so this rejects the seven other
  // small-order points and every mixed-order point.
  if (point.is0() || !point.isTorsionFree()) return rejected;
  return { acceptable: true, point, keyObject: undefined };
}

/** The cached entry for a 32-byte public key (length checked by the caller). */
export function keyEntry(publicKey: Uint8Array): KeyEntry {
  const id = bytesKey(publicKey);
  let entry = cache.get(id);
  if (entry === undefined) {
    entry = decideKey(publicKey);
    cache.set(id, entry);
  }
  return entry;
}

/** Empties the cache (tests and benchmarks measure the uncached path with it). */
export function clearKeyCache(): void {
  cache.clear();
}

/**
 * True iff `publicKey` is a key the Hotline rule can ever accept a signature from:
 * 32 bytes, canonically encoded, on the curve and of prime order (not the identity,
 * no small-order component). Cached per key.
 */
export function isAcceptableKey(publicKey: Uint8Array): boolean {
  if (!(publicKey instanceof Uint8Array)) throw new TypeError('publicKey must be a Uint8Array');
  if (publicKey.length !== 32) return false;
  return keyEntry(publicKey).acceptable;
}
