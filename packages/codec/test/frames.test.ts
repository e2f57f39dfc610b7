// Relay frames (spec/07-relay.md): exact bytes of every frame type, the registry in
// protocol/registries/frames.json, one rejection per decoder step, hostile mutations
// that only ever yield a coded error, and the domain separation of the auth statement.

import { readFileSync } from 'node:fs';
import * as ed from '@noble/ed25519';
import { sha256 } from '@noble/hashes/sha2.js';
import { expect } from 'chai';
import fc from 'fast-check';
import {
  AUTH_PROFILE,
  AUTH_TYP,
  authStatement,
  checkpointSignedBytes,
  decodeFrame,
  ERROR_CODES,
  type ErrorCode,
  encodeAuthPayload,
  encodeFrame,
  FRAME,
  FRAME_LAYOUTS,
  type Frame,
  type FrameFieldKind,
  type FrameType,
  HotlineError,
  LIMITS,
  signedBytesFor,
  sigStructure,
} from '../src/index.js';
import {
  array,
  bstr,
  cat,
  expectCode,
  filled,
  h,
  head,
  hex,
  map,
  nint,
  tag,
  tstr,
  uint,
  utf8,
} from './helpers.js';

const registry = JSON.parse(
  readFileSync(new URL('../../../protocol/registries/frames.json', import.meta.url), 'utf8'),
) as {
  frames: {
    value: number;
    name: string;
    from: string;
    requestId: string;
    fields: { name: string; type: string; size?: number }[];
  }[];
  errorDetail: { key: number; name: string; type: string; size?: number; maxBytes?: number }[];
};

const KEY = filled(32, 0x4b);
const NONCE = filled(32, 0x6e);
const CHANNEL = filled(32, 0xc1);
const SIG = Uint8Array.from({ length: 64 }, (_, i) => i);
const ENVELOPE = h('d2 84 40 a0 40 40'); // opaque to frames: any bytes
const HASH_A = filled(32, 0xaa);
const HASH_B = filled(32, 0xbb);
const T = 1_700_000_000_000;
const BIG = Number.MAX_SAFE_INTEGER;

/** One valid frame of every type, and its bytes written by hand (independent of cbor-x). */
const SAMPLES: { frame: Frame; bytes: Uint8Array }[] = [
  {
    frame: { type: 'challenge', requestId: 0, relay: KEY, nonce: NONCE, time: T } as Frame,
    bytes: array(uint(1), uint(0), bstr(KEY), bstr(NONCE), uint(T)),
  },
  {
    frame: { type: 'auth', requestId: 1, client: KEY, signature: SIG } as Frame,
    bytes: array(uint(2), uint(1), bstr(KEY), bstr(SIG)),
  },
  {
    frame: {
      type: 'welcome',
      requestId: 1,
      time: T,
      maxFrameBytes: 70656,
      maxSubscriptions: 64,
      publishRate: 100,
      idleTimeout: 90_000,
    } as Frame,
    bytes: array(uint(3), uint(1), uint(T), uint(70656), uint(64), uint(100), uint(90_000)),
  },
  {
    frame: {
      type: 'error',
      requestId: 9,
      code: 'CHAIN_FORK',
      detail: {
        message: 'fork at seq 4 — kept',
        field: 'seq',
        offset: 0,
        expected: 4,
        size: 2 ** 40,
        limit: 1,
        retryAfter: 500,
        id: HASH_A,
        index: BIG,
      },
    } as Frame,
    bytes: array(
      uint(4),
      uint(9),
      tstr('CHAIN_FORK'),
      map(
        [uint(1), tstr('fork at seq 4 — kept')],
        [uint(2), tstr('seq')],
        [uint(3), uint(0)],
        [uint(4), uint(4)],
        [uint(5), uint(2 ** 40)],
        [uint(6), uint(1)],
        [uint(7), uint(500)],
        [uint(8), bstr(HASH_A)],
        [uint(9), uint(BIG)],
      ),
    ),
  },
  {
    frame: { type: 'error', requestId: 0, code: 'SLOW_CONSUMER', detail: {} } as Frame,
    bytes: array(uint(4), uint(0), tstr('SLOW_CONSUMER'), map()),
  },
  {
    frame: { type: 'publish', requestId: BIG, envelope: ENVELOPE } as Frame,
    bytes: array(uint(5), uint(BIG), bstr(ENVELOPE)),
  },
  {
    frame: { type: 'receipt', requestId: 2, receipt: h('a0') } as Frame,
    bytes: array(uint(6), uint(2), bstr(h('a0'))),
  },
  {
    frame: { type: 'subscribe', requestId: 3, channel: CHANNEL, cursor: 0 } as Frame,
    bytes: array(uint(7), uint(3), bstr(CHANNEL), uint(0)),
  },
  {
    frame: {
      type: 'deliver',
      requestId: 3,
      channel: CHANNEL,
      index: 2 ** 32,
      envelope: new Uint8Array(0),
    } as Frame,
    bytes: array(uint(8), uint(3), bstr(CHANNEL), uint(2 ** 32), bstr(new Uint8Array(0))),
  },
  {
    frame: { type: 'end-of-backfill', requestId: 3, channel: CHANNEL, next: 17 } as Frame,
    bytes: array(uint(9), uint(3), bstr(CHANNEL), uint(17)),
  },
  {
    frame: { type: 'unsubscribe', requestId: 4, channel: CHANNEL } as Frame,
    bytes: array(uint(10), uint(4), bstr(CHANNEL)),
  },
  {
    frame: { type: 'unsubscribed', requestId: 4, channel: CHANNEL } as Frame,
    bytes: array(uint(11), uint(4), bstr(CHANNEL)),
  },
  {
    frame: { type: 'checkpoint-request', requestId: 5, channel: CHANNEL } as Frame,
    bytes: array(uint(12), uint(5), bstr(CHANNEL)),
  },
  {
    frame: { type: 'checkpoint', requestId: 5, checkpoint: h('d2') } as Frame,
    bytes: array(uint(13), uint(5), bstr(h('d2'))),
  },
  {
    frame: {
      type: 'inclusion-request',
      requestId: 6,
      channel: CHANNEL,
      index: 2,
      size: 3,
    } as Frame,
    bytes: array(uint(14), uint(6), bstr(CHANNEL), uint(2), uint(3)),
  },
  {
    frame: { type: 'inclusion-proof', requestId: 6, index: 2, size: 3, proof: [HASH_A] } as Frame,
    bytes: array(uint(15), uint(6), uint(2), uint(3), array(bstr(HASH_A))),
  },
  {
    frame: {
      type: 'consistency-request',
      requestId: 7,
      channel: CHANNEL,
      fromSize: 0,
      toSize: 3,
    } as Frame,
    bytes: array(uint(16), uint(7), bstr(CHANNEL), uint(0), uint(3)),
  },
  {
    frame: {
      type: 'consistency-proof',
      requestId: 7,
      fromSize: 2,
      toSize: 3,
      proof: [HASH_A, HASH_B],
    } as Frame,
    bytes: array(uint(17), uint(7), uint(2), uint(3), array(bstr(HASH_A), bstr(HASH_B))),
  },
];

