// The channel charter (spec/08-channels.md): round trips against hand-written bytes,
// the channel id, one hand-crafted body per charter code (with the order of checks),
// the charter envelope checks, the encoder's argument checks, and mutated bodies
// that only ever decode to themselves or fail with a HotlineError.

import { readFileSync } from 'node:fs';
import { sha256 } from '@noble/hashes/sha2.js';
import { expect } from 'chai';
import fc from 'fast-check';
import {
  assembleEnvelope,
  bytesEqual,
  CHARTER_LIMITS,
  type Charter,
  type CharterInput,
  channelIdOf,
  checkCharterEnvelope,
  decodeCharterBody,
  decodeEnvelope,
  type EnvelopeFieldsInput,
  type ErrorCode,
  encodeCharterBody,
  encodePayload,
  HotlineError,
  isMember,
  KIND,
  listsRelay,
} from '../src/index.js';
import {
  array,
  bstr,
  cat,
  expectCode,
  filled,
  hex,
  map,
  nint,
  SIGNATURE,
  tstr,
  uint,
  utf8,
} from './helpers.js';

const ALICE = filled(32, 0xa1);
const BOB = filled(32, 0xb0);
const CAROL = filled(32, 0xc0);
const RELAY_A = filled(32, 0x1a);
const RELAY_B = filled(32, 0x2b);
const BOX = filled(32, 0xe5);

/** A member map written by hand: {1: key, 2: name, 3?: encryption key}. */
const member = (key: Uint8Array, name: string, box?: Uint8Array): Uint8Array =>
  box === undefined
    ? map([uint(1), bstr(key)], [uint(2), tstr(name)])
    : map([uint(1), bstr(key)], [uint(2), tstr(name)], [uint(3), bstr(box)]);
const relay = (key: Uint8Array, url: string): Uint8Array =>
  map([uint(1), bstr(key)], [uint(2), tstr(url)]);
const params = (interval: Uint8Array = uint(60_000)): Uint8Array => map([uint(1), interval]);
/** The charter map from encoded members, relays and params. */
const body = (members: Uint8Array, relays: Uint8Array, p: Uint8Array = params()): Uint8Array =>
  map([uint(1), members], [uint(2), relays], [uint(3), p]);

const MEMBERS = array(member(ALICE, 'Alice', BOX), member(BOB, 'Bob'));
const RELAYS = array(relay(RELAY_A, 'wss://a.example'), relay(RELAY_B, 'ws://127.0.0.1:8080'));
const BODY = body(MEMBERS, RELAYS);

const INPUT: CharterInput = {
  // Deliberately out of order: the encoder sorts by key.
  members: [
    { key: BOB, name: 'Bob' },
    { key: ALICE, name: 'Alice', encryptionKey: BOX },
  ],
  relays: [
    { key: RELAY_B, url: 'ws://127.0.0.1:8080' },
    { key: RELAY_A, url: 'wss://a.example' },
  ],
  params: { heartbeatInterval: 60_000 },
};

/** n distinct keys, ascending: byte 0 = 1..n. */
const keysAscending = (n: number): Uint8Array[] =>
  Array.from({ length: n }, (_, i) => cat([i + 1], filled(31, 0)));

function expectMalformed(bytes: Uint8Array, field: string): void {
  expect(expectCode(() => decodeCharterBody(bytes), 'CHARTER_MALFORMED').field).to.equal(field);
}

