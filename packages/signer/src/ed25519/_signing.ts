// Signing and key derivation through OpenSSL (node:crypto) where the host has it;
// noble otherwise. Ed25519 signatures are deterministic (RFC 8032 §5.1.6), so both
// backends give the same bytes for the same key and message: the tests compare them
// on the RFC vectors and on random keys. OpenSSL is measured about 10× faster here,
// and the key objects are cached per secret-key array, so that a client that signs
// many envelopes derives its key once.
import { bytesEqual } from '@hotline/codec';
import { nativeBackend } from './_native.js';
import type { NativeCrypto, NativeKeyObject } from './_runtime.js';

/** PKCS #8 DER prefix of an Ed25519 private key (RFC 8410): the 32-byte seed follows. */
const PKCS8_PREFIX = Uint8Array.from([
  0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20,
]);

interface CachedKey {
  /** A copy of the seed: a caller that overwrites its array (to wipe it) is not served stale keys. */
  readonly seed: Uint8Array;
  readonly privateKey: NativeKeyObject;
  readonly publicKey: Uint8Array;
}

type SigningCrypto = NativeCrypto & Required<Pick<NativeCrypto, 'createPrivateKey' | 'sign'>>;

/** By the caller's array: a WeakMap holds no secret beyond the array's own life. */
const cache = new WeakMap<Uint8Array, CachedKey>();

/** node:crypto when it can sign Ed25519 here, else null. */
export function signingBackend(): SigningCrypto | null {
  const crypto = nativeBackend();
  if (crypto === null || typeof crypto.sign !== 'function') return null;
  if (typeof crypto.createPrivateKey !== 'function') return null;
  return crypto as SigningCrypto;
}

function cached(crypto: SigningCrypto, secretKey: Uint8Array): CachedKey {
  const hit = cache.get(secretKey);
  if (hit !== undefined && bytesEqual(hit.seed, secretKey)) return hit;
  const der = new Uint8Array(PKCS8_PREFIX.length + 32);
  der.set(PKCS8_PREFIX, 0);
  der.set(secretKey, PKCS8_PREFIX.length);
  const privateKey = crypto.createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  der.fill(0);
  const spki = crypto.createPublicKey(privateKey).export({ format: 'der', type: 'spki' });
  const entry: CachedKey = {
    seed: secretKey.slice(),
    privateKey,
    publicKey: new Uint8Array(spki.subarray(spki.length - 32)),
  };
  cache.set(secretKey, entry);
  return entry;
}

export function signNative(crypto: SigningCrypto, message: Uint8Array, secretKey: Uint8Array) {
  return new Uint8Array(crypto.sign(null, message, cached(crypto, secretKey).privateKey));
}

export function publicKeyNative(crypto: SigningCrypto, secretKey: Uint8Array): Uint8Array {
  return cached(crypto, secretKey).publicKey.slice();
}