const sampleOf = (type: FrameType): Frame => SAMPLES.find((s) => s.frame.type === type)!.frame;

describe('frames: round trip', () => {
  it('has a sample of every registered frame type', () => {
    expect(new Set(SAMPLES.map((s) => s.frame.type))).to.deep.equal(new Set(Object.keys(FRAME)));
  });

  for (const { frame, bytes } of SAMPLES) {
    it(`${frame.type} (requestId ${frame.requestId}): encodes to the hand-written bytes and back`, () => {
      expect(encodeFrame(frame)).to.deep.equal(bytes);
      const decoded = decodeFrame(bytes);
      expect(decoded).to.deep.equal(frame);
      expect(Object.isFrozen(decoded)).to.equal(true);
      expect(encodeFrame(decoded)).to.deep.equal(bytes);
    });
  }

  it('hands out copies: changing the input afterwards changes nothing', () => {
    const bytes = encodeFrame(sampleOf('deliver'));
    const decoded = decodeFrame(bytes) as Extract<Frame, { type: 'deliver' }>;
    bytes.fill(0);
    expect(decoded.channel).to.deep.equal(CHANNEL);
  });

  it('a maximal deliver (every integer 2^53-1, a MAX_ENVELOPE_BYTES envelope) fits in MAX_FRAME_BYTES', () => {
    const bytes = encodeFrame({
      type: 'deliver',
      requestId: BIG,
      channel: CHANNEL,
      index: BIG,
      envelope: new Uint8Array(LIMITS.MAX_ENVELOPE_BYTES),
    } as Frame);
    expect(bytes.length).to.be.at.most(LIMITS.MAX_FRAME_BYTES);
    expect(LIMITS.MAX_FRAME_BYTES).to.equal(LIMITS.MAX_ENVELOPE_BYTES + 1024);
    expect(decodeFrame(bytes).type).to.equal('deliver');
  });

  it('every registered error code travels in an error frame', () => {
    for (const code of ERROR_CODES) {
      const frame = { type: 'error', requestId: 1, code, detail: {} } as Frame;
      expect(decodeFrame(encodeFrame(frame))).to.deep.equal(frame);
    }
  });
});

