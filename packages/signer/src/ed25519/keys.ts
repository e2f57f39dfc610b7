// Ed25519 keys: generation, derivation, RFC 8032 deterministic signing, and raw or
// hex import/export with length checks. A secret key is the 32-byte RFC 8032 seed.
import { type Bytes, fromHex, type PublicKey, type Signature, toHex } from '@hotline/codec';
import { ed } from './_noble.js';
import { randomBytes } from './_runtime.js';
import { publicKeyNative, signingBackend, signNative } from './_signing.js';

/** The 32-byte RFC 8032 secret seed. Keep it out of logs. */
export type SecretKey = Bytes<'SecretKey'>;

export const SECRET_KEY_SIZE = 32;
export const PUBLIC_KEY_SIZE = 32;

function checkBytes(value: unknown, name: string, size: number): Uint8Array {
  if (!(value instanceof Uint8Array)) throw new TypeError(`${name} must be a Uint8Array`);
  if (value.length !== size) throw new RangeError(`${name} must be ${size} bytes`);
  return value;
}

/** A fresh secret key from the host's crypto.getRandomValues. */
export function generateSecretKey(): SecretKey {
  return randomBytes(SECRET_KEY_SIZE) as SecretKey;
}

/** Where signing runs: OpenSSL via node:crypto, or pure JavaScript (noble). Same bytes either way. */
export interface SignOptions {
  /** Default: 'native' when node:crypto can sign Ed25519, else 'portable'. */
  backend?: 'native' | 'portable';
}

function signerOf(options: SignOptions | undefined) {
  const backend = options?.backend;
  if (backend !== undefined && backend !== 'native' && backend !== 'portable') {
    throw new TypeError("options.backend must be 'native' or 'portable'");
  }
  const crypto = backend === 'portable' ? null : signingBackend();
  if (backend === 'native' && crypto === null) {
    throw new Error('the native backend is not available in this runtime');
  }
  return crypto;
}

/** The public key of a secret key (RFC 8032 §5.1.5). */
export function publicKeyOf(secretKey: Uint8Array, options?: SignOptions): PublicKey {
  const seed = checkBytes(secretKey, 'secretKey', SECRET_KEY_SIZE);
  const crypto = signerOf(options);
  return (crypto === null ? ed.getPublicKey(seed) : publicKeyNative(crypto, seed)) as PublicKey;
}

/** RFC 8032 deterministic Ed25519 signature of `message` (64 bytes). */
export function sign(message: Uint8Array, secretKey: Uint8Array, options?: SignOptions): Signature {
  if (!(message instanceof Uint8Array)) throw new TypeError('message must be a Uint8Array');
  const seed = checkBytes(secretKey, 'secretKey', SECRET_KEY_SIZE);
  const crypto = signerOf(options);
  return (
    crypto === null ? ed.sign(message, seed) : signNative(crypto, message, seed)
  ) as Signature;
}

/** A copy of 32 raw bytes as a secret key; RangeError on any other length. */
export function secretKeyFromBytes(bytes: Uint8Array): SecretKey {
  return new Uint8Array(checkBytes(bytes, 'secretKey', SECRET_KEY_SIZE)) as SecretKey;
}

/** A copy of 32 raw bytes as a public key; RangeError on any other length. */
export function publicKeyFromBytes(bytes: Uint8Array): PublicKey {
  return new Uint8Array(checkBytes(bytes, 'publicKey', PUBLIC_KEY_SIZE)) as PublicKey;
}

/** A secret key from 64 hex digits; RangeError on bad hex or length. */
export function secretKeyFromHex(hex: string): SecretKey {
  return secretKeyFromBytes(fromHex(hex));
}

/** A public key from 64 hex digits; RangeError on bad hex or length. */
export function publicKeyFromHex(hex: string): PublicKey {
  return publicKeyFromBytes(fromHex(hex));
}

/** Lowercase hex of a secret key. */
export function secretKeyToHex(secretKey: Uint8Array): string {
  return toHex(checkBytes(secretKey, 'secretKey', SECRET_KEY_SIZE));
}

/** Lowercase hex of a public key. */
export function publicKeyToHex(publicKey: Uint8Array): string {
  return toHex(checkBytes(publicKey, 'publicKey', PUBLIC_KEY_SIZE));
}
