// Hostile inputs: deep nesting, huge declared lengths, tags that make cbor-x build
// objects or shared-reference graphs, and oversized envelopes. Each must be rejected
// with its code, early, and without memory growing with what the input declares.

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { expect } from 'chai';
import {
  decodeEnvelope,
  type ErrorCode,
  FIELD,
  LIMITS,
  parsePayload,
  scanProfile,
} from '../src/index.js';
import {
  cat,
  expectCode,
  h,
  payloadEntries,
  payloadOf,
  rawEnvelope,
  SIGNATURE,
} from './helpers.js';

const repeat = (pattern: readonly number[], times: number): Uint8Array => {
  const out = new Uint8Array(pattern.length * times);
  for (let i = 0; i < out.length; i++) out[i] = pattern[i % pattern.length]!;
  return out;
};
/** `levels` arrays, each holding the next: 81 81 … 80. */
const deepArrays = (levels: number) => cat(repeat([0x81], levels - 1), [0x80]);
/** `levels` maps, each {0: next}: a1 00 a1 00 … a0. */
const deepMaps = (levels: number) => cat(repeat([0xa1, 0x00], levels - 1), [0xa0]);

/** A valid payload whose body field (key 8) holds `value` instead of a byte string. */
function payloadWithBody(value: Uint8Array): Uint8Array {
  const entries = payloadEntries();
  entries.set(FIELD.body, value);
  return payloadOf(entries);
}

/** Where the body value starts inside `payloadWithBody(value)`. */
function bodyOffset(value: Uint8Array): number {
  const payload = payloadWithBody(value);
  return payload.length - value.length;
}

describe('hostile: 100,000-deep nesting', () => {
  const arrays = deepArrays(100_000);
  const maps = deepMaps(100_000);

  it('arrays and maps at the top level of a profile item stop at MAX_NESTING', () => {
    expectCode(() => scanProfile(arrays), 'CBOR_NESTING_TOO_DEEP', LIMITS.MAX_NESTING);
    expectCode(() => scanProfile(maps), 'CBOR_NESTING_TOO_DEEP', 2 * LIMITS.MAX_NESTING);
  });

  it('as the whole payload', () => {
    expectCode(() => parsePayload(arrays), 'CBOR_NESTING_TOO_DEEP', LIMITS.MAX_NESTING);
    expectCode(() => parsePayload(maps), 'CBOR_NESTING_TOO_DEEP', 2 * LIMITS.MAX_NESTING);
  });

  it('inside the payload, as the body value', () => {
    for (const deep of [arrays, maps]) {
      const payload = payloadWithBody(deep);
      expectCode(() => parsePayload(payload), 'CBOR_NESTING_TOO_DEEP');
    }
    // In an envelope, as deep as still fits under MAX_ENVELOPE_BYTES.
    const payload = payloadWithBody(deepArrays(60_000));
    expectCode(
      () => decodeEnvelope(rawEnvelope({ payload })),
      'CBOR_NESTING_TOO_DEEP',
      bodyOffset(deepArrays(60_000)) + LIMITS.MAX_NESTING - 1,
    );
  });

  it('at the top level of an envelope, tagged and untagged', () => {
    // Too large to be an envelope at all: rejected by size first.
    expectCode(() => decodeEnvelope(arrays), 'ENVELOPE_TOO_LARGE');
    expectCode(() => decodeEnvelope(maps), 'ENVELOPE_TOO_LARGE');
    // Within the size limit: the tag counts as one level, so the array at offset 4 is the 5th.
    const tagged = cat([0xd2], deepArrays(LIMITS.MAX_ENVELOPE_BYTES - 1));
    expectCode(() => decodeEnvelope(tagged), 'CBOR_NESTING_TOO_DEEP', LIMITS.MAX_NESTING);
    expectCode(
      () => decodeEnvelope(deepMaps(LIMITS.MAX_ENVELOPE_BYTES / 2)),
      'CBOR_NESTING_TOO_DEEP',
      2 * LIMITS.MAX_NESTING,
    );
  });

  it('in the unprotected header', () => {
    // d2 84 40 [a1 00 a1 00 …]: the header map sits at depth 2.
    const bytes = cat(h('d2 84 40'), deepMaps(30_000));
    expectCode(() => decodeEnvelope(bytes), 'CBOR_NESTING_TOO_DEEP', 3 + 2 * 2);
  });
});