describe('frames: registry', () => {
  const kindOf = (field: { type: string; size?: number }): FrameFieldKind => {
    if (field.type === 'bstr' && field.size === 32) return 'key';
    if (field.type === 'bstr' && field.size === 64) return 'signature';
    if (field.type === 'bstr' && field.size === undefined) return 'bytes';
    return field.type as FrameFieldKind;
  };

  it('FRAME is the registry, and every value is below 24 (a one-byte head)', () => {
    expect(FRAME).to.deep.equal(Object.fromEntries(registry.frames.map((f) => [f.name, f.value])));
    for (const value of Object.values(FRAME)) expect(value).to.be.within(1, 23);
  });

  it('FRAME_LAYOUTS agree with frames.json: direction, request ids, fields and their kinds', () => {
    expect(Object.keys(FRAME_LAYOUTS)).to.have.members(registry.frames.map((f) => f.name));
    for (const entry of registry.frames) {
      const layout = FRAME_LAYOUTS[entry.name as FrameType];
      expect(layout.value, entry.name).to.equal(entry.value);
      expect(layout.from, entry.name).to.equal(entry.from);
      expect(layout.requestId, entry.name).to.equal(entry.requestId);
      expect(
        layout.fields.map(([name, kind]) => [name, kind]),
        entry.name,
      ).to.deep.equal(entry.fields.map((f) => [f.name, kindOf(f)]));
    }
  });

  it('every errorDetail key of frames.json decodes to its named member; the next key does not', () => {
    for (const entry of registry.errorDetail) {
      const value =
        entry.type === 'uint' ? uint(7) : entry.type === 'tstr' ? tstr('x') : bstr(HASH_A);
      const bytes = array(uint(4), uint(1), tstr('RATE_LIMITED'), map([uint(entry.key), value]));
      const frame = decodeFrame(bytes) as Extract<Frame, { type: 'error' }>;
      expect(Object.keys(frame.detail), entry.name).to.deep.equal([entry.name]);
    }
    const next = Math.max(...registry.errorDetail.map((e) => e.key)) + 1;
    const bytes = array(uint(4), uint(1), tstr('RATE_LIMITED'), map([uint(next), uint(0)]));
    expect(expectCode(() => decodeFrame(bytes), 'FRAME_MALFORMED').field).to.equal('detail');
  });

  it('the relay-layer codes include every code the frame decoder raises', () => {
    const errors = JSON.parse(
      readFileSync(new URL('../../../protocol/registries/errors.json', import.meta.url), 'utf8'),
    ) as { codes: { code: string; layer: string }[] };
    const relay = errors.codes.filter((c) => c.layer === 'relay').map((c) => c.code);
    expect(relay).to.include.members([
      'FRAME_TOO_LARGE',
      'FRAME_MALFORMED',
      'FRAME_TYPE_UNKNOWN',
      'FRAME_UNEXPECTED',
    ]);
  });
});

// ---------------------------------------------------------------------------------------

const sub = (...rest: Uint8Array[]) => array(uint(7), uint(3), ...rest);
const err = (code: Uint8Array, detail: Uint8Array) => array(uint(4), uint(1), code, detail);
const proof = (hashes: Uint8Array) => array(uint(15), uint(6), uint(2), uint(3), hashes);

