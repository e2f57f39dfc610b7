// decodeEnvelope on valid envelopes (checked against an independent construction of
// the Sig_structure and id), one hand-crafted envelope per envelope-layer code, and
// encodePayload's contract.

import { readFileSync } from 'node:fs';
import { sha256 } from '@noble/hashes/sha2.js';
import { Encoder, Tag } from 'cbor-x';
import { expect } from 'chai';
import {
  assembleEnvelope,
  type CborValue,
  decodeEnvelope,
  type EnvelopeFieldsInput,
  type ErrorCode,
  encodeCbor,
  encodePayload,
  FIELD,
  LIMITS,
  PROTECTED_HEADER,
  parsePayload,
  signedBytesFor,
} from '../src/index.js';
import {
  array,
  bstr,
  CHANNEL,
  cat,
  expectCode,
  filled,
  genesisFields,
  HAND_PROTECTED,
  h,
  map,
  nint,
  PREV,
  payloadEntries,
  payloadOf,
  rawEnvelope,
  SENDER,
  SIGNATURE,
  tag,
  tstr,
  uint,
  utf8,
} from './helpers.js';

/** ["Signature1", protected, h'', payload], written out byte by byte. */
function handSignedBytes(payload: Uint8Array): Uint8Array {
  return array(tstr('Signature1'), bstr(HAND_PROTECTED), bstr(new Uint8Array(0)), bstr(payload));
}

/** True if the array carries no own properties besides its elements. */
function hasOnlyElements(bytes: Uint8Array): boolean {
  return Reflect.ownKeys(bytes).length === bytes.length;
}

describe('decodeEnvelope: valid envelopes', () => {
  it('the hand-written protected header is PROTECTED_HEADER', () => {
    expect(PROTECTED_HEADER).to.deep.equal(HAND_PROTECTED);
    expect(PROTECTED_HEADER).to.deep.equal(
      h(
        'a2 01 32 10 7828 6170706c69636174696f6e2f686f746c696e652d656e76656c6f70652b63626f723b20763d302e31',
      ),
    );
  });

  it('assembleEnvelope writes 18([protected, {}, payload, signature])', () => {
    const payload = encodePayload(genesisFields());
    expect(assembleEnvelope(payload, SIGNATURE)).to.deep.equal(rawEnvelope({ payload }));
  });

  it('returns fields, payload, signature, signedBytes and id of a genesis envelope', () => {
    const payload = encodePayload(genesisFields());
    const bytes = assembleEnvelope(payload, SIGNATURE);
    const decoded = decodeEnvelope(bytes);

    expect(decoded.fields).to.deep.equal({
      version: 1,
      channel: CHANNEL,
      sender: SENDER,
      seq: 1,
      time: 1_700_000_000_000,
      kind: 3,
      body: utf8('hello'),
      precedence: 'routine',
    });
    expect('prev' in decoded.fields).to.equal(false);
    expect(decoded.payload).to.deep.equal(payload);
    expect(decoded.signature).to.deep.equal(SIGNATURE);
    const signed = handSignedBytes(payload);
    expect(decoded.signedBytes).to.deep.equal(signed);
    expect(signedBytesFor(payload)).to.deep.equal(signed);
    expect(decoded.id).to.deep.equal(sha256(signed));
    expect(decoded.bytes).to.deep.equal(bytes);
  });

  it('decodes a payload written by hand, with prev, to the same fields encodePayload takes', () => {
    const payload = payloadOf(payloadEntries());
    const fields: EnvelopeFieldsInput = { ...genesisFields(), seq: 2, prev: PREV };
    // The codec's encoder and the hand-written one agree byte for byte.
    expect(encodePayload(fields)).to.deep.equal(payload);
    const decoded = decodeEnvelope(rawEnvelope({ payload }));
    expect(decoded.fields.seq).to.equal(2);
    expect(decoded.fields.prev).to.deep.equal(PREV);
  });

  it('hands out frozen results and copies, never views into the input', () => {
    const bytes = assembleEnvelope(
      encodePayload({ ...genesisFields(), seq: 2, prev: PREV }),
      SIGNATURE,
    );
    const decoded = decodeEnvelope(bytes);
    expect(Object.isFrozen(decoded)).to.equal(true);
    expect(Object.isFrozen(decoded.fields)).to.equal(true);
    const before = decoded.fields.channel.slice();
    bytes.fill(0);
    expect(decoded.fields.channel).to.deep.equal(before);
    expect(decoded.fields.prev).to.deep.equal(PREV);
    expect(decoded.signature).to.deep.equal(SIGNATURE);
    expect(decoded.bytes[0]).to.equal(0xd2);
    expect(decoded.payload[0]! >> 5).to.equal(5);
  });

  it("adds no properties to the caller's bytes or to the returned arrays", () => {
    // cbor-x caches a DataView as a property on the array it decodes.
    const payload = encodePayload(genesisFields());
    const bytes = assembleEnvelope(payload, SIGNATURE);
    const decoded = decodeEnvelope(bytes);
    parsePayload(payload);
    for (const array of [bytes, payload, decoded.payload, decoded.bytes, decoded.fields.body]) {
      expect(hasOnlyElements(array)).to.equal(true);
    }
  });

  it('the id does not depend on the signature', () => {
    const payload = encodePayload(genesisFields());
    const a = decodeEnvelope(assembleEnvelope(payload, SIGNATURE));
    const b = decodeEnvelope(assembleEnvelope(payload, filled(64, 0xee)));
    expect(a.id).to.deep.equal(b.id);
  });

  it('throws TypeError on a non-Uint8Array input', () => {
    expect(() => decodeEnvelope('d284' as unknown as Uint8Array)).to.throw(TypeError);
    expect(() => decodeEnvelope([0xd2] as unknown as Uint8Array)).to.throw(TypeError);
  });
});