describe('charter: encoding and decoding', () => {
  it('encodes exactly the hand-written canonical bytes, members and relays sorted', () => {
    expect(hex(encodeCharterBody(INPUT))).to.equal(hex(BODY));
  });

  it('decodes to a frozen charter in key order, with its channel id', () => {
    const charter = decodeCharterBody(BODY);
    expect(hex(charter.channel)).to.equal(hex(sha256(BODY)));
    expect(charter.members.map((m) => [hex(m.key), m.name])).to.deep.equal([
      [hex(ALICE), 'Alice'],
      [hex(BOB), 'Bob'],
    ]);
    expect(hex(charter.members[0]!.encryptionKey!)).to.equal(hex(BOX));
    // An absent optional key is absent, not undefined-valued: re-encoding stays canonical.
    expect(charter.members[1]).to.not.have.property('encryptionKey');
    expect(charter.relays.map((r) => r.url)).to.deep.equal([
      'wss://a.example',
      'ws://127.0.0.1:8080',
    ]);
    expect(charter.params).to.deep.equal({ heartbeatInterval: 60_000 });
    for (const value of [
      charter,
      charter.members,
      charter.members[0],
      charter.relays[1],
      charter.params,
    ]) {
      expect(Object.isFrozen(value)).to.equal(true);
    }
  });

  it('re-encodes a decoded charter to the same bytes', () => {
    expect(hex(encodeCharterBody(decodeCharterBody(BODY)))).to.equal(hex(BODY));
  });

  it("returns keys that do not alias the caller's buffer", () => {
    const input = BODY.slice();
    const charter = decodeCharterBody(input);
    input.fill(0);
    expect(hex(charter.members[0]!.key)).to.equal(hex(ALICE));
  });

  it('accepts the limits themselves: 64 members, 16 relays, 64-byte names, 256-byte URLs', () => {
    const members = keysAscending(64).map((key) => ({ key, name: '\u{1F600}'.repeat(16) }));
    const relays = keysAscending(16).map((key) => ({ key, url: `wss://${'r'.repeat(250)}` }));
    for (const heartbeatInterval of [1000, 86_400_000]) {
      const charter = decodeCharterBody(
        encodeCharterBody({ members, relays, params: { heartbeatInterval } }),
      );
      expect(charter.members).to.have.length(64);
      expect(charter.relays).to.have.length(16);
      expect(charter.params.heartbeatInterval).to.equal(heartbeatInterval);
    }
  });
});

describe('charter: channel id', () => {
  it('is SHA-256 of the body bytes, the same from channelIdOf and the decoder', () => {
    expect(hex(channelIdOf(BODY))).to.equal(hex(sha256(BODY)));
    expect(hex(decodeCharterBody(BODY).channel)).to.equal(hex(channelIdOf(BODY)));
  });

  it('does not depend on the order in which members and relays are given', () => {
    const reversed: CharterInput = {
      ...INPUT,
      members: [...INPUT.members].reverse(),
      relays: [...INPUT.relays].reverse(),
    };
    expect(hex(channelIdOf(encodeCharterBody(reversed)))).to.equal(hex(channelIdOf(BODY)));
  });

  it('changes with any change of terms (a name, the heartbeat)', () => {
    const id = hex(channelIdOf(BODY));
    const renamed = { ...INPUT, members: [{ key: BOB, name: 'Robert' }, INPUT.members[1]!] };
    const slower = { ...INPUT, params: { heartbeatInterval: 60_001 } };
    expect(hex(channelIdOf(encodeCharterBody(renamed)))).to.not.equal(id);
    expect(hex(channelIdOf(encodeCharterBody(slower)))).to.not.equal(id);
  });

  it('is pinned for the fixed charter of this file', () => {
    // Any change to the charter encoding changes every channel id: it must be deliberate.
    expect(BODY.length).to.equal(240);
    expect(hex(channelIdOf(BODY))).to.equal(
      '5304cd1d9ab2c34a0572aa2ab6b3bf788f03216e54940c81a61c298e4051f9d4',
    );
  });
});

