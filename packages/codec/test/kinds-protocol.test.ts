// Bodies of the protocol kinds: measures (proposal, accept, decline, withdraw), ack,
// heartbeat, key-rotate and key-revoke (spec/kinds/{measures,ack,heartbeat,keys}.md).
// Invalid bodies are written byte by byte with the tests' own CBOR writer, so each
// carries exactly one defect; every check is asserted by its code AND its field.

import { expect } from 'chai';
import fc from 'fast-check';
import {
  ACK_STAGE,
  type AckBody,
  assembleCheckpoint,
  assembleSign1,
  authStatement,
  decodeAcceptBody,
  decodeAckBody,
  decodeDeclineBody,
  decodeHeartbeatBody,
  decodeKeyRevokeBody,
  decodeKeyRotateBody,
  decodeProposalBody,
  decodeWithdrawBody,
  type EnvelopeId,
  type ErrorCode,
  encodeAcceptBody,
  encodeAckBody,
  encodeCheckpointPayload,
  encodeDeclineBody,
  encodeHeartbeatBody,
  encodeKeyRevokeBody,
  encodeKeyRotateBody,
  encodeProposalBody,
  encodeWithdrawBody,
  type HeartbeatBody,
  HotlineError,
  MEASURE_ACTION,
  type ProposalBody,
  ROTATION_TYP,
  rotationStatement,
  sign1Profile,
  type WithdrawBody,
} from '../src/index.js';
import { array, bstr, cat, filled, h, hex, map, nint, SIGNATURE, tstr, uint } from './helpers.js';

const SEED = 0x6b1d;

// ------------------------------------------------------------------ writers

type Entry = [number, Uint8Array];
/** A map with uint keys, in exactly the order given. */
const intMap = (...entries: Entry[]): Uint8Array =>
  map(...entries.map(([k, v]) => [uint(k), v] as [Uint8Array, Uint8Array]));
const block = (language: string, text: string) => intMap([1, tstr(language)], [2, tstr(text)]);
const EN = block('en', 'Both sides keep ships 10 nautical miles apart.');
const windowOf = (from: number, until?: number) =>
  until === undefined ? intMap([1, uint(from)]) : intMap([1, uint(from)], [2, uint(until)]);

const T0 = 1_761_523_200_000;
const DAY = 86_400_000;
const MEASURE = filled(32, 0x3e);