describe('assembleEnvelope', () => {
  it('throws TypeError / RangeError on wrong argument types and signature sizes', () => {
    const payload = encodePayload(genesisFields());
    expect(() => assembleEnvelope([] as unknown as Uint8Array, SIGNATURE)).to.throw(TypeError);
    expect(() => assembleEnvelope(payload, 'sig' as unknown as Uint8Array)).to.throw(TypeError);
    expect(() => assembleEnvelope(payload, filled(63, 1))).to.throw(RangeError);
    expect(() => assembleEnvelope(payload, filled(65, 1))).to.throw(RangeError);
  });

  it('refuses a payload the profile forbids, with its code', () => {
    expectCode(() => assembleEnvelope(h('80'), SIGNATURE), 'PAYLOAD_NOT_MAP');
    const entries = payloadEntries();
    entries.delete(FIELD.prev);
    expectCode(() => assembleEnvelope(payloadOf(entries), SIGNATURE), 'PREV_MISSING');
  });
});

// ---------------------------------------------------------------------------------------
// One crafted envelope per envelope-layer code.

interface EnvelopeCase {
  readonly name: string;
  readonly bytes: () => Uint8Array;
  readonly code: ErrorCode;
  readonly offset?: number;
}

/** A valid envelope whose payload has field `key` replaced by an encoded value (or removed). */
function withField(key: number, value: Uint8Array | undefined): Uint8Array {
  const entries = payloadEntries();
  if (value === undefined) entries.delete(key);
  else entries.set(key, value);
  return rawEnvelope({ payload: payloadOf(entries) });
}

const withProtected = (header: Uint8Array) =>
  rawEnvelope({ payload: payloadOf(payloadEntries()), protected: header });

const TYP = tstr('application/hotline-envelope+cbor; v=0.1');
const key = (byte: number) => filled(32, byte);
const validPayload = () => payloadOf(payloadEntries());
const validBody = () => rawEnvelope({ payload: validPayload() }).subarray(1); // the array without its tag
// cbor-x as an independent writer of tags around the envelope array.
const cborx = new Encoder({ useRecords: false, mapsAsObjects: false, tagUint8Array: false });

