// The CBOR layer: scanProfile on hand-made bytes, one case per rejection, with the
// offset the scanner reports. Cases are data so the last test can check that every
// "cbor" code of the registry is exercised here.

import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import fc from 'fast-check';
import {
  decodeScanned,
  type ErrorCode,
  firstInvalidUtf8,
  LIMITS,
  ProfileReader,
  scanProfile,
} from '../src/index.js';
import { cat, expectCode, h } from './helpers.js';

interface Rejection {
  readonly name: string;
  readonly hex: string;
  readonly code: ErrorCode;
  readonly offset: number;
}

const rejections: Rejection[] = [
  // Non-shortest heads, each head size, in every place a head occurs.
  { name: 'uint 23 in a 1-byte head', hex: '18 17', code: 'CBOR_NON_SHORTEST', offset: 0 },
  { name: 'uint 0 in a 1-byte head', hex: '18 00', code: 'CBOR_NON_SHORTEST', offset: 0 },
  { name: 'uint 255 in a 2-byte head', hex: '19 00ff', code: 'CBOR_NON_SHORTEST', offset: 0 },
  { name: 'uint 65535 in a 4-byte head', hex: '1a 0000ffff', code: 'CBOR_NON_SHORTEST', offset: 0 },
  {
    name: 'uint 2^32-1 in an 8-byte head',
    hex: '1b 00000000ffffffff',
    code: 'CBOR_NON_SHORTEST',
    offset: 0,
  },
  {
    name: 'uint 0 in an 8-byte head',
    hex: '1b 0000000000000000',
    code: 'CBOR_NON_SHORTEST',
    offset: 0,
  },
  { name: 'nint -1 in a 1-byte head', hex: '38 00', code: 'CBOR_NON_SHORTEST', offset: 0 },
  { name: 'nint in a 2-byte head', hex: '39 0017', code: 'CBOR_NON_SHORTEST', offset: 0 },
  {
    name: 'nint in an 8-byte head',
    hex: '3b 0000000000000100',
    code: 'CBOR_NON_SHORTEST',
    offset: 0,
  },
  { name: 'bstr length in a 1-byte head', hex: '58 01 00', code: 'CBOR_NON_SHORTEST', offset: 0 },
  { name: 'bstr length in a 2-byte head', hex: '59 0001 00', code: 'CBOR_NON_SHORTEST', offset: 0 },
  {
    name: 'tstr length in a 4-byte head',
    hex: '7a 00000001 61',
    code: 'CBOR_NON_SHORTEST',
    offset: 0,
  },
  { name: 'array count in a 1-byte head', hex: '98 01 00', code: 'CBOR_NON_SHORTEST', offset: 0 },
  {
    name: 'array count in an 8-byte head',
    hex: '9b 0000000000000001 00',
    code: 'CBOR_NON_SHORTEST',
    offset: 0,
  },
  { name: 'map count in a 1-byte head', hex: 'b8 01 00 00', code: 'CBOR_NON_SHORTEST', offset: 0 },
  {
    name: 'map count in a 2-byte head',
    hex: 'b9 0001 00 00',
    code: 'CBOR_NON_SHORTEST',
    offset: 0,
  },
  { name: 'map key in a 1-byte head', hex: 'a1 18 01 00', code: 'CBOR_NON_SHORTEST', offset: 1 },
  { name: 'map key in a 2-byte head', hex: 'a1 19 0001 00', code: 'CBOR_NON_SHORTEST', offset: 1 },
  {
    name: 'map key in a 4-byte head',
    hex: 'a1 1a 00000001 00',
    code: 'CBOR_NON_SHORTEST',
    offset: 1,
  },
  {
    name: 'map key in an 8-byte head',
    hex: 'a1 1b 0000000000000001 00',
    code: 'CBOR_NON_SHORTEST',
    offset: 1,
  },
  { name: 'map value in a 1-byte head', hex: 'a1 00 18 05', code: 'CBOR_NON_SHORTEST', offset: 2 },
  { name: 'array element', hex: '82 00 19 0001', code: 'CBOR_NON_SHORTEST', offset: 2 },

  // Indefinite lengths.
  { name: 'indefinite bstr', hex: '5f 41 00 ff', code: 'CBOR_INDEFINITE_LENGTH', offset: 0 },
  { name: 'indefinite tstr', hex: '7f 61 61 ff', code: 'CBOR_INDEFINITE_LENGTH', offset: 0 },
  { name: 'indefinite array', hex: '9f 00 ff', code: 'CBOR_INDEFINITE_LENGTH', offset: 0 },
  { name: 'indefinite map', hex: 'bf 00 00 ff', code: 'CBOR_INDEFINITE_LENGTH', offset: 0 },
  { name: 'indefinite array nested', hex: '81 9f ff', code: 'CBOR_INDEFINITE_LENGTH', offset: 1 },

  // Break outside an indefinite item.
  { name: 'break alone', hex: 'ff', code: 'CBOR_UNEXPECTED_BREAK', offset: 0 },
  { name: 'break as an array element', hex: '82 00 ff', code: 'CBOR_UNEXPECTED_BREAK', offset: 2 },
  { name: 'break as a map value', hex: 'a1 00 ff', code: 'CBOR_UNEXPECTED_BREAK', offset: 2 },

  // Reserved additional information (not well-formed CBOR).
  ...[0, 1, 2, 3, 4, 5, 6, 7].flatMap((major) =>
    [28, 29, 30].map(
      (info): Rejection => ({
        name: `major ${major}, info ${info}`,
        hex: ((major << 5) | info).toString(16),
        code: 'CBOR_RESERVED_INFO',
        offset: 0,
      }),
    ),
  ),
  { name: 'info 31 on uint', hex: '1f', code: 'CBOR_RESERVED_INFO', offset: 0 },
  { name: 'info 31 on nint', hex: '3f', code: 'CBOR_RESERVED_INFO', offset: 0 },
  { name: 'info 31 on a tag', hex: 'df 00', code: 'CBOR_RESERVED_INFO', offset: 0 },
  { name: 'info 31 on a map key', hex: 'a1 1f 00', code: 'CBOR_RESERVED_INFO', offset: 1 },

  // Floats, even integral ones.
  { name: 'float16 1.0', hex: 'f9 3c00', code: 'CBOR_FLOAT', offset: 0 },
  { name: 'float16 0.0', hex: 'f9 0000', code: 'CBOR_FLOAT', offset: 0 },
  { name: 'float32 1.0', hex: 'fa 3f800000', code: 'CBOR_FLOAT', offset: 0 },
  { name: 'float64 1.0', hex: 'fb 3ff0000000000000', code: 'CBOR_FLOAT', offset: 0 },
  { name: 'float64 NaN', hex: 'fb 7ff8000000000000', code: 'CBOR_FLOAT', offset: 0 },
  { name: 'float as a map value', hex: 'a1 00 f9 3c00', code: 'CBOR_FLOAT', offset: 2 },
  { name: 'truncated float16', hex: 'f9', code: 'CBOR_FLOAT', offset: 0 },

  // Simple values.
  { name: 'false', hex: 'f4', code: 'CBOR_SIMPLE_VALUE', offset: 0 },
  { name: 'true', hex: 'f5', code: 'CBOR_SIMPLE_VALUE', offset: 0 },
  { name: 'null', hex: 'f6', code: 'CBOR_SIMPLE_VALUE', offset: 0 },
  { name: 'undefined', hex: 'f7', code: 'CBOR_SIMPLE_VALUE', offset: 0 },
  { name: 'simple(0)', hex: 'e0', code: 'CBOR_SIMPLE_VALUE', offset: 0 },
  { name: 'simple(32) in a 1-byte head', hex: 'f8 20', code: 'CBOR_SIMPLE_VALUE', offset: 0 },
  { name: 'simple(255)', hex: 'f8 ff', code: 'CBOR_SIMPLE_VALUE', offset: 0 },
  { name: 'null as a map key', hex: 'a1 f6 00', code: 'CBOR_SIMPLE_VALUE', offset: 1 },

  // Tags: none at all inside a profile item (the envelope's tag 18 is handled by decodeEnvelope).
  { name: 'tag 0 (date string)', hex: 'c0 61 30', code: 'CBOR_TAG_DISALLOWED', offset: 0 },
  { name: 'tag 2 (bignum)', hex: 'c2 41 01', code: 'CBOR_TAG_DISALLOWED', offset: 0 },
  { name: 'tag 18 (COSE_Sign1)', hex: 'd2 80', code: 'CBOR_TAG_DISALLOWED', offset: 0 },
  { name: 'tag 24 (embedded CBOR)', hex: 'd8 18 41 00', code: 'CBOR_TAG_DISALLOWED', offset: 0 },
  { name: 'tag 55799 (self-described)', hex: 'd9 d9f7 00', code: 'CBOR_TAG_DISALLOWED', offset: 0 },
  { name: 'tag in a 4-byte head', hex: 'da 00010000 00', code: 'CBOR_TAG_DISALLOWED', offset: 0 },
  {
    name: 'tag 2^64-1',
    hex: 'db ffffffffffffffff 00',
    code: 'CBOR_TAG_DISALLOWED',
    offset: 0,
  },
  { name: 'tag as a map value', hex: 'a1 00 c1 00', code: 'CBOR_TAG_DISALLOWED', offset: 2 },
  { name: 'tag as a map key', hex: 'a1 c1 00 00', code: 'CBOR_MAP_KEY_TYPE', offset: 1 },

  // Invalid UTF-8 in text strings; the offset is the first byte of the bad sequence.
  { name: 'overlong 2-byte (C0 80)', hex: '62 c080', code: 'CBOR_INVALID_UTF8', offset: 1 },
  { name: 'overlong 2-byte (C1 BF)', hex: '62 c1bf', code: 'CBOR_INVALID_UTF8', offset: 1 },
  { name: 'overlong 3-byte (E0 9F BF)', hex: '63 e09fbf', code: 'CBOR_INVALID_UTF8', offset: 1 },
  {
    name: 'overlong 4-byte (F0 8F BF BF)',
    hex: '64 f08fbfbf',
    code: 'CBOR_INVALID_UTF8',
    offset: 1,
  },
  { name: 'surrogate U+D800', hex: '63 eda080', code: 'CBOR_INVALID_UTF8', offset: 1 },
  { name: 'surrogate U+DFFF', hex: '63 edbfbf', code: 'CBOR_INVALID_UTF8', offset: 1 },
  { name: 'U+110000 (F4 90 80 80)', hex: '64 f4908080', code: 'CBOR_INVALID_UTF8', offset: 1 },
  { name: 'lead byte F5', hex: '64 f5808080', code: 'CBOR_INVALID_UTF8', offset: 1 },
  { name: 'byte FF', hex: '61 ff', code: 'CBOR_INVALID_UTF8', offset: 1 },
  { name: 'truncated 3-byte sequence', hex: '62 e282', code: 'CBOR_INVALID_UTF8', offset: 1 },
  { name: 'truncated 2-byte at the end', hex: '63 6161c3', code: 'CBOR_INVALID_UTF8', offset: 3 },
  {
    name: 'sequence cut by an ASCII byte',
    hex: '64 f09f9861',
    code: 'CBOR_INVALID_UTF8',
    offset: 1,
  },
  { name: 'lone continuation byte', hex: '61 80', code: 'CBOR_INVALID_UTF8', offset: 1 },
  { name: 'continuation after ASCII', hex: '63 61bf62', code: 'CBOR_INVALID_UTF8', offset: 2 },
  {
    name: 'invalid UTF-8 as a map value',
    hex: 'a1 00 61 80',
    code: 'CBOR_INVALID_UTF8',
    offset: 3,
  },

  // Integers beyond ±(2^53-1).
  { name: 'uint 2^53', hex: '1b 0020000000000000', code: 'CBOR_INT_OUT_OF_RANGE', offset: 0 },
  { name: 'uint 2^64-1', hex: '1b ffffffffffffffff', code: 'CBOR_INT_OUT_OF_RANGE', offset: 0 },
  { name: 'nint -(2^53)', hex: '3b 001fffffffffffff', code: 'CBOR_INT_OUT_OF_RANGE', offset: 0 },
  { name: 'nint -(2^53)-1', hex: '3b 0020000000000000', code: 'CBOR_INT_OUT_OF_RANGE', offset: 0 },
  { name: 'nint -(2^64)', hex: '3b ffffffffffffffff', code: 'CBOR_INT_OUT_OF_RANGE', offset: 0 },
  {
    name: 'out-of-range map key',
    hex: 'a1 1b 0020000000000000 00',
    code: 'CBOR_INT_OUT_OF_RANGE',
    offset: 1,
  },

  // Map keys: unsigned only, strictly ascending.
  { name: 'negative key', hex: 'a1 20 00', code: 'CBOR_MAP_KEY_TYPE', offset: 1 },
  { name: 'text key', hex: 'a1 61 61 00', code: 'CBOR_MAP_KEY_TYPE', offset: 1 },
  { name: 'byte-string key', hex: 'a1 41 01 00', code: 'CBOR_MAP_KEY_TYPE', offset: 1 },
  { name: 'array key', hex: 'a1 80 00', code: 'CBOR_MAP_KEY_TYPE', offset: 1 },
  { name: 'map key', hex: 'a1 a0 00', code: 'CBOR_MAP_KEY_TYPE', offset: 1 },
  { name: 'second key not uint', hex: 'a2 01 00 20 00', code: 'CBOR_MAP_KEY_TYPE', offset: 3 },
  { name: 'keys 2, 1', hex: 'a2 02 00 01 00', code: 'CBOR_MAP_KEYS_UNSORTED', offset: 3 },
  { name: 'keys 24, 23', hex: 'a2 1818 00 17 00', code: 'CBOR_MAP_KEYS_UNSORTED', offset: 4 },
  { name: 'keys 1, 3, 2', hex: 'a3 01 00 03 00 02 00', code: 'CBOR_MAP_KEYS_UNSORTED', offset: 5 },
  { name: 'keys 1, 1', hex: 'a2 01 00 01 00', code: 'CBOR_MAP_KEY_DUPLICATE', offset: 3 },
  { name: 'keys 0, 0', hex: 'a2 00 00 00 00', code: 'CBOR_MAP_KEY_DUPLICATE', offset: 3 },
  {
    name: 'keys 256, 256',
    hex: 'a2 190100 00 190100 00',
    code: 'CBOR_MAP_KEY_DUPLICATE',
    offset: 5,
  },
  {
    name: 'duplicate in a nested map',
    hex: 'a1 00 a2 05 00 05 00',
    code: 'CBOR_MAP_KEY_DUPLICATE',
    offset: 5,
  },

  // Nesting: MAX_NESTING (4) levels of containers pass, one more fails.
  { name: '5 nested arrays', hex: '81 81 81 81 80', code: 'CBOR_NESTING_TOO_DEEP', offset: 4 },
  {
    name: '5 nested maps',
    hex: 'a1 00 a1 00 a1 00 a1 00 a0',
    code: 'CBOR_NESTING_TOO_DEEP',
    offset: 8,
  },
  {
    name: 'mixed arrays and maps, 5 deep',
    hex: 'a1 00 81 a1 00 81 80',
    code: 'CBOR_NESTING_TOO_DEEP',
    offset: 6,
  },

  // Trailing bytes after one complete item.
  { name: 'two items', hex: '00 00', code: 'CBOR_TRAILING_BYTES', offset: 1 },
  { name: 'empty map then a byte', hex: 'a0 ff', code: 'CBOR_TRAILING_BYTES', offset: 1 },
  { name: 'complete bstr then a byte', hex: '41 00 00', code: 'CBOR_TRAILING_BYTES', offset: 2 },

  // Input ends inside a head.
  { name: 'empty input', hex: '', code: 'CBOR_TRUNCATED', offset: 0 },
  { name: '1-byte head cut', hex: '18', code: 'CBOR_TRUNCATED', offset: 0 },
  { name: '2-byte head cut', hex: '19 01', code: 'CBOR_TRUNCATED', offset: 0 },
  { name: '4-byte head cut', hex: '1a 000100', code: 'CBOR_TRUNCATED', offset: 0 },
  { name: '8-byte head cut', hex: '1b 00000001000000', code: 'CBOR_TRUNCATED', offset: 0 },
  { name: 'bstr length head cut', hex: '59 01', code: 'CBOR_TRUNCATED', offset: 0 },
  { name: 'element head cut', hex: '82 19 01', code: 'CBOR_TRUNCATED', offset: 1 },
  { name: 'map value head cut', hex: 'a1 00 18', code: 'CBOR_TRUNCATED', offset: 2 },
  { name: 'last element missing', hex: '82 41 00', code: 'CBOR_TRUNCATED', offset: 3 },

  // Declared lengths and counts beyond the input: rejected before reading or looping.
  { name: 'bstr of 1 in no bytes', hex: '41', code: 'CBOR_LENGTH_EXCEEDS_INPUT', offset: 0 },
  { name: 'tstr of 2 in 1 byte', hex: '62 61', code: 'CBOR_LENGTH_EXCEEDS_INPUT', offset: 0 },
  {
    name: 'bstr of 2^32-1',
    hex: '5a ffffffff 00',
    code: 'CBOR_LENGTH_EXCEEDS_INPUT',
    offset: 0,
  },
  {
    name: 'bstr of 2^32',
    hex: '5b 0000000100000000 00',
    code: 'CBOR_LENGTH_EXCEEDS_INPUT',
    offset: 0,
  },
  {
    name: 'tstr of 2^64-1',
    hex: '7b ffffffffffffffff 00',
    code: 'CBOR_LENGTH_EXCEEDS_INPUT',
    offset: 0,
  },
  { name: 'array of 2 in 1 byte', hex: '82 00', code: 'CBOR_LENGTH_EXCEEDS_INPUT', offset: 0 },
  {
    name: 'array of 2^32',
    hex: '9b 0000000100000000 00',
    code: 'CBOR_LENGTH_EXCEEDS_INPUT',
    offset: 0,
  },
  { name: 'map of 1 in 1 byte', hex: 'a1 00', code: 'CBOR_LENGTH_EXCEEDS_INPUT', offset: 0 },
  {
    name: 'map of 2^64-1',
    hex: 'bb ffffffffffffffff 00',
    code: 'CBOR_LENGTH_EXCEEDS_INPUT',
    offset: 0,
  },
  {
    name: 'nested bstr past the end',
    hex: '82 00 43 0000',
    code: 'CBOR_LENGTH_EXCEEDS_INPUT',
    offset: 2,
  },
];

