// The charter suite: test-vectors/charter/{charter_body,charter_envelope}.json
// (spec/08-channels.md). Bodies are written byte by byte with raw.ts, so each invalid
// body carries one defect; valid bodies are also compared with the codec's encoder.
// Charter envelopes are signed for real with the fixed test keys; an invalid one is
// signed as it is, so only the charter rule it breaks can reject it.

import {
  type AckDeadlineTable,
  type Charter,
  type CharterInput,
  type CharterParamsInput,
  checkCharterEnvelope,
  concatBytes,
  decodeCharterBody,
  decodeEnvelope,
  type ErrorCode,
  encodeCharterBody,
  fromHex,
  HotlineError,
  KIND,
  type MemberRole,
  toHex,
} from '@hotline/codec';
import { openEnvelope, signEnvelope, type VerifyBackend } from '@hotline/signer';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  checkEachTest,
  registryCodes,
  type Suite,
  selfCheckedFile,
  type TestCase,
  type TestChecker,
  type TestGroup,
} from './format.js';
import { alice, bob, carol, mallory, signBytes, type TestKey, testKey } from './keys.js';
import {
  array,
  bstr,
  type Entry,
  headOfWidth,
  intMap,
  MAJOR,
  map,
  nint,
  type Raw,
  tstr,
  uint,
} from './raw.js';

export const BODY_FILE = 'charter_body.json';
export const ENVELOPE_FILE = 'charter_envelope.json';
const BACKENDS: readonly VerifyBackend[] = ['native', 'portable'];

// ---------------------------------------------------------------------------
// JSON shape

export interface CharterJson {
  members: { key: string; name: string; encryptionKey?: string; role?: MemberRole }[];
  relays: { key: string; url: string }[];
  params: {
    heartbeatInterval: number;
    ackDeadlines?: AckDeadlineTable;
    languages?: string[];
    permittedKinds?: number[];
    maxBodyBytes?: number;
    minLeadTime?: number;
  };
}

export interface CharterBodyTest extends TestCase {
  /** The charter body bytes to decode. */
  body: string;
  /** Valid only: SHA-256 of body, and the decoded charter. */
  channel?: string;
  charter?: CharterJson;
}

export interface CharterEnvelopeTest extends TestCase {
  /** The envelope bytes to open and check as a charter. */
  envelope: string;
  /** Valid only: the channel founded, its founder (the sender), and the charter. */
  channel?: string;
  founder?: string;
  charter?: CharterJson;
}

interface Group<T extends TestCase> extends TestGroup<T> {
  description: string;
}

// ---------------------------------------------------------------------------
// Fixed inputs

const utf8 = new TextEncoder();
const RELAY = testKey('relay');
const RELAY_2 = testKey('relay 2');
/** 2025-10-27T00:00:00Z. */
const T0 = 1_761_523_200_000;
const hash = (text: string): Uint8Array => sha256(utf8.encode(text));
/** Encryption keys stand for X25519 keys: SHA-256("hotline test encryption key <name>"). */
const BOX_ALICE = hash('hotline test encryption key alice');
/** Filler member and relay keys for the limit cases: SHA-256("hotline test member <i>"). */
const fillerKey = (kind: 'member' | 'relay', i: number): Uint8Array =>
  hash(`hotline test ${kind} ${i}`);

interface MemberSpec {
  key: Uint8Array;
  name: string;
  encryptionKey?: Uint8Array;
  role?: MemberRole;
}
interface RelaySpec {
  key: Uint8Array;
  url: string;
}
/** The optional parameters, written in the order of their keys (2 to 6). */
type ParamsSpec = Omit<CharterParamsInput, 'heartbeatInterval'>;
interface CharterSpec {
  members: MemberSpec[];
  relays: RelaySpec[];
  heartbeat: number;
  params?: ParamsSpec;
}

const ROLE_VALUES: Record<MemberRole, number> = { principal: 1, deputy: 2, observer: 3 };
/** Keys of the ack deadline map: 0 routine, then the precedence registry's values. */
const PRECEDENCE_KEYS = [
  ['routine', 0],
  ['flash', 1],
  ['immediate', 2],
  ['priority', 3],
] as const;

const byKey = <T extends { key: Uint8Array }>(items: readonly T[]): T[] =>
  [...items].sort((a, b) =>
    toHex(a.key) < toHex(b.key) ? -1 : toHex(a.key) > toHex(b.key) ? 1 : 0,
  );

/** Raw member map: {1: key, 2: name, 3?: encryption key, 4?: role}, in exactly this order. */
const memberRaw = (m: MemberSpec): Raw =>
  intMap([
    [1, bstr(m.key)],
    [2, tstr(m.name)],
    ...(m.encryptionKey === undefined ? [] : [[3, bstr(m.encryptionKey)] as Entry]),
    ...(m.role === undefined ? [] : [[4, uint(ROLE_VALUES[m.role])] as Entry]),
  ]);
const relayRaw = (r: RelaySpec): Raw =>
  intMap([
    [1, bstr(r.key)],
    [2, tstr(r.url)],
  ]);
const paramsRaw = (heartbeat: Raw, ...entries: Entry[]): Raw =>
  intMap([[1, heartbeat], ...entries]);
/** {1: received, 2: understood, 3: accepted}. */
const stagesRaw = (received: number, understood: number, accepted: number): Raw =>
  intMap([
    [1, uint(received)],
    [2, uint(understood)],
    [3, uint(accepted)],
  ]);