describe('charter: rejections', () => {
  it('applies the CBOR profile first', () => {
    expectCode(() => decodeCharterBody(new Uint8Array(0)), 'CBOR_TRUNCATED');
    expectCode(
      () => decodeCharterBody(map([uint(2), RELAYS], [uint(1), MEMBERS], [uint(3), params()])),
      'CBOR_MAP_KEYS_UNSORTED',
    );
    expectCode(() => decodeCharterBody(cat(BODY, [0])), 'CBOR_TRAILING_BYTES');
  });

  it('rejects a body over MAX_BODY_BYTES before reading it', () => {
    expectCode(() => decodeCharterBody(new Uint8Array(65_537)), 'BODY_TOO_LARGE');
  });

  const malformed: [string, Uint8Array, string][] = [
    ['not a map', array(MEMBERS, RELAYS, params()), 'charter'],
    [
      'unknown key 4',
      map([uint(1), MEMBERS], [uint(2), RELAYS], [uint(3), params()], [uint(4), uint(0)]),
      'charter',
    ],
    ['relays missing', map([uint(1), MEMBERS], [uint(3), params()]), 'relays'],
    ['members missing (reported before params)', map([uint(2), RELAYS]), 'members'],
    ['members a map', body(map(), RELAYS), 'members'],
    ['a member is an array', body(array(array()), RELAYS), 'members[0]'],
    [
      'a member has key 4',
      body(array(map([uint(1), bstr(ALICE)], [uint(2), tstr('A')], [uint(4), uint(0)])), RELAYS),
      'members[0]',
    ],
    [
      'a member has no name',
      body(array(member(ALICE, 'Alice'), map([uint(1), bstr(BOB)])), RELAYS),
      'members[1].name',
    ],
    ['a member has no key', body(array(map([uint(2), tstr('A')])), RELAYS), 'members[0].key'],
    ['a 31-byte member key', body(array(member(ALICE.subarray(1), 'A')), RELAYS), 'members[0].key'],
    [
      'a member key as text',
      body(array(map([uint(1), tstr('A')], [uint(2), tstr('A')])), RELAYS),
      'members[0].key',
    ],
    ['an empty name', body(array(member(ALICE, '')), RELAYS), 'members[0].name'],
    [
      'a name of 65 ASCII bytes',
      body(array(member(ALICE, 'n'.repeat(65))), RELAYS),
      'members[0].name',
    ],
    // 33 characters, 66 bytes: counting UTF-16 units instead of bytes would let it through.
    [
      'a name of 33 "é" (66 bytes)',
      body(array(member(ALICE, 'é'.repeat(33))), RELAYS),
      'members[0].name',
    ],
    [
      'a name as bytes',
      body(array(map([uint(1), bstr(ALICE)], [uint(2), bstr(utf8('A'))])), RELAYS),
      'members[0].name',
    ],
    [
      'a 33-byte encryption key',
      body(array(member(ALICE, 'A', filled(33, 1))), RELAYS),
      'members[0].encryptionKey',
    ],
    ['relays a byte string', body(MEMBERS, bstr(RELAY_A)), 'relays'],
    ['a relay without url', body(MEMBERS, array(map([uint(1), bstr(RELAY_A)]))), 'relays[0].url'],
    ['an http URL', body(MEMBERS, array(relay(RELAY_A, 'https://a.example'))), 'relays[0].url'],
    [
      'an upper-case scheme',
      body(MEMBERS, array(relay(RELAY_A, 'WSS://a.example'))),
      'relays[0].url',
    ],
    [
      'a URL of 257 bytes',
      body(MEMBERS, array(relay(RELAY_A, `wss://${'u'.repeat(251)}`))),
      'relays[0].url',
    ],
    ['an empty URL', body(MEMBERS, array(relay(RELAY_A, ''))), 'relays[0].url'],
    ['params an array', body(MEMBERS, RELAYS, array(uint(60_000))), 'params'],
    ['params without heartbeat', body(MEMBERS, RELAYS, map()), 'params.heartbeatInterval'],
    [
      'params key 2',
      body(MEMBERS, RELAYS, map([uint(1), uint(60_000)], [uint(2), uint(0)])),
      'params',
    ],
    ['heartbeat 999 ms', body(MEMBERS, RELAYS, params(uint(999))), 'params.heartbeatInterval'],
    [
      'heartbeat 86 400 001 ms',
      body(MEMBERS, RELAYS, params(uint(86_400_001))),
      'params.heartbeatInterval',
    ],
    ['heartbeat -60000', body(MEMBERS, RELAYS, params(nint(-60_000))), 'params.heartbeatInterval'],
    ['heartbeat as text', body(MEMBERS, RELAYS, params(tstr('60000'))), 'params.heartbeatInterval'],
  ];
  for (const [what, bytes, field] of malformed) {
    it(`CHARTER_MALFORMED: ${what} (field ${field})`, () => expectMalformed(bytes, field));
  }

  const counted: [string, Uint8Array, string][] = [
    ['no member', body(array(), RELAYS), 'members'],
    ['65 members', body(array(...keysAscending(65).map((k) => member(k, 'm'))), RELAYS), 'members'],
    ['no relay', body(MEMBERS, array()), 'relays'],
    [
      '17 relays',
      body(MEMBERS, array(...keysAscending(17).map((k) => relay(k, 'ws://r')))),
      'relays',
    ],
  ];
  for (const [what, bytes, field] of counted) {
    it(`CHARTER_LIMIT: ${what}`, () => {
      expect(expectCode(() => decodeCharterBody(bytes), 'CHARTER_LIMIT').field).to.equal(field);
    });
  }

  const ordering: [string, Uint8Array, ErrorCode, string][] = [
    [
      'members Bob, Alice',
      body(array(member(BOB, 'B'), member(ALICE, 'A')), RELAYS),
      'CHARTER_MEMBERS_UNSORTED',
      'members[1]',
    ],
    [
      'Alice twice',
      body(array(member(ALICE, 'A'), member(ALICE, 'A2')), RELAYS),
      'CHARTER_MEMBER_DUPLICATE',
      'members[1]',
    ],
    [
      'relays B, A',
      body(MEMBERS, array(relay(RELAY_B, 'ws://b'), relay(RELAY_A, 'ws://a'))),
      'CHARTER_RELAYS_UNSORTED',
      'relays[1]',
    ],
    [
      'relay A twice',
      body(MEMBERS, array(relay(RELAY_A, 'ws://a'), relay(RELAY_A, 'ws://b'))),
      'CHARTER_RELAY_DUPLICATE',
      'relays[1]',
    ],
  ];
  for (const [what, bytes, code, field] of ordering) {
    it(`${code}: ${what}`, () => {
      expect(expectCode(() => decodeCharterBody(bytes), code).field).to.equal(field);
    });
  }

  it('reports in order: a defect in a present field before a missing field', () => {
    // members unsorted (key 1) and relays absent: key 1 is read before the missing check.
    expectCode(
      () =>
        decodeCharterBody(
          map([uint(1), array(member(BOB, 'B'), member(ALICE, 'A'))], [uint(3), params()]),
        ),
      'CHARTER_MEMBERS_UNSORTED',
    );
  });

  it('reports in order: an element is checked before it is compared', () => {
    // The second member is both out of order and malformed: its own defect comes first.
    expectMalformed(body(array(member(BOB, 'B'), member(ALICE, '')), RELAYS), 'members[1].name');
  });

  it('reports in order: the count before any element', () => {
    const bad = array(...keysAscending(65).map(() => array()));
    expectCode(() => decodeCharterBody(body(bad, RELAYS)), 'CHARTER_LIMIT');
  });
});

