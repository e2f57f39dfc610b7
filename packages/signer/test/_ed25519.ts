// Test helpers: crafting Ed25519 signatures with small-order components, and the
// two reference verifiers whose disagreement is the reason for the Hotline rule.
import { createPublicKey, verify as opensslVerify } from 'node:crypto';
import { concatBytes, fromHex, toHex } from '@hotline/codec';
import * as ed from '@noble/ed25519';
import { sha512 } from '@noble/hashes/sha2.js';

ed.hashes.sha512 = sha512;

export const { Point } = ed;
export type Point = ed.Point;
export const L = 2n ** 252n + 27742317777372353535851937790883648493n;
export const P = 2n ** 255n - 19n;

export const hex = fromHex;
export { toHex };

export function numberLE(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

export function bytesLE(n: bigint, length = 32): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) {
    out[i] = Number(n & 0xffn);
    n >>= 8n;
  }
  return out;
}

/** A point of order 8 (canonical encoding c7176a…fa). */
const T8 = Point.fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa');

/** The 8-torsion subgroup: TORSION[i] = [i]T8, so TORSION[0] is the identity. */
export const TORSION: readonly Point[] = Array.from({ length: 8 }, (_, i) =>
  i === 0 ? Point.ZERO : T8.multiply(BigInt(i), false),
);

export function challenge(R: Uint8Array, A: Uint8Array, message: Uint8Array): bigint {
  return numberLE(sha512(concatBytes(R, A, message))) % L;
}

export interface Crafted {
  publicKey: Uint8Array;
  signature: Uint8Array;
  message: Uint8Array;
  /** Whether the cofactorless equation [S]B = R + [k]A holds on the crafted values. */
  cofactorless: boolean;
}

/**
 * A signature by the holder of `secret` with torsion point `tA` added to the public
 * key and `tR` to the commitment: A' = aB + tA, R' = rB + tR, k = H(R'‖A'‖M),
 * S = r + k·a mod L. The cofactored equation always holds; the cofactorless one
 * holds iff tR + [k]tA is the identity.
 */
export function craft(secret: Uint8Array, message: Uint8Array, tA: Point, tR: Point): Crafted {
  return craftWithNonce(secret, message, message, tA, tR);
}

/**
 * A signature with mixed-order key A' = aB + tA and mixed-order R' chosen so that
 * the torsion components cancel: it passes the cofactorless equation too, so raw
 * OpenSSL accepts it. Tries nonces until a cancelling R' exists (1 in 8 each).
 */
export function craftCancelling(secret: Uint8Array, message: Uint8Array, tA: Point): Crafted {
  for (let attempt = 0; attempt < 256; attempt++) {
    const salted = concatBytes(message, Uint8Array.of(attempt));
    for (const tR of TORSION) {
      const c = craftWithNonce(secret, message, salted, tA, tR);
      if (c.cofactorless) return c;
    }
  }
  throw new Error('no cancelling torsion found');
}

function craftWithNonce(
  secret: Uint8Array,
  message: Uint8Array,
  nonceSeed: Uint8Array,
  tA: Point,
  tR: Point,
): Crafted {
  const { scalar: a, point } = ed.utils.getExtendedPublicKey(secret);
  const A = point.add(tA).toBytes();
  const r = numberLE(sha512(concatBytes(secret, nonceSeed))) % L || 1n;
  const R = Point.BASE.multiply(r).add(tR).toBytes();
  const k = challenge(R, A, message);
  const S = (r + k * a) % L;
  return {
    publicKey: A,
    signature: concatBytes(R, bytesLE(S)),
    message,
    cofactorless: tR.add(tA.multiply(k, false)).is0(),
  };
}

const SPKI_PREFIX = fromHex('302a300506032b6570032100');

/** OpenSSL's own verdict through node:crypto, with no Hotline checks. */
export function rawOpenssl(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
): boolean {
  try {
    const key = createPublicKey({
      key: Buffer.from(concatBytes(SPKI_PREFIX, publicKey)),
      format: 'der',
      type: 'spki',
    });
    return opensslVerify(null, message, key, signature);
  } catch {
    return false;
  }
}

/** noble's verdict with its defaults (ZIP-215, cofactored). */
export function nobleDefault(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
): boolean {
  try {
    return ed.verify(signature, message, publicKey);
  } catch {
    return false;
  }
}

/** noble's strict branch (zip215: false, still cofactored). */
export function nobleStrict(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
): boolean {
  try {
    return ed.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}