/** [description, bytes, code, field] — the field the error names, for FRAME_MALFORMED. */
const REJECTIONS: [string, Uint8Array, ErrorCode, string?][] = [
  // W2: the CBOR profile, before any frame rule.
  ['empty input', new Uint8Array(0), 'CBOR_TRUNCATED'],
  ['a float', array(uint(1), h('f93c00')), 'CBOR_FLOAT'],
  [
    'a tag anywhere (even 18)',
    tag(18, array(uint(5), uint(1), bstr(ENVELOPE))),
    'CBOR_TAG_DISALLOWED',
  ],
  ['an indefinite array', h('9f 05 01 40 ff'), 'CBOR_INDEFINITE_LENGTH'],
  ['a non-shortest type', h('83 1805 01 40'), 'CBOR_NON_SHORTEST'],
  ['a request id above 2^53-1', h('83 05 1b0020000000000000 40'), 'CBOR_INT_OUT_OF_RANGE'],
  ['trailing bytes', cat(array(uint(10), uint(1), bstr(CHANNEL)), h('00')), 'CBOR_TRAILING_BYTES'],
  [
    'a text map key in detail',
    err(tstr('RATE_LIMITED'), map([tstr('a'), uint(1)])),
    'CBOR_MAP_KEY_TYPE',
  ],
  // W3–W9
  ['a map, not an array', map([uint(1), uint(1)]), 'FRAME_MALFORMED', 'frame'],
  ['a bare uint', uint(5), 'FRAME_MALFORMED', 'frame'],
  ['an empty array', array(), 'FRAME_MALFORMED', 'type'],
  ['a negative type', array(nint(-1), uint(1)), 'FRAME_MALFORMED', 'type'],
  ['a text type', array(tstr('publish'), uint(1), bstr(ENVELOPE)), 'FRAME_MALFORMED', 'type'],
  ['type 0 (reserved)', array(uint(0), uint(1)), 'FRAME_TYPE_UNKNOWN'],
  ['type 18 (unassigned)', array(uint(18), uint(1)), 'FRAME_TYPE_UNKNOWN'],
  ['type 2^53-1', array(uint(BIG)), 'FRAME_TYPE_UNKNOWN'],
  ['no request id', array(uint(5)), 'FRAME_MALFORMED', 'frame'],
  ['one element too few', array(uint(7), uint(3), bstr(CHANNEL)), 'FRAME_MALFORMED', 'frame'],
  ['one element too many', sub(bstr(CHANNEL), uint(0), uint(0)), 'FRAME_MALFORMED', 'frame'],
  [
    'a negative request id',
    array(uint(5), nint(-1), bstr(ENVELOPE)),
    'FRAME_MALFORMED',
    'requestId',
  ],
  [
    'a bstr request id',
    array(uint(5), bstr(h('01')), bstr(ENVELOPE)),
    'FRAME_MALFORMED',
    'requestId',
  ],
  [
    'request id 0 on a request',
    array(uint(5), uint(0), bstr(ENVELOPE)),
    'FRAME_MALFORMED',
    'requestId',
  ],
  [
    'request id 0 on an answer',
    array(uint(6), uint(0), bstr(h('a0'))),
    'FRAME_MALFORMED',
    'requestId',
  ],
  [
    'request id 1 on a challenge',
    array(uint(1), uint(1), bstr(KEY), bstr(NONCE), uint(T)),
    'FRAME_MALFORMED',
    'requestId',
  ],
  ['a 31-byte channel', sub(bstr(filled(31, 1)), uint(0)), 'FRAME_MALFORMED', 'channel'],
  ['a 33-byte channel', sub(bstr(filled(33, 1)), uint(0)), 'FRAME_MALFORMED', 'channel'],
  ['a text channel', sub(tstr('c'.repeat(32)), uint(0)), 'FRAME_MALFORMED', 'channel'],
  ['a negative cursor', sub(bstr(CHANNEL), nint(-1)), 'FRAME_MALFORMED', 'cursor'],
  ['a bstr cursor', sub(bstr(CHANNEL), bstr(h('00'))), 'FRAME_MALFORMED', 'cursor'],
  [
    'a 63-byte signature',
    array(uint(2), uint(1), bstr(KEY), bstr(filled(63, 1))),
    'FRAME_MALFORMED',
    'signature',
  ],
  [
    'a 31-byte nonce',
    array(uint(1), uint(0), bstr(KEY), bstr(filled(31, 1)), uint(T)),
    'FRAME_MALFORMED',
    'nonce',
  ],
  ['a text envelope', array(uint(5), uint(1), tstr('envelope')), 'FRAME_MALFORMED', 'envelope'],
  ['an array envelope', array(uint(5), uint(1), array()), 'FRAME_MALFORMED', 'envelope'],
  ['a proof that is a bstr', proof(bstr(HASH_A)), 'FRAME_MALFORMED', 'proof'],
  [
    'a proof of 65 hashes',
    proof(array(...Array.from({ length: 65 }, () => bstr(HASH_A)))),
    'FRAME_MALFORMED',
    'proof',
  ],
  [
    'a 31-byte proof hash',
    proof(array(bstr(HASH_A), bstr(filled(31, 1)))),
    'FRAME_MALFORMED',
    'proof',
  ],
  ['a uint in a proof', proof(array(uint(1))), 'FRAME_MALFORMED', 'proof'],
  ['a bstr error code', err(bstr(utf8('RATE_LIMITED')), map()), 'FRAME_MALFORMED', 'code'],
  ['an unregistered error code', err(tstr('RATE_LIMITED_X'), map()), 'FRAME_MALFORMED', 'code'],
  ['a lower-case error code', err(tstr('rate_limited'), map()), 'FRAME_MALFORMED', 'code'],
  ['a detail array', err(tstr('RATE_LIMITED'), array()), 'FRAME_MALFORMED', 'detail'],
  ['detail key 0', err(tstr('RATE_LIMITED'), map([uint(0), uint(1)])), 'FRAME_MALFORMED', 'detail'],
  [
    'a uint message',
    err(tstr('RATE_LIMITED'), map([uint(1), uint(1)])),
    'FRAME_MALFORMED',
    'detail.message',
  ],
  [
    'a 257-byte message',
    err(tstr('RATE_LIMITED'), map([uint(1), tstr(`${'é'.repeat(128)}x`)])),
    'FRAME_MALFORMED',
    'detail.message',
  ],
  [
    'a 65-byte field',
    err(tstr('RATE_LIMITED'), map([uint(2), tstr('f'.repeat(65))])),
    'FRAME_MALFORMED',
    'detail.field',
  ],
  [
    'a negative retryAfter',
    err(tstr('RATE_LIMITED'), map([uint(7), nint(-1)])),
    'FRAME_MALFORMED',
    'detail.retryAfter',
  ],
  [
    'a 31-byte detail id',
    err(tstr('CHAIN_FORK'), map([uint(8), bstr(filled(31, 1))])),
    'FRAME_MALFORMED',
    'detail.id',
  ],
];

