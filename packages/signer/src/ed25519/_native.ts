// The native backend: OpenSSL's Ed25519 through node:crypto, made exact for the
// Hotline rule. OpenSSL verifies cofactorlessly and compares the encoding of
// [S]B - [k]A with R byte for byte, but accepts small-order and mixed-order public
// keys; the cached key check (rules 2 and 4) closes that gap, and rules (3) and (2)
// for R are re-checked on bytes so the verdict never depends on the OpenSSL version.
import { fromHex } from '@hotline/codec';
import { isCanonicalPointEncoding, isReducedScalar } from './_encoding.js';
import { keyEntry } from './_key-cache.js';
import { type NativeCrypto, nativeCrypto } from './_runtime.js';

/** SubjectPublicKeyInfo DER prefix of an Ed25519 key (RFC 8410): the 32 key bytes follow. */
const SPKI_PREFIX = Uint8Array.from([
  0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00,
]);

let native: NativeCrypto | null | undefined; // undefined: not probed yet

// RFC 8032 §7.1 TEST 2: probe once that the host's node:crypto really does Ed25519.
const PROBE_KEY = '3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c';
const PROBE_SIG =
  '92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da' +
  '085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00';

function probe(): NativeCrypto | null {
  const crypto = nativeCrypto();
  if (crypto === undefined) return null;
  try {
    const key = crypto.createPublicKey({
      key: spki(fromHex(PROBE_KEY)),
      format: 'der',
      type: 'spki',
    });
    const sig = fromHex(PROBE_SIG);
    const ok = crypto.verify(null, Uint8Array.of(0x72), key, sig);
    sig[0] = (sig[0] ?? 0) ^ 1;
    const bad = crypto.verify(null, Uint8Array.of(0x72), key, sig);
    return ok && !bad ? crypto : null;
  } catch {
    return null;
  }
}

function spki(publicKey: Uint8Array): Uint8Array {
  const der = new Uint8Array(SPKI_PREFIX.length + 32);
  der.set(SPKI_PREFIX, 0);
  der.set(publicKey, SPKI_PREFIX.length);
  return der;
}

/** node:crypto if present and working, probed once. */
export function nativeBackend(): NativeCrypto | null {
  if (native === undefined) native = probe();
  return native;
}

/** Rules (1)–(5) through OpenSSL; never throws. Callers have checked types and lengths. */
export function verifyNative(
  crypto: NativeCrypto,
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
): boolean {
  const key = keyEntry(publicKey); // rules (2) and (4) for A, cached
  if (!key.acceptable) return false;
  if (!isReducedScalar(signature, 32)) return false; // rule (3)
  if (!isCanonicalPointEncoding(signature, 0)) return false; // rule (2) for R
  try {
    key.keyObject ??= crypto.createPublicKey({ key: spki(publicKey), format: 'der', type: 'spki' });
    return crypto.verify(null, message, key.keyObject, signature);
  } catch {
    return false;
  }
}
