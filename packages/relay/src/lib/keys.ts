// The relay's own key through node:crypto: signing a checkpoint per commit per
// channel is on the hot path, and OpenSSL signs ~10× faster than pure JS.

import { createPrivateKey, type KeyObject, sign } from 'node:crypto';
import { publicKeyOf } from '@hotline/signer';

// PKCS#8 DER prefix of an Ed25519 private key (RFC 8410); the 32-byte seed follows.
const PKCS8_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');

export class RelayKey {
  readonly publicKey: Uint8Array;
  readonly #privateKey: KeyObject;

  constructor(secretKey: Uint8Array) {
    if (!(secretKey instanceof Uint8Array) || secretKey.length !== 32) {
      throw new RangeError('relay secret key must be 32 bytes');
    }
    this.publicKey = publicKeyOf(secretKey);
    this.#privateKey = createPrivateKey({
      key: Buffer.concat([PKCS8_PREFIX, secretKey]),
      format: 'der',
      type: 'pkcs8',
    });
  }

  sign(message: Uint8Array): Uint8Array {
    return new Uint8Array(sign(null, message, this.#privateKey));
  }
}