/** Items the profile accepts, with their decoded value where it is interesting. */
const accepted: { name: string; hex: string; value?: unknown }[] = [
  { name: 'uint 23 (direct)', hex: '17', value: 23 },
  { name: 'uint 24 (1-byte head)', hex: '18 18', value: 24 },
  { name: 'uint 256 (2-byte head)', hex: '19 0100', value: 256 },
  { name: 'uint 65536 (4-byte head)', hex: '1a 00010000', value: 65536 },
  { name: 'uint 2^32 (8-byte head)', hex: '1b 0000000100000000', value: 2 ** 32 },
  { name: 'uint 2^53-1', hex: '1b 001fffffffffffff', value: Number.MAX_SAFE_INTEGER },
  { name: 'nint -(2^53-1)', hex: '3b 001ffffffffffffe', value: -Number.MAX_SAFE_INTEGER },
  { name: 'nint -(2^32)-1', hex: '3b 0000000100000000', value: -(2 ** 32) - 1 },
  { name: 'nint -(2^32)', hex: '3a ffffffff', value: -(2 ** 32) },
  { name: 'empty bstr', hex: '40' },
  { name: 'empty tstr', hex: '60', value: '' },
  { name: 'U+007F, U+0080, U+07FF', hex: '65 7f c280 dfbf', value: '\u007f\u0080\u07ff' },
  { name: 'U+D7FF and U+E000 (around surrogates)', hex: '66 ed9fbf ee8080', value: '\ud7ff\ue000' },
  { name: 'U+FFFF', hex: '63 efbfbf', value: '\uffff' },
  { name: 'U+10000 and U+10FFFF', hex: '68 f0908080 f48fbfbf', value: '\u{10000}\u{10ffff}' },
  { name: '4 nested arrays (at the limit)', hex: '81 81 81 80', value: [[[[]]]] },
  { name: '4 nested maps (at the limit)', hex: 'a1 00 a1 00 a1 00 a0' },
  { name: 'keys 0, 23, 24, 255, 256', hex: 'a5 00 00 17 00 1818 00 18ff 00 190100 00' },
];

