// Bodies of the channel kinds: join (2), suspend (16) and resume (17)
// (spec/kinds/join.md, spec/kinds/suspension.md). Invalid bodies are written byte by
// byte, so each carries one defect; every check is asserted by its code AND its
// field; mutated bodies only ever decode to themselves or throw a HotlineError.

import { expect } from 'chai';
import fc from 'fast-check';
import {
  decodeJoinBody,
  decodeResumeBody,
  decodeSuspendBody,
  type EnvelopeId,
  type ErrorCode,
  encodeJoinBody,
  encodeResumeBody,
  encodeSuspendBody,
  HotlineError,
  type JoinBody,
  type ResumeBody,
  SUSPENSION_SCOPE,
  type SuspendBody,
} from '../src/index.js';
import { array, bstr, cat, expectCode, filled, hex, map, nint, tstr, uint } from './helpers.js';

const SEED = 0x5e5d;

type Entry = [number, Uint8Array];
/** A map with uint keys, in exactly the order given. */
const intMap = (...entries: Entry[]): Uint8Array =>
  map(...entries.map(([k, v]) => [uint(k), v] as [Uint8Array, Uint8Array]));
const block = (language: string, text: string) => intMap([1, tstr(language)], [2, tstr(text)]);

const CHARTER_ID = filled(32, 0xc4) as EnvelopeId;
const SUSPENSION_ID = filled(32, 0x5b) as EnvelopeId;
const T0 = 1_761_523_200_000;
const EN_NOTE = block('en', 'We accept the charter of 27 October.');
const REASON = block('en', 'Desk relocating; use the backup line.');

function expectField(
  decode: (b: Uint8Array) => unknown,
  bytes: Uint8Array,
  code: ErrorCode,
  field: string,
) {
  expect(expectCode(() => decode(bytes), code).field).to.equal(field);
}

type Case = [what: string, body: Uint8Array, code: ErrorCode, field: string];

// ---------------------------------------------------------------------- join

describe('kinds: join', () => {
  it('encodes and decodes {1: charter id, 2: note} to the hand-written bytes', () => {
    const bytes = intMap([1, bstr(CHARTER_ID)], [2, EN_NOTE]);
    const value: JoinBody = {
      charter: CHARTER_ID,
      note: { language: 'en', text: 'We accept the charter of 27 October.' },
    };
    expect(hex(encodeJoinBody(value))).to.equal(hex(bytes));
    const decoded = decodeJoinBody(bytes);
    expect(hex(decoded.charter)).to.equal(hex(CHARTER_ID));
    expect(decoded.note).to.deep.equal(value.note);
    expect(Object.isFrozen(decoded)).to.equal(true);
  });

  it('a join without a note has no note property', () => {
    const decoded = decodeJoinBody(intMap([1, bstr(CHARTER_ID)]));
    expect(decoded).to.not.have.property('note');
    expect(hex(encodeJoinBody({ charter: CHARTER_ID }))).to.equal(`a1015820${'c4'.repeat(32)}`);
  });

  const cases: Case[] = [
    ['an array', array(bstr(CHARTER_ID)), 'BODY_MALFORMED', 'body'],
    ['no charter id', intMap([2, EN_NOTE]), 'BODY_MALFORMED', 'charter'],
    ['a 31-byte id', intMap([1, bstr(CHARTER_ID.subarray(1))]), 'BODY_MALFORMED', 'charter'],
    ['an id as text', intMap([1, tstr('c4')]), 'BODY_MALFORMED', 'charter'],
    ['key 3', intMap([1, bstr(CHARTER_ID)], [3, uint(0)]), 'BODY_MALFORMED', ''],
    ['a note as text', intMap([1, bstr(CHARTER_ID)], [2, tstr('ok')]), 'BODY_MALFORMED', 'note'],
    [
      'a note without text',
      intMap([1, bstr(CHARTER_ID)], [2, intMap([1, tstr('en')])]),
      'BODY_MALFORMED',
      'note.text',
    ],
    [
      'an empty note',
      intMap([1, bstr(CHARTER_ID)], [2, block('en', '')]),
      'BODY_INVALID',
      'note.text',
    ],
    [
      'a note language "e"',
      intMap([1, bstr(CHARTER_ID)], [2, block('e', 'ok')]),
      'BODY_INVALID',
      'note.language',
    ],
    [
      'a note of 16385 bytes',
      intMap([1, bstr(CHARTER_ID)], [2, block('en', 'x'.repeat(16_385))]),
      'BODY_LIMIT',
      'note.text',
    ],
  ];
  for (const [what, bytes, code, field] of cases) {
    it(`${code}: ${what} (field "${field}")`, () =>
      expectField(decodeJoinBody, bytes, code, field));
  }

  it('applies the CBOR profile first', () => {
    expectCode(() => decodeJoinBody(new Uint8Array(0)), 'CBOR_TRUNCATED');
    expectCode(
      () => decodeJoinBody(intMap([2, EN_NOTE], [1, bstr(CHARTER_ID)])),
      'CBOR_MAP_KEYS_UNSORTED',
    );
    expectCode(
      () => decodeJoinBody(cat(intMap([1, bstr(CHARTER_ID)]), [0])),
      'CBOR_TRAILING_BYTES',
    );
  });

  it('the encoder refuses what the decoder refuses, and non-objects with TypeError', () => {
    expectCode(
      () => encodeJoinBody({ charter: CHARTER_ID.subarray(1) as EnvelopeId }),
      'BODY_MALFORMED',
    );
    expectCode(
      () => encodeJoinBody({ charter: CHARTER_ID, note: { language: 'en', text: '' } }),
      'BODY_INVALID',
    );
    expect(() => encodeJoinBody(null as never)).to.throw(TypeError);
    // An array is a CBOR value, so the decoder's code; a plain object is none: TypeError.
    expectCode(() => encodeJoinBody({ charter: [1, 2] } as never), 'BODY_MALFORMED');
    expect(() => encodeJoinBody({ charter: {} } as never)).to.throw(TypeError);
  });
});