describe('hostile: declared lengths far beyond a ~10-byte input', () => {
  const heads: [string, string][] = [
    ['bstr of 2^32-1', '5a ffffffff'],
    ['bstr of 2^32', '5b 0000000100000000'],
    ['bstr of 2^53-1', '5b 001fffffffffffff'],
    ['bstr of 2^64-1', '5b ffffffffffffffff'],
    ['tstr of 2^32', '7b 0000000100000000'],
    ['tstr of 2^64-1', '7b ffffffffffffffff'],
    ['array of 2^32', '9b 0000000100000000'],
    ['array of 2^64-1', '9b ffffffffffffffff'],
    ['map of 2^32', 'bb 0000000100000000'],
    ['map of 2^64-1', 'bb ffffffffffffffff'],
  ];

  for (const [name, head] of heads) {
    it(`${name}: CBOR_LENGTH_EXCEEDS_INPUT wherever it appears`, () => {
      const item = cat(h(head), [0x00]);
      expectCode(() => scanProfile(item), 'CBOR_LENGTH_EXCEEDS_INPUT', 0);
      expectCode(() => parsePayload(item), 'CBOR_LENGTH_EXCEEDS_INPUT', 0);
      // As the envelope array itself, as the protected header and as the payload.
      expectCode(() => decodeEnvelope(cat([0xd2], item)), 'CBOR_LENGTH_EXCEEDS_INPUT', 1);
      expectCode(() => decodeEnvelope(cat([0xd2, 0x84], item)), 'CBOR_LENGTH_EXCEEDS_INPUT', 2);
      expectCode(() => decodeEnvelope(cat(h('d2 84 40 a0'), item)), 'CBOR_LENGTH_EXCEEDS_INPUT', 4);
      // Inside the payload's body.
      expectCode(
        () => parsePayload(payloadWithBody(item)),
        'CBOR_LENGTH_EXCEEDS_INPUT',
        bodyOffset(item),
      );
    });
  }
});

describe('hostile: tags that make CBOR libraries build objects', () => {
  // Tag heads and a plausible content for each.
  const tags: [string, string, string][] = [
    ['27 (serialised object: cbor-x builds an Error)', 'd81b', '82 654572726f72 626869'],
    ['28 (shareable value)', 'd81c', '81 00'],
    ['29 (shared reference)', 'd81d', '00'],
    ['258 (set)', 'd90102', '82 01 02'],
    ['259 (map with any keys)', 'd90103', 'a1 00 00'],
    ['51 (packed CBOR: table setup)', 'd833', '82 80 00'],
    ['6 (packed CBOR: shared item)', 'c6', '00'],
  ];

  for (const [name, tagHead, content] of tags) {
    it(`tag ${name}: CBOR_TAG_DISALLOWED in the payload and around the envelope`, () => {
      const item = h(tagHead + content);
      const valid = rawEnvelope({ payload: payloadOf(payloadEntries()) });
      // In the payload, as a field value and as the payload itself.
      const payload = payloadWithBody(item);
      expectCode(() => parsePayload(payload), 'CBOR_TAG_DISALLOWED', bodyOffset(item));
      expectCode(() => decodeEnvelope(rawEnvelope({ payload })), 'CBOR_TAG_DISALLOWED');
      expectCode(
        () => parsePayload(cat(h(tagHead), payloadOf(payloadEntries()))),
        'CBOR_TAG_DISALLOWED',
        0,
      );
      // Around the whole envelope, between tag 18 and the array, and around an item.
      expectCode(() => decodeEnvelope(cat(h(tagHead), valid)), 'CBOR_TAG_DISALLOWED', 0);
      expectCode(
        () => decodeEnvelope(cat([0xd2], h(tagHead), valid.subarray(1))),
        'CBOR_TAG_DISALLOWED',
        1,
      );
      expectCode(
        () => decodeEnvelope(cat(valid.subarray(0, 2), h(tagHead), valid.subarray(2))),
        'CBOR_TAG_DISALLOWED',
        2,
      );
      // In the unprotected header, as a value.
      const unprotected = cat(h('a1 04'), item);
      expectCode(
        () => decodeEnvelope(rawEnvelope({ payload: payloadOf(payloadEntries()), unprotected })),
        'CBOR_TAG_DISALLOWED',
      );
    });
  }

  it('a shared-reference bomb (tags 28/29 doubling 30 times) is refused at its first tag', () => {
    // [28(["x"]), 28([29(0), 29(0)]), 28([29(1), 29(1)]), …]: expanded, 2^30 leaves.
    const levels = 30;
    const parts: Uint8Array[] = [h('98 1f'), h('d81c 81 6178')];
    for (let i = 0; i < levels; i++) {
      const ref = i < 24 ? [i] : [0x18, i];
      parts.push(cat(h('d81c 82 d81d'), ref, h('d81d'), ref));
    }
    const bomb = cat(...parts);
    expect(bomb.length).to.be.lessThan(400);
    expectCode(() => scanProfile(bomb), 'CBOR_TAG_DISALLOWED', 2);
    expectCode(() => decodeEnvelope(bomb), 'CBOR_TAG_DISALLOWED', 2);
    expectCode(() => decodeEnvelope(cat([0xd2], bomb)), 'CBOR_TAG_DISALLOWED', 3);
    expectCode(() => decodeEnvelope(cat(h('d81c'), bomb)), 'CBOR_TAG_DISALLOWED', 0);
    const payload = payloadWithBody(bomb);
    expectCode(() => parsePayload(payload), 'CBOR_TAG_DISALLOWED', bodyOffset(bomb) + 2);
    expectCode(() => decodeEnvelope(rawEnvelope({ payload })), 'CBOR_TAG_DISALLOWED');
  });
});