/** The optional parameter entries of a spec, as given (the spec lists them already ordered). */
function optionalParamsRaw(p: ParamsSpec = {}): Entry[] {
  const entries: Entry[] = [];
  const deadlines = p.ackDeadlines;
  if (deadlines !== undefined) {
    const rows = PRECEDENCE_KEYS.flatMap(([name, key]) => {
      const d = deadlines[name];
      return d === undefined
        ? []
        : [[key, stagesRaw(d.received, d.understood, d.accepted)] as Entry];
    });
    entries.push([2, intMap(rows)]);
  }
  if (p.languages !== undefined) entries.push([3, array(p.languages.map(tstr))]);
  if (p.permittedKinds !== undefined) entries.push([4, array(p.permittedKinds.map(uint))]);
  if (p.maxBodyBytes !== undefined) entries.push([5, uint(p.maxBodyBytes)]);
  if (p.minLeadTime !== undefined) entries.push([6, uint(p.minLeadTime)]);
  return entries;
}
/** The charter map from raw members, relays and params. */
const charterRaw = (members: Raw, relays: Raw, params: Raw): Raw =>
  intMap([
    [1, members],
    [2, relays],
    [3, params],
  ]);

function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`charter vectors: ${message}`);
}

/** The canonical body of a spec (members and relays sorted), checked against the codec. */
function bodyOf(spec: CharterSpec): Uint8Array {
  const raw = charterRaw(
    array(byKey(spec.members).map(memberRaw)),
    array(byKey(spec.relays).map(relayRaw)),
    paramsRaw(uint(spec.heartbeat), ...optionalParamsRaw(spec.params)),
  );
  const input: CharterInput = {
    members: spec.members,
    relays: spec.relays,
    params: { heartbeatInterval: spec.heartbeat, ...spec.params },
  };
  assert(toHex(encodeCharterBody(input)) === toHex(raw), 'codec encoding differs');
  return raw;
}

const ALICE_DESK: MemberSpec = {
  key: alice.publicKey,
  name: 'Alice crisis desk',
  encryptionKey: BOX_ALICE,
};
const BOB_DESK: MemberSpec = { key: bob.publicKey, name: 'Bob crisis desk' };
const RELAY_MAIN: RelaySpec = { key: RELAY.publicKey, url: 'wss://relay.example.org/hotline' };
const RELAY_BACKUP: RelaySpec = { key: RELAY_2.publicKey, url: 'wss://relay2.example.net:8443' };

/** alice and bob, two relays, a heartbeat every minute. */
const BASE: CharterSpec = {
  members: [ALICE_DESK, BOB_DESK],
  relays: [RELAY_MAIN, RELAY_BACKUP],
  heartbeat: 60_000,
};

/** BASE with roles and every optional parameter. */
const COMPLETE: CharterSpec = {
  ...BASE,
  members: [
    { ...ALICE_DESK, role: 'principal' },
    { ...BOB_DESK, role: 'deputy' },
  ],
  params: {
    ackDeadlines: {
      routine: { received: 3_600_000, understood: 14_400_000, accepted: 86_400_000 },
      flash: { received: 30_000, understood: 300_000, accepted: 900_000 },
    },
    languages: ['en', 'ru'],
    permittedKinds: [2, 3, 4, 5, 6, 7, 12, 13],
    maxBodyBytes: 16_384,
    minLeadTime: 172_800_000,
  },
};

/** The decoded charter as JSON; absent optional fields are left out. */
function charterJson(charter: Charter): CharterJson {
  const p = charter.params;
  return {
    members: charter.members.map((m) => ({
      key: toHex(m.key),
      name: m.name,
      ...(m.encryptionKey === undefined ? {} : { encryptionKey: toHex(m.encryptionKey) }),
      ...(m.role === undefined ? {} : { role: m.role }),
    })),
    relays: charter.relays.map((r) => ({ key: toHex(r.key), url: r.url })),
    params: {
      heartbeatInterval: p.heartbeatInterval,
      ...(p.ackDeadlines === undefined ? {} : { ackDeadlines: p.ackDeadlines }),
      ...(p.languages === undefined ? {} : { languages: [...p.languages] }),
      ...(p.permittedKinds === undefined ? {} : { permittedKinds: [...p.permittedKinds] }),
      ...(p.maxBodyBytes === undefined ? {} : { maxBodyBytes: p.maxBodyBytes }),
      ...(p.minLeadTime === undefined ? {} : { minLeadTime: p.minLeadTime }),
    },
  };
}

// ---------------------------------------------------------------------------
// charter_body.json

function validBody(comment: string, flags: string[], spec: CharterSpec): CharterBodyTest {
  const body = bodyOf(spec);
  const charter = decodeCharterBody(body);
  return {
    tcId: 0,
    comment,
    flags,
    result: 'valid',
    body: toHex(body),
    channel: toHex(sha256(body)),
    charter: charterJson(charter),
  };
}

const badBody = (
  comment: string,
  flags: string[],
  body: Raw,
  error: ErrorCode,
): CharterBodyTest => ({ tcId: 0, comment, flags, result: 'invalid', body: toHex(body), error });