const envelopeCases: EnvelopeCase[] = [
  {
    name: 'one byte over MAX_ENVELOPE_BYTES',
    bytes: () => new Uint8Array(LIMITS.MAX_ENVELOPE_BYTES + 1),
    code: 'ENVELOPE_TOO_LARGE',
  },
  { name: 'the array without tag 18', bytes: validBody, code: 'ENVELOPE_UNTAGGED', offset: 0 },
  { name: 'an untagged empty map', bytes: () => h('a0'), code: 'ENVELOPE_UNTAGGED', offset: 0 },
  {
    name: 'tag 17 (COSE_Mac0) instead of 18',
    bytes: () => cat([0xd1], validBody()),
    code: 'CBOR_TAG_DISALLOWED',
    offset: 0,
  },
  {
    name: 'tag 17 around tag 18, written by cbor-x',
    bytes: () => {
      const written = new Uint8Array(cborx.encode(new Tag(new Tag(['x'], 18), 17)));
      expect(written.subarray(0, 2)).to.deep.equal(h('d1 d2'));
      return written;
    },
    code: 'CBOR_TAG_DISALLOWED',
    offset: 0,
  },
  {
    name: 'tag 17 inside tag 18',
    bytes: () => cat([0xd2, 0xd1], validBody()),
    code: 'CBOR_TAG_DISALLOWED',
    offset: 1,
  },
  {
    name: 'self-described CBOR tag 55799 in front',
    bytes: () => cat(h('d9 d9f7 d2'), validBody()),
    code: 'CBOR_TAG_DISALLOWED',
    offset: 0,
  },
  {
    name: 'tag 18 in a non-shortest head',
    bytes: () => cat(h('d8 12'), validBody()),
    code: 'CBOR_NON_SHORTEST',
    offset: 0,
  },
  {
    name: 'tag 18 around 3 items',
    bytes: () => tag(18, array(bstr(HAND_PROTECTED), map(), bstr(validPayload()))),
    code: 'ENVELOPE_STRUCTURE',
    offset: 1,
  },
  {
    name: 'tag 18 around 5 items',
    bytes: () =>
      tag(18, array(bstr(HAND_PROTECTED), map(), bstr(validPayload()), bstr(SIGNATURE), uint(0))),
    code: 'ENVELOPE_STRUCTURE',
    offset: 1,
  },
  {
    name: 'tag 18 around a map',
    bytes: () => tag(18, map([uint(1), bstr(HAND_PROTECTED)])),
    code: 'ENVELOPE_STRUCTURE',
    offset: 1,
  },
  {
    name: 'protected header as a map, not a bstr',
    bytes: () => tag(18, array(HAND_PROTECTED, map(), bstr(validPayload()), bstr(SIGNATURE))),
    code: 'ENVELOPE_STRUCTURE',
    offset: 2,
  },
  {
    name: 'unprotected header as a bstr',
    bytes: () =>
      tag(18, array(bstr(HAND_PROTECTED), bstr(h('a0')), bstr(validPayload()), bstr(SIGNATURE))),
    code: 'ENVELOPE_STRUCTURE',
    offset: 2 + 2 + HAND_PROTECTED.length,
  },
  {
    name: 'payload as a map, not a bstr',
    bytes: () => tag(18, array(bstr(HAND_PROTECTED), map(), validPayload(), bstr(SIGNATURE))),
    code: 'ENVELOPE_STRUCTURE',
  },
  {
    name: 'signature as a tstr',
    bytes: () =>
      tag(18, array(bstr(HAND_PROTECTED), map(), bstr(validPayload()), tstr('x'.repeat(64)))),
    code: 'ENVELOPE_STRUCTURE',
  },
  {
    name: 'protected header is an array',
    bytes: () => withProtected(array(uint(1), nint(-19))),
    code: 'HEADER_MALFORMED',
  },
  {
    name: 'protected header is a uint',
    bytes: () => withProtected(uint(1)),
    code: 'HEADER_MALFORMED',
  },
  {
    name: 'protected header with an extra label 4 (kid)',
    bytes: () =>
      withProtected(map([uint(1), nint(-19)], [uint(4), bstr(h('01'))], [uint(16), TYP])),
    code: 'HEADER_LABEL_UNKNOWN',
  },
  {
    name: 'protected header with label 3 (content type) instead of typ',
    bytes: () => withProtected(map([uint(1), nint(-19)], [uint(3), TYP])),
    code: 'HEADER_LABEL_UNKNOWN',
  },
  {
    name: 'protected header without alg',
    bytes: () => withProtected(map([uint(16), TYP])),
    code: 'HEADER_LABEL_MISSING',
  },
  {
    name: 'protected header without typ',
    bytes: () => withProtected(map([uint(1), nint(-19)])),
    code: 'HEADER_LABEL_MISSING',
  },
  {
    name: 'empty protected header (zero-length bstr)',
    bytes: () => withProtected(new Uint8Array(0)),
    code: 'HEADER_LABEL_MISSING',
  },
  { name: 'protected header {}', bytes: () => withProtected(map()), code: 'HEADER_LABEL_MISSING' },
  {
    name: 'alg ES256 (-7)',
    bytes: () => withProtected(map([uint(1), nint(-7)], [uint(16), TYP])),
    code: 'HEADER_ALG_UNSUPPORTED',
  },
  {
    name: 'alg as text "EdDSA"',
    bytes: () => withProtected(map([uint(1), tstr('EdDSA')], [uint(16), TYP])),
    code: 'HEADER_ALG_UNSUPPORTED',
  },
  {
    name: 'typ of another version',
    bytes: () =>
      withProtected(
        map([uint(1), nint(-19)], [uint(16), tstr('application/hotline-envelope+cbor; v=0.2')]),
      ),
    code: 'HEADER_TYPE_MISMATCH',
  },
  {
    name: 'typ as a CoAP content-format number',
    bytes: () => withProtected(map([uint(1), nint(-19)], [uint(16), uint(18)])),
    code: 'HEADER_TYPE_MISMATCH',
  },
  {
    name: 'unprotected header {4: kid}',
    bytes: () =>
      rawEnvelope({ payload: validPayload(), unprotected: map([uint(4), bstr(h('01'))]) }),
    code: 'HEADER_UNPROTECTED_NOT_EMPTY',
    offset: 2 + 2 + HAND_PROTECTED.length,
  },
  {
    name: '63-byte signature',
    bytes: () => rawEnvelope({ payload: validPayload(), signature: filled(63, 1) }),
    code: 'SIGNATURE_SIZE',
  },
  {
    name: '65-byte signature',
    bytes: () => rawEnvelope({ payload: validPayload(), signature: filled(65, 1) }),
    code: 'SIGNATURE_SIZE',
  },
  {
    name: 'empty signature',
    bytes: () => rawEnvelope({ payload: validPayload(), signature: new Uint8Array(0) }),
    code: 'SIGNATURE_SIZE',
  },
  {
    name: 'payload is an array',
    bytes: () => rawEnvelope({ payload: h('80') }),
    code: 'PAYLOAD_NOT_MAP',
  },
  {
    name: 'payload is a uint',
    bytes: () => rawEnvelope({ payload: h('01') }),
    code: 'PAYLOAD_NOT_MAP',
  },
  {
    name: 'payload is a bstr holding the map',
    bytes: () => rawEnvelope({ payload: bstr(validPayload()) }),
    code: 'PAYLOAD_NOT_MAP',
  },
  { name: 'unknown field key 13', bytes: () => withField(13, uint(0)), code: 'FIELD_UNKNOWN' },
  { name: 'unknown field key 0', bytes: () => withField(0, uint(0)), code: 'FIELD_UNKNOWN' },
  {
    name: 'channel as text',
    bytes: () => withField(FIELD.channel, tstr('c'.repeat(32))),
    code: 'FIELD_TYPE',
  },
  { name: 'seq negative', bytes: () => withField(FIELD.seq, nint(-2)), code: 'FIELD_TYPE' },
  { name: 'time as bytes', bytes: () => withField(FIELD.time, bstr(h('01'))), code: 'FIELD_TYPE' },
  { name: 'body as text', bytes: () => withField(FIELD.body, tstr('hello')), code: 'FIELD_TYPE' },
  {
    name: 'version as an array',
    bytes: () => withField(FIELD.version, array(uint(1))),
    code: 'FIELD_TYPE',
  },
  { name: 'kind as a map', bytes: () => withField(FIELD.kind, map()), code: 'FIELD_TYPE' },
  {
    name: 'precedence as text',
    bytes: () => withField(FIELD.precedence, tstr('flash')),
    code: 'FIELD_TYPE',
  },
  {
    name: 'recipients as bytes',
    bytes: () => withField(FIELD.recipients, bstr(key(1))),
    code: 'FIELD_TYPE',
  },
  {
    name: 'a recipient as a uint',
    bytes: () => withField(FIELD.recipients, array(bstr(key(1)), uint(2))),
    code: 'FIELD_TYPE',
  },
  {
    name: 'channel of 31 bytes',
    bytes: () => withField(FIELD.channel, bstr(key(1).subarray(1))),
    code: 'FIELD_SIZE',
  },
  {
    name: 'sender of 33 bytes',
    bytes: () => withField(FIELD.sender, bstr(filled(33, 1))),
    code: 'FIELD_SIZE',
  },
  {
    name: 'prev of 0 bytes',
    bytes: () => withField(FIELD.prev, bstr(new Uint8Array(0))),
    code: 'FIELD_SIZE',
  },
  {
    name: 'ref of 64 bytes',
    bytes: () => withField(FIELD.ref, bstr(filled(64, 1))),
    code: 'FIELD_SIZE',
  },
  {
    name: 'a recipient of 31 bytes',
    bytes: () => withField(FIELD.recipients, array(bstr(filled(31, 1)))),
    code: 'FIELD_SIZE',
  },
  ...(['version', 'channel', 'sender', 'seq', 'time', 'kind', 'body'] as const).map(
    (name): EnvelopeCase => ({
      name: `${name} missing`,
      bytes: () => withField(FIELD[name], undefined),
      code: 'FIELD_MISSING',
    }),
  ),
  {
    name: 'empty payload map',
    bytes: () => rawEnvelope({ payload: map() }),
    code: 'FIELD_MISSING',
  },
  {
    name: 'version 0',
    bytes: () => withField(FIELD.version, uint(0)),
    code: 'VERSION_UNSUPPORTED',
  },
  {
    name: 'version 2',
    bytes: () => withField(FIELD.version, uint(2)),
    code: 'VERSION_UNSUPPORTED',
  },
  { name: 'seq 0', bytes: () => withField(FIELD.seq, uint(0)), code: 'SEQ_ZERO' },
  { name: 'kind 0', bytes: () => withField(FIELD.kind, uint(0)), code: 'KIND_OUT_OF_RANGE' },
  {
    name: 'kind 65536',
    bytes: () => withField(FIELD.kind, uint(65536)),
    code: 'KIND_OUT_OF_RANGE',
  },
  {
    name: 'body of MAX_BODY_BYTES + 1',
    bytes: () => {
      const bytes = withField(FIELD.body, bstr(new Uint8Array(LIMITS.MAX_BODY_BYTES + 1)));
      expect(bytes.length).to.be.at.most(LIMITS.MAX_ENVELOPE_BYTES);
      return bytes;
    },
    code: 'BODY_TOO_LARGE',
  },
  {
    name: 'precedence 0',
    bytes: () => withField(FIELD.precedence, uint(0)),
    code: 'PRECEDENCE_UNKNOWN',
  },
  {
    name: 'precedence 4',
    bytes: () => withField(FIELD.precedence, uint(4)),
    code: 'PRECEDENCE_UNKNOWN',
  },
  {
    name: 'recipients []',
    bytes: () => withField(FIELD.recipients, array()),
    code: 'RECIPIENTS_EMPTY',
  },
  {
    name: 'MAX_RECIPIENTS + 1 recipients',
    bytes: () =>
      withField(
        FIELD.recipients,
        array(...Array.from({ length: LIMITS.MAX_RECIPIENTS + 1 }, (_, i) => bstr(key(i)))),
      ),
    code: 'RECIPIENTS_TOO_MANY',
  },
  {
    name: 'recipients descending',
    bytes: () => withField(FIELD.recipients, array(bstr(key(2)), bstr(key(1)))),
    code: 'RECIPIENTS_UNSORTED',
  },
  {
    name: 'recipients differing in the last byte only, descending',
    bytes: () =>
      withField(FIELD.recipients, array(bstr(cat(key(1).subarray(1), [2])), bstr(key(1)))),
    code: 'RECIPIENTS_UNSORTED',
  },
  {
    name: 'recipients with a duplicate',
    bytes: () => withField(FIELD.recipients, array(bstr(key(1)), bstr(key(2)), bstr(key(2)))),
    code: 'RECIPIENTS_DUPLICATE',
  },
  {
    name: 'prev at seq 1',
    bytes: () => withField(FIELD.seq, uint(1)),
    code: 'PREV_AT_GENESIS',
  },
  { name: 'no prev at seq 2', bytes: () => withField(FIELD.prev, undefined), code: 'PREV_MISSING' },
  {
    name: 'expiry equal to time',
    bytes: () => withField(FIELD.expiry, uint(1_700_000_000_000)),
    code: 'EXPIRY_NOT_AFTER_TIME',
  },
  {
    name: 'expiry before time',
    bytes: () => withField(FIELD.expiry, uint(0)),
    code: 'EXPIRY_NOT_AFTER_TIME',
  },
];

