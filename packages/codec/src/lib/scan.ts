// The strict profile scanner. cbor-x cannot be made strict (it accepts duplicate and
// unsorted keys, non-shortest heads, indefinite lengths, and builds objects for many
// tags), so every byte string is scanned here first and only then handed to cbor-x.
// The scanner allocates nothing, never reads past the input, and rejects before any
// work proportional to a declared length.

import { HotlineError } from '../errors.js';
import type { ErrorCode } from '../registry.generated.js';
import { LIMITS } from '../registry.generated.js';

export const MAJOR_UINT = 0;
export const MAJOR_NINT = 1;
export const MAJOR_BSTR = 2;
export const MAJOR_TSTR = 3;
export const MAJOR_ARRAY = 4;
export const MAJOR_MAP = 5;
export const MAJOR_TAG = 6;
export const MAJOR_SIMPLE = 7;

const TWO_POW_32 = 0x1_0000_0000;
/** High 32 bits of the largest allowed integer, 2^53-1. */
const MAX_HIGH_WORD = 0x1f_ffff;

function fail(code: ErrorCode, message: string, offset: number): never {
  throw new HotlineError(code, message, { offset });
}

/**
 * A cursor over one CBOR byte string that reads heads under the profile's rules.
 * After `head()`, `arg` holds the head's argument (integer value, length or count).
 */
export class ProfileReader {
  pos: number;
  arg = 0;

