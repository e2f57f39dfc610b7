// The envelope: a tagged COSE_Sign1 (RFC 9052 §4.2) under Hotline's profile.
// This module checks the profile only. It never checks the signature: that is
// @hotline/signer's `openEnvelope`, the only path that hands out trusted envelopes.

import { sha256 } from '@noble/hashes/sha2.js';
import { HotlineError } from './errors.js';
import { type Bytes, bytesEqual, concatBytes, copyBytes, fromHex } from './lib/bytes.js';
import { decodeScanned } from './lib/cbor.js';
import {
  MAJOR_ARRAY,
  MAJOR_BSTR,
  MAJOR_MAP,
  MAJOR_TAG,
  ProfileReader,
  scanProfile,
} from './lib/scan.js';
import { type EnvelopeFields, type EnvelopeId, parsePayload } from './payload.js';
import {
  COSE_SIGN1_TAG,
  HEADER_ALG_EDDSA,
  HEADER_ALG_LABEL,
  HEADER_TYP_LABEL,
  LIMITS,
  PROTECTED_HEADER_HEX,
} from './registry.generated.js';

export type Signature = Bytes<'Signature'>;
/** The exact bytes a signature covers: the COSE Sig_structure. */
export type SignedBytes = Bytes<'SignedBytes'>;

export const SIGNATURE_SIZE = 64;

/** The only protected header an envelope may carry: {1: -8, 16: typ}, canonical. */
export const PROTECTED_HEADER: Uint8Array = fromHex(PROTECTED_HEADER_HEX);

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
  /** The envelope's own bytes (a copy). */
  readonly bytes: Uint8Array;
}

/** CBOR head for a byte string of `length` bytes (shortest form). */
function bstrHead(length: number): Uint8Array {
  if (length < 24) return Uint8Array.of(0x40 | length);
  if (length < 0x100) return Uint8Array.of(0x58, length);
  if (length < 0x1_0000) return Uint8Array.of(0x59, length >> 8, length & 0xff);
  return Uint8Array.of(
    0x5a,
    length >>> 24,
    (length >> 16) & 0xff,
    (length >> 8) & 0xff,
    length & 0xff,
  );
}

// ["Signature1", protected, h'', …]: everything before the payload's head.
const SIG_STRUCTURE_PREFIX = concatBytes(
  Uint8Array.of(0x84, 0x6a),
  Uint8Array.from('Signature1', (c) => c.charCodeAt(0)),
  bstrHead(PROTECTED_HEADER.length),
  PROTECTED_HEADER,
  Uint8Array.of(0x40),
);

// 18([protected, {}, …]): everything before the payload's head.
const ENVELOPE_PREFIX = concatBytes(
  Uint8Array.of(0xd2, 0x84),
  bstrHead(PROTECTED_HEADER.length),
  PROTECTED_HEADER,
  Uint8Array.of(0xa0),
);

/** The Sig_structure (RFC 9052 §4.4) for a payload: the bytes to sign. */
export function signedBytesFor(payload: Uint8Array): SignedBytes {
  if (!(payload instanceof Uint8Array)) throw new TypeError('payload must be a Uint8Array');
  return concatBytes(SIG_STRUCTURE_PREFIX, bstrHead(payload.length), payload) as SignedBytes;
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
  if (!(signature instanceof Uint8Array)) throw new TypeError('signature must be a Uint8Array');
  if (signature.length !== SIGNATURE_SIZE) throw new RangeError('signature must be 64 bytes');
  parsePayload(payload);
  const bytes = concatBytes(
    ENVELOPE_PREFIX,
    bstrHead(payload.length),
    payload,
    bstrHead(SIGNATURE_SIZE),
    signature,
  );
  if (bytes.length > LIMITS.MAX_ENVELOPE_BYTES) {
    throw new HotlineError('ENVELOPE_TOO_LARGE', `more than ${LIMITS.MAX_ENVELOPE_BYTES} bytes`);
  }
  return bytes;
}

/** Explains why protected header bytes differ from PROTECTED_HEADER, with a code. */
function rejectProtectedHeader(header: Uint8Array): never {
  if (header.length === 0) throw new HotlineError('HEADER_LABEL_MISSING', 'empty protected header');
  scanProfile(header);
  if (header[0]! >> 5 !== MAJOR_MAP) throw new HotlineError('HEADER_MALFORMED', 'not a map');
  const map = decodeScanned(header) as Map<number, unknown>;
  for (const label of map.keys()) {
    if (label !== HEADER_ALG_LABEL && label !== HEADER_TYP_LABEL) {
      throw new HotlineError('HEADER_LABEL_UNKNOWN', `label ${label}`);
    }
  }
  if (!map.has(HEADER_ALG_LABEL)) throw new HotlineError('HEADER_LABEL_MISSING', 'no alg');
  if (!map.has(HEADER_TYP_LABEL)) throw new HotlineError('HEADER_LABEL_MISSING', 'no typ');
  if (map.get(HEADER_ALG_LABEL) !== HEADER_ALG_EDDSA) {
    throw new HotlineError('HEADER_ALG_UNSUPPORTED', `alg ${String(map.get(HEADER_ALG_LABEL))}`);
  }
  // The map has exactly these two labels with these values, and the scan proved it
  // canonical, so only typ can differ.
  throw new HotlineError('HEADER_TYPE_MISMATCH', 'typ is not this protocol and version');
}