describe('decodeEnvelope: envelope-layer rejections', () => {
  for (const { name, bytes, code, offset } of envelopeCases) {
    it(`${name}: ${code}`, () => {
      const input = bytes();
      expectCode(() => decodeEnvelope(input), code, offset);
    });
  }

  it('the boundary cases next to the rejections are accepted', () => {
    decodeEnvelope(withField(FIELD.kind, uint(LIMITS.MAX_KIND)));
    decodeEnvelope(withField(FIELD.body, bstr(new Uint8Array(LIMITS.MAX_BODY_BYTES))));
    decodeEnvelope(withField(FIELD.expiry, uint(1_700_000_000_001)));
    decodeEnvelope(withField(FIELD.precedence, uint(3)));
    decodeEnvelope(
      withField(
        FIELD.recipients,
        array(...Array.from({ length: LIMITS.MAX_RECIPIENTS }, (_, i) => bstr(key(i)))),
      ),
    );
    // Exactly MAX_ENVELOPE_BYTES passes the size check (and fails later, on the bytes).
    expectCode(
      () => decodeEnvelope(new Uint8Array(LIMITS.MAX_ENVELOPE_BYTES)),
      'CBOR_TRAILING_BYTES',
      1,
    );
  });

  it('reports the first failing check in field order', () => {
    // seq 0 (key 4) is found before the unknown key 13 and the missing body (key 8).
    const entries = payloadEntries();
    entries.set(FIELD.seq, uint(0));
    entries.set(13, uint(0));
    entries.delete(FIELD.body);
    expectCode(() => decodeEnvelope(rawEnvelope({ payload: payloadOf(entries) })), 'SEQ_ZERO');
    // A bad protected header is reported before a bad signature size and a bad payload.
    expectCode(
      () =>
        decodeEnvelope(
          rawEnvelope({ protected: map(), payload: h('80'), signature: new Uint8Array(0) }),
        ),
      'HEADER_LABEL_MISSING',
    );
  });

  it('carries the payload field name on field errors', () => {
    const error = expectCode(
      () => decodeEnvelope(withField(FIELD.channel, bstr(filled(31, 1)))),
      'FIELD_SIZE',
    );
    expect(error.field).to.equal('channel');
  });

  it('exercises every "envelope"-layer code of the registry', () => {
    const registry = JSON.parse(
      readFileSync(new URL('../../../protocol/registries/errors.json', import.meta.url), 'utf8'),
    ) as { codes: { code: string; layer: string }[] };
    const codes = registry.codes.filter((c) => c.layer === 'envelope').map((c) => c.code);
    expect(codes).to.have.length.greaterThan(20);
    const covered = new Set<string>(envelopeCases.map((c) => c.code));
    expect(codes.filter((code) => !covered.has(code))).to.deep.equal([]);
  });
});