function bodyGroups(): Group<CharterBodyTest>[] {
  const members = array(byKey(BASE.members).map(memberRaw));
  const relays = array(byKey(BASE.relays).map(relayRaw));
  const params = paramsRaw(uint(60_000));
  const withMembers = (m: Raw) => charterRaw(m, relays, params);
  const withRelays = (r: Raw) => charterRaw(members, r, params);
  const withParams = (p: Raw) => charterRaw(members, relays, p);
  const withMember = (m: Raw) => withMembers(array([m]));
  const withRelay = (r: Raw) => withRelays(array([r]));
  const [first, second] = byKey(BASE.members) as [MemberSpec, MemberSpec];
  const [relay1, relay2] = byKey(BASE.relays) as [RelaySpec, RelaySpec];
  const aliceKey = alice.publicKey;
  const manyMembers = (n: number) =>
    byKey(
      Array.from({ length: n }, (_, i) => ({ key: fillerKey('member', i), name: `Member ${i}` })),
    );
  const manyRelays = (n: number) =>
    byKey(
      Array.from({ length: n }, (_, i) => ({
        key: fillerKey('relay', i),
        url: `wss://r${i}.example`,
      })),
    );

  const valid: CharterBodyTest[] = [
    validBody('alice and bob, two relays, heartbeat 60 s', ['Valid'], BASE),
    validBody('one member, one relay, heartbeat 1000 ms (the minimum)', ['Valid', 'Limits'], {
      members: [BOB_DESK],
      relays: [{ key: RELAY.publicKey, url: 'ws://127.0.0.1:8080' }],
      heartbeat: 1000,
    }),
    validBody(
      '64 members, 16 relays, heartbeat 86400000 ms: the maximum counts and interval',
      ['Valid', 'Limits'],
      { members: manyMembers(64), relays: manyRelays(16), heartbeat: 86_400_000 },
    ),
    validBody(
      'a 64-byte name of 16 four-byte characters and a 256-byte URL',
      ['Valid', 'Limits', 'Utf8'],
      {
        members: [{ key: aliceKey, name: '\u{1F6A8}'.repeat(16) }],
        relays: [{ key: RELAY.publicKey, url: `wss://${'r'.repeat(242)}.example` }],
        heartbeat: 60_000,
      },
    ),
    validBody('names in Cyrillic and Chinese (UTF-8, not normalised)', ['Valid', 'Utf8'], {
      members: [
        { key: aliceKey, name: 'Дежурный центр' },
        {
          key: bob.publicKey,
          name: '值班室',
          encryptionKey: hash('hotline test encryption key bob'),
        },
      ],
      relays: [RELAY_MAIN],
      heartbeat: 300_000,
    }),
  ];

  const profile: CharterBodyTest[] = [
    badBody('empty body', ['Profile'], new Uint8Array(0), 'CBOR_TRUNCATED'),
    badBody(
      'charter keys in the order 2, 1, 3',
      ['Profile'],
      intMap([
        [2, relays],
        [1, members],
        [3, params],
      ]),
      'CBOR_MAP_KEYS_UNSORTED',
    ),
    badBody(
      'heartbeat 60000 in an 8-byte head',
      ['Profile'],
      withParams(paramsRaw(headOfWidth(MAJOR.uint, 60_000, 8))),
      'CBOR_NON_SHORTEST',
    ),
    badBody(
      'a byte after the charter',
      ['Profile'],
      concatBytes(withParams(params), Uint8Array.of(0)),
      'CBOR_TRAILING_BYTES',
    ),
    badBody(
      'a member name that is not UTF-8 (c3 28)',
      ['Profile'],
      withMember(
        intMap([
          [1, bstr(aliceKey)],
          [2, Uint8Array.of(0x62, 0xc3, 0x28)],
        ]),
      ),
      'CBOR_INVALID_UTF8',
    ),
  ];

  const shape: CharterBodyTest[] = [
    badBody(
      'the charter is an array',
      ['Shape'],
      array([members, relays, params]),
      'CHARTER_MALFORMED',
    ),
    badBody(
      'charter key 4 (unknown)',
      ['Shape'],
      intMap([
        [1, members],
        [2, relays],
        [3, params],
        [4, uint(0)],
      ]),
      'CHARTER_MALFORMED',
    ),
    badBody(
      'no params (key 3)',
      ['Shape'],
      intMap([
        [1, members],
        [2, relays],
      ]),
      'CHARTER_MALFORMED',
    ),
    badBody('members is a map', ['Shape'], withMembers(map([])), 'CHARTER_MALFORMED'),
    badBody(
      'a member without a name',
      ['Shape'],
      withMember(intMap([[1, bstr(aliceKey)]])),
      'CHARTER_MALFORMED',
    ),
    badBody(
      'a member role (key 4) given as the text "admin"',
      ['Shape'],
      withMember(
        intMap([
          [1, bstr(aliceKey)],
          [2, tstr('Alice')],
          [4, tstr('admin')],
        ]),
      ),
      'CHARTER_MALFORMED',
    ),
    badBody(
      'a 31-byte member key',
      ['Shape'],
      withMember(memberRaw({ key: aliceKey.subarray(0, 31), name: 'Alice' })),
      'CHARTER_MALFORMED',
    ),
    badBody(
      'a 33-byte encryption key',
      ['Shape'],
      withMember(memberRaw({ key: aliceKey, name: 'Alice', encryptionKey: new Uint8Array(33) })),
      'CHARTER_MALFORMED',
    ),
    badBody(
      'an empty name',
      ['Shape'],
      withMember(memberRaw({ key: aliceKey, name: '' })),
      'CHARTER_MALFORMED',
    ),
    badBody(
      'a name of 33 "é": 33 characters but 66 bytes',
      ['Shape', 'Utf8'],
      withMember(memberRaw({ key: aliceKey, name: 'é'.repeat(33) })),
      'CHARTER_MALFORMED',
    ),
    badBody(
      'a name given as a byte string',
      ['Shape'],
      withMember(
        intMap([
          [1, bstr(aliceKey)],
          [2, bstr(utf8.encode('Alice'))],
        ]),
      ),
      'CHARTER_MALFORMED',
    ),
    badBody(
      'a relay URL with the https scheme',
      ['Shape'],
      withRelay(relayRaw({ key: RELAY.publicKey, url: 'https://relay.example.org' })),
      'CHARTER_MALFORMED',
    ),
    badBody(
      'a relay URL with an upper-case scheme (WSS://)',
      ['Shape'],
      withRelay(relayRaw({ key: RELAY.publicKey, url: 'WSS://relay.example.org' })),
      'CHARTER_MALFORMED',
    ),
    badBody(
      'a relay URL of 257 bytes',
      ['Shape'],
      withRelay(relayRaw({ key: RELAY.publicKey, url: `wss://${'r'.repeat(243)}.example` })),
      'CHARTER_MALFORMED',
    ),
    badBody('heartbeat 999 ms', ['Shape'], withParams(paramsRaw(uint(999))), 'CHARTER_MALFORMED'),
    badBody(
      'heartbeat 86400001 ms',
      ['Shape'],
      withParams(paramsRaw(uint(86_400_001))),
      'CHARTER_MALFORMED',
    ),
    badBody(
      'heartbeat -60000',
      ['Shape'],
      withParams(paramsRaw(nint(-60_000))),
      'CHARTER_MALFORMED',
    ),
    badBody(
      'ack deadlines (params key 2) given as the uint 1',
      ['Shape'],
      withParams(
        intMap([
          [1, uint(60_000)],
          [2, uint(1)],
        ]),
      ),
      'CHARTER_MALFORMED',
    ),
  ];

  const lists: CharterBodyTest[] = [
    badBody('no member', ['Count'], withMembers(array([])), 'CHARTER_LIMIT'),
    badBody(
      '65 members',
      ['Count'],
      withMembers(array(manyMembers(65).map(memberRaw))),
      'CHARTER_LIMIT',
    ),
    badBody('no relay', ['Count'], withRelays(array([])), 'CHARTER_LIMIT'),
    badBody(
      '17 relays',
      ['Count'],
      withRelays(array(manyRelays(17).map(relayRaw))),
      'CHARTER_LIMIT',
    ),
    badBody(
      'members in descending key order',
      ['Order'],
      withMembers(array([memberRaw(second), memberRaw(first)])),
      'CHARTER_MEMBERS_UNSORTED',
    ),
    badBody(
      'the same member key twice (another name)',
      ['Order'],
      withMembers(array([memberRaw(first), memberRaw({ ...first, name: 'Impostor' })])),
      'CHARTER_MEMBER_DUPLICATE',
    ),
    badBody(
      'relays in descending key order',
      ['Order'],
      withRelays(array([relayRaw(relay2), relayRaw(relay1)])),
      'CHARTER_RELAYS_UNSORTED',
    ),
    badBody(
      'the same relay key twice (another URL)',
      ['Order'],
      withRelays(
        array([relayRaw(relay1), relayRaw({ ...relay1, url: 'wss://elsewhere.example' })]),
      ),
      'CHARTER_RELAY_DUPLICATE',
    ),
    badBody(
      'members unsorted and no relays: a present field is checked before a missing one',
      ['Order'],
      intMap([
        [1, array([memberRaw(second), memberRaw(first)])],
        [3, params],
      ]),
      'CHARTER_MEMBERS_UNSORTED',
    ),
    badBody(
      'the second member is out of order and has an empty name: the element is checked first',
      ['Order', 'Shape'],
      withMembers(array([memberRaw(second), memberRaw({ ...first, name: '' })])),
      'CHARTER_MALFORMED',
    ),
  ];

  // Roles and the optional parameters (spec/08-channels.md §2.5). Appended after the
  // groups above so that their tcIds stay as they were.
  const withOptional = (...entries: Entry[]) => withParams(paramsRaw(uint(60_000), ...entries));
  const withDeadlines = (...rows: Entry[]) => withOptional([2, intMap(rows)]);
  const withLanguages = (...tags: string[]) => withOptional([3, array(tags.map(tstr))]);
  const withKinds = (...kinds: number[]) => withOptional([4, array(kinds.map(uint))]);
  const roleRaw = (role: Raw) =>
    intMap([
      [1, bstr(aliceKey)],
      [2, tstr('Alice')],
      [4, role],
    ]);

  const complete: CharterBodyTest[] = [
    validBody(
      'alice principal, bob deputy; deadlines for flash and routine, English and Russian, eight kinds, a 16 KiB body limit, 48 h lead time',
      ['Valid', 'Params'],
      COMPLETE,
    ),
    validBody("bob an observer, alice's role not stated", ['Valid', 'Params'], {
      ...BASE,
      members: [ALICE_DESK, { ...BOB_DESK, role: 'observer' }],
    }),
    validBody(
      'the edges: deadlines of 1 s and 7 days with equal stages, 8 languages ascending ignoring case, 64 kinds up to 65535, body limit 1024, lead time 0',
      ['Valid', 'Params', 'Limits'],
      {
        ...BASE,
        params: {
          ackDeadlines: {
            immediate: { received: 1000, understood: 1000, accepted: 1000 },
            priority: { received: 604_800_000, understood: 604_800_000, accepted: 604_800_000 },
          },
          languages: ['ar', 'de-CH', 'EN', 'es', 'fr', 'ru', 'zh-Hans', 'zh-Hant'],
          permittedKinds: [...Array.from({ length: 63 }, (_, i) => i + 2), 65_535],
          maxBodyBytes: 1024,
          minLeadTime: 0,
        },
      },
    ),
    validBody('body limit 65536 and lead time 90 days: the maxima', ['Valid', 'Params', 'Limits'], {
      ...BASE,
      params: { maxBodyBytes: 65_536, minLeadTime: 7_776_000_000 },
    }),
  ];

  const paramShape: CharterBodyTest[] = [
    badBody('role 0', ['Shape', 'Params'], withMember(roleRaw(uint(0))), 'CHARTER_MALFORMED'),
    badBody('role 4', ['Shape', 'Params'], withMember(roleRaw(uint(4))), 'CHARTER_MALFORMED'),
    badBody(
      'ack deadlines for precedence 4 (no such precedence)',
      ['Shape', 'Params'],
      withDeadlines([4, stagesRaw(60_000, 600_000, 900_000)]),
      'CHARTER_MALFORMED',
    ),
    badBody(
      'flash deadlines without the accepted stage',
      ['Shape', 'Params'],
      withDeadlines([
        1,
        intMap([
          [1, uint(60_000)],
          [2, uint(600_000)],
        ]),
      ]),
      'CHARTER_MALFORMED',
    ),
    badBody(
      'a deadline of 999 ms',
      ['Shape', 'Params'],
      withDeadlines([1, stagesRaw(999, 600_000, 900_000)]),
      'CHARTER_MALFORMED',
    ),
    badBody(
      'a deadline of 7 days and 1 ms',
      ['Shape', 'Params'],
      withDeadlines([0, stagesRaw(60_000, 600_000, 604_800_001)]),
      'CHARTER_MALFORMED',
    ),
    badBody(
      'a language tag with an underscore (zh_Hans)',
      ['Shape', 'Params'],
      withLanguages('en', 'zh_Hans'),
      'CHARTER_MALFORMED',
    ),
    badBody('permitted kind 0', ['Shape', 'Params'], withKinds(0, 3), 'CHARTER_MALFORMED'),
    badBody('permitted kind 65536', ['Shape', 'Params'], withKinds(3, 65_536), 'CHARTER_MALFORMED'),
    badBody(
      'body limit 1023',
      ['Shape', 'Params'],
      withOptional([5, uint(1023)]),
      'CHARTER_MALFORMED',
    ),
    badBody(
      'body limit 65537',
      ['Shape', 'Params'],
      withOptional([5, uint(65_537)]),
      'CHARTER_MALFORMED',
    ),
    badBody(
      'lead time 90 days and 1 ms',
      ['Shape', 'Params'],
      withOptional([6, uint(7_776_000_001)]),
      'CHARTER_MALFORMED',
    ),
  ];

  const paramCounts: CharterBodyTest[] = [
    badBody(
      'ack deadlines of no precedence',
      ['Count', 'Params'],
      withDeadlines(),
      'CHARTER_LIMIT',
    ),
    badBody('no language', ['Count', 'Params'], withLanguages(), 'CHARTER_LIMIT'),
    badBody(
      '9 languages',
      ['Count', 'Params'],
      withLanguages('ar', 'de', 'en', 'es', 'fr', 'hi', 'ja', 'ru', 'zh'),
      'CHARTER_LIMIT',
    ),
    badBody('no permitted kind', ['Count', 'Params'], withKinds(), 'CHARTER_LIMIT'),
    badBody(
      '65 permitted kinds',
      ['Count', 'Params'],
      withKinds(...Array.from({ length: 65 }, (_, i) => i + 2)),
      'CHARTER_LIMIT',
    ),
  ];

  const paramRules: CharterBodyTest[] = [
    badBody(
      'flash understood (59999 ms) before received (60000 ms)',
      ['Inconsistent'],
      withDeadlines([1, stagesRaw(60_000, 59_999, 900_000)]),
      'CHARTER_INVALID',
    ),
    badBody(
      'routine accepted before understood',
      ['Inconsistent'],
      withDeadlines([0, stagesRaw(60_000, 600_000, 599_999)]),
      'CHARTER_INVALID',
    ),
    badBody('permitted kinds 12, 3', ['Inconsistent'], withKinds(12, 3), 'CHARTER_INVALID'),
    badBody('permitted kind 3 twice', ['Inconsistent'], withKinds(2, 3, 3), 'CHARTER_INVALID'),
    badBody('languages ru, en', ['Inconsistent'], withLanguages('ru', 'en'), 'CHARTER_INVALID'),
    badBody(
      'languages EN and en: the same language (tags ignore case), though ascending bytewise',
      ['Inconsistent'],
      withLanguages('EN', 'en'),
      'CHARTER_INVALID',
    ),
    badBody(
      'a deadline out of range and out of order: the range is checked first',
      ['Order', 'Shape'],
      withDeadlines([1, stagesRaw(604_800_001, 1000, 1000)]),
      'CHARTER_MALFORMED',
    ),
  ];

  return [
    {
      type: 'CharterBodyDecode',
      description: 'Valid charter bodies: the channel id is SHA-256 of the body.',
      tests: valid,
    },
    {
      type: 'CharterBodyDecode',
      description: 'Bodies outside the CBOR profile (01-envelope.md §5).',
      tests: profile,
    },
    {
      type: 'CharterBodyDecode',
      description: 'Profile-valid bodies that are not of the charter shape.',
      tests: shape,
    },
    {
      type: 'CharterBodyDecode',
      description: 'Member and relay lists: counts, order, duplicates; order of checks.',
      tests: lists,
    },
    {
      type: 'CharterBodyDecode',
      description:
        'Valid charter bodies with member roles and the optional parameters (spec/08-channels.md §2.5).',
      tests: complete,
    },
    {
      type: 'CharterBodyDecode',
      description: 'Roles and optional parameters of the wrong shape or out of range.',
      tests: paramShape,
    },
    {
      type: 'CharterBodyDecode',
      description: 'Optional parameter lists and maps that are empty or too long.',
      tests: paramCounts,
    },
    {
      type: 'CharterBodyDecode',
      description: 'Optional parameters that contradict themselves; order of checks.',
      tests: paramRules,
    },
  ];
}

