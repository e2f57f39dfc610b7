// The one Ed25519 validity rule of Hotline, on two backends that must agree on
// every input. A signature (R ‖ S) on message M under public key A is valid iff
//   (1) the signature is 64 bytes and the key 32 bytes;
//   (2) A and R are canonical encodings: y < p, and not x = 0 with the sign bit set;
//   (3) S < L;
//   (4) A has prime order: not the identity and [L]A = identity;
//   (5) [S]B = R + [k]A with k = SHA-512(R ‖ A ‖ M) mod L (cofactorless, raw bytes).
// With (4), any R that satisfies (5) is R = [S]B - [k]A and so has prime order too:
// an R with a small-order component fails (5) although it may pass the cofactored
// equation. Every backend computes exactly this verdict, so none can accept what
// another rejects.
import { nativeBackend, verifyNative } from './_native.js';
import { verifyPortable } from './_portable.js';

export { isAcceptableKey } from './_key-cache.js';

/** Where verification runs: OpenSSL via node:crypto, or pure JavaScript (noble). */
export type VerifyBackend = 'native' | 'portable';

export interface VerifyOptions {
  /** Default: 'native' when node:crypto is available, else 'portable'. */
  backend?: VerifyBackend;
}

/** True iff the named backend can run in this host. */
export function backendAvailable(name: VerifyBackend): boolean {
  if (name === 'portable') return true;
  if (name === 'native') return nativeBackend() !== null;
  throw new TypeError("backend must be 'native' or 'portable'");
}

function backendOf(options: VerifyOptions | undefined): VerifyBackend | undefined {
  if (options === undefined) return undefined;
  if (options === null || typeof options !== 'object') {
    throw new TypeError('options must be an object');
  }
  const { backend } = options;
  if (backend === undefined || backend === 'native' || backend === 'portable') return backend;
  throw new TypeError("options.backend must be 'native' or 'portable'");
}

/**
 * Verifies an Ed25519 signature under the Hotline rule (see the top of this file).
 * Returns false for any signature or key the rule rejects and never throws for
 * those; throws TypeError only for arguments that are not Uint8Arrays or malformed
 * options, and Error when `backend: 'native'` is asked for where it cannot run.
 */
export function verify(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
  options?: VerifyOptions,
): boolean {
  if (!(signature instanceof Uint8Array)) throw new TypeError('signature must be a Uint8Array');
  if (!(message instanceof Uint8Array)) throw new TypeError('message must be a Uint8Array');
  if (!(publicKey instanceof Uint8Array)) throw new TypeError('publicKey must be a Uint8Array');
  const requested = backendOf(options);
  const crypto = requested === 'portable' ? null : nativeBackend();
  if (requested === 'native' && crypto === null) {
    throw new Error('the native backend is not available in this runtime');
  }
  if (signature.length !== 64 || publicKey.length !== 32) return false; // rule (1)
  return crypto === null
    ? verifyPortable(signature, message, publicKey)
    : verifyNative(crypto, signature, message, publicKey);
}