// ------------------------------------------------------------------- suspend

describe('kinds: suspend', () => {
  it('encodes and decodes every field to the hand-written bytes', () => {
    const bytes = intMap([1, REASON], [2, uint(T0 + 86_400_000)], [3, uint(1)]);
    const value: SuspendBody = {
      reason: { language: 'en', text: 'Desk relocating; use the backup line.' },
      expectedResume: T0 + 86_400_000,
      scope: 'channel',
    };
    expect(hex(encodeSuspendBody(value))).to.equal(hex(bytes));
    expect(decodeSuspendBody(bytes)).to.deep.equal(value);
  });

  it('scope 2 is the sender; absent fields are absent, not undefined', () => {
    expect(decodeSuspendBody(intMap([1, REASON], [3, uint(2)])).scope).to.equal('sender');
    const bare = decodeSuspendBody(intMap([1, REASON]));
    expect(Object.keys(bare)).to.deep.equal(['reason']);
    expect(SUSPENSION_SCOPE).to.deep.equal({ channel: 1, sender: 2 });
  });

  it('accepts expected resume times 0 and 2^53-1 (the client judges them against the envelope time)', () => {
    for (const t of [0, Number.MAX_SAFE_INTEGER]) {
      expect(
        decodeSuspendBody(
          encodeSuspendBody({ reason: { language: 'ru', text: 'Пауза' }, expectedResume: t }),
        ).expectedResume,
      ).to.equal(t);
    }
  });

  const cases: Case[] = [
    ['a text string', tstr('suspended'), 'BODY_MALFORMED', 'body'],
    ['no reason', intMap([3, uint(1)]), 'BODY_MALFORMED', 'reason'],
    ['a reason as text', intMap([1, tstr('moving')]), 'BODY_MALFORMED', 'reason'],
    ['an empty reason', intMap([1, block('en', '')]), 'BODY_INVALID', 'reason.text'],
    ['a resume time of -1', intMap([1, REASON], [2, nint(-1)]), 'BODY_MALFORMED', 'expectedResume'],
    [
      'a resume time as text',
      intMap([1, REASON], [2, tstr('tomorrow')]),
      'BODY_MALFORMED',
      'expectedResume',
    ],
    ['scope 0', intMap([1, REASON], [3, uint(0)]), 'BODY_INVALID', 'scope'],
    ['scope 3', intMap([1, REASON], [3, uint(3)]), 'BODY_INVALID', 'scope'],
    ['scope as text', intMap([1, REASON], [3, tstr('channel')]), 'BODY_MALFORMED', 'scope'],
    ['key 4', intMap([1, REASON], [4, uint(1)]), 'BODY_MALFORMED', ''],
    // Key order: the empty reason (key 1) is reported before scope 3 (key 3).
    [
      'an empty reason and scope 3',
      intMap([1, block('en', '')], [3, uint(3)]),
      'BODY_INVALID',
      'reason.text',
    ],
  ];
  for (const [what, bytes, code, field] of cases) {
    it(`${code}: ${what} (field "${field}")`, () =>
      expectField(decodeSuspendBody, bytes, code, field));
  }

  it('the encoder refuses an unknown scope name (TypeError) and a fractional time (RangeError)', () => {
    expect(() =>
      encodeSuspendBody({ reason: { language: 'en', text: 'x' }, scope: 'all' as never }),
    ).to.throw(TypeError);
    expect(() =>
      encodeSuspendBody({ reason: { language: 'en', text: 'x' }, scope: 'toString' as never }),
    ).to.throw(TypeError);
    expect(() =>
      encodeSuspendBody({ reason: { language: 'en', text: 'x' }, expectedResume: 1.5 }),
    ).to.throw(RangeError);
    expectCode(() => encodeSuspendBody({ reason: { language: 'en', text: '' } }), 'BODY_INVALID');
  });
});

// -------------------------------------------------------------------- resume