/** Decoding `body` throws `code` at `field`. */
function rejects(
  decode: (body: Uint8Array) => unknown,
  body: Uint8Array,
  code: ErrorCode,
  field?: string,
): HotlineError {
  let caught: unknown;
  try {
    decode(body);
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected ${code}`).to.be.instanceOf(HotlineError);
  const error = caught as HotlineError;
  expect(error.code, error.message).to.equal(code);
  if (field !== undefined) expect(error.field, error.message).to.equal(field);
  return error;
}

/** Every prefix and every one-byte change of `body` decodes or throws HotlineError only. */
function hostileOnly(decode: (body: Uint8Array) => unknown, body: Uint8Array): void {
  const attempt = (bytes: Uint8Array) => {
    try {
      decode(bytes);
    } catch (error) {
      if (!(error instanceof HotlineError)) throw error;
    }
  };
  for (let n = 0; n < body.length; n++) {
    expect(() => decode(body.subarray(0, n)), `prefix ${n}`).to.throw(HotlineError);
  }
  for (let i = 0; i < body.length; i++) {
    for (const flip of [0x01, 0x20, 0x80, 0xff]) {
      const copy = body.slice();
      copy[i]! ^= flip;
      attempt(copy);
    }
  }
}

// ------------------------------------------------------------------ measures

const PROPOSAL = intMap(
  [1, tstr('Naval separation')],
  [2, EN],
  [3, windowOf(T0, T0 + 30 * DAY)],
  [4, uint(7 * DAY)],
);

describe('kinds: proposal (8)', () => {
  it('decodes every field and encodes the same bytes', () => {
    const value = decodeProposalBody(PROPOSAL);
    expect(value).to.deep.equal({
      title: 'Naval separation',
      terms: { language: 'en', text: 'Both sides keep ships 10 nautical miles apart.' },
      validity: { from: T0, until: T0 + 30 * DAY },
      review: 7 * DAY,
    });
    expect(hex(encodeProposalBody(value))).to.equal(hex(PROPOSAL));
  });

  it('leaves out what is not stated: open-ended window, no review', () => {
    const body = intMap([1, tstr('t')], [2, EN], [3, windowOf(0)]);
    const value = decodeProposalBody(body);
    expect(value).to.deep.equal({
      title: 't',
      terms: decodeProposalBody(PROPOSAL).terms,
      validity: { from: 0 },
    });
    expect('review' in value).to.equal(false);
  });

  it('round-trips arbitrary valid proposals', () => {
    const proposal: fc.Arbitrary<ProposalBody> = fc.record(
      {
        title: fc.string({ minLength: 1, maxLength: 64, unit: 'grapheme' }),
        terms: fc.record({
          language: fc.constantFrom('en', 'ru', 'zh-Hans'),
          text: fc.string({ minLength: 1, maxLength: 200 }),
        }),
        validity: fc
          .tuple(fc.nat({ max: 2 ** 52 }), fc.option(fc.integer({ min: 1, max: 2 ** 40 })))
          .map(([from, span]) => (span === null ? { from } : { from, until: from + span })),
        review: fc.integer({ min: 1, max: 2 ** 40 }),
      },
      { requiredKeys: ['title', 'terms', 'validity'] },
    );
    fc.assert(
      fc.property(proposal, (value) => {
        const body = encodeProposalBody(value);
        expect(decodeProposalBody(body)).to.deep.equal(value);
        expect(hex(encodeProposalBody(decodeProposalBody(body)))).to.equal(hex(body));
      }),
      { seed: SEED, numRuns: 200 },
    );
  });

  it('checks each field, in key order', () => {
    const d = decodeProposalBody;
    rejects(d, array(tstr('x')), 'BODY_MALFORMED', 'body');
    rejects(d, cat(PROPOSAL, uint(0)), 'CBOR_TRAILING_BYTES');
    rejects(
      d,
      intMap([1, tstr('t')], [2, EN], [3, windowOf(0)], [5, uint(0)]),
      'BODY_MALFORMED',
      '',
    );
    rejects(d, intMap([2, EN], [3, windowOf(0)]), 'BODY_MALFORMED', 'title');
    rejects(d, intMap([1, uint(1)], [2, EN], [3, windowOf(0)]), 'BODY_MALFORMED', 'title');
    rejects(d, intMap([1, tstr('')], [2, EN], [3, windowOf(0)]), 'BODY_INVALID', 'title');
    rejects(
      d,
      intMap([1, tstr('x'.repeat(257))], [2, EN], [3, windowOf(0)]),
      'BODY_LIMIT',
      'title',
    );
    rejects(d, intMap([1, tstr('t')], [3, windowOf(0)]), 'BODY_MALFORMED', 'terms');
    rejects(
      d,
      intMap([1, tstr('t')], [2, block('1x', 'a')], [3, windowOf(0)]),
      'BODY_INVALID',
      'terms.language',
    );
    rejects(
      d,
      intMap([1, tstr('t')], [2, block('en', '')], [3, windowOf(0)]),
      'BODY_INVALID',
      'terms.text',
    );
    rejects(d, intMap([1, tstr('t')], [2, EN]), 'BODY_MALFORMED', 'validity');
    rejects(
      d,
      intMap([1, tstr('t')], [2, EN], [3, windowOf(T0, T0)]),
      'BODY_INVALID',
      'validity.until',
    );
    rejects(d, intMap([1, tstr('t')], [2, EN], [3, uint(T0)]), 'BODY_MALFORMED', 'validity');
    rejects(
      d,
      intMap([1, tstr('t')], [2, EN], [3, windowOf(0)], [4, uint(0)]),
      'BODY_INVALID',
      'review',
    );
    rejects(
      d,
      intMap([1, tstr('t')], [2, EN], [3, windowOf(0)], [4, nint(-1)]),
      'BODY_MALFORMED',
      'review',
    );
  });

  it('a title is counted in UTF-8 bytes: 64 four-byte characters fit, 65 do not', () => {
    const ok = intMap([1, tstr('\u{1F6A8}'.repeat(64))], [2, EN], [3, windowOf(0)]);
    expect(decodeProposalBody(ok).title).to.have.length(128);
    const over = intMap([1, tstr(`${'\u{1F6A8}'.repeat(64)}a`)], [2, EN], [3, windowOf(0)]);
    rejects(decodeProposalBody, over, 'BODY_LIMIT', 'title');
  });

  it('the encoder refuses what the decoder refuses, with its code', () => {
    const value = decodeProposalBody(PROPOSAL);
    expect(() => encodeProposalBody({ ...value, review: 0 }))
      .to.throw(HotlineError)
      .with.property('code', 'BODY_INVALID');
    expect(() => encodeProposalBody({ ...value, validity: { from: 5, until: 4 } }))
      .to.throw(HotlineError)
      .with.property('field', 'validity.until');
    expect(() => encodeProposalBody({ ...value, review: 1.5 })).to.throw(RangeError);
  });

  it('truncated or mutated bodies throw HotlineError only', () => {
    hostileOnly(decodeProposalBody, PROPOSAL);
  });
});

describe('kinds: accept (9), decline (10), withdraw (11)', () => {
  const NOTE = block('ru', 'Принято.');

  it('decode and encode the same bytes', () => {
    const accept = intMap([1, bstr(MEASURE)], [2, NOTE]);
    expect(decodeAcceptBody(accept)).to.deep.equal({
      measure: MEASURE,
      note: { language: 'ru', text: 'Принято.' },
    });
    expect(hex(encodeAcceptBody(decodeAcceptBody(accept)))).to.equal(hex(accept));
    const decline = intMap([1, bstr(MEASURE)]);
    expect(decodeDeclineBody(decline)).to.deep.equal({ measure: MEASURE });
    expect(hex(encodeDeclineBody({ measure: MEASURE as EnvelopeId }))).to.equal(hex(decline));
    for (const [action, wire] of Object.entries(MEASURE_ACTION)) {
      const withdraw = intMap([1, bstr(MEASURE)], [2, uint(wire)], [3, EN]);
      const value = decodeWithdrawBody(withdraw);
      expect(value.action).to.equal(action);
      expect(hex(encodeWithdrawBody(value))).to.equal(hex(withdraw));
    }
  });

  it('round-trip arbitrary withdraw bodies', () => {
    const withdraw: fc.Arbitrary<WithdrawBody> = fc.record(
      {
        measure: fc.uint8Array({ minLength: 32, maxLength: 32 }) as fc.Arbitrary<EnvelopeId>,
        action: fc.constantFrom(...(Object.keys(MEASURE_ACTION) as WithdrawBody['action'][])),
        reason: fc.record({ language: fc.constant('en'), text: fc.string({ minLength: 1 }) }),
      },
      { requiredKeys: ['measure', 'action'] },
    );
    fc.assert(
      fc.property(withdraw, (value) => {
        expect(decodeWithdrawBody(encodeWithdrawBody(value as WithdrawBody))).to.deep.equal(value);
      }),
      { seed: SEED + 1, numRuns: 100 },
    );
  });

  it('accept: measure id is 32 bytes, note a text-block', () => {
    const d = decodeAcceptBody;
    rejects(d, intMap([2, NOTE]), 'BODY_MALFORMED', 'measure');
    rejects(d, intMap([1, bstr(filled(31, 1))]), 'BODY_MALFORMED', 'measure');
    rejects(d, intMap([1, tstr('m')]), 'BODY_MALFORMED', 'measure');
    rejects(d, intMap([1, bstr(MEASURE)], [2, tstr('ok')]), 'BODY_MALFORMED', 'note');
    rejects(d, intMap([1, bstr(MEASURE)], [2, block('en', '')]), 'BODY_INVALID', 'note.text');
    rejects(d, intMap([1, bstr(MEASURE)], [3, NOTE]), 'BODY_MALFORMED', '');
  });

  it('decline: measure id is 32 bytes, reason a text-block', () => {
    const d = decodeDeclineBody;
    rejects(d, intMap(), 'BODY_MALFORMED', 'measure');
    rejects(d, intMap([1, bstr(filled(33, 1))]), 'BODY_MALFORMED', 'measure');
    rejects(
      d,
      intMap([1, bstr(MEASURE)], [2, block('e', 'no')]),
      'BODY_INVALID',
      'reason.language',
    );
  });

  it('withdraw: action 1 to 4, required; reason a text-block', () => {
    const d = decodeWithdrawBody;
    rejects(d, intMap([1, bstr(MEASURE)]), 'BODY_MALFORMED', 'action');
    rejects(d, intMap([1, bstr(MEASURE)], [2, uint(0)]), 'BODY_INVALID', 'action');
    rejects(d, intMap([1, bstr(MEASURE)], [2, uint(5)]), 'BODY_INVALID', 'action');
    rejects(d, intMap([1, bstr(MEASURE)], [2, tstr('revoke')]), 'BODY_MALFORMED', 'action');
    rejects(
      d,
      intMap([1, bstr(MEASURE)], [2, uint(4)], [3, EN], [4, uint(0)]),
      'BODY_MALFORMED',
      '',
    );
    rejects(
      d,
      intMap([1, bstr(MEASURE)], [2, uint(2)], [3, intMap([1, tstr('en')])]),
      'BODY_MALFORMED',
      'reason.text',
    );
  });

  it('truncated or mutated bodies throw HotlineError only', () => {
    hostileOnly(decodeAcceptBody, intMap([1, bstr(MEASURE)], [2, NOTE]));
    hostileOnly(decodeWithdrawBody, intMap([1, bstr(MEASURE)], [2, uint(4)], [3, EN]));
  });
});

// ------------------------------------------------------------------------ ack

const DIGEST = filled(32, 0xd1);
const READ_BACK = block('en', 'Ships keep 10 nautical miles apart from 27 October.');
const REASON = block('en', 'The proposed area includes territorial waters.');

describe('kinds: ack (12)', () => {
  it('decodes each stage with its own fields and encodes the same bytes', () => {
    const cases: [Uint8Array, AckBody][] = [
      [intMap([1, uint(1)]), { stage: 'received' }],
      [intMap([1, uint(2)], [2, bstr(DIGEST)]), { stage: 'understood', digest: DIGEST }],
      [
        intMap([1, uint(2)], [2, bstr(DIGEST)], [3, READ_BACK]),
        {
          stage: 'understood',
          digest: DIGEST,
          readBack: decodeAckBody(intMap([1, uint(2)], [2, bstr(DIGEST)], [3, READ_BACK]))
            .readBack!,
        },
      ],
      [intMap([1, uint(3)]), { stage: 'accepted' }],
      [intMap([1, uint(4)]), { stage: 'rejected' }],
      [
        intMap([1, uint(4)], [4, REASON]),
        {
          stage: 'rejected',
          reason: { language: 'en', text: 'The proposed area includes territorial waters.' },
        },
      ],
    ];
    for (const [body, value] of cases) {
      expect(decodeAckBody(body)).to.deep.equal(value);
      expect(hex(encodeAckBody(value))).to.equal(hex(body));
    }
  });

  it('checks the stage first', () => {
    rejects(decodeAckBody, uint(1), 'BODY_MALFORMED', 'body');
    rejects(decodeAckBody, array(uint(1)), 'BODY_MALFORMED', 'body');
    rejects(decodeAckBody, intMap(), 'BODY_MALFORMED', 'stage');
    rejects(decodeAckBody, intMap([2, bstr(DIGEST)]), 'BODY_MALFORMED', 'stage');
    rejects(decodeAckBody, intMap([1, uint(0)]), 'BODY_INVALID', 'stage');
    rejects(decodeAckBody, intMap([1, uint(5)]), 'BODY_INVALID', 'stage');
    rejects(decodeAckBody, intMap([1, tstr('received')]), 'BODY_MALFORMED', 'stage');
    rejects(decodeAckBody, intMap([1, uint(1)], [5, uint(0)]), 'BODY_MALFORMED', '');
  });

  it('understood requires a 32-byte digest', () => {
    rejects(decodeAckBody, intMap([1, uint(2)]), 'BODY_MALFORMED', 'digest');
    rejects(decodeAckBody, intMap([1, uint(2)], [3, READ_BACK]), 'BODY_MALFORMED', 'digest');
    rejects(
      decodeAckBody,
      intMap([1, uint(2)], [2, bstr(filled(31, 0))]),
      'BODY_MALFORMED',
      'digest',
    );
    rejects(
      decodeAckBody,
      intMap([1, uint(2)], [2, bstr(DIGEST)], [3, block('en', '')]),
      'BODY_INVALID',
      'readBack.text',
    );
  });

  it('a field of another stage is BODY_INVALID, whatever its value', () => {
    const foreign: [number, Entry, string][] = [
      [1, [2, bstr(DIGEST)], 'digest'],
      [1, [3, READ_BACK], 'readBack'],
      [1, [4, REASON], 'reason'],
      [2, [4, REASON], 'reason'],
      [3, [2, bstr(DIGEST)], 'digest'],
      [3, [3, READ_BACK], 'readBack'],
      [3, [4, REASON], 'reason'],
      [4, [2, bstr(DIGEST)], 'digest'],
      [4, [3, READ_BACK], 'readBack'],
      [1, [2, uint(0)], 'digest'],
    ];
    for (const [stage, entry, field] of foreign) {
      const entries: Entry[] = [[1, uint(stage)]];
      if (stage === 2) entries.push([2, bstr(DIGEST)]);
      entries.push(entry);
      rejects(decodeAckBody, intMap(...entries), 'BODY_INVALID', field);
    }
  });

  it('stages are named in values and numbered on the wire; an unknown name is a TypeError', () => {
    expect(ACK_STAGE).to.deep.equal({ received: 1, understood: 2, accepted: 3, rejected: 4 });
    expect(() => encodeAckBody({ stage: 'read' as never })).to.throw(TypeError);
    expect(() => encodeAckBody({ stage: 'toString' as never })).to.throw(TypeError);
  });

  it('the encoder refuses a field of another stage', () => {
    expect(() => encodeAckBody({ stage: 'received', digest: DIGEST }))
      .to.throw(HotlineError)
      .with.property('field', 'digest');
    expect(() => encodeAckBody({ stage: 'understood' }))
      .to.throw(HotlineError)
      .with.property('code', 'BODY_MALFORMED');
  });

  it('truncated or mutated bodies throw HotlineError only', () => {
    hostileOnly(decodeAckBody, intMap([1, uint(2)], [2, bstr(DIGEST)], [3, READ_BACK]));
  });
});

// ------------------------------------------------------------------ heartbeat

const CHANNEL = filled(32, 0xc1);
const relayKey = (byte: number) => filled(32, byte);
/** A checkpoint with a dummy signature: the body decoder never verifies it. */
const checkpoint = (relay: Uint8Array, channel = CHANNEL, size = 7) =>
  assembleCheckpoint(
    encodeCheckpointPayload({ relay, channel, size, root: filled(32, 0xaa), time: T0 } as never),
    SIGNATURE,
  );
const seen = (key: Uint8Array, seq: number) => array(bstr(key), uint(seq));
const KEY_A = filled(32, 0x11);
const KEY_B = filled(32, 0x22);

describe('kinds: heartbeat (13)', () => {
  const CP1 = checkpoint(relayKey(0x71));
  const CP2 = checkpoint(relayKey(0x72));
  const BODY = intMap(
    [1, array(seen(KEY_A, 12), seen(KEY_B, 3))],
    [2, array(bstr(CP1), bstr(CP2))],
    [3, uint(T0 + 60_000)],
  );

  it('decodes seen seqs, checkpoints and next, and encodes the same bytes', () => {
    const value = decodeHeartbeatBody(BODY);
    expect(value.seen).to.deep.equal([
      { key: KEY_A, seq: 12 },
      { key: KEY_B, seq: 3 },
    ]);
    expect(value.checkpoints.map(hex)).to.deep.equal([hex(CP1), hex(CP2)]);
    expect(value.next).to.equal(T0 + 60_000);
    expect(hex(encodeHeartbeatBody(value))).to.equal(hex(BODY));
  });

  it('empty lists are a heartbeat that has seen nothing yet', () => {
    const empty = intMap([1, array()], [2, array()]);
    expect(decodeHeartbeatBody(empty)).to.deep.equal({ seen: [], checkpoints: [] });
    expect(hex(encodeHeartbeatBody({ seen: [], checkpoints: [] }))).to.equal(hex(empty));
  });

  it('round-trips arbitrary sorted seen lists', () => {
    const seenList = fc
      .uniqueArray(fc.uint8Array({ minLength: 32, maxLength: 32 }), {
        maxLength: 64,
        selector: (key) => hex(key),
      })
      .chain((keys) =>
        fc.tuple(
          fc.constant([...keys].sort((a, b) => (hex(a) < hex(b) ? -1 : 1))),
          fc.array(fc.integer({ min: 1, max: 2 ** 53 - 1 }), {
            minLength: keys.length,
            maxLength: keys.length,
          }),
        ),
      );
    fc.assert(
      fc.property(seenList, ([keys, seqs]) => {
        const value: HeartbeatBody = {
          seen: keys.map((key, i) => ({ key: key as never, seq: seqs[i]! })),
          checkpoints: [],
        };
        expect(decodeHeartbeatBody(encodeHeartbeatBody(value))).to.deep.equal(value);
      }),
      { seed: SEED + 2, numRuns: 100 },
    );
  });

  it('checks seen: [key, seq] pairs, seq >= 1, keys ascending and unique, at most 64', () => {
    const d = decodeHeartbeatBody;
    const withSeen = (...entries: Uint8Array[]) => intMap([1, array(...entries)], [2, array()]);
    rejects(d, intMap([2, array()]), 'BODY_MALFORMED', 'seen');
    rejects(d, intMap([1, intMap()], [2, array()]), 'BODY_MALFORMED', 'seen');
    rejects(d, withSeen(bstr(KEY_A)), 'BODY_MALFORMED', 'seen[0]');
    rejects(d, withSeen(array(bstr(KEY_A), uint(1), uint(2))), 'BODY_MALFORMED', 'seen[0]');
    rejects(d, withSeen(array(bstr(filled(31, 1)), uint(1))), 'BODY_MALFORMED', 'seen[0].key');
    rejects(d, withSeen(array(bstr(KEY_A), nint(-1))), 'BODY_MALFORMED', 'seen[0].seq');
    rejects(d, withSeen(seen(KEY_A, 0)), 'BODY_INVALID', 'seen[0].seq');
    rejects(d, withSeen(seen(KEY_A, 1), seen(KEY_A, 2)), 'BODY_INVALID', 'seen[1].key');
    rejects(d, withSeen(seen(KEY_B, 1), seen(KEY_A, 2)), 'BODY_INVALID', 'seen[1].key');
    const keys = Array.from({ length: 65 }, (_, i) => filled(32, i));
    rejects(d, withSeen(...keys.map((key) => seen(key, 1))), 'BODY_LIMIT', 'seen');
    expect(d(withSeen(...keys.slice(0, 64).map((key) => seen(key, 1)))).seen).to.have.length(64);
  });

  it('checks checkpoints: byte strings that decode as checkpoints, one per relay, ascending, one channel', () => {
    const d = decodeHeartbeatBody;
    const withCheckpoints = (...items: Uint8Array[]) => intMap([1, array()], [2, array(...items)]);
    rejects(d, intMap([1, array()]), 'BODY_MALFORMED', 'checkpoints');
    rejects(d, withCheckpoints(tstr('cp')), 'BODY_MALFORMED', 'checkpoints[0]');
    rejects(d, withCheckpoints(bstr(filled(1025, 0))), 'BODY_LIMIT', 'checkpoints[0]');
    const garbage = rejects(d, withCheckpoints(bstr(h('a0'))), 'BODY_INVALID', 'checkpoints[0]');
    expect(garbage.detail).to.have.property('code').that.is.a('string');
    // An envelope or any other COSE_Sign1 is not a checkpoint: its typ differs.
    const other = sign1Profile('application/hotline-other+cbor; v=0.1', 1024);
    const payload = encodeCheckpointPayload({
      relay: relayKey(0x71),
      channel: CHANNEL,
      size: 1,
      root: filled(32, 0),
      time: T0,
    } as never);
    const notCheckpoint = assembleSign1(other, payload, SIGNATURE);
    const typ = rejects(d, withCheckpoints(bstr(notCheckpoint)), 'BODY_INVALID', 'checkpoints[0]');
    expect(typ.detail).to.deep.equal({ code: 'HEADER_TYPE_MISMATCH' });
    expect(typ.cause).to.be.instanceOf(HotlineError);
    rejects(
      d,
      withCheckpoints(bstr(CP1), bstr(checkpoint(relayKey(0x71), CHANNEL, 8))),
      'BODY_INVALID',
      'checkpoints[1]',
    );
    rejects(d, withCheckpoints(bstr(CP2), bstr(CP1)), 'BODY_INVALID', 'checkpoints[1]');
    rejects(
      d,
      withCheckpoints(bstr(CP1), bstr(checkpoint(relayKey(0x72), filled(32, 0xc2)))),
      'BODY_INVALID',
      'checkpoints[1]',
    );
    const many = Array.from({ length: 17 }, (_, i) => bstr(checkpoint(relayKey(0x80 + i))));
    rejects(d, withCheckpoints(...many), 'BODY_LIMIT', 'checkpoints');
    expect(d(withCheckpoints(...many.slice(0, 16))).checkpoints).to.have.length(16);
  });

  it('checks next: an unsigned time', () => {
    rejects(
      decodeHeartbeatBody,
      intMap([1, array()], [2, array()], [3, nint(-1)]),
      'BODY_MALFORMED',
      'next',
    );
    rejects(
      decodeHeartbeatBody,
      intMap([1, array()], [2, array()], [4, uint(0)]),
      'BODY_MALFORMED',
      '',
    );
  });

  it('the encoder keeps the order given and refuses one the decoder refuses', () => {
    expect(() =>
      encodeHeartbeatBody({
        seen: [
          { key: KEY_B as never, seq: 1 },
          { key: KEY_A as never, seq: 1 },
        ],
        checkpoints: [],
      }),
    )
      .to.throw(HotlineError)
      .with.property('field', 'seen[1].key');
  });

  it('truncated or mutated bodies throw HotlineError only', () => {
    hostileOnly(
      decodeHeartbeatBody,
      intMap([1, array(seen(KEY_A, 12))], [2, array(bstr(CP1))], [3, uint(1)]),
    );
  });
});

// ----------------------------------------------------------------------- keys

const SUCCESSOR = filled(32, 0x5c);
const OLD = filled(32, 0x01);

describe('kinds: key-rotate (14), key-revoke (15)', () => {
  const ROTATE = intMap([1, bstr(SUCCESSOR)], [2, bstr(SIGNATURE)], [3, uint(T0)]);
  const REVOKE = intMap([1, bstr(OLD)], [2, uint(1)], [3, uint(T0 - DAY)]);

  it('decode and encode the same bytes', () => {
    const rotate = decodeKeyRotateBody(ROTATE);
    expect(rotate).to.deep.equal({ successor: SUCCESSOR, proof: SIGNATURE, effectiveFrom: T0 });
    expect(hex(encodeKeyRotateBody(rotate))).to.equal(hex(ROTATE));
    const revoke = decodeKeyRevokeBody(REVOKE);
    expect(revoke).to.deep.equal({ key: OLD, reason: 'compromised', effectiveFrom: T0 - DAY });
    expect(hex(encodeKeyRevokeBody(revoke))).to.equal(hex(REVOKE));
    const retired = intMap([1, bstr(OLD)], [2, uint(2)], [3, uint(0)]);
    expect(decodeKeyRevokeBody(retired).reason).to.equal('retired');
    expect(() => encodeKeyRevokeBody({ ...revoke, reason: 'lost' as never })).to.throw(TypeError);
    expect(() =>
      encodeWithdrawBody({ measure: MEASURE as never, action: 'pause' as never }),
    ).to.throw(TypeError);
  });

  it('key-rotate: successor 32 bytes, proof 64 bytes, effective-from a time', () => {
    const d = decodeKeyRotateBody;
    rejects(d, intMap([2, bstr(SIGNATURE)], [3, uint(T0)]), 'BODY_MALFORMED', 'successor');
    rejects(
      d,
      intMap([1, bstr(filled(31, 1))], [2, bstr(SIGNATURE)], [3, uint(T0)]),
      'BODY_MALFORMED',
      'successor',
    );
    rejects(
      d,
      intMap([1, bstr(SUCCESSOR)], [2, bstr(filled(63, 1))], [3, uint(T0)]),
      'BODY_MALFORMED',
      'proof',
    );
    rejects(d, intMap([1, bstr(SUCCESSOR)], [3, uint(T0)]), 'BODY_MALFORMED', 'proof');
    rejects(
      d,
      intMap([1, bstr(SUCCESSOR)], [2, bstr(SIGNATURE)]),
      'BODY_MALFORMED',
      'effectiveFrom',
    );
    rejects(
      d,
      intMap([1, bstr(SUCCESSOR)], [2, bstr(SIGNATURE)], [3, nint(-1)]),
      'BODY_MALFORMED',
      'effectiveFrom',
    );
    rejects(d, cat(h('a4'), ROTATE.subarray(1)), 'CBOR_TRUNCATED');
  });

  it('key-revoke: key 32 bytes, reason 1 or 2, effective-from a time', () => {
    const d = decodeKeyRevokeBody;
    rejects(d, intMap([2, uint(1)], [3, uint(0)]), 'BODY_MALFORMED', 'key');
    rejects(
      d,
      intMap([1, bstr(filled(33, 1))], [2, uint(1)], [3, uint(0)]),
      'BODY_MALFORMED',
      'key',
    );
    rejects(d, intMap([1, bstr(OLD)], [3, uint(0)]), 'BODY_MALFORMED', 'reason');
    rejects(d, intMap([1, bstr(OLD)], [2, uint(0)], [3, uint(0)]), 'BODY_INVALID', 'reason');
    rejects(d, intMap([1, bstr(OLD)], [2, uint(3)], [3, uint(0)]), 'BODY_INVALID', 'reason');
    rejects(d, intMap([1, bstr(OLD)], [2, uint(1)]), 'BODY_MALFORMED', 'effectiveFrom');
    rejects(
      d,
      intMap([1, bstr(OLD)], [2, uint(1)], [3, uint(0)], [4, uint(0)]),
      'BODY_MALFORMED',
      '',
    );
  });

  it('rotationStatement is the Sig_structure of {1: channel, 2: old, 3: successor} under its own typ', () => {
    const protectedHeader = intMap([1, nint(-19)], [16, tstr(ROTATION_TYP)]);
    const payload = intMap([1, bstr(CHANNEL)], [2, bstr(OLD)], [3, bstr(SUCCESSOR)]);
    const expected = array(
      tstr('Signature1'),
      bstr(protectedHeader),
      bstr(new Uint8Array(0)),
      bstr(payload),
    );
    expect(hex(rotationStatement(CHANNEL, OLD, SUCCESSOR))).to.equal(hex(expected));
    expect(ROTATION_TYP).to.equal('application/hotline-rotation+cbor; v=0.1');
    // Bound to its inputs in order, and never the bytes of an auth statement.
    expect(hex(rotationStatement(CHANNEL, SUCCESSOR, OLD))).to.not.equal(hex(expected));
    expect(hex(authStatement(CHANNEL, OLD, SUCCESSOR))).to.not.equal(hex(expected));
    expect(() => rotationStatement(CHANNEL, filled(31, 0), SUCCESSOR)).to.throw(RangeError);
    expect(() => rotationStatement(CHANNEL, 'key' as never, SUCCESSOR)).to.throw(TypeError);
  });

  it('truncated or mutated bodies throw HotlineError only', () => {
    hostileOnly(decodeKeyRotateBody, ROTATE);
    hostileOnly(decodeKeyRevokeBody, REVOKE);
  });
});