describe('decodeFrame: rejections', () => {
  for (const [description, bytes, code, field] of REJECTIONS) {
    it(`${description}: ${code}${field ? ` (${field})` : ''}`, () => {
      const error = expectCode(() => decodeFrame(bytes), code);
      if (field !== undefined) expect(error.field).to.equal(field);
    });
  }

  it('a message of exactly 256 UTF-8 bytes and a field of 64 are accepted', () => {
    const bytes = err(
      tstr('RATE_LIMITED'),
      map([uint(1), tstr('é'.repeat(128))], [uint(2), tstr('f'.repeat(64))]),
    );
    expect(encodeFrame(decodeFrame(bytes))).to.deep.equal(bytes);
  });

  it('FRAME_TOO_LARGE above MAX_FRAME_BYTES, before anything is scanned; the limit itself passes', () => {
    const publishOf = (total: number) => {
      // [5, 1, bstr(n)]: 1 + 1 + 1 + head(5 bytes for n >= 65536) + n
      const n = total - 8;
      return cat(h('83 05 01'), head(2, n), new Uint8Array(n));
    };
    expect(publishOf(LIMITS.MAX_FRAME_BYTES).length).to.equal(LIMITS.MAX_FRAME_BYTES);
    expect(decodeFrame(publishOf(LIMITS.MAX_FRAME_BYTES)).type).to.equal('publish');
    expectCode(() => decodeFrame(publishOf(LIMITS.MAX_FRAME_BYTES + 1)), 'FRAME_TOO_LARGE');
    // Garbage over the limit is still FRAME_TOO_LARGE: size comes first (W1).
    expectCode(() => decodeFrame(filled(LIMITS.MAX_FRAME_BYTES + 1, 0xff)), 'FRAME_TOO_LARGE');
  });

  it('FRAME_UNEXPECTED when the sender is given and never sends that type', () => {
    const deliver = encodeFrame(sampleOf('deliver'));
    const publish = encodeFrame(sampleOf('publish'));
    expectCode(() => decodeFrame(deliver, { from: 'client' }), 'FRAME_UNEXPECTED');
    expectCode(() => decodeFrame(publish, { from: 'relay' }), 'FRAME_UNEXPECTED');
    expect(decodeFrame(deliver, { from: 'relay' }).type).to.equal('deliver');
    expect(decodeFrame(publish, { from: 'client' }).type).to.equal('publish');
    for (const { frame, bytes } of SAMPLES) {
      const from = FRAME_LAYOUTS[frame.type].from;
      expect(decodeFrame(bytes, { from }).type).to.equal(frame.type);
      const other = from === 'client' ? 'relay' : 'client';
      expectCode(() => decodeFrame(bytes, { from: other }), 'FRAME_UNEXPECTED');
    }
  });

  it('reports the first failing step (W5 < W6 < W7 < W8 < W9, fields in order)', () => {
    // unknown type with a bad arity: W5
    expectCode(() => decodeFrame(array(uint(19), uint(0))), 'FRAME_TYPE_UNKNOWN');
    // wrong direction with a bad arity: W6
    expectCode(() => decodeFrame(array(uint(8)), { from: 'client' }), 'FRAME_UNEXPECTED');
    // bad arity with a bad request id: W7
    const arity = expectCode(() => decodeFrame(array(uint(5), nint(-1))), 'FRAME_MALFORMED');
    expect(arity.field).to.equal('frame');
    // bad request id with bad fields: W8
    const rid = array(uint(7), uint(0), bstr(h('00')), nint(-1));
    expect(expectCode(() => decodeFrame(rid), 'FRAME_MALFORMED').field).to.equal('requestId');
    // two bad fields: the first one
    const both = array(uint(14), uint(1), bstr(CHANNEL), nint(-1), bstr(h('')));
    expect(expectCode(() => decodeFrame(both), 'FRAME_MALFORMED').field).to.equal('index');
  });

  it('the envelope inside publish is opaque: any bytes pass the frame decoder', () => {
    for (const envelope of [h(''), h('ff'), utf8('not cbor at all'), filled(69_632, 0)]) {
      const frame = decodeFrame(array(uint(5), uint(1), bstr(envelope)));
      expect((frame as Extract<Frame, { type: 'publish' }>).envelope).to.deep.equal(envelope);
    }
  });

  it('throws TypeError on a non-Uint8Array or a bad `from` option', () => {
    expect(() => decodeFrame([0x83] as unknown as Uint8Array)).to.throw(TypeError);
    expect(() =>
      decodeFrame(encodeFrame(sampleOf('publish')), {
        from: 'server' as unknown as 'relay',
      }),
    ).to.throw(TypeError);
  });
});

