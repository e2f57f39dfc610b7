// The channel charter (spec/08-channels.md): round trips against hand-written bytes,
// the channel id, one hand-crafted body per charter code (with the order of checks),
// the charter envelope checks, the encoder's argument checks, and mutated bodies
// that only ever decode to themselves or fail with a HotlineError.

import { readFileSync } from 'node:fs';
import { sha256 } from '@noble/hashes/sha2.js';
import { expect } from 'chai';
import fc from 'fast-check';
import {
  ackDeadlinesOf,
  assembleEnvelope,
  bytesEqual,
  CHARTER_DEFAULTS,
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
  type MemberRole,
  memberRole,
  PRECEDENCE,
  permitsKind,
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
      'a member has key 5',
      body(array(map([uint(1), bstr(ALICE)], [uint(2), tstr('A')], [uint(5), uint(0)])), RELAYS),
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
      'params key 7',
      body(MEMBERS, RELAYS, map([uint(1), uint(60_000)], [uint(7), uint(0)])),
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
    'CHARTER_INVALID',
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
// The complete charter: roles and the optional parameters (spec/08-channels.md §2.5)

const DEFAULTS_JSON = JSON.parse(
  readFileSync(new URL('../../../protocol/registries/deadlines.json', import.meta.url), 'utf8'),
) as {
  ackDeadlines: {
    precedence: string;
    value: number;
    received: number;
    understood: number;
    accepted: number;
  }[];
  minLeadTime: { value: number };
};

/** {1: received, 2: understood, 3: accepted} written by hand. */
const stageMap = (received: number, understood: number, accepted: number): Uint8Array =>
  map([uint(1), uint(received)], [uint(2), uint(understood)], [uint(3), uint(accepted)]);
/** Params {1: 60000, …entries}, entries in key order. */
const fullParams = (...entries: [Uint8Array, Uint8Array][]): Uint8Array =>
  map([uint(1), uint(60_000)], ...entries);
const withParams = (...entries: [Uint8Array, Uint8Array][]): Uint8Array =>
  body(MEMBERS, RELAYS, fullParams(...entries));
const deadlines = (...entries: [Uint8Array, Uint8Array][]) =>
  withParams([uint(2), map(...entries)]);
const languages = (...tags: string[]) => withParams([uint(3), array(...tags.map(tstr))]);
const kinds = (...values: number[]) => withParams([uint(4), array(...values.map(uint))]);

const FULL_BODY = body(
  array(
    map([uint(1), bstr(ALICE)], [uint(2), tstr('Alice')], [uint(3), bstr(BOX)], [uint(4), uint(1)]),
    map([uint(1), bstr(BOB)], [uint(2), tstr('Bob')], [uint(4), uint(3)]),
  ),
  RELAYS,
  fullParams(
    [
      uint(2),
      map(
        [uint(0), stageMap(3_600_000, 7_200_000, 86_400_000)],
        [uint(1), stageMap(30_000, 300_000, 300_000)],
      ),
    ],
    [uint(3), array(tstr('en'), tstr('ru'))],
    [uint(4), array(uint(2), uint(3), uint(12), uint(13))],
    [uint(5), uint(16_384)],
    [uint(6), uint(172_800_000)],
  ),
);

const FULL_INPUT: CharterInput = {
  members: [
    { key: BOB, name: 'Bob', role: 'observer' },
    { key: ALICE, name: 'Alice', encryptionKey: BOX, role: 'principal' },
  ],
  relays: INPUT.relays,
  params: {
    heartbeatInterval: 60_000,
    // Given flash first and languages and kinds out of order: the encoder orders them.
    ackDeadlines: {
      flash: { received: 30_000, understood: 300_000, accepted: 300_000 },
      routine: { received: 3_600_000, understood: 7_200_000, accepted: 86_400_000 },
    },
    languages: ['ru', 'en'],
    permittedKinds: [13, 12, 2, 3],
    maxBodyBytes: 16_384,
    minLeadTime: 172_800_000,
  },
};

describe('charter: roles and parameters', () => {
  it('encodes every optional field to the hand-written bytes, in key order', () => {
    expect(hex(encodeCharterBody(FULL_INPUT))).to.equal(hex(FULL_BODY));
  });

  it('decodes them to frozen values; precedences by name, roles by name', () => {
    const charter = decodeCharterBody(FULL_BODY);
    expect(charter.members.map((m) => m.role)).to.deep.equal(['principal', 'observer']);
    expect(charter.params).to.deep.equal({
      heartbeatInterval: 60_000,
      ackDeadlines: {
        routine: { received: 3_600_000, understood: 7_200_000, accepted: 86_400_000 },
        flash: { received: 30_000, understood: 300_000, accepted: 300_000 },
      },
      languages: ['en', 'ru'],
      permittedKinds: [2, 3, 12, 13],
      maxBodyBytes: 16_384,
      minLeadTime: 172_800_000,
    });
    const p = charter.params;
    for (const value of [p, p.ackDeadlines, p.ackDeadlines!.flash, p.languages, p.permittedKinds]) {
      expect(Object.isFrozen(value)).to.equal(true);
    }
    expect(hex(encodeCharterBody(charter))).to.equal(hex(FULL_BODY));
  });

  it('a charter without them decodes as before: no role, no new parameter, not even undefined', () => {
    const charter = decodeCharterBody(BODY);
    for (const m of charter.members) expect(m).to.not.have.property('role');
    expect(Object.keys(charter.params)).to.deep.equal(['heartbeatInterval']);
  });

  it('accepts the edges: deadlines 1 s and 7 days, equal stages, 8 languages, 64 kinds, limits', () => {
    const edge = encodeCharterBody({
      ...INPUT,
      params: {
        heartbeatInterval: 1000,
        ackDeadlines: {
          priority: { received: 1000, understood: 1000, accepted: 604_800_000 },
          immediate: { received: 604_800_000, understood: 604_800_000, accepted: 604_800_000 },
        },
        languages: ['ar', 'de-CH', 'EN', 'es', 'fr', 'ru', 'zh-Hans', 'zh-Hant'],
        permittedKinds: [...Array.from({ length: 63 }, (_, i) => i + 1), 65_535],
        maxBodyBytes: 1024,
        minLeadTime: 0,
      },
    });
    const { params: p } = decodeCharterBody(edge);
    expect(Object.keys(p.ackDeadlines!)).to.deep.equal(['immediate', 'priority']);
    // Ascending ignoring case: "EN" sorts between "de-CH" and "es".
    expect(p.languages).to.deep.equal([
      'ar',
      'de-CH',
      'EN',
      'es',
      'fr',
      'ru',
      'zh-Hans',
      'zh-Hant',
    ]);
    expect(p.permittedKinds).to.have.length(64);
    expect([p.maxBodyBytes, p.minLeadTime]).to.deep.equal([1024, 0]);
    const top = encodeCharterBody({
      ...INPUT,
      params: { heartbeatInterval: 1000, maxBodyBytes: 65_536, minLeadTime: 7_776_000_000 },
    });
    expect(decodeCharterBody(top).params.minLeadTime).to.equal(7_776_000_000);
  });

  const malformed: [string, Uint8Array, string][] = [
    [
      'role 0',
      body(array(map([uint(1), bstr(ALICE)], [uint(2), tstr('A')], [uint(4), uint(0)])), RELAYS),
      'members[0].role',
    ],
    [
      'role 4',
      body(array(map([uint(1), bstr(ALICE)], [uint(2), tstr('A')], [uint(4), uint(4)])), RELAYS),
      'members[0].role',
    ],
    [
      'role as text',
      body(
        array(map([uint(1), bstr(ALICE)], [uint(2), tstr('A')], [uint(4), tstr('observer')])),
        RELAYS,
      ),
      'members[0].role',
    ],
    ['ack deadlines an array', withParams([uint(2), array()]), 'params.ackDeadlines'],
    ['precedence 4', deadlines([uint(4), stageMap(1000, 1000, 1000)]), 'params.ackDeadlines'],
    ['stages an array', deadlines([uint(1), array(uint(1000))]), 'params.ackDeadlines.flash'],
    [
      'stage key 4',
      deadlines([
        uint(1),
        map(
          [uint(1), uint(1000)],
          [uint(2), uint(1000)],
          [uint(3), uint(1000)],
          [uint(4), uint(1000)],
        ),
      ]),
      'params.ackDeadlines.flash',
    ],
    [
      'no accepted stage',
      deadlines([uint(2), map([uint(1), uint(1000)], [uint(2), uint(1000)])]),
      'params.ackDeadlines.immediate.accepted',
    ],
    [
      'received 999 ms',
      deadlines([uint(3), stageMap(999, 1000, 1000)]),
      'params.ackDeadlines.priority.received',
    ],
    [
      'accepted after 7 days and 1 ms',
      deadlines([uint(0), stageMap(1000, 1000, 604_800_001)]),
      'params.ackDeadlines.routine.accepted',
    ],
    ['languages a text', withParams([uint(3), tstr('en')]), 'params.languages'],
    ['a language of 1 letter', languages('e'), 'params.languages[0]'],
    ['a language with an underscore', languages('en', 'zh_Hans'), 'params.languages[1]'],
    ['a language as bytes', withParams([uint(3), array(bstr(utf8('en')))]), 'params.languages[0]'],
    ['permitted kinds a map', withParams([uint(4), map()]), 'params.permittedKinds'],
    ['kind 0', kinds(0, 3), 'params.permittedKinds[0]'],
    ['kind 65536', kinds(3, 65_536), 'params.permittedKinds[1]'],
    ['kind -3', withParams([uint(4), array(nint(-3))]), 'params.permittedKinds[0]'],
    ['body limit 1023', withParams([uint(5), uint(1023)]), 'params.maxBodyBytes'],
    ['body limit 65537', withParams([uint(5), uint(65_537)]), 'params.maxBodyBytes'],
    [
      'lead time of 90 days and 1 ms',
      withParams([uint(6), uint(7_776_000_001)]),
      'params.minLeadTime',
    ],
    ['lead time as text', withParams([uint(6), tstr('24h')]), 'params.minLeadTime'],
  ];
  for (const [what, bytes, field] of malformed) {
    it(`CHARTER_MALFORMED: ${what} (field ${field})`, () => expectMalformed(bytes, field));
  }

  const codes: [string, Uint8Array, ErrorCode, string][] = [
    ['ack deadlines of no precedence', deadlines(), 'CHARTER_LIMIT', 'params.ackDeadlines'],
    ['no language', languages(), 'CHARTER_LIMIT', 'params.languages'],
    [
      '9 languages',
      languages('ar', 'de', 'en', 'es', 'fr', 'hi', 'ja', 'ru', 'zh'),
      'CHARTER_LIMIT',
      'params.languages',
    ],
    ['no permitted kind', kinds(), 'CHARTER_LIMIT', 'params.permittedKinds'],
    [
      '65 permitted kinds',
      kinds(...Array.from({ length: 65 }, (_, i) => i + 2)),
      'CHARTER_LIMIT',
      'params.permittedKinds',
    ],
    [
      'understood before received',
      deadlines([uint(1), stageMap(60_000, 59_999, 900_000)]),
      'CHARTER_INVALID',
      'params.ackDeadlines.flash.understood',
    ],
    [
      'accepted before understood',
      deadlines([uint(0), stageMap(60_000, 600_000, 599_999)]),
      'CHARTER_INVALID',
      'params.ackDeadlines.routine.accepted',
    ],
    ['kinds 12, 3', kinds(12, 3), 'CHARTER_INVALID', 'params.permittedKinds[1]'],
    ['kind 3 twice', kinds(2, 3, 3), 'CHARTER_INVALID', 'params.permittedKinds[2]'],
    ['languages ru, en', languages('ru', 'en'), 'CHARTER_INVALID', 'params.languages[1]'],
    ['en twice', languages('en', 'en'), 'CHARTER_INVALID', 'params.languages[1]'],
    // Equal ignoring case is the same language (RFC 5646 §2.1.1), though "EN" < "en" bytewise.
    ['EN and en', languages('EN', 'en'), 'CHARTER_INVALID', 'params.languages[1]'],
  ];
  for (const [what, bytes, code, field] of codes) {
    it(`${code}: ${what} (field ${field})`, () => {
      expect(expectCode(() => decodeCharterBody(bytes), code).field).to.equal(field);
    });
  }

  it('reports in order: a stage out of range before stages out of order', () => {
    // received is both above the maximum and after understood: the range comes first.
    expectMalformed(
      deadlines([uint(1), stageMap(604_800_001, 1000, 1000)]),
      'params.ackDeadlines.flash.received',
    );
  });

  it('reports in order: the count of kinds before any kind, a kind before its order', () => {
    expectCode(
      () => decodeCharterBody(kinds(...Array.from({ length: 65 }, () => 0))),
      'CHARTER_LIMIT',
    );
    expectMalformed(kinds(12, 0), 'params.permittedKinds[1]');
  });

  const typeErrors: [string, unknown][] = [
    ['an unknown role', { ...INPUT, members: [{ key: ALICE, name: 'A', role: 'chair' }] }],
    ['role given as 3', { ...INPUT, members: [{ key: ALICE, name: 'A', role: 3 }] }],
    [
      'an unknown precedence',
      { ...INPUT, params: { heartbeatInterval: 1000, ackDeadlines: { urgent: {} } } },
    ],
    [
      'a stage missing',
      {
        ...INPUT,
        params: {
          heartbeatInterval: 1000,
          ackDeadlines: { flash: { received: 1000, understood: 1000 } },
        },
      },
    ],
    [
      'a language that is a number',
      { ...INPUT, params: { heartbeatInterval: 1000, languages: [7] } },
    ],
    ['a fractional kind', { ...INPUT, params: { heartbeatInterval: 1000, permittedKinds: [2.5] } }],
    [
      'a body limit as text',
      { ...INPUT, params: { heartbeatInterval: 1000, maxBodyBytes: '4096' } },
    ],
  ];
  for (const [what, input] of typeErrors) {
    it(`encoder TypeError: ${what}`, () => {
      expect(() => encodeCharterBody(input as CharterInput)).to.throw(TypeError);
    });
  }

  const refused: [string, Partial<CharterInput['params']>, ErrorCode][] = [
    [
      'accepted before received',
      { ackDeadlines: { flash: { received: 60_000, understood: 60_000, accepted: 1000 } } },
      'CHARTER_INVALID',
    ],
    ['a kind twice', { permittedKinds: [3, 2, 3] }, 'CHARTER_INVALID'],
    ['en and En', { languages: ['en', 'En'] }, 'CHARTER_INVALID'],
    ['no language', { languages: [] }, 'CHARTER_LIMIT'],
    ['a body limit of 512', { maxBodyBytes: 512 }, 'CHARTER_MALFORMED'],
  ];
  for (const [what, change, code] of refused) {
    it(`${code}: refuses to encode ${what}`, () => {
      expectCode(
        () => encodeCharterBody({ ...INPUT, params: { heartbeatInterval: 1000, ...change } }),
        code,
      );
    });
  }

  it("leaves the caller's languages and kinds in their order", () => {
    const params = { heartbeatInterval: 1000, languages: ['ru', 'en'], permittedKinds: [13, 2] };
    encodeCharterBody({ ...INPUT, params });
    expect(params).to.deep.equal({
      heartbeatInterval: 1000,
      languages: ['ru', 'en'],
      permittedKinds: [13, 2],
    });
  });
});

describe('charter: what a client assumes (defaults and helpers)', () => {
  const full = decodeCharterBody(FULL_BODY);
  const bare = decodeCharterBody(BODY);

  it('CHARTER_DEFAULTS are the values of protocol/registries/deadlines.json', () => {
    expect(CHARTER_DEFAULTS.ackDeadlines).to.deep.equal(
      Object.fromEntries(
        DEFAULTS_JSON.ackDeadlines.map(({ precedence, received, understood, accepted }) => [
          precedence,
          { received, understood, accepted },
        ]),
      ),
    );
    expect(CHARTER_DEFAULTS.minLeadTime).to.equal(DEFAULTS_JSON.minLeadTime.value);
    // The wire key of each precedence: its registry value, routine 0.
    expect(DEFAULTS_JSON.ackDeadlines.map((d) => [d.precedence, d.value])).to.deep.include.members([
      ['flash', PRECEDENCE.flash],
      ['immediate', PRECEDENCE.immediate],
      ['priority', PRECEDENCE.priority],
      ['routine', 0],
    ]);
  });

  it('the defaults would themselves be a valid charter, and tighten with precedence', () => {
    const defaults = CHARTER_DEFAULTS.ackDeadlines;
    const charter = decodeCharterBody(
      encodeCharterBody({
        ...INPUT,
        params: {
          heartbeatInterval: 1000,
          ackDeadlines: defaults,
          minLeadTime: CHARTER_DEFAULTS.minLeadTime,
        },
      }),
    );
    expect(charter.params.ackDeadlines).to.deep.equal(defaults);
    const order = [defaults.flash, defaults.immediate, defaults.priority, defaults.routine];
    for (let i = 1; i < order.length; i++) {
      for (const stage of ['received', 'understood', 'accepted'] as const) {
        expect(order[i]![stage]).to.be.greaterThan(order[i - 1]![stage]);
      }
    }
  });

  it("ackDeadlinesOf: the charter's deadlines where stated, the defaults elsewhere", () => {
    expect(ackDeadlinesOf(full, 'flash')).to.deep.equal({
      received: 30_000,
      understood: 300_000,
      accepted: 300_000,
    });
    expect(ackDeadlinesOf(full, 'priority')).to.deep.equal(CHARTER_DEFAULTS.ackDeadlines.priority);
    expect(ackDeadlinesOf(bare, 'routine')).to.deep.equal(CHARTER_DEFAULTS.ackDeadlines.routine);
    expect(() => ackDeadlinesOf(bare, 'urgent' as never)).to.throw(RangeError);
  });

  it('memberRole: the stated role, principal when not stated, undefined for a non-member', () => {
    expect(memberRole(full, BOB)).to.equal('observer');
    expect(memberRole(full, ALICE)).to.equal('principal');
    expect(memberRole(bare, BOB)).to.equal('principal');
    expect(memberRole(bare, CAROL)).to.equal(undefined);
  });

  it('permitsKind: charter always; the listed kinds; else the standard range', () => {
    expect(permitsKind(full, KIND.charter)).to.equal(true);
    expect(permitsKind(full, KIND.ack)).to.equal(true);
    expect(permitsKind(full, KIND.redline)).to.equal(false);
    expect(permitsKind(bare, KIND.redline)).to.equal(true);
    expect(permitsKind(bare, 1023)).to.equal(true);
    expect(permitsKind(bare, 1024)).to.equal(false);
    expect(permitsKind(bare, 49_152)).to.equal(false);
    expect(() => permitsKind(bare, 1.5)).to.throw(TypeError);
  });
});

// ---------------------------------------------------------------------------
// Properties

const SEED = 0x0c4a_7e8;
const key32 = fc.uint8Array({ minLength: 32, maxLength: 32 });
/** 1 to 16 code points: at most 64 UTF-8 bytes. */
const name = fc.string({ unit: 'binary', minLength: 1, maxLength: 16 });

const deadline = fc.integer({
  min: CHARTER_LIMITS.MIN_ACK_DEADLINE,
  max: CHARTER_LIMITS.MAX_ACK_DEADLINE,
});
/** Three deadlines, sorted: each stage due no earlier than the one before. */
const stages = fc
  .tuple(deadline, deadline, deadline)
  .map((d) => d.sort((a, b) => a - b))
  .map(([received, understood, accepted]) => ({ received, understood, accepted }));

const validInput: fc.Arbitrary<CharterInput> = fc.record({
  members: fc.uniqueArray(
    fc.record(
      {
        key: key32,
        name,
        encryptionKey: key32,
        role: fc.constantFrom<MemberRole>('principal', 'deputy', 'observer'),
      },
      { requiredKeys: ['key', 'name'] },
    ),
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
  params: fc.record(
    {
      heartbeatInterval: fc.integer({
        min: CHARTER_LIMITS.MIN_HEARTBEAT_INTERVAL,
        max: CHARTER_LIMITS.MAX_HEARTBEAT_INTERVAL,
      }),
      ackDeadlines: fc.record(
        { routine: stages, flash: stages, immediate: stages, priority: stages },
        { requiredKeys: ['flash'] },
      ),
      languages: fc.uniqueArray(fc.constantFrom('en', 'ru', 'zh-Hans', 'fr', 'ar', 'de-CH'), {
        minLength: 1,
        maxLength: 6,
      }),
      permittedKinds: fc.uniqueArray(fc.integer({ min: 1, max: 65_535 }), {
        minLength: 1,
        maxLength: 64,
      }),
      maxBodyBytes: fc.integer({ min: CHARTER_LIMITS.MIN_CHANNEL_BODY_BYTES, max: 65_536 }),
      minLeadTime: fc.integer({ min: 0, max: CHARTER_LIMITS.MAX_LEAD_TIME }),
    },
    { requiredKeys: ['heartbeatInterval'] },
  ),
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