describe('charter: checkCharterEnvelope', () => {
  const founding = (overrides: Partial<EnvelopeFieldsInput> = {}) => {
    const fields: EnvelopeFieldsInput = {
      channel: sha256(BODY),
      sender: ALICE,
      seq: 1,
      time: 1_761_523_200_000,
      kind: KIND.charter,
      body: BODY,
      ...overrides,
    };
    // The signature is not checked here (the relay opens the envelope first).
    return decodeEnvelope(assembleEnvelope(encodePayload(fields), SIGNATURE));
  };

  it('returns the charter of a founding envelope', () => {
    const charter = checkCharterEnvelope(founding());
    expect(hex(charter.channel)).to.equal(hex(sha256(BODY)));
    expect(charter.members).to.have.length(2);
  });

  it('accepts any member as author', () => {
    expect(checkCharterEnvelope(founding({ sender: BOB })).members).to.have.length(2);
  });

  it('CHARTER_KIND_MISMATCH: a text envelope', () => {
    expectCode(() => checkCharterEnvelope(founding({ kind: KIND.text })), 'CHARTER_KIND_MISMATCH');
  });

  it('CHARTER_NOT_GENESIS: seq 2 (kind is checked first)', () => {
    const prev = filled(32, 0x9a);
    expectCode(() => checkCharterEnvelope(founding({ seq: 2, prev })), 'CHARTER_NOT_GENESIS');
    expectCode(
      () => checkCharterEnvelope(founding({ seq: 2, prev, kind: KIND.join })),
      'CHARTER_KIND_MISMATCH',
    );
  });

  it('CHARTER_CHANNEL_MISMATCH: a channel other than SHA-256(body), checked before the body', () => {
    expectCode(
      () => checkCharterEnvelope(founding({ channel: filled(32, 7) })),
      'CHARTER_CHANNEL_MISMATCH',
    );
    expectCode(
      () => checkCharterEnvelope(founding({ channel: filled(32, 7), body: utf8('junk') })),
      'CHARTER_CHANNEL_MISMATCH',
    );
  });

  it('the body codes, when the channel matches a defective body', () => {
    const junk = cat(BODY, [0]);
    expectCode(
      () => checkCharterEnvelope(founding({ channel: sha256(junk), body: junk })),
      'CBOR_TRAILING_BYTES',
    );
    const http = body(MEMBERS, array(relay(RELAY_A, 'http://a')));
    expectCode(
      () => checkCharterEnvelope(founding({ channel: sha256(http), body: http })),
      'CHARTER_MALFORMED',
    );
  });

  it('CHARTER_AUTHOR_NOT_MEMBER: carol founds a channel of alice and bob', () => {
    expectCode(
      () => checkCharterEnvelope(founding({ sender: CAROL })),
      'CHARTER_AUTHOR_NOT_MEMBER',
    );
  });

  it('throws TypeError on something that is not a decoded envelope', () => {
    expect(() => checkCharterEnvelope(null as never)).to.throw(TypeError);
    expect(() => checkCharterEnvelope({} as never)).to.throw(TypeError);
  });
});

