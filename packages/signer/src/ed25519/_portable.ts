// The portable backend: the Hotline rule on @noble/ed25519's Point API, pure
// JavaScript, for browsers and any host without node:crypto. Callers have checked
// argument types and lengths.
import { GROUP_ORDER, isCanonicalPointEncoding, isReducedScalar } from './_encoding.js';
import { keyEntry } from './_key-cache.js';
import { Point, sha512 } from './_noble.js';

function numberLE(bytes: Uint8Array): bigint {
  let n = 0n;
  for (let i = bytes.length - 1; i >= 0; i--) n = (n << 8n) | BigInt(bytes[i]!);
  return n;
}

/** Rules (2)–(5) on a 64-byte signature and a 32-byte key; never throws. */
export function verifyPortable(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
): boolean {
  const key = keyEntry(publicKey); // rules (2) and (4) for A, cached
  if (!key.acceptable || key.point === undefined) return false;
  if (!isReducedScalar(signature, 32)) return false; // rule (3)
  if (!isCanonicalPointEncoding(signature, 0)) return false; // rule (2) for R
  const rBytes = signature.subarray(0, 32);
  let R: Point;
  try {
    R = Point.fromBytes(rBytes, false); // strict: also rejects y that gives no point
  } catch {
    return false;
  }
  const S = numberLE(signature.subarray(32, 64));
  // k = SHA-512(R ‖ A ‖ M) mod L over the bytes as received.
  const hashInput = new Uint8Array(64 + message.length);
  hashInput.set(rBytes, 0);
  hashInput.set(publicKey, 32);
  hashInput.set(message, 64);
  const k = numberLE(sha512(hashInput)) % GROUP_ORDER;
  // Rule (5), cofactorless: [S]B = R + [k]A. With A of prime order the right side minus
  // R is in the prime-order subgroup, so an R with a small-order component cannot match.
  // multiply(…, false) is the variable-time path; everything here is public.
  const SB = Point.BASE.multiply(S, false);
  const kA = key.point.multiply(k, false);
  return SB.equals(R.add(kA));
}