/** The V8 collector, so heap figures measure what is retained, not garbage. */
function collector(): () => void {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

describe('hostile: memory and order of checks', () => {
  it('1,000 rejections of a 2^32-length head leave memory flat', () => {
    const gc = collector();
    const bytes = h('d2 84 5b 0000000100000000 00');
    const reject = () => {
      for (let i = 0; i < 1000; i++) {
        try {
          decodeEnvelope(bytes);
          expect.fail('accepted');
        } catch (error) {
          if ((error as { code?: ErrorCode }).code !== 'CBOR_LENGTH_EXCEEDS_INPUT') throw error;
        }
      }
    };
    reject(); // warm up (compilation, inline caches)
    gc();
    const before = process.memoryUsage();
    reject();
    gc();
    const after = process.memoryUsage();
    const MiB = 1024 * 1024;
    expect(after.heapUsed - before.heapUsed, 'heapUsed growth').to.be.lessThan(2 * MiB);
    expect(after.arrayBuffers - before.arrayBuffers, 'arrayBuffers growth').to.be.lessThan(MiB);
  });

  it('a 70,000-byte input is ENVELOPE_TOO_LARGE before any byte is read', () => {
    const junk = new Uint8Array(70_000).fill(0xff);
    // The same bytes within the limit fail on their content …
    expectCode(
      () => decodeEnvelope(junk.subarray(0, LIMITS.MAX_ENVELOPE_BYTES)),
      'CBOR_UNEXPECTED_BREAK',
      0,
    );
    // … but over it, the size decides, and not one element is looked at.
    let reads = 0;
    const watched = new Proxy(junk, {
      get(target, key) {
        if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
        const value = Reflect.get(target, key);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    expect(watched).to.be.instanceOf(Uint8Array);
    expectCode(() => decodeEnvelope(watched), 'ENVELOPE_TOO_LARGE');
    expect(reads).to.equal(0);
  });

  it('an envelope of valid shape with a 70,000-byte payload is ENVELOPE_TOO_LARGE', () => {
    const bytes = rawEnvelope({ payload: new Uint8Array(70_000), signature: SIGNATURE });
    expectCode(() => decodeEnvelope(bytes), 'ENVELOPE_TOO_LARGE');
  });
});