// ---------------------------------------------------------------------------------------

describe('encodePayload', () => {
  it('throws TypeError on wrong JavaScript types', () => {
    const base = genesisFields();
    const wrong: [string, unknown][] = [
      ['channel as a string', { ...base, channel: 'c'.repeat(32) }],
      ['channel as a number array', { ...base, channel: Array.from(CHANNEL) }],
      ['body as a string', { ...base, body: 'hello' }],
      ['seq as a string', { ...base, seq: '1' }],
      ['seq fractional', { ...base, seq: 1.5 }],
      ['seq NaN', { ...base, seq: Number.NaN }],
      ['seq 2^53', { ...base, seq: 2 ** 53 }],
      ['seq as a bigint', { ...base, seq: 1n }],
      ['time as a Date', { ...base, time: new Date() }],
      ['prev as a string', { ...base, seq: 2, prev: 'p' }],
      ['ref as an ArrayBuffer', { ...base, ref: new ArrayBuffer(32) }],
      ['expiry as a string', { ...base, expiry: '2' }],
      ['recipients not an array', { ...base, recipients: CHANNEL }],
      ['a recipient as a string', { ...base, recipients: ['r'] }],
      ['unknown precedence', { ...base, precedence: 'urgent' }],
      ['null', null],
      ['a string', 'fields'],
    ];
    for (const [name, input] of wrong) {
      expect(() => encodePayload(input as EnvelopeFieldsInput), name).to.throw(TypeError);
    }
  });

  it("throws the decoder's HotlineError on values the protocol forbids", () => {
    const base = genesisFields();
    const forbidden: [EnvelopeFieldsInput, ErrorCode][] = [
      [{ ...base, seq: 0 }, 'SEQ_ZERO'],
      [{ ...base, channel: filled(31, 1) }, 'FIELD_SIZE'],
      [{ ...base, sender: filled(33, 1) }, 'FIELD_SIZE'],
      [{ ...base, ref: filled(16, 1) }, 'FIELD_SIZE'],
      [{ ...base, prev: PREV }, 'PREV_AT_GENESIS'],
      [{ ...base, seq: 2 }, 'PREV_MISSING'],
      [{ ...base, kind: 0 }, 'KIND_OUT_OF_RANGE'],
      [{ ...base, kind: 65_536 }, 'KIND_OUT_OF_RANGE'],
      [{ ...base, version: 2 }, 'VERSION_UNSUPPORTED'],
      [{ ...base, time: -1 }, 'FIELD_TYPE'],
      [{ ...base, seq: -1 }, 'FIELD_TYPE'],
      [{ ...base, body: new Uint8Array(LIMITS.MAX_BODY_BYTES + 1) }, 'BODY_TOO_LARGE'],
      [{ ...base, recipients: [] }, 'RECIPIENTS_EMPTY'],
      [{ ...base, recipients: [key(1), key(1)] }, 'RECIPIENTS_DUPLICATE'],
      [
        {
          ...base,
          recipients: Array.from({ length: LIMITS.MAX_RECIPIENTS + 1 }, (_, i) => key(i)),
        },
        'RECIPIENTS_TOO_MANY',
      ],
      [{ ...base, expiry: base.time }, 'EXPIRY_NOT_AFTER_TIME'],
    ];
    for (const [input, code] of forbidden) expectCode(() => encodePayload(input), code);
  });

  it("sorts recipients bytewise without touching the caller's array", () => {
    const recipients = [key(3), cat(key(1).subarray(1), [2]), key(1)];
    const decoded = parsePayload(encodePayload({ ...genesisFields(), recipients }));
    expect(decoded.recipients).to.deep.equal([key(1), cat(key(1).subarray(1), [2]), key(3)]);
    expect(recipients[0]).to.deep.equal(key(3));
    // Any order of the same keys gives the same bytes.
    expect(encodePayload({ ...genesisFields(), recipients })).to.deep.equal(
      encodePayload({ ...genesisFields(), recipients: [...recipients].reverse() }),
    );
  });

  it("omits the field for 'routine' precedence and writes the others", () => {
    const plain = encodePayload(genesisFields());
    expect(encodePayload({ ...genesisFields(), precedence: 'routine' })).to.deep.equal(plain);
    expect(parsePayload(plain).precedence).to.equal('routine');
    for (const [level, value] of [
      ['flash', 1],
      ['immediate', 2],
      ['priority', 3],
    ] as const) {
      const bytes = encodePayload({ ...genesisFields(), precedence: level });
      const entries = payloadEntries();
      entries.set(FIELD.seq, uint(1));
      entries.delete(FIELD.prev);
      entries.set(FIELD.precedence, uint(value));
      expect(bytes, level).to.deep.equal(payloadOf(entries));
      expect(parsePayload(bytes).precedence).to.equal(level);
    }
  });

  it('round-trips every optional field', () => {
    const input: EnvelopeFieldsInput = {
      ...genesisFields(),
      seq: 7,
      prev: PREV,
      precedence: 'immediate',
      ref: key(0x4e),
      expiry: 1_700_000_060_000,
      recipients: [key(0xaa), key(0x0b)],
    };
    const decoded = decodeEnvelope(assembleEnvelope(encodePayload(input), SIGNATURE)).fields;
    expect(decoded).to.deep.equal({
      version: 1,
      channel: CHANNEL,
      sender: SENDER,
      seq: 7,
      prev: PREV,
      time: 1_700_000_000_000,
      kind: 3,
      body: utf8('hello'),
      precedence: 'immediate',
      ref: key(0x4e),
      expiry: 1_700_000_060_000,
      recipients: [key(0x0b), key(0xaa)],
    });
    expect(Object.isFrozen(decoded.recipients)).to.equal(true);
  });

  it('round-trips the largest integers, 2^53-1, in 8-byte heads', () => {
    const max = Number.MAX_SAFE_INTEGER;
    const payload = encodePayload({
      ...genesisFields(),
      seq: max,
      prev: PREV,
      time: max - 1,
      expiry: max,
    });
    const decoded = decodeEnvelope(assembleEnvelope(payload, SIGNATURE)).fields;
    expect([decoded.seq, decoded.time, decoded.expiry]).to.deep.equal([max, max - 1, max]);
    const entries = payloadEntries();
    entries.set(FIELD.seq, h('1b 001fffffffffffff'));
    entries.set(FIELD.time, h('1b 001ffffffffffffe'));
    entries.set(FIELD.expiry, h('1b 001fffffffffffff'));
    expect(payload).to.deep.equal(payloadOf(entries));
  });

  it('writes 2^32 as an integer in an 8-byte head, never as a float', () => {
    const payload = encodePayload({ ...genesisFields(), time: 2 ** 32 });
    expect(hasSubarray(payload, h('06 1b 0000000100000000'))).to.equal(true);
    expect(parsePayload(payload).time).to.equal(2 ** 32);
  });

  it('accepts Node Buffers and writes the same bytes as for plain arrays', () => {
    const plain = encodePayload(genesisFields());
    const buffers = encodePayload({
      ...genesisFields(),
      channel: Buffer.from(CHANNEL),
      body: Buffer.from('hello'),
    });
    expect(buffers).to.deep.equal(plain);
    expect(buffers.constructor).to.equal(Uint8Array);
  });

  it('returns bytes that later encodes never overwrite (not the encoder buffer itself)', () => {
    const a = encodePayload(genesisFields());
    const before = Uint8Array.from(a);
    const b = encodePayload({ ...genesisFields(), kind: 4 });
    for (let i = 0; i < 1000; i++) encodePayload({ ...genesisFields(), seq: 1, time: i });
    expect(a).to.not.deep.equal(b);
    expect(a).to.deep.equal(before);
    // Small results may share a slab (see lib/alloc.ts) but never overlap.
    if (a.buffer === b.buffer) {
      const apart =
        a.byteOffset + a.length <= b.byteOffset || b.byteOffset + b.length <= a.byteOffset;
      expect(apart).to.equal(true);
    }
  });
});

function hasSubarray(haystack: Uint8Array, needle: Uint8Array): boolean {
  return Buffer.from(haystack).indexOf(Buffer.from(needle)) >= 0;
}

// Documents that values outside the profile's data model are refused by the writer too.
describe('encodeCbor (writer used by encodePayload)', () => {
  it('refuses non-integers and integers beyond ±(2^53-1)', () => {
    expect(() => encodeCbor(1.5)).to.throw(RangeError);
    expect(() => encodeCbor(2 ** 53)).to.throw(RangeError);
    expect(() => encodeCbor(2n ** 53n)).to.throw(RangeError);
    expect(() => encodeCbor(true as unknown as CborValue)).to.throw(TypeError);
    expect(encodeCbor(-(2 ** 53 - 1))).to.deep.equal(h('3b 001ffffffffffffe'));
    expect(
      encodeCbor(
        new Map([
          [2, 0],
          [1, 0],
        ]),
      ),
    ).to.deep.equal(h('a2 01 00 02 00'));
  });
});