describe('encodeFrame: misuse', () => {
  const publish = sampleOf('publish');
  const cases: [string, unknown, typeof TypeError | typeof RangeError][] = [
    ['not an object', 'frame', TypeError],
    ['an unknown type', { ...publish, type: 'ping' }, TypeError],
    ['an inherited type name', { ...publish, type: 'toString' }, TypeError],
    ['requestId 0 on publish', { ...publish, requestId: 0 }, RangeError],
    ['requestId 1 on challenge', { ...sampleOf('challenge'), requestId: 1 }, RangeError],
    ['requestId 1.5', { ...publish, requestId: 1.5 }, TypeError],
    ['requestId 2^53', { ...publish, requestId: 2 ** 53 }, TypeError],
    ['a missing envelope', { type: 'publish', requestId: 1 }, TypeError],
    ['a string envelope', { ...publish, envelope: 'x' }, TypeError],
    ['a 31-byte channel', { ...sampleOf('subscribe'), channel: filled(31, 1) }, RangeError],
    ['a negative cursor', { ...sampleOf('subscribe'), cursor: -1 }, TypeError],
    [
      '65 proof hashes',
      { ...sampleOf('inclusion-proof'), proof: Array(65).fill(HASH_A) },
      RangeError,
    ],
    ['a proof that is not an array', { ...sampleOf('inclusion-proof'), proof: HASH_A }, TypeError],
    ['an unregistered code', { ...sampleOf('error'), code: 'NOPE' }, TypeError],
    ['a detail that is not an object', { ...sampleOf('error'), detail: 'x' }, TypeError],
    ['an unknown detail member', { ...sampleOf('error'), detail: { hint: 'x' } }, TypeError],
    [
      'a 257-byte message',
      { ...sampleOf('error'), detail: { message: 'm'.repeat(257) } },
      RangeError,
    ],
    ['a lone surrogate', { ...sampleOf('error'), detail: { message: 'a\ud800b' } }, RangeError],
    ['a 33-byte detail id', { ...sampleOf('error'), detail: { id: filled(33, 1) } }, RangeError],
  ];
  for (const [description, frame, kind] of cases) {
    it(`${description}: ${kind.name}`, () => {
      expect(() => encodeFrame(frame as Frame)).to.throw(kind);
    });
  }

  it('an oversized opaque byte string is FRAME_TOO_LARGE (never bytes the decoder rejects)', () => {
    const frame = { ...publish, envelope: new Uint8Array(LIMITS.MAX_FRAME_BYTES) } as Frame;
    expectCode(() => encodeFrame(frame), 'FRAME_TOO_LARGE');
  });
});

// ---------------------------------------------------------------------------------------

const bytes32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
const uint53 = fc.oneof(fc.nat(30), fc.maxSafeNat());
const rid = fc.integer({ min: 1, max: Number.MAX_SAFE_INTEGER });
const opaque = fc.uint8Array({ maxLength: 80 });
const hashes = fc.array(bytes32, { maxLength: 5 });

const detailArb = fc.record(
  {
    message: fc.string({ maxLength: 60, unit: 'binary' }), // <= 240 UTF-8 bytes
    field: fc.string({ maxLength: 16 }),
    offset: uint53,
    expected: uint53,
    size: uint53,
    limit: uint53,
    retryAfter: uint53,
    id: bytes32,
    index: uint53,
  },
  { requiredKeys: [] },
);

const frameArb: fc.Arbitrary<Frame> = fc.oneof(
  fc.record({
    type: fc.constant('challenge'),
    requestId: fc.constant(0),
    relay: bytes32,
    nonce: bytes32,
    time: uint53,
  }),
  fc.record({
    type: fc.constant('auth'),
    requestId: rid,
    client: bytes32,
    signature: fc.uint8Array({ minLength: 64, maxLength: 64 }),
  }),
  fc.record({
    type: fc.constant('welcome'),
    requestId: rid,
    time: uint53,
    maxFrameBytes: uint53,
    maxSubscriptions: uint53,
    publishRate: uint53,
    idleTimeout: uint53,
  }),
  fc.record({
    type: fc.constant('error'),
    requestId: fc.maxSafeNat(),
    code: fc.constantFrom(...ERROR_CODES),
    detail: detailArb,
  }),
  fc.record({ type: fc.constant('publish'), requestId: rid, envelope: opaque }),
  fc.record({ type: fc.constant('receipt'), requestId: rid, receipt: opaque }),
  fc.record({ type: fc.constant('subscribe'), requestId: rid, channel: bytes32, cursor: uint53 }),
  fc.record({
    type: fc.constant('deliver'),
    requestId: rid,
    channel: bytes32,
    index: uint53,
    envelope: opaque,
  }),
  fc.record({
    type: fc.constant('end-of-backfill'),
    requestId: rid,
    channel: bytes32,
    next: uint53,
  }),
  fc.record({ type: fc.constant('unsubscribe'), requestId: rid, channel: bytes32 }),
  fc.record({ type: fc.constant('unsubscribed'), requestId: rid, channel: bytes32 }),
  fc.record({ type: fc.constant('checkpoint-request'), requestId: rid, channel: bytes32 }),
  fc.record({ type: fc.constant('checkpoint'), requestId: rid, checkpoint: opaque }),
  fc.record({
    type: fc.constant('inclusion-request'),
    requestId: rid,
    channel: bytes32,
    index: uint53,
    size: uint53,
  }),
  fc.record({
    type: fc.constant('inclusion-proof'),
    requestId: rid,
    index: uint53,
    size: uint53,
    proof: hashes,
  }),
  fc.record({
    type: fc.constant('consistency-request'),
    requestId: rid,
    channel: bytes32,
    fromSize: uint53,
    toSize: uint53,
  }),
  fc.record({
    type: fc.constant('consistency-proof'),
    requestId: rid,
    fromSize: uint53,
    toSize: uint53,
    proof: hashes,
  }),
) as fc.Arbitrary<Frame>;