describe('charter: isMember and listsRelay', () => {
  const charter = decodeCharterBody(BODY);
  const big = decodeCharterBody(
    encodeCharterBody({
      members: keysAscending(64).map((key) => ({ key, name: 'm' })),
      relays: keysAscending(16).map((key) => ({ key, url: 'ws://r' })),
      params: { heartbeatInterval: 1000 },
    }),
  );

  it('finds members and only members', () => {
    expect(isMember(charter, ALICE)).to.equal(true);
    expect(isMember(charter, BOB)).to.equal(true);
    expect(isMember(charter, CAROL)).to.equal(false);
    // The encryption key and the relay keys are not signing keys of members.
    expect(isMember(charter, BOX)).to.equal(false);
    expect(isMember(charter, RELAY_A)).to.equal(false);
    expect(isMember(charter, ALICE.subarray(1))).to.equal(false);
  });

  it('finds every one of 64 members and 16 relays (binary search bounds)', () => {
    for (const key of keysAscending(64)) expect(isMember(big, key), hex(key)).to.equal(true);
    for (const key of keysAscending(16)) expect(listsRelay(big, key), hex(key)).to.equal(true);
    expect(isMember(big, filled(32, 0))).to.equal(false);
    expect(isMember(big, filled(32, 0xff))).to.equal(false);
    expect(listsRelay(big, keysAscending(17)[16]!)).to.equal(false);
  });

  it('finds relays and only relays', () => {
    expect(listsRelay(charter, RELAY_A)).to.equal(true);
    expect(listsRelay(charter, RELAY_B)).to.equal(true);
    expect(listsRelay(charter, ALICE)).to.equal(false);
  });

  it('throws TypeError on a key that is not bytes', () => {
    expect(() => isMember(charter, 'alice' as never)).to.throw(TypeError);
    expect(() => listsRelay(charter, [1, 2] as never)).to.throw(TypeError);
  });
});

