// cbor-x configured for plain, interoperable CBOR. cbor-x has no deterministic mode,
// so callers hand it values already normalised (see `normalise`), and decoding is
// only ever applied to bytes that `scanProfile` has accepted.

import { Decoder, Encoder, type Options } from 'cbor-x';
import { copyBytes } from './bytes.js';

// Options cbor-x reads but its type definitions omit.
type FullOptions = Options & { useTag259ForMaps?: boolean; int64AsNumber?: boolean };

const encoderOptions: FullOptions = {
  useRecords: false,
  mapsAsObjects: false,
  useTag259ForMaps: false,
  tagUint8Array: false,
  variableMapSize: true,
  pack: false,
  structuredClone: false,
  largeBigIntToFloat: false,
};
const encoder = new Encoder(encoderOptions);

const decoderOptions: FullOptions = {
  useRecords: false,
  mapsAsObjects: false,
  structuredClone: false,
  pack: false,
  int64AsNumber: true, // the scanner already bounds integers to ±(2^53-1)
};
const decoder = new Decoder(decoderOptions);

/** A value of the profile's data model, ready for deterministic encoding. */
export type CborValue =
  | number
  | bigint
  | string
  | Uint8Array
  | readonly CborValue[]
  | ReadonlyMap<number, CborValue>;

const TWO_POW_32 = 0x1_0000_0000;

/**
 * Puts a value in the shape cbor-x encodes deterministically: map keys ascending,
 * integers >= 2^32 as BigInt (cbor-x writes large numbers as float64), bytes as plain
 * Uint8Array (a Node Buffer would be tagged differently by some encoders).
 */
function normalise(value: CborValue): unknown {
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value))
      throw new RangeError(`not an integer within ±(2^53-1): ${value}`);
    return value >= TWO_POW_32 || value < -TWO_POW_32 ? BigInt(value) : value;
  }
  if (typeof value === 'bigint') {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new RangeError(`integer outside ±(2^53-1): ${value}`);
    }
    return normalise(Number(value));
  }
  if (typeof value === 'string') return value;
  if (value instanceof Uint8Array) {
    return value.constructor === Uint8Array ? value : new Uint8Array(value);
  }
  if (Array.isArray(value)) return value.map(normalise);
  if (value instanceof Map) {
    const keys = [...value.keys()].sort((a, b) => a - b);
    return new Map(keys.map((key) => [key, normalise(value.get(key)!)]));
  }
  throw new TypeError(`cannot encode ${Object.prototype.toString.call(value)}`);
}

/** Deterministic encoding (RFC 8949 §4.2.1) of a profile value. */
export function encodeCbor(value: CborValue): Uint8Array {
  // Copy: cbor-x hands back a view into its own working buffer.
  return copyBytes(encoder.encode(normalise(value)));
}

/** Decodes bytes that `scanProfile` has already accepted. Never call on unscanned input. */
export function decodeScanned(bytes: Uint8Array): unknown {
  // A throwaway view over the same memory: cbor-x caches a `dataView` property on the
  // array it decodes, which must not land on the caller's (or a returned) array.
  return decoder.decode(new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength));
}
