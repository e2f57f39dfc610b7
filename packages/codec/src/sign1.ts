// COSE_Sign1 (RFC 9052 §4.2) as Hotline profiles it. Everything Hotline signs is a
// tagged COSE_Sign1 whose protected header is exactly {1: -19, 16: typ}; the typ
// names the object and version (envelope, checkpoint …), so a signature made for
// one kind of object can never verify as another.

import { HotlineError } from './errors.js';
import { type Bytes, bytesEqual, concatBytes } from './lib/bytes.js';
import { decodeScanned, encodeCbor } from './lib/cbor.js';
import {
  MAJOR_ARRAY,
  MAJOR_BSTR,
  MAJOR_MAP,
  MAJOR_TAG,
  ProfileReader,
  scanProfile,
} from './lib/scan.js';
import {
  COSE_SIGN1_TAG,
  HEADER_ALG_ED25519,
  HEADER_ALG_LABEL,
  HEADER_TYP_LABEL,
  LIMITS,
} from './registry.generated.js';

export type Signature = Bytes<'Signature'>;
/** The exact bytes a signature covers: the COSE Sig_structure. */
export type SignedBytes = Bytes<'SignedBytes'>;

export const SIGNATURE_SIZE = 64;

/** One kind of signed object: its protected header and its size limit. */
export interface Sign1Profile {
  readonly typ: string;
  /** Canonical encoding of {1: -19, 16: typ}. */
  readonly protectedHeader: Uint8Array;
  readonly maxBytes: number;
  /** Precomputed Sig_structure bytes before the payload's head. */
  readonly sigStructurePrefix: Uint8Array;
  /** Precomputed COSE_Sign1 bytes before the payload's head. */
  readonly sign1Prefix: Uint8Array;
}

/** CBOR head for a byte string of `length` bytes (shortest form). */
export function bstrHead(length: number): Uint8Array {
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

export function sign1Profile(typ: string, maxBytes: number): Sign1Profile {
  const protectedHeader = encodeCbor(
    new Map<number, string | number>([
      [HEADER_ALG_LABEL, HEADER_ALG_ED25519],
      [HEADER_TYP_LABEL, typ],
    ]),
  );
  const header = concatBytes(bstrHead(protectedHeader.length), protectedHeader);
  return Object.freeze({
    typ,
    protectedHeader,
    maxBytes,
    // ["Signature1", protected, h'', …]
    sigStructurePrefix: concatBytes(
      Uint8Array.of(0x84, 0x6a),
      Uint8Array.from('Signature1', (c) => c.charCodeAt(0)),
      header,
      Uint8Array.of(0x40),
    ),
    // 18([protected, {}, …])
    sign1Prefix: concatBytes(Uint8Array.of(0xd2, 0x84), header, Uint8Array.of(0xa0)),
  });
}

/** The Sig_structure (RFC 9052 §4.4) of a payload under `profile`: the bytes to sign. */
export function sigStructure(profile: Sign1Profile, payload: Uint8Array): SignedBytes {
  return concatBytes(profile.sigStructurePrefix, bstrHead(payload.length), payload) as SignedBytes;
}

/** COSE_Sign1 bytes of a payload and its signature under `profile`. */
export function assembleSign1(
  profile: Sign1Profile,
  payload: Uint8Array,
  signature: Uint8Array,
): Uint8Array {
  if (!(signature instanceof Uint8Array)) throw new TypeError('signature must be a Uint8Array');
  if (signature.length !== SIGNATURE_SIZE) throw new RangeError('signature must be 64 bytes');
  const bytes = concatBytes(
    profile.sign1Prefix,
    bstrHead(payload.length),
    payload,
    bstrHead(SIGNATURE_SIZE),
    signature,
  );
  if (bytes.length > profile.maxBytes) {
    throw new HotlineError('ENVELOPE_TOO_LARGE', `more than ${profile.maxBytes} bytes`);
  }
  return bytes;
}

/** Explains why protected header bytes differ from the profile's, with a code. */
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
  if (map.get(HEADER_ALG_LABEL) !== HEADER_ALG_ED25519) {
    throw new HotlineError('HEADER_ALG_UNSUPPORTED', `alg ${String(map.get(HEADER_ALG_LABEL))}`);
  }
  // Exactly these two labels, alg right, and the scan proved the map canonical:
  // only typ can differ.
  throw new HotlineError('HEADER_TYPE_MISMATCH', 'typ is not the expected object and version');
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

/** Where the payload and signature sit in a checked COSE_Sign1. */
export interface Sign1Layout {
  readonly payloadStart: number;
  readonly payloadEnd: number;
  readonly signatureStart: number;
  readonly signatureEnd: number;
}

/**
 * Checks everything of a COSE_Sign1 but its payload, in the spec's order (size,
 * profile scan, tag, structure, protected header, unprotected header, signature
 * size), and returns where payload and signature are. Throws HotlineError.
 */
export function readSign1(bytes: Uint8Array, profile: Sign1Profile): Sign1Layout {
  if (bytes.length > profile.maxBytes) {
    throw new HotlineError('ENVELOPE_TOO_LARGE', `${bytes.length} > ${profile.maxBytes} bytes`);
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
    throw new HotlineError('CBOR_TRAILING_BYTES', 'bytes after the item', { offset: scan.pos });
  }
  if (!tagged) {
    throw new HotlineError('ENVELOPE_UNTAGGED', 'expected COSE_Sign1 tag 18', { offset: 0 });
  }

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
  if (!bytesEqual(header, profile.protectedHeader)) rejectProtectedHeader(header);
  if (unprotectedCount !== 0) {
    throw new HotlineError('HEADER_UNPROTECTED_NOT_EMPTY', 'unprotected header must be {}', {
      offset: unprotectedAt,
    });
  }
  if (signatureEnd - signatureStart !== SIGNATURE_SIZE) {
    throw new HotlineError('SIGNATURE_SIZE', `signature is ${signatureEnd - signatureStart} bytes`);
  }
  return { payloadStart, payloadEnd, signatureStart, signatureEnd };
}