/** One edit of a byte string: overwrite, insert or delete a byte, or truncate. */
const mutationArb = fc.oneof(
  fc.record({
    op: fc.constant('set' as const),
    at: fc.nat(),
    byte: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({
    op: fc.constant('insert' as const),
    at: fc.nat(),
    byte: fc.integer({ min: 0, max: 255 }),
  }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
);
type Mutation = typeof mutationArb extends fc.Arbitrary<infer M> ? M : never;

function mutate(bytes: Uint8Array, m: Mutation): Uint8Array {
  const at = bytes.length === 0 ? 0 : m.at % (bytes.length + (m.op === 'insert' ? 1 : 0));
  if (m.op === 'set') return Uint8Array.from(bytes, (b, i) => (i === at ? m.byte : b));
  if (m.op === 'insert') return cat(bytes.subarray(0, at), [m.byte], bytes.subarray(at));
  if (m.op === 'delete') return cat(bytes.subarray(0, at), bytes.subarray(at + 1));
  return bytes.slice(0, at);
}

describe('frames: properties', () => {
  it('every valid frame round-trips: decode(encode(f)) = f, and re-encodes to the same bytes', () => {
    fc.assert(
      fc.property(frameArb, (frame) => {
        const bytes = encodeFrame(frame);
        const decoded = decodeFrame(bytes, { from: FRAME_LAYOUTS[frame.type].from });
        expect(decoded).to.deep.equal(frame);
        expect(encodeFrame(decoded)).to.deep.equal(bytes);
      }),
      { numRuns: 1000 },
    );
  });

  it('mutated and truncated frames decode to a frame that re-encodes byte-equal, or throw HotlineError', () => {
    let accepted = 0;
    fc.assert(
      fc.property(
        frameArb,
        fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
        (frame, edits) => {
          const bytes = edits.reduce(mutate, encodeFrame(frame));
          let decoded: Frame;
          try {
            decoded = decodeFrame(bytes);
          } catch (error) {
            if (!(error instanceof HotlineError)) throw error;
            return;
          }
          accepted++;
          // One encoding per frame: whatever the decoder accepts is canonical.
          expect(encodeFrame(decoded)).to.deep.equal(bytes);
        },
      ),
      { numRuns: 3000 },
    );
    // Some edits land in opaque bytes and must still decode: the property is not vacuous.
    expect(accepted).to.be.greaterThan(0);
  });

  it('random bytes never escape as anything but HotlineError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          const decoded = decodeFrame(bytes);
          expect(encodeFrame(decoded)).to.deep.equal(bytes);
        } catch (error) {
          if (!(error instanceof HotlineError)) throw error;
        }
      }),
      { numRuns: 3000 },
    );
  });
});

// ---------------------------------------------------------------------------------------