/** Reads the next head and requires a byte string; returns [start, end) of its content. */
function byteStringAt(reader: ProfileReader): [number, number] {
  const at = reader.pos;
  if (reader.head() !== MAJOR_BSTR) {
    throw new HotlineError('ENVELOPE_STRUCTURE', 'expected a byte string', { offset: at });
  }
  const start = reader.skipContent(reader.arg, at);
  return [start, reader.pos];
}

/**
 * Decodes envelope bytes and checks the profile (spec/01-envelope.md §7, in that
 * order). Returns the fields, payload, signature, signed bytes and id, or throws
 * HotlineError. Does NOT verify the signature: use @hotline/signer's openEnvelope.
 */
export function decodeEnvelope(bytes: Uint8Array): DecodedEnvelope {
  if (!(bytes instanceof Uint8Array)) throw new TypeError('envelope must be a Uint8Array');
  if (bytes.length > LIMITS.MAX_ENVELOPE_BYTES) {
    throw new HotlineError(
      'ENVELOPE_TOO_LARGE',
      `${bytes.length} > ${LIMITS.MAX_ENVELOPE_BYTES} bytes`,
    );
  }

  // 1. One data item under the profile, where the only tag is a leading 18.
  const scan = new ProfileReader(bytes);
  const tagged = scan.head() === MAJOR_TAG;
  if (tagged && scan.arg !== COSE_SIGN1_TAG) {
    throw new HotlineError('CBOR_TAG_DISALLOWED', `tag ${scan.arg}`, { offset: 0 });
  }
  if (!tagged) scan.pos = 0;
  scan.item(tagged ? 1 : 0, LIMITS.MAX_NESTING);
  if (scan.pos !== bytes.length) {
    throw new HotlineError('CBOR_TRAILING_BYTES', 'bytes after the envelope', { offset: scan.pos });
  }
  if (!tagged)
    throw new HotlineError('ENVELOPE_UNTAGGED', 'expected COSE_Sign1 tag 18', { offset: 0 });

  // 2. Structure: [protected: bstr, unprotected: map, payload: bstr, signature: bstr].
  const reader = new ProfileReader(bytes);
  reader.head(); // the tag
  const arrayAt = reader.pos;
  if (reader.head() !== MAJOR_ARRAY || reader.arg !== 4) {
    throw new HotlineError('ENVELOPE_STRUCTURE', 'expected an array of 4 items', {
      offset: arrayAt,
    });
  }
  const [protectedStart, protectedEnd] = byteStringAt(reader);
  const unprotectedAt = reader.pos;
  if (reader.head() !== MAJOR_MAP) {
    throw new HotlineError('ENVELOPE_STRUCTURE', 'expected a map', { offset: unprotectedAt });
  }
  const unprotectedCount: number = reader.arg;
  reader.pos = unprotectedAt;
  reader.item(0, LIMITS.MAX_NESTING); // already scanned: this only skips it
  const [payloadStart, payloadEnd] = byteStringAt(reader);
  const [signatureStart, signatureEnd] = byteStringAt(reader);

  // 3. Headers and signature size.
  const header = bytes.subarray(protectedStart, protectedEnd);
  if (!bytesEqual(header, PROTECTED_HEADER)) rejectProtectedHeader(header);
  if (unprotectedCount !== 0) {
    throw new HotlineError('HEADER_UNPROTECTED_NOT_EMPTY', 'unprotected header must be {}', {
      offset: unprotectedAt,
    });
  }
  if (signatureEnd - signatureStart !== SIGNATURE_SIZE) {
    throw new HotlineError('SIGNATURE_SIZE', `signature is ${signatureEnd - signatureStart} bytes`);
  }

  // 4. Payload fields.
  const payload = bytes.slice(payloadStart, payloadEnd);
  const fields = parsePayload(payload);
  const signedBytes = signedBytesFor(payload);
  return Object.freeze({
    fields,
    payload,
    signature: bytes.slice(signatureStart, signatureEnd) as Signature,
    signedBytes,
    id: envelopeIdOf(signedBytes),
    bytes: copyBytes(bytes),
  });
}