describe('scanProfile: CBOR-layer rejections', () => {
  for (const { name, hex, code, offset } of rejections) {
    it(`${name}: ${code} at ${offset}`, () => {
      expectCode(() => scanProfile(h(hex)), code, offset);
    });
  }

  it('reports the offset within the whole buffer when scanning a sub-range', () => {
    // The same non-shortest head as above, found 3 bytes into the buffer.
    expectCode(() => scanProfile(h('ffffff 18 17'), 3), 'CBOR_NON_SHORTEST', 3);
  });

  it('never reads past `end`, even when the buffer goes on', () => {
    const bytes = h('42 0000 ff');
    scanProfile(bytes, 0, 3);
    expectCode(() => scanProfile(bytes, 0, 2), 'CBOR_LENGTH_EXCEEDS_INPUT', 0);
    expectCode(() => scanProfile(bytes, 0, 4), 'CBOR_TRAILING_BYTES', 3);
  });

  it('honours a smaller maxNesting', () => {
    scanProfile(h('81 80'), 0, 2, 2);
    expectCode(() => scanProfile(h('81 81 80'), 0, 3, 2), 'CBOR_NESTING_TOO_DEEP', 2);
  });

  it('exercises every "cbor"-layer code of the registry', () => {
    const registry = JSON.parse(
      readFileSync(new URL('../../../protocol/registries/errors.json', import.meta.url), 'utf8'),
    ) as { codes: { code: string; layer: string }[] };
    const cborCodes = registry.codes.filter((c) => c.layer === 'cbor').map((c) => c.code);
    expect(cborCodes).to.have.length.greaterThan(10);
    const covered = new Set(rejections.map((r) => r.code));
    expect(cborCodes.filter((code) => !covered.has(code as ErrorCode))).to.deep.equal([]);
  });
});