describe('authStatement', () => {
  const RELAY = filled(32, 0x11);
  const CLIENT = filled(32, 0x22);

  it('is the Sig_structure of {1: relay, 2: nonce, 3: client} under the auth typ, byte for byte', () => {
    const protectedHeader = map([uint(1), nint(-19)], [uint(16), tstr(AUTH_TYP)]);
    const payload = map([uint(1), bstr(RELAY)], [uint(2), bstr(NONCE)], [uint(3), bstr(CLIENT)]);
    expect(encodeAuthPayload(RELAY, NONCE, CLIENT)).to.deep.equal(payload);
    expect(authStatement(RELAY, NONCE, CLIENT)).to.deep.equal(
      array(tstr('Signature1'), bstr(protectedHeader), bstr(new Uint8Array(0)), bstr(payload)),
    );
    expect(AUTH_TYP).to.equal('application/hotline-auth+cbor; v=0.1');
  });

  it('rejects wrong argument types and sizes', () => {
    expect(() => authStatement(filled(31, 1), NONCE, CLIENT)).to.throw(RangeError);
    expect(() => authStatement(RELAY, filled(33, 1), CLIENT)).to.throw(RangeError);
    expect(() => authStatement(RELAY, NONCE, 'key' as unknown as Uint8Array)).to.throw(TypeError);
  });

  it('for the same payload bytes, differs from envelope and checkpoint signed bytes at offset 13', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (payload) => {
        const auth = sigStructure(AUTH_PROFILE, payload);
        const envelope = signedBytesFor(payload);
        const checkpoint = checkpointSignedBytes(payload);
        // bstr(42) vs bstr(46) vs bstr(48): the protected header's length.
        expect([auth[13], envelope[13], checkpoint[13]]).to.deep.equal([0x2a, 0x2e, 0x30]);
      }),
      { numRuns: 200 },
    );
  });

  it('a signature over one never verifies as another, and binds relay, nonce and client', async () => {
    const secret = filled(32, 0x07);
    const client = await ed.getPublicKeyAsync(secret);
    const payload = encodeAuthPayload(RELAY, NONCE, client);
    const statement = authStatement(RELAY, NONCE, client);
    const asEnvelope = signedBytesFor(payload);
    const asCheckpoint = checkpointSignedBytes(payload);

    const authSignature = await ed.signAsync(statement, secret);
    expect(await ed.verifyAsync(authSignature, statement, client)).to.equal(true);
    expect(await ed.verifyAsync(authSignature, asEnvelope, client)).to.equal(false);
    expect(await ed.verifyAsync(authSignature, asCheckpoint, client)).to.equal(false);
    // The other way round: an envelope or checkpoint signature is no auth.
    for (const other of [asEnvelope, asCheckpoint]) {
      const signature = await ed.signAsync(other, secret);
      expect(await ed.verifyAsync(signature, statement, client)).to.equal(false);
    }
    // Another relay, another connection's nonce, or another client key: no.
    const elsewhere = [
      authStatement(filled(32, 0x12), NONCE, client),
      authStatement(RELAY, filled(32, 0x6f), client),
      authStatement(RELAY, NONCE, filled(32, 0x23)),
    ];
    for (const bytes of elsewhere) {
      expect(await ed.verifyAsync(authSignature, bytes, client)).to.equal(false);
    }
  });
});

describe('frames: the example of spec/07-relay.md §13', () => {
  const secretOf = (name: string) => sha256(utf8(`hotline test key ${name}`));

  it('challenge, auth statement, auth, welcome and error have the bytes the spec shows', async () => {
    const relay = await ed.getPublicKeyAsync(secretOf('relay'));
    const aliceSecret = secretOf('alice');
    const client = await ed.getPublicKeyAsync(aliceSecret);
    const nonce = sha256(utf8('nonce'));
    expect(hex(relay)).to.equal('2d6ba0ef9f1c132da4857c03dcf9c3003d2ab4812e3d57e12b1b31ebf6afa29c');
    expect(hex(client)).to.equal(
      '3cc85c600a25e3eb159ba20fab214870a450cb9a4663bf626908f5eb59f5235d',
    );
    expect(hex(nonce)).to.equal('78377b525757b494427f89014f97d79928f3938d14eb51e20fb5dec9834eb304');

    const challenge = encodeFrame({
      type: 'challenge',
      requestId: 0,
      relay,
      nonce,
      time: T,
    } as Frame);
    expect(hex(challenge)).to.equal(`8501005820${hex(relay)}5820${hex(nonce)}1b0000018bcfe56800`);
    expect(challenge.length).to.equal(80);

    const statement = authStatement(relay, nonce, client);
    expect(statement.length).to.equal(165);
    expect(hex(statement)).to.equal(
      '846a5369676e617475726531582aa201321078246170706c69636174696f6e2f686f746c696e652d617574682b63626f723b20763d302e3140586a' +
        `a3015820${hex(relay)}025820${hex(nonce)}035820${hex(client)}`,
    );
    const signature = await ed.signAsync(statement, aliceSecret);
    expect(hex(signature)).to.equal(
      '6ce2bba52b7c972aa5be94bd5515df3dfe343372fd2c55be94274d42dfc03f7aa24b3a027cea2c856da458c63bd5c4fd1804bcf24a8a292fa560d035f66d3109',
    );
    const auth = encodeFrame({ type: 'auth', requestId: 1, client, signature } as Frame);
    expect(auth.length).to.equal(103);
    expect(hex(auth.subarray(0, 5))).to.equal('8402015820');

    const welcome = encodeFrame({
      type: 'welcome',
      requestId: 1,
      time: T,
      maxFrameBytes: LIMITS.MAX_FRAME_BYTES,
      maxSubscriptions: 64,
      publishRate: 100,
      idleTimeout: 90_000,
    } as Frame);
    expect(hex(welcome)).to.equal('8703011b0000018bcfe568001a00011400184018641a00015f90');
    const error = encodeFrame({
      type: 'error',
      requestId: 7,
      code: 'CHAIN_GAP',
      detail: { expected: 5 },
    } as Frame);
    expect(hex(error)).to.equal('84040769434841494e5f474150a10405');
  });
});