// ---------------------------------------------------------------------------
// charter_envelope.json

interface EnvelopeSpec {
  key: TestKey;
  body: Uint8Array;
  channel?: Uint8Array;
  kind?: number;
  seq?: number;
}

/** A charter envelope signed by `key` (the sender), with the channel = SHA-256(body) by default. */
function charterEnvelope(spec: EnvelopeSpec): Uint8Array {
  const seq = spec.seq ?? 1;
  return signEnvelope(
    {
      channel: spec.channel ?? sha256(spec.body),
      sender: spec.key.publicKey,
      seq,
      prev: seq > 1 ? hash('hotline test envelope 0') : undefined,
      time: T0,
      kind: spec.kind ?? KIND.charter,
      body: spec.body,
    },
    spec.key.secret,
  );
}

function validEnvelope(comment: string, flags: string[], bytes: Uint8Array): CharterEnvelopeTest {
  const opened = openEnvelope(bytes);
  const charter = checkCharterEnvelope(opened);
  return {
    tcId: 0,
    comment,
    flags,
    result: 'valid',
    envelope: toHex(bytes),
    channel: toHex(charter.channel),
    founder: toHex(opened.fields.sender),
    charter: charterJson(charter),
  };
}

const badEnvelope = (
  comment: string,
  flags: string[],
  bytes: Uint8Array,
  error: ErrorCode,
): CharterEnvelopeTest => ({
  tcId: 0,
  comment,
  flags,
  result: 'invalid',
  envelope: toHex(bytes),
  error,
});