describe('scanProfile: accepted items', () => {
  for (const { name, hex, value } of accepted) {
    it(name, () => {
      const bytes = h(hex);
      scanProfile(bytes);
      if (value !== undefined) expect(decodeScanned(bytes)).to.deep.equal(value);
    });
  }

  it('accepts exactly MAX_NESTING levels of arrays and not one more', () => {
    const nested = (levels: number) => cat(new Array(levels - 1).fill(0x81), [0x80]);
    scanProfile(nested(LIMITS.MAX_NESTING));
    expectCode(
      () => scanProfile(nested(LIMITS.MAX_NESTING + 1)),
      'CBOR_NESTING_TOO_DEEP',
      LIMITS.MAX_NESTING,
    );
  });
});

describe('ProfileReader.head', () => {
  it('returns the major type and leaves the argument in `arg`', () => {
    const reader = new ProfileReader(h('3b 001ffffffffffffe 5a 00010000'));
    expect(reader.head()).to.equal(1);
    expect(reader.arg).to.equal(Number.MAX_SAFE_INTEGER - 1);
    expect(reader.pos).to.equal(9);
    expect(reader.head()).to.equal(2);
    expect(reader.arg).to.equal(0x1_0000);
    expect(reader.remaining).to.equal(0);
  });
});

describe('firstInvalidUtf8', () => {
  const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  const isValid = (bytes: Uint8Array): boolean => {
    try {
      fatal.decode(bytes);
      return true;
    } catch {
      return false;
    }
  };

  it('scans only [start, end)', () => {
    const bytes = h('ff 61 c3a9 ff');
    expect(firstInvalidUtf8(bytes, 1, 4)).to.equal(-1);
    expect(firstInvalidUtf8(bytes, 0, 4)).to.equal(0);
    expect(firstInvalidUtf8(bytes, 1, 5)).to.equal(4);
    expect(firstInvalidUtf8(bytes, 1, 3)).to.equal(2); // C3 cut off by `end`
  });

  // Random bytes are almost never valid UTF-8, so bias towards boundary bytes and
  // towards real UTF-8 with one byte changed.
  const interesting = fc.constantFrom(
    0x00,
    0x41,
    0x7f,
    0x80,
    0x8f,
    0x90,
    0x9f,
    0xa0,
    0xbf,
    0xc0,
    0xc1,
    0xc2,
    0xdf,
    0xe0,
    0xe1,
    0xec,
    0xed,
    0xee,
    0xef,
    0xf0,
    0xf1,
    0xf3,
    0xf4,
    0xf5,
    0xf8,
    0xfe,
    0xff,
  );
  const textBytes = fc
    .string({ unit: 'binary', maxLength: 12 })
    .map((s) => new TextEncoder().encode(s));
  const mutatedText = fc
    .tuple(textBytes, fc.nat(), fc.integer({ min: 0, max: 255 }))
    .map(([bytes, at, value]) => {
      if (bytes.length > 0) bytes[at % bytes.length] = value;
      return bytes;
    });
  const inputs = fc.oneof(
    fc.uint8Array({ maxLength: 16 }),
    fc.array(interesting, { maxLength: 12 }).map((b) => Uint8Array.from(b)),
    textBytes,
    mutatedText,
  );

  it('agrees with TextDecoder({fatal: true}) on validity and on the first bad offset', () => {
    fc.assert(
      fc.property(inputs, (bytes) => {
        const bad = firstInvalidUtf8(bytes, 0, bytes.length);
        expect(bad === -1, 'valid').to.equal(isValid(bytes));
        if (bad >= 0) {
          // Everything before the reported byte is valid UTF-8 on its own …
          expect(isValid(bytes.subarray(0, bad)), 'prefix valid').to.equal(true);
          // … and no longer prefix ending in a complete sequence is: the bad sequence starts there.
          for (let end = bad + 1; end <= Math.min(bad + 4, bytes.length); end++) {
            expect(isValid(bytes.subarray(0, end)), `prefix to ${end}`).to.equal(false);
          }
        }
        // The scanner reports the same offset, shifted by the text string's head.
        const item = cat([0x60 | Math.min(bytes.length, 23)], bytes.subarray(0, 23));
        const inner = firstInvalidUtf8(item, 1, item.length);
        if (inner === -1) scanProfile(item);
        else expectCode(() => scanProfile(item), 'CBOR_INVALID_UTF8', inner);
      }),
      { seed: 20_240_601, numRuns: 3000 },
    );
  });
});