describe('kinds: resume', () => {
  it('encodes and decodes {1: suspension id, 2: note} to the hand-written bytes', () => {
    const note = block('en', 'Back on the main line.');
    const bytes = intMap([1, bstr(SUSPENSION_ID)], [2, note]);
    const value: ResumeBody = {
      suspension: SUSPENSION_ID,
      note: { language: 'en', text: 'Back on the main line.' },
    };
    expect(hex(encodeResumeBody(value))).to.equal(hex(bytes));
    const decoded = decodeResumeBody(bytes);
    expect(hex(decoded.suspension)).to.equal(hex(SUSPENSION_ID));
    expect(decoded.note).to.deep.equal(value.note);
    expect(decodeResumeBody(intMap([1, bstr(SUSPENSION_ID)]))).to.not.have.property('note');
  });

  const cases: Case[] = [
    ['an array', array(), 'BODY_MALFORMED', 'body'],
    ['no suspension id', intMap([2, block('en', 'back')]), 'BODY_MALFORMED', 'suspension'],
    ['a 33-byte id', intMap([1, bstr(filled(33, 1))]), 'BODY_MALFORMED', 'suspension'],
    ['key 3', intMap([1, bstr(SUSPENSION_ID)], [3, uint(1)]), 'BODY_MALFORMED', ''],
    [
      'a note in "en_GB"',
      intMap([1, bstr(SUSPENSION_ID)], [2, block('en_GB', 'back')]),
      'BODY_INVALID',
      'note.language',
    ],
  ];
  for (const [what, bytes, code, field] of cases) {
    it(`${code}: ${what} (field "${field}")`, () =>
      expectField(decodeResumeBody, bytes, code, field));
  }

  it('the encoder refuses what the decoder refuses', () => {
    expectCode(
      () => encodeResumeBody({ suspension: filled(31, 1) as EnvelopeId }),
      'BODY_MALFORMED',
    );
    expect(() => encodeResumeBody(undefined as never)).to.throw(TypeError);
  });
});

// ---------------------------------------------------------------- properties

const id32 = fc.uint8Array({ minLength: 32, maxLength: 32 }).map((b) => b as EnvelopeId);
const textBlock = fc.record({
  language: fc.constantFrom('en', 'ru', 'zh-Hans', 'fr'),
  text: fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }),
});
const joins: fc.Arbitrary<JoinBody> = fc.record(
  { charter: id32, note: textBlock },
  { requiredKeys: ['charter'] },
);
const suspends: fc.Arbitrary<SuspendBody> = fc.record(
  {
    reason: textBlock,
    expectedResume: fc.maxSafeNat(),
    scope: fc.constantFrom<'channel' | 'sender'>('channel', 'sender'),
  },
  { requiredKeys: ['reason'] },
);
const resumes: fc.Arbitrary<ResumeBody> = fc.record(
  { suspension: id32, note: textBlock },
  { requiredKeys: ['suspension'] },
);

const edit = fc.tuple(
  fc.constantFrom('replace', 'insert', 'delete', 'truncate'),
  fc.nat(),
  fc.integer({ min: 0, max: 255 }),
);

function applyEdit(bytes: Uint8Array, [op, at, value]: [string, number, number]): Uint8Array {
  const i = at % bytes.length;
  if (op === 'replace') return cat(bytes.subarray(0, i), [value], bytes.subarray(i + 1));
  if (op === 'insert') return cat(bytes.subarray(0, i), [value], bytes.subarray(i));
  if (op === 'delete') return cat(bytes.subarray(0, i), bytes.subarray(i + 1));
  return bytes.subarray(0, i);
}

const KINDS = [
  ['join', joins, encodeJoinBody, decodeJoinBody],
  ['suspend', suspends, encodeSuspendBody, decodeSuspendBody],
  ['resume', resumes, encodeResumeBody, decodeResumeBody],
] as const;

describe('kinds: channel body properties', () => {
  for (const [name, arbitrary, encode, decode] of KINDS) {
    const enc = encode as (v: unknown) => Uint8Array;
    const dec = decode as (b: Uint8Array) => unknown;
    it(`${name}: decode(encode(x)) re-encodes to the same bytes`, () => {
      fc.assert(
        fc.property(arbitrary as fc.Arbitrary<unknown>, (value) => {
          const bytes = enc(value);
          expect(hex(enc(dec(bytes)))).to.equal(hex(bytes));
        }),
        { seed: SEED, numRuns: 200 },
      );
    });

    it(`${name}: a mutated body decodes to itself or throws HotlineError only`, () => {
      fc.assert(
        fc.property(
          arbitrary as fc.Arbitrary<unknown>,
          fc.array(edit, { minLength: 1, maxLength: 3 }),
          (value, edits) => {
            const mutated = edits.reduce(
              (b, e) => (b.length === 0 ? b : applyEdit(b, e)),
              enc(value),
            );
            let decoded: unknown;
            try {
              decoded = dec(mutated);
            } catch (error) {
              if (!(error instanceof HotlineError)) throw error;
              return;
            }
            expect(hex(enc(decoded))).to.equal(hex(mutated));
          },
        ),
        { seed: SEED, numRuns: 500 },
      );
    });
  }
});
