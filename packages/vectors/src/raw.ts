// Byte-level CBOR builders for test vectors. Unlike the codec, nothing here sorts,
// normalises or checks: each function writes exactly the bytes it is asked for, so
// invalid vectors can carry one defect and nothing else. Valid vectors are also built
// with these functions and compared with the codec's output, as an independent check
// of the codec's deterministic encoding.

import { concatBytes, fromHex, PROTECTED_HEADER } from '@hotline/codec';

export type Raw = Uint8Array;

export const MAJOR = { uint: 0, nint: 1, bstr: 2, tstr: 3, array: 4, map: 5, tag: 6, simple: 7 };

const utf8 = new TextEncoder();

/** A head with an explicit argument width: 0 (in the initial byte), 1, 2, 4 or 8 bytes. */
export function headOfWidth(major: number, value: number | bigint, width: 0 | 1 | 2 | 4 | 8): Raw {
  const v = BigInt(value);
  if (width === 0) {
    if (v > 23n) throw new RangeError(`${v} does not fit in the initial byte`);
    return Uint8Array.of((major << 5) | Number(v));
  }
  const info = { 1: 24, 2: 25, 4: 26, 8: 27 }[width];
  const out = new Uint8Array(1 + width);
  out[0] = (major << 5) | info;
  for (let i = 0; i < width; i++) out[width - i] = Number((v >> BigInt(8 * i)) & 0xffn);
  return out;
}

/** The shortest head (RFC 8949 §4.2.1) for a major type and argument. */
export function head(major: number, value: number | bigint): Raw {
  const v = BigInt(value);
  if (v < 24n) return headOfWidth(major, v, 0);
  if (v < 0x100n) return headOfWidth(major, v, 1);
  if (v < 0x1_0000n) return headOfWidth(major, v, 2);
  if (v < 0x1_0000_0000n) return headOfWidth(major, v, 4);
  return headOfWidth(major, v, 8);
}

export const uint = (value: number | bigint): Raw => head(MAJOR.uint, value);
/** The negative integer `value` (< 0), encoded as major type 1 with argument -1 - value. */
export const nint = (value: number | bigint): Raw => head(MAJOR.nint, -1n - BigInt(value));
export const bstr = (bytes: Uint8Array): Raw => concatBytes(head(MAJOR.bstr, bytes.length), bytes);
export const tstr = (text: string): Raw => tstrBytes(utf8.encode(text));
/** A text string with arbitrary content bytes (possibly not UTF-8). */
export const tstrBytes = (bytes: Uint8Array): Raw =>
  concatBytes(head(MAJOR.tstr, bytes.length), bytes);
export const array = (items: readonly Raw[]): Raw =>
  concatBytes(head(MAJOR.array, items.length), ...items);
export const tag = (number: number | bigint, item: Raw): Raw =>
  concatBytes(head(MAJOR.tag, number), item);
export const hex = (text: string): Raw => fromHex(text.replace(/\s+/g, ''));

/** A map with raw keys and values, in exactly the given order (duplicates kept). */
export function map(entries: readonly (readonly [Raw, Raw])[]): Raw {
  return concatBytes(head(MAJOR.map, entries.length), ...entries.flat());
}

/** One entry of a map with an unsigned integer key. */
export type Entry = readonly [key: number, value: Raw];

/** A map with unsigned integer keys, in exactly the given order. */
export function intMap(entries: readonly Entry[]): Raw {
  return map(entries.map(([key, value]) => [uint(key), value] as const));
}

/** The COSE_Sign1 array's four items, as raw encoded items. */
export interface Sign1Parts {
  /** Encoded item for the protected header (normally bstr(PROTECTED_HEADER)). */
  protected: Raw;
  /** Encoded unprotected header (normally the empty map a0). */
  unprotected: Raw;
  /** Encoded payload item (normally bstr(payload bytes)). */
  payload: Raw;
  /** Encoded signature item (normally bstr(64 bytes)). */
  signature: Raw;
}

/** The usual encoded items around a payload and signature. */
export function sign1Parts(payload: Uint8Array, signature: Uint8Array): Sign1Parts {
  return {
    protected: bstr(PROTECTED_HEADER),
    unprotected: map([]),
    payload: bstr(payload),
    signature: bstr(signature),
  };
}

/** 18([protected, unprotected, payload, signature]) with raw items. */
export function coseSign1(parts: Sign1Parts): Raw {
  return tag(18, array([parts.protected, parts.unprotected, parts.payload, parts.signature]));
}

/** The COSE Sig_structure ["Signature1", protected, h'', payload] for any protected bytes. */
export function sigStructure(protectedBytes: Uint8Array, payload: Uint8Array): Raw {
  return array([tstr('Signature1'), bstr(protectedBytes), bstr(new Uint8Array(0)), bstr(payload)]);
}
