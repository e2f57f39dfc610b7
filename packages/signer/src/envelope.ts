// Signing and opening envelopes: the only public path from bytes to a trusted
// envelope. openEnvelope returns nothing until profile, key and signature pass.

import {
  assembleEnvelope,
  bytesEqual,
  type DecodedEnvelope,
  decodeEnvelope,
  type EnvelopeFieldsInput,
  encodePayload,
  HotlineError,
  signedBytesFor,
} from '@hotline/codec';
import { publicKeyOf, sign } from './ed25519/keys.js';
import { isAcceptableKey, type VerifyOptions, verify } from './ed25519/verify.js';

/** An envelope whose profile, sender key and signature have all been checked. */
export type OpenedEnvelope = DecodedEnvelope;

/**
 * Signs payload fields with `secretKey` and returns the envelope bytes. The sender
 * field must be the public key of `secretKey` (RangeError otherwise): a party never
 * signs an envelope that names someone else as its sender.
 */
export function signEnvelope(fields: EnvelopeFieldsInput, secretKey: Uint8Array): Uint8Array {
  const publicKey = publicKeyOf(secretKey);
  if (!(fields?.sender instanceof Uint8Array) || !bytesEqual(fields.sender, publicKey)) {
    throw new RangeError('fields.sender must be the public key of secretKey');
  }
  const payload = encodePayload(fields);
  return assembleEnvelope(payload, sign(signedBytesFor(payload), secretKey));
}

/**
 * Decodes and verifies envelope bytes: the profile (codec), the sender key's
 * acceptability (canonical, prime order) and the signature under the one Ed25519
 * rule. Returns a frozen envelope, or throws HotlineError (KEY_REJECTED,
 * SIGNATURE_INVALID, or a profile code).
 */
export function openEnvelope(bytes: Uint8Array, options?: VerifyOptions): OpenedEnvelope {
  const envelope = decodeEnvelope(bytes);
  const { sender } = envelope.fields;
  if (!isAcceptableKey(sender)) {
    throw new HotlineError('KEY_REJECTED', 'sender key is not canonical or not of prime order', {
      field: 'sender',
    });
  }
  if (!verify(envelope.signature, envelope.signedBytes, sender, options)) {
    throw new HotlineError('SIGNATURE_INVALID', 'signature does not verify');
  }
  return envelope;
}
