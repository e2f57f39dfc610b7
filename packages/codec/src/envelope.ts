// The envelope: a tagged COSE_Sign1 under Hotline's profile (spec/01-envelope.md).
// This module checks the profile only. It never checks the signature: that is
// @hotline/signer's `openEnvelope`, the only path that hands out trusted envelopes.

import { copyBytes } from './lib/bytes.js';
import { sha256 } from './lib/sha256.js';
import {
  type EnvelopeFields,
  type EnvelopeId,
  parseOwnedPayload,
  parsePayload,
} from './payload.js';
import { HEADER_TYP, LIMITS } from './registry.generated.js';
import {
  assembleSign1,
  readSign1,
  type Signature,
  type SignedBytes,
  sign1Profile,
  sigStructure,
} from './sign1.js';

/** The envelope's COSE_Sign1 profile: typ names protocol and version. */
export const ENVELOPE_PROFILE = sign1Profile(HEADER_TYP, LIMITS.MAX_ENVELOPE_BYTES);

/** The only protected header an envelope may carry: {1: -19, 16: typ}, canonical. */
export const PROTECTED_HEADER: Uint8Array = ENVELOPE_PROFILE.protectedHeader;

/** An envelope whose profile is valid. Its signature has NOT been checked. */
export interface DecodedEnvelope {
  readonly fields: EnvelopeFields;
  /** The payload bytes as signed. */
  readonly payload: Uint8Array;
  readonly signature: Signature;
  /** Sig_structure bytes: what the signature covers and what the id hashes. */
  readonly signedBytes: SignedBytes;
  /** SHA-256 of signedBytes. */
  readonly id: EnvelopeId;
  /** The envelope's own bytes (a private copy). */
  readonly bytes: Uint8Array;
}

/** The Sig_structure (RFC 9052 §4.4) of an envelope payload: the bytes to sign. */
export function signedBytesFor(payload: Uint8Array): SignedBytes {
  if (!(payload instanceof Uint8Array)) throw new TypeError('payload must be a Uint8Array');
  return sigStructure(ENVELOPE_PROFILE, payload);
}

/** Envelope id: SHA-256 over the signed bytes, never over the signature. */
export function envelopeIdOf(signedBytes: Uint8Array): EnvelopeId {
  return sha256(signedBytes) as EnvelopeId;
}

/**
 * Builds envelope bytes from a payload and its signature. The payload is checked
 * (HotlineError if the profile forbids it); the signature is only checked for size.
 */
export function assembleEnvelope(payload: Uint8Array, signature: Uint8Array): Uint8Array {
  if (!(payload instanceof Uint8Array)) throw new TypeError('payload must be a Uint8Array');
  parsePayload(payload);
  return assembleSign1(ENVELOPE_PROFILE, payload, signature);
}

/**
 * Decodes envelope bytes and checks the profile (spec/01-envelope.md, in that
 * order). Returns the fields, payload, signature, signed bytes and id, or throws
 * HotlineError. Does NOT verify the signature: use @hotline/signer's openEnvelope.
 */
export function decodeEnvelope(bytes: Uint8Array): DecodedEnvelope {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('envelope must be a Uint8Array');
  const layout = readSign1(bytes, ENVELOPE_PROFILE);
  // One private copy of the input; everything handed out views it.
  const own = copyBytes(bytes);
  const payload = own.subarray(layout.payloadStart, layout.payloadEnd);
  const fields = parseOwnedPayload(payload);
  const signedBytes = signedBytesFor(payload);
  return Object.freeze({
    fields,
    payload,
    signature: own.subarray(layout.signatureStart, layout.signatureEnd) as Signature,
    signedBytes,
    id: envelopeIdOf(signedBytes),
    bytes: own,
  });
}