function envelopeGroups(): Group<CharterEnvelopeTest>[] {
  const base = bodyOf(BASE);
  const solo = bodyOf({ members: [BOB_DESK], relays: [RELAY_MAIN], heartbeat: 3_600_000 });
  const members = array(byKey(BASE.members).map(memberRaw));
  const relays = array(byKey(BASE.relays).map(relayRaw));
  const http = charterRaw(
    members,
    array([relayRaw({ key: RELAY.publicKey, url: 'http://relay.example.org' })]),
    paramsRaw(uint(60_000)),
  );
  const unsorted = charterRaw(
    array([...byKey(BASE.members)].reverse().map(memberRaw)),
    relays,
    paramsRaw(uint(60_000)),
  );
  const trailing = concatBytes(base, Uint8Array.of(0));
  // An envelope naming alice as sender, signed by mallory: the signature fails first.
  const genuine = charterEnvelope({ key: alice, body: base });
  const forged = genuine.slice();
  forged.set(signBytes(openEnvelope(genuine).signedBytes, mallory.secret), forged.length - 64);
  // Names carol, signed by mallory: two defects; the charter rule comes before the signature.
  const carolGenuine = charterEnvelope({ key: carol, body: base });
  const carolForged = carolGenuine.slice();
  carolForged.set(
    signBytes(decodeEnvelope(carolGenuine).signedBytes, mallory.secret),
    carolForged.length - 64,
  );

  const tests: CharterEnvelopeTest[] = [
    validEnvelope(
      'alice founds the channel of alice and bob',
      ['Valid'],
      charterEnvelope({ key: alice, body: base }),
    ),
    validEnvelope(
      'bob founds the same channel: another envelope, the same channel id',
      ['Valid'],
      charterEnvelope({ key: bob, body: base }),
    ),
    validEnvelope(
      'bob founds a channel with himself as its only member',
      ['Valid'],
      charterEnvelope({ key: bob, body: solo }),
    ),
    badEnvelope(
      'kind text (3) with a charter body',
      ['Kind'],
      charterEnvelope({ key: alice, body: base, kind: KIND.text }),
      'CHARTER_KIND_MISMATCH',
    ),
    badEnvelope(
      'kind join (2), seq 2 and another channel: the kind is checked first',
      ['Kind', 'Order'],
      charterEnvelope({
        key: alice,
        body: base,
        kind: KIND.join,
        seq: 2,
        channel: hash('hotline test channel'),
      }),
      'CHARTER_KIND_MISMATCH',
    ),
    badEnvelope(
      'a charter at seq 2',
      ['Genesis'],
      charterEnvelope({ key: alice, body: base, seq: 2 }),
      'CHARTER_NOT_GENESIS',
    ),
    badEnvelope(
      'channel SHA-256("hotline test channel"), not SHA-256(body)',
      ['Channel'],
      charterEnvelope({ key: alice, body: base, channel: hash('hotline test channel') }),
      'CHARTER_CHANNEL_MISMATCH',
    ),
    badEnvelope(
      "the channel id of another charter (bob's own)",
      ['Channel'],
      charterEnvelope({ key: alice, body: base, channel: sha256(solo) }),
      'CHARTER_CHANNEL_MISMATCH',
    ),
    badEnvelope(
      'a body that is not a charter, under a channel that does not match it: the channel is checked first',
      ['Channel', 'Order'],
      charterEnvelope({ key: alice, body: trailing, channel: sha256(base) }),
      'CHARTER_CHANNEL_MISMATCH',
    ),
    badEnvelope(
      'carol founds the channel of alice and bob',
      ['Author'],
      charterEnvelope({ key: carol, body: base }),
      'CHARTER_AUTHOR_NOT_MEMBER',
    ),
    badEnvelope(
      "alice founds bob's one-member channel",
      ['Author'],
      charterEnvelope({ key: alice, body: solo }),
      'CHARTER_AUTHOR_NOT_MEMBER',
    ),
    badEnvelope(
      'names alice as sender, signed by mallory: only the signature fails',
      ['Forgery'],
      forged,
      'SIGNATURE_INVALID',
    ),
    badEnvelope(
      'names carol, a non-member, and signed by mallory: the author is checked before the signature',
      ['Author', 'Forgery', 'Order'],
      carolForged,
      'CHARTER_AUTHOR_NOT_MEMBER',
    ),
    badEnvelope(
      'a body with a byte after the charter',
      ['Body'],
      charterEnvelope({ key: alice, body: trailing }),
      'CBOR_TRAILING_BYTES',
    ),
    badEnvelope(
      'a relay with an http URL',
      ['Body'],
      charterEnvelope({ key: alice, body: http }),
      'CHARTER_MALFORMED',
    ),
    badEnvelope(
      'members in descending order',
      ['Body'],
      charterEnvelope({ key: alice, body: unsorted }),
      'CHARTER_MEMBERS_UNSORTED',
    ),
    // Appended last, so the tcIds above stay as they were.
    validEnvelope(
      'bob founds a channel with member roles and every optional parameter',
      ['Valid'],
      charterEnvelope({ key: bob, body: bodyOf(COMPLETE) }),
    ),
    badEnvelope(
      'a charter whose permitted kinds repeat a kind',
      ['Body'],
      charterEnvelope({
        key: alice,
        body: charterRaw(members, relays, paramsRaw(uint(60_000), [4, array([uint(3), uint(3)])])),
      }),
      'CHARTER_INVALID',
    ),
  ];
  return [
    {
      type: 'CharterEnvelopeCheck',
      description:
        'Decode the envelope, check that it founds a channel (kind, seq, channel id, body, author), then verify the sender key and signature.',
      tests,
    },
  ];
}