describe('charter: encodeCharterBody arguments', () => {
  const typeErrors: [string, unknown][] = [
    ['not an object', 'charter'],
    ['members not an array', { ...INPUT, members: {} }],
    ['a member key as hex', { ...INPUT, members: [{ key: hex(ALICE), name: 'A' }] }],
    ['a name that is a number', { ...INPUT, members: [{ key: ALICE, name: 7 }] }],
    ['a name with a lone surrogate', { ...INPUT, members: [{ key: ALICE, name: 'A\uD800' }] }],
    [
      'an encryption key as an array',
      { ...INPUT, members: [{ key: ALICE, name: 'A', encryptionKey: [1] }] },
    ],
    [
      'a URL that is not a string',
      { ...INPUT, relays: [{ key: RELAY_A, url: new URL('ws://a') }] },
    ],
    ['params missing', { members: INPUT.members, relays: INPUT.relays }],
    ['a fractional heartbeat', { ...INPUT, params: { heartbeatInterval: 1000.5 } }],
  ];
  for (const [what, input] of typeErrors) {
    it(`TypeError: ${what}`, () => {
      expect(() => encodeCharterBody(input as CharterInput)).to.throw(TypeError);
    });
  }

  const refused: [string, Partial<CharterInput>, ErrorCode][] = [
    ['no member', { members: [] }, 'CHARTER_LIMIT'],
    [
      'the same member twice',
      { members: [INPUT.members[0]!, INPUT.members[0]!] },
      'CHARTER_MEMBER_DUPLICATE',
    ],
    [
      'the same relay twice',
      { relays: [INPUT.relays[0]!, INPUT.relays[0]!] },
      'CHARTER_RELAY_DUPLICATE',
    ],
    ['an https URL', { relays: [{ key: RELAY_A, url: 'https://a' }] }, 'CHARTER_MALFORMED'],
    ['a 31-byte key', { members: [{ key: ALICE.subarray(1), name: 'A' }] }, 'CHARTER_MALFORMED'],
    ['a negative heartbeat', { params: { heartbeatInterval: -1 } }, 'CHARTER_MALFORMED'],
  ];
  for (const [what, change, code] of refused) {
    it(`${code}: refuses to encode ${what}`, () => {
      expectCode(() => encodeCharterBody({ ...INPUT, ...change }), code);
    });
  }

  it("leaves the caller's arrays in their order", () => {
    const members = [...INPUT.members];
    encodeCharterBody({ ...INPUT, members });
    expect(members.map((m) => hex(m.key))).to.deep.equal([hex(BOB), hex(ALICE)]);
  });
});

describe('charter: registry', () => {
  // Raised by a relay while founding or serving a channel (spec/08-channels.md §6), not
  // by the codec: the relay's own tests cover them.
  const RELAY_ONLY = ['CHARTER_RELAY_NOT_LISTED', 'CHARTER_NOT_PERMITTED', 'CHARTER_EXISTS'];
  const EXERCISED = [
    'CHARTER_MALFORMED',
    'CHARTER_LIMIT',
    'CHARTER_MEMBERS_UNSORTED',
    'CHARTER_MEMBER_DUPLICATE',
    'CHARTER_RELAYS_UNSORTED',
    'CHARTER_RELAY_DUPLICATE',
    'CHARTER_KIND_MISMATCH',
    'CHARTER_NOT_GENESIS',
    'CHARTER_CHANNEL_MISMATCH',
    'CHARTER_AUTHOR_NOT_MEMBER',
  ];

  it('the channel layer is exactly the codes exercised above plus the relay-only ones', () => {
    const registry = JSON.parse(
      readFileSync(new URL('../../../protocol/registries/errors.json', import.meta.url), 'utf8'),
    ) as { codes: { code: string; layer: string }[] };
    const channel = registry.codes.filter((c) => c.layer === 'channel').map((c) => c.code);
    expect([...channel].sort()).to.deep.equal([...EXERCISED, ...RELAY_ONLY].sort());
  });
});