  constructor(
    readonly bytes: Uint8Array,
    start = 0,
    readonly end = bytes.length,
  ) {
    this.pos = start;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  /** Reads one head and returns its major type; `arg` is set. */
  head(): number {
    const at = this.pos;
    if (at >= this.end) fail('CBOR_TRUNCATED', 'input ends where a data item should start', at);
    const initial = this.bytes[at]!;
    const major = initial >> 5;
    const info = initial & 0x1f;

    if (major === MAJOR_SIMPLE) {
      if (info === 25 || info === 26 || info === 27)
        fail('CBOR_FLOAT', 'floats are not allowed', at);
      if (info === 31) fail('CBOR_UNEXPECTED_BREAK', 'break outside an indefinite item', at);
      if (info >= 28) fail('CBOR_RESERVED_INFO', `reserved additional information ${info}`, at);
      fail('CBOR_SIMPLE_VALUE', 'simple values are not allowed', at);
    }
    if (info >= 28 && info <= 30) {
      fail('CBOR_RESERVED_INFO', `reserved additional information ${info}`, at);
    }
    if (info === 31) {
      if (major >= MAJOR_BSTR && major <= MAJOR_MAP) {
        fail('CBOR_INDEFINITE_LENGTH', 'indefinite lengths are not allowed', at);
      }
      fail('CBOR_RESERVED_INFO', 'additional information 31 on an integer or tag', at);
    }

    if (info < 24) {
      this.arg = info;
      this.pos = at + 1;
      return major;
    }
    const size = 1 << (info - 24); // 1, 2, 4 or 8 argument bytes
    if (this.end - at - 1 < size) fail('CBOR_TRUNCATED', 'input ends inside a head', at);
    const b = this.bytes;
    const p = at + 1;
    let value: number;
    let minimum: number;
    if (size === 1) {
      value = b[p]!;
      minimum = 24;
    } else if (size === 2) {
      value = (b[p]! << 8) | b[p + 1]!;
      minimum = 0x100;
    } else if (size === 4) {
      value = ((b[p]! << 24) >>> 0) + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
      minimum = 0x1_0000;
    } else {
      const high = ((b[p]! << 24) >>> 0) + ((b[p + 1]! << 16) | (b[p + 2]! << 8) | b[p + 3]!);
      const low = ((b[p + 4]! << 24) >>> 0) + ((b[p + 5]! << 16) | (b[p + 6]! << 8) | b[p + 7]!);
      if (high === 0) fail('CBOR_NON_SHORTEST', 'value fits in a shorter head', at);
      if (high > MAX_HIGH_WORD) {
        if (major === MAJOR_UINT || major === MAJOR_NINT) {
          fail('CBOR_INT_OUT_OF_RANGE', 'integer magnitude exceeds 2^53-1', at);
        }
        if (major === MAJOR_TAG) fail('CBOR_TAG_DISALLOWED', 'tags are not allowed here', at);
        fail('CBOR_LENGTH_EXCEEDS_INPUT', 'declared length exceeds the input', at);
      }
      value = high * TWO_POW_32 + low;
      minimum = TWO_POW_32;
    }
    if (value < minimum) fail('CBOR_NON_SHORTEST', 'value fits in a shorter head', at);
    // -1 - arg must not go below -(2^53-1).
    if (major === MAJOR_NINT && value === LIMITS.MAX_INTEGER) {
      fail('CBOR_INT_OUT_OF_RANGE', 'integer magnitude exceeds 2^53-1', at);
    }
    this.arg = value;
    this.pos = p + size;
    return major;
  }

  /** Skips `length` bytes of string content, failing before any read past the end. */
  skipContent(length: number, headAt: number): number {
    if (length > this.end - this.pos) {
      fail('CBOR_LENGTH_EXCEEDS_INPUT', 'declared length exceeds the input', headAt);
    }
    const start = this.pos;
    this.pos += length;
    return start;
  }

  /**
   * Scans one complete data item under the profile. `depth` is the number of
   * containers (arrays, maps, tags) around it.
   */
  item(depth: number, maxNesting: number): void {
    const at = this.pos;
    const major = this.head();
    switch (major) {
      case MAJOR_UINT:
      case MAJOR_NINT:
        return;
      case MAJOR_BSTR:
        this.skipContent(this.arg, at);
        return;
      case MAJOR_TSTR: {
        const start = this.skipContent(this.arg, at);
        const bad = firstInvalidUtf8(this.bytes, start, this.pos);
        if (bad >= 0) fail('CBOR_INVALID_UTF8', 'text is not valid UTF-8', bad);
        return;
      }
      case MAJOR_ARRAY: {
        if (depth >= maxNesting)
          fail('CBOR_NESTING_TOO_DEEP', `nesting deeper than ${maxNesting}`, at);
        const count = this.arg;
        // Every element takes at least one byte.
        if (count > this.remaining)
          fail('CBOR_LENGTH_EXCEEDS_INPUT', 'count exceeds the input', at);
        for (let i = 0; i < count; i++) this.item(depth + 1, maxNesting);
        return;
      }
      case MAJOR_MAP: {
        if (depth >= maxNesting)
          fail('CBOR_NESTING_TOO_DEEP', `nesting deeper than ${maxNesting}`, at);
        const count = this.arg;
        if (count > this.remaining / 2)
          fail('CBOR_LENGTH_EXCEEDS_INPUT', 'count exceeds the input', at);
        let previous = -1;
        for (let i = 0; i < count; i++) {
          const keyAt = this.pos;
          if (this.head() !== MAJOR_UINT) {
            fail('CBOR_MAP_KEY_TYPE', 'map keys must be unsigned integers', keyAt);
          }
          if (this.arg === previous)
            fail('CBOR_MAP_KEY_DUPLICATE', `duplicate key ${this.arg}`, keyAt);
          if (this.arg < previous) fail('CBOR_MAP_KEYS_UNSORTED', 'map keys must ascend', keyAt);
          previous = this.arg;
          this.item(depth + 1, maxNesting);
        }
        return;
      }
      default:
        fail('CBOR_TAG_DISALLOWED', 'tags are not allowed here', at);
    }
  }
}

/**
 * Checks that bytes[start, end) is exactly one data item of the profile: shortest
 * heads, definite lengths, no floats, simple values or tags, valid UTF-8, unsigned
 * ascending unique map keys, integers within ±(2^53-1), nesting within `maxNesting`.
 * Throws HotlineError with the code of the first violation.
 */
export function scanProfile(
  bytes: Uint8Array,
  start = 0,
  end = bytes.length,
  maxNesting: number = LIMITS.MAX_NESTING,
): void {
  const reader = new ProfileReader(bytes, start, end);
  reader.item(0, maxNesting);
  if (reader.pos !== end) fail('CBOR_TRAILING_BYTES', 'bytes after the data item', reader.pos);
}

/**
 * Returns the offset of the first byte of an invalid UTF-8 sequence in
 * bytes[start, end), or -1 if the range is valid UTF-8 (RFC 3629: no overlongs,
 * no surrogates, nothing above U+10FFFF).
 */
export function firstInvalidUtf8(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  while (i < end) {
    const c = bytes[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lower = 0x80;
    let upper = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lower = 0xa0; // overlong
      if (c === 0xed) upper = 0x9f; // surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lower = 0x90; // overlong
      if (c === 0xf4) upper = 0x8f; // above U+10FFFF
    } else return i;
    if (end - i - 1 < need) return i;
    const second = bytes[i + 1]!;
    if (second < lower || second > upper) return i;
    for (let k = 2; k <= need; k++) {
      const next = bytes[i + k]!;
      if (next < 0x80 || next > 0xbf) return i;
    }
    i += need + 1;
  }
  return -1;
}