// ---------------------------------------------------------------------------
// Checking

function describeError(error: unknown): string {
  if (error instanceof HotlineError) return error.code;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Compares one run's outcome with the test's result, code and outputs. */
function outcome<R>(test: TestCase, run: () => R, compare: (value: R) => string | undefined) {
  let value: R;
  try {
    value = run();
  } catch (error) {
    if (test.result === 'invalid' && error instanceof HotlineError && error.code === test.error) {
      return undefined;
    }
    return `expected ${test.result === 'valid' ? 'valid' : test.error}, got ${describeError(error)}`;
  }
  if (test.result !== 'valid') return `expected ${test.error}, but it was accepted`;
  return compare(value);
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

export function checkBodyTest(
  _group: TestGroup<CharterBodyTest>,
  test: CharterBodyTest,
): string | undefined {
  return outcome(
    test,
    () => decodeCharterBody(fromHex(test.body)),
    (charter) => {
      if (toHex(charter.channel) !== test.channel) return 'channel differs';
      if (!same(charterJson(charter), test.charter)) return 'charter differs';
      return undefined;
    },
  );
}

export function checkEnvelopeTest(
  _group: TestGroup<CharterEnvelopeTest>,
  test: CharterEnvelopeTest,
): string | undefined {
  for (const backend of BACKENDS) {
    const failure = outcome(
      test,
      () => {
        // Y1 decode, Y2–Y6 the charter rules, Y7 key and signature (spec/08-channels.md §5).
        const bytes = fromHex(test.envelope);
        const charter = checkCharterEnvelope(decodeEnvelope(bytes));
        const opened = openEnvelope(bytes, { backend });
        return { charter, founder: opened.fields.sender };
      },
      ({ charter, founder }) => {
        if (toHex(charter.channel) !== test.channel) return 'channel differs';
        if (toHex(founder) !== test.founder) return 'founder differs';
        if (!same(charterJson(charter), test.charter)) return 'charter differs';
        return undefined;
      },
    );
    if (failure !== undefined) return `${backend}: ${failure}`;
  }
  return undefined;
}

// ---------------------------------------------------------------------------
// Generation

const BODY_NOTES: Record<string, string> = {
  Valid: 'A valid charter body; the decoder returns exactly the given channel id and charter.',
  Limits: 'A count, length or interval at the edge of its allowed range.',
  Utf8: 'Lengths are counted in UTF-8 bytes, not characters or UTF-16 units; text is not normalised.',
  Profile: 'The body breaks the CBOR profile of 01-envelope.md §5: a CBOR_* code.',
  Shape: 'A profile-valid body that is not of the charter shape: CHARTER_MALFORMED.',
  Count: 'No member or relay, or more than the charter allows: CHARTER_LIMIT.',
  Order:
    'Members or relays out of key order or repeated, or several defects reported in the order of the checks.',
  Params:
    'Member roles and the optional parameters: acknowledgement deadlines, languages, permitted kinds, body limit, lead time.',
  Inconsistent:
    'Optional parameters that contradict themselves: a stage due before the one before it, kinds or languages not strictly ascending: CHARTER_INVALID.',
};

const ENVELOPE_NOTES: Record<string, string> = {
  Valid:
    'A genuine charter envelope; the checker returns the channel id, the founder and the charter.',
  Kind: 'The envelope is not of kind charter.',
  Genesis: "A charter is its author's first envelope on the channel: seq 1.",
  Channel: "The envelope's channel is not SHA-256 of its body.",
  Author: 'The sender is not a member of the charter it sends.',
  Forgery: 'The signature does not verify under the sender key (checked last, Y7).',
  Body: 'The channel matches the body, but the body is not a valid charter.',
  Order: 'Several defects: the code of the first check in order is reported.',
};

const COMMON_HEADER = [
  'Charter body (canonical CBOR): {1: [+ member], 2: [+ relay], 3: params}; params = {1: heartbeat interval ms, ? 2: {+ precedence (0 routine, 1 flash, 2 immediate, 3 priority) => {1: received, 2: understood, 3: accepted}} (ms, 1000-604800000, non-decreasing), ? 3: [1-8 BCP 47 tags, strictly ascending ignoring case], ? 4: [1-64 kinds 1-65535, strictly ascending], ? 5: body limit 1024-65536, ? 6: notification lead time ms 0-7776000000}; member = {1: signing key (32 bytes), 2: name (1-64 UTF-8 bytes), ? 3: encryption key (32 bytes), ? 4: role (1 principal, 2 deputy, 3 observer)}; relay = {1: relay key (32 bytes), 2: URL (1-256 bytes, beginning ws:// or wss://)}. Members and relays ascend by key, unique; 1-64 members, 1-16 relays; heartbeat 1000-86400000. Channel id = SHA-256(body).',
  'Keys: secret = SHA-256("hotline test key " + name) for alice, bob, carol, mallory, "relay" and "relay 2". Encryption keys are SHA-256("hotline test encryption key " + name); filler member and relay keys of the limit cases are SHA-256("hotline test member <i>") and SHA-256("hotline test relay <i>").',
  'Generated by packages/vectors (npm run vectors); do not edit by hand.',
];

const BODY_HEADER = [
  'Test vectors for decoding charter bodies (spec/08-channels.md §4): the CBOR profile, then the charter shape, counts and order. A valid test gives the channel id and the decoded charter (byte values in hex; an absent encryption key is left out).',
  ...COMMON_HEADER,
];

const ENVELOPE_HEADER = [
  'Test vectors for charter envelopes (spec/08-channels.md §5), checks in order: decode the envelope (01-envelope.md §7); kind = charter (1); seq = 1; channel = SHA-256(body); the body decodes as a charter; the sender is a member; then the sender key and the signature (02-signatures.md §7, O2–O3). A valid test gives the channel id, the founder (the sender) and the charter.',
  'Every envelope is signed for real by its sender, time 1761523200000. The relay-side founding rules (relay listed, founder permitted, one charter per channel) are not covered here.',
  ...COMMON_HEADER,
];

/** Raised by relays while founding or serving a channel (spec/08-channels.md §6), not here. */
const RELAY_ONLY = new Set(['CHARTER_RELAY_NOT_LISTED', 'CHARTER_NOT_PERMITTED', 'CHARTER_EXISTS']);

function fileOf<T extends TestCase>(
  algorithm: string,
  header: string[],
  notes: Record<string, string>,
  testGroups: TestGroup<T>[],
  checkTest: TestChecker<TestGroup<T>, T>,
) {
  const file = {
    $schema: '../schema/charter.schema.json',
    algorithm,
    spec: 'spec/08-channels.md',
    header,
    notes,
    testGroups,
  };
  return selfCheckedFile<T>(file, checkTest);
}

function generate(): Record<string, unknown> {
  const files = {
    [BODY_FILE]: fileOf(
      'HOTLINE-CHARTER-BODY',
      BODY_HEADER,
      BODY_NOTES,
      bodyGroups(),
      checkBodyTest,
    ),
    [ENVELOPE_FILE]: fileOf(
      'HOTLINE-CHARTER-ENVELOPE',
      ENVELOPE_HEADER,
      ENVELOPE_NOTES,
      envelopeGroups(),
      checkEnvelopeTest,
    ),
  };
  const covered = new Set(
    Object.values(files).flatMap((f) => f.testGroups.flatMap((g) => g.tests.map((t) => t.error))),
  );
  const missing = registryCodes('channel').filter(
    (code) => !RELAY_ONLY.has(code) && !covered.has(code),
  );
  assert(missing.length === 0, `no vector for ${missing.join(', ')}`);
  return files;
}

const CHECKERS: Record<string, (group: TestGroup<never>, test: never) => string | undefined> = {
  [BODY_FILE]: checkBodyTest as never,
  [ENVELOPE_FILE]: checkEnvelopeTest as never,
};

function check(fileName: string, content: unknown): string[] {
  const checkTest = CHECKERS[fileName];
  if (checkTest === undefined) return [`unexpected file ${fileName}`];
  return checkEachTest(content, checkTest);
}

export const charterSuite: Suite = { name: 'charter', generate, check };
