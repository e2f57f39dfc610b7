// Fixed Ed25519 test keys. Each secret is SHA-256("hotline test key " + name), so any
// implementation can rebuild them, and every signature made with them is reproducible
// (RFC 8032 signing is deterministic). Never use these keys for anything but tests.

import { assembleEnvelope, type SignedBytes, signedBytesFor } from '@hotline/codec';
import * as ed from '@noble/ed25519';
import { sha256, sha512 } from '@noble/hashes/sha2.js';

export interface TestKey {
  readonly name: string;
  /** 32-byte Ed25519 secret key (RFC 8032 seed). */
  readonly secret: Uint8Array;
  /** 32-byte Ed25519 public key. */
  readonly publicKey: Uint8Array;
}

/** noble needs a synchronous SHA-512 for its sync API; set it before the first use. */
function useSyncSha512(): void {
  if (ed.hashes.sha512 === undefined) ed.hashes.sha512 = sha512;
}

/** The secret of a named test key: SHA-256 of the UTF-8 text "hotline test key <name>". */
export function testSecret(name: string): Uint8Array {
  return sha256(new TextEncoder().encode(`hotline test key ${name}`));
}

const cache = new Map<string, TestKey>();

/** The named test key (cached; the same name always gives the same key). */
export function testKey(name: string): TestKey {
  let key = cache.get(name);
  if (key === undefined) {
    useSyncSha512();
    const secret = testSecret(name);
    key = Object.freeze({ name, secret, publicKey: ed.getPublicKey(secret) });
    cache.set(name, key);
  }
  return key;
}

export const alice: TestKey = testKey('alice');
export const bob: TestKey = testKey('bob');
export const carol: TestKey = testKey('carol');
export const mallory: TestKey = testKey('mallory');

/** Ed25519 signature (RFC 8032, deterministic) over arbitrary bytes. */
export function signBytes(message: Uint8Array, secret: Uint8Array): Uint8Array {
  useSyncSha512();
  return ed.sign(message, secret);
}

/** Plain RFC 8032 verification, used to confirm the vectors carry genuine signatures. */
export function verifyBytes(
  signature: Uint8Array,
  message: Uint8Array,
  publicKey: Uint8Array,
): boolean {
  useSyncSha512();
  return ed.verify(signature, message, publicKey);
}

export interface SignedEnvelope {
  readonly signedBytes: SignedBytes;
  readonly signature: Uint8Array;
  /** The envelope's bytes: 18([protected, {}, payload, signature]). */
  readonly envelope: Uint8Array;
}

/**
 * Signs a profile-valid payload the way a sender does: the signature covers
 * signedBytesFor(payload) (the COSE Sig_structure), and the envelope is assembled
 * by the codec. Throws the codec's HotlineError if the payload is not valid.
 */
export function signPayload(payload: Uint8Array, secret: Uint8Array): SignedEnvelope {
  const signedBytes = signedBytesFor(payload);
  const signature = signBytes(signedBytes, secret);
  return { signedBytes, signature, envelope: assembleEnvelope(payload, signature) };
}