// ---------------------------------------------------------------------------
// Properties

const SEED = 0x0c4a_7e8;
const key32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
/** 1 to 16 code points: at most 64 UTF-8 bytes. */
const name = fc.string({ unit: 'binary', minLength: 1, maxLength: 16 });

const validInput: fc.Arbitrary<CharterInput> = fc.record({
  members: fc.uniqueArray(
    fc.record({ key: key32, name, encryptionKey: key32 }, { requiredKeys: ['key', 'name'] }),
    { minLength: 1, maxLength: 8, selector: (m) => hex(m.key) },
  ),
  relays: fc.uniqueArray(
    fc.record({
      key: key32,
      url: fc
        .tuple(fc.constantFrom('ws://', 'wss://'), fc.string({ maxLength: 40 }))
        .map(([scheme, rest]) => scheme + rest),
    }),
    { minLength: 1, maxLength: 4, selector: (r) => hex(r.key) },
  ),
  params: fc.record({
    heartbeatInterval: fc.integer({
      min: CHARTER_LIMITS.MIN_HEARTBEAT_INTERVAL,
      max: CHARTER_LIMITS.MAX_HEARTBEAT_INTERVAL,
    }),
  }),
});

/** A byte edit: replace, insert or delete at a position, or truncate. */
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

describe('charter: properties', () => {
  it('round trip: decode(encode(x)) has x sorted, and re-encodes to the same bytes', () => {
    fc.assert(
      fc.property(validInput, (input) => {
        const bytes = encodeCharterBody(input);
        const charter: Charter = decodeCharterBody(bytes);
        const byKey = <T extends { key: Uint8Array }>(items: readonly T[]) =>
          [...items].sort((a, b) => (hex(a.key) < hex(b.key) ? -1 : 1)).map((x) => hex(x.key));
        expect(charter.members.map((m) => hex(m.key))).to.deep.equal(byKey(input.members));
        expect(charter.relays.map((r) => hex(r.key))).to.deep.equal(byKey(input.relays));
        expect(bytesEqual(encodeCharterBody(charter), bytes)).to.equal(true);
        expect(hex(charter.channel)).to.equal(hex(sha256(bytes)));
      }),
      { seed: SEED, numRuns: 300 },
    );
  });

  it('a mutated body decodes to a charter that re-encodes to it, or throws HotlineError', () => {
    fc.assert(
      fc.property(validInput, fc.array(edit, { minLength: 1, maxLength: 3 }), (input, edits) => {
        const mutated = edits.reduce(
          (bytes, e) => (bytes.length === 0 ? bytes : applyEdit(bytes, e)),
          encodeCharterBody(input),
        );
        let charter: Charter;
        try {
          charter = decodeCharterBody(mutated);
        } catch (error) {
          if (!(error instanceof HotlineError)) throw error;
          return;
        }
        expect(hex(encodeCharterBody(charter))).to.equal(hex(mutated));
        expect(hex(charter.channel)).to.equal(hex(channelIdOf(mutated)));
      }),
      { seed: SEED, numRuns: 1500 },
    );
  });

  it('the 32-byte-key position of every member is checked (a length byte changed)', () => {
    // A head of 0x58 0x20 (bstr 32) rewritten to 0x58 0x1f always fails, never decodes.
    fc.assert(
      fc.property(validInput, (input) => {
        const bytes = encodeCharterBody(input);
        const at = bytes.findIndex((b, i) => b === 0x58 && bytes[i + 1] === 0x20);
        const changed = bytes.slice();
        changed[at + 1] = 0x1f;
        let thrown: unknown;
        try {
          decodeCharterBody(changed);
        } catch (error) {
          thrown = error;
        }
        expect(thrown).to.be.instanceOf(HotlineError);
      }),
      { seed: SEED, numRuns: 100 },
    );
  });
});
