// The channel kinds' suite: test-vectors/kinds/channel.json — bodies of kinds join
// (2), suspend (16) and resume (17) (spec/kinds/join.md, spec/kinds/suspension.md).
// Bodies are written byte by byte with raw.ts, so each invalid body carries one
// defect (or several, on purpose, flagged Order); each valid body comes with its
// decoded value written here by hand, and the generator checks that the codec
// decodes the body to that value and encodes the value to that body.

import {
  concatBytes,
  decodeJoinBody,
  decodeResumeBody,
  decodeSuspendBody,
  encodeJoinBody,
  encodeResumeBody,
  encodeSuspendBody,
  fromHex,
  KIND,
  toHex,
} from '@hotline/codec';
import { sha256 } from '@noble/hashes/sha2.js';
import type { Suite, TestCase, TestGroup } from './format.js';
import { type KindCases as Cases, kindGroups, oneFileSuite } from './kinds-file.js';
import {
  type BodyCodec,
  bodyCases,
  checkBodyTest,
  edited,
  type Fields,
  num,
  type Part,
  raw,
  tb,
} from './kinds-parts.js';
import { array, bstr, headOfWidth, intMap, MAJOR, nint, tstr, uint } from './raw.js';

export const CHANNEL_FILE = 'channel.json';

// ---------------------------------------------------------------------------
// JSON shape

export interface ChannelKindTest extends TestCase {
  /** The body bytes to decode. */
  body: string;
  /** Valid only: the decoded body, field names of the kind's table, bytes in hex. */
  value?: Record<string, unknown>;
  /** Invalid with a BODY_* code only: the path of the failing field (detail.field). */
  field?: string;
}

export interface ChannelKindGroup extends TestGroup<ChannelKindTest> {
  description: string;
  /** The envelope kind whose body is decoded. */
  kind: number;
  kindName: string;
}

/** Decoded values as JSON (bytes in hex) and back. */
interface Codec {
  decode(body: Uint8Array): Record<string, unknown>;
  encode(json: Record<string, unknown>): Uint8Array;
}

/** Replaces the named byte fields: to hex (`toJson`) or from hex. */
function withBytes(value: object, names: readonly string[], map: (v: never) => unknown) {
  const out: Record<string, unknown> = { ...value };
  for (const name of names) if (out[name] !== undefined) out[name] = map(out[name] as never);
  return out;
}

const codecOf = (
  decode: (body: Uint8Array) => object,
  encode: (value: never) => Uint8Array,
  byteFields: readonly string[],
): Codec => ({
  decode: (body) => withBytes(decode(body), byteFields, toHex),
  encode: (json) => encode(withBytes(json, byteFields, fromHex) as never),
});

const CODECS: Record<number, BodyCodec> = {
  [KIND.join]: codecOf(decodeJoinBody, encodeJoinBody, ['charter']),
  [KIND.suspend]: codecOf(decodeSuspendBody, encodeSuspendBody, []),
  [KIND.resume]: codecOf(decodeResumeBody, encodeResumeBody, ['suspension']),
};

function _assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`channel kind vectors: ${message}`);
}

// ---------------------------------------------------------------------------
// Builders

const utf8 = new TextEncoder();
const hash = (text: string): Uint8Array => sha256(utf8.encode(text));
/** Stand-ins for envelope ids: SHA-256("hotline test envelope <name>"). */
const CHARTER_ID = hash('hotline test envelope charter');
const SUSPEND_ID = hash('hotline test envelope suspend');
const T = 1_761_523_200_000; // 2025-10-27T00:00:00Z
const DAY = 86_400_000;

const id = (bytes: Uint8Array): Part => ({ raw: bstr(bytes), json: toHex(bytes) });
const named = (n: number, name: string): Part => ({ raw: uint(n), json: name });

/** Builders of one kind's tests; valid ones are checked against the codec's encoder. */
const casesFor = (kind: number) =>
  bodyCases<ChannelKindTest>(CODECS[kind]!, 'channel kind vectors');

type KindCases = Cases<ChannelKindTest>;

// ---------------------------------------------------------------------------
// Cases

const NOTE = tb('en', 'We accept the charter of 27 October 2025.');

function joinCases(): KindCases {
  const c = casesFor(KIND.join);
  const base: Fields = new Map([
    [1, ['charter', id(CHARTER_ID)]],
    [2, ['note', NOTE]],
  ]);
  return {
    kind: KIND.join,
    name: 'join',
    description: 'join (2): {1: charter envelope id (32 bytes), ? 2: note text-block}.',
    tests: [
      c.valid('accepts the charter, with a note', [], base),
      c.valid('accepts the charter, without a note', [], edited(base, 2)),
      c.valid(
        'a note in Russian of 16384 bytes',
        ['Limits', 'Utf8'],
        edited(base, 2, 'note', tb('ru', 'Я'.repeat(8192))),
      ),
      c.invalid(
        'the body is an array',
        ['Shape'],
        array([bstr(CHARTER_ID)]),
        'BODY_MALFORMED',
        'body',
      ),
      c.invalid('no charter id', ['Shape'], edited(base, 1), 'BODY_MALFORMED', 'charter'),
      c.invalid(
        'a 31-byte charter id',
        ['Shape'],
        edited(base, 1, 'charter', raw(bstr(CHARTER_ID.subarray(1)))),
        'BODY_MALFORMED',
        'charter',
      ),
      c.invalid(
        'a charter id as text',
        ['Shape'],
        edited(base, 1, 'charter', raw(tstr(toHex(CHARTER_ID)))),
        'BODY_MALFORMED',
        'charter',
      ),
      c.invalid(
        'key 3 (unknown)',
        ['Shape'],
        edited(base, 3, 'x', raw(uint(0))),
        'BODY_MALFORMED',
        '',
      ),
      c.invalid(
        'a note as a plain text string',
        ['Shape'],
        edited(base, 2, 'note', raw(tstr('accepted'))),
        'BODY_MALFORMED',
        'note',
      ),
      c.invalid(
        'an empty note text',
        ['Meaning'],
        edited(base, 2, 'note', tb('en', '')),
        'BODY_INVALID',
        'note.text',
      ),
      c.invalid(
        'a note language "e"',
        ['Meaning'],
        edited(base, 2, 'note', tb('e', 'ok')),
        'BODY_INVALID',
        'note.language',
      ),
      c.invalid(
        'a note of 16385 bytes',
        ['Count'],
        edited(base, 2, 'note', tb('en', 'x'.repeat(16_385))),
        'BODY_LIMIT',
        'note.text',
      ),
      c.invalid(
        'a 31-byte charter id and an empty note: key 1 is checked first',
        ['Order'],
        intMap([
          [1, bstr(CHARTER_ID.subarray(1))],
          [2, tb('en', '').raw],
        ]),
        'BODY_MALFORMED',
        'charter',
      ),
    ],
  };
}

function suspendCases(): KindCases {
  const c = casesFor(KIND.suspend);
  const base: Fields = new Map([
    [
      1,
      [
        'reason',
        tb('en', 'Our desk is relocating; we suspend this channel until the move is complete.'),
      ],
    ],
    [2, ['expectedResume', num(T + 2 * DAY)]],
    [3, ['scope', named(1, 'channel')]],
  ]);
  return {
    kind: KIND.suspend,
    name: 'suspend',
    description:
      'suspend (16): {1: reason text-block, ? 2: expected resume time (ms since the epoch), ? 3: scope (1 channel, 2 sender)}.',
    tests: [
      c.valid('the whole channel, with an expected resume time', [], base),
      c.valid('the sender only', [], edited(base, 3, 'scope', named(2, 'sender'))),
      c.valid('reason only: resume time and scope not stated', [], edited(edited(base, 2), 3)),
      c.valid(
        'expected resume time 0: the decoder does not judge times',
        ['Limits'],
        edited(base, 2, 'expectedResume', num(0)),
      ),
      c.invalid('no reason', ['Shape'], edited(base, 1), 'BODY_MALFORMED', 'reason'),
      c.invalid(
        'a reason as a plain text string',
        ['Shape'],
        edited(base, 1, 'reason', raw(tstr('moving'))),
        'BODY_MALFORMED',
        'reason',
      ),
      c.invalid(
        'a reason without its language',
        ['Shape'],
        edited(base, 1, 'reason', raw(intMap([[2, tstr('moving')]]))),
        'BODY_MALFORMED',
        'reason.language',
      ),
      c.invalid(
        'an empty reason',
        ['Meaning'],
        edited(base, 1, 'reason', tb('en', '')),
        'BODY_INVALID',
        'reason.text',
      ),
      c.invalid(
        'expected resume time -1',
        ['Shape'],
        edited(base, 2, 'expectedResume', raw(nint(-1))),
        'BODY_MALFORMED',
        'expectedResume',
      ),
      c.invalid(
        'scope 0',
        ['Meaning'],
        edited(base, 3, 'scope', raw(uint(0))),
        'BODY_INVALID',
        'scope',
      ),
      c.invalid(
        'scope 3',
        ['Meaning'],
        edited(base, 3, 'scope', raw(uint(3))),
        'BODY_INVALID',
        'scope',
      ),
      c.invalid(
        'scope as the text "channel"',
        ['Shape'],
        edited(base, 3, 'scope', raw(tstr('channel'))),
        'BODY_MALFORMED',
        'scope',
      ),
      c.invalid(
        'key 4 (unknown)',
        ['Shape'],
        edited(base, 4, 'x', raw(uint(1))),
        'BODY_MALFORMED',
        '',
      ),
      c.invalid(
        'an empty reason and scope 3: key 1 is checked first',
        ['Order'],
        edited(edited(base, 1, 'reason', tb('en', '')), 3, 'scope', raw(uint(3))),
        'BODY_INVALID',
        'reason.text',
      ),
    ],
  };
}

function resumeCases(): KindCases {
  const c = casesFor(KIND.resume);
  const base: Fields = new Map([
    [1, ['suspension', id(SUSPEND_ID)]],
    [2, ['note', tb('ru', 'Канал снова работает.')]],
  ]);
  return {
    kind: KIND.resume,
    name: 'resume',
    description: 'resume (17): {1: suspend envelope id (32 bytes), ? 2: note text-block}.',
    tests: [
      c.valid('ends a suspension, with a note in Russian', ['Utf8'], base),
      c.valid('ends a suspension, without a note', [], edited(base, 2)),
      c.invalid('no suspension id', ['Shape'], edited(base, 1), 'BODY_MALFORMED', 'suspension'),
      c.invalid(
        'a 33-byte suspension id',
        ['Shape'],
        edited(base, 1, 'suspension', raw(bstr(concatBytes(SUSPEND_ID, Uint8Array.of(0))))),
        'BODY_MALFORMED',
        'suspension',
      ),
      c.invalid(
        'key 3 (unknown)',
        ['Shape'],
        edited(base, 3, 'x', raw(uint(0))),
        'BODY_MALFORMED',
        '',
      ),
      c.invalid(
        'a note in "en_GB"',
        ['Meaning'],
        edited(base, 2, 'note', tb('en_GB', 'Back.')),
        'BODY_INVALID',
        'note.language',
      ),
      c.invalid(
        'a note language of 36 bytes',
        ['Count'],
        edited(base, 2, 'note', tb(`en-${'x'.repeat(33)}`, 'Back.')),
        'BODY_LIMIT',
        'note.language',
      ),
    ],
  };
}

/** The CBOR profile comes first, for every kind (spec/11-kinds.md §2). */
function profileCases(): KindCases {
  const c = casesFor(KIND.suspend);
  const reason = tb('en', 'Suspended.').raw;
  return {
    kind: KIND.suspend,
    name: 'suspend',
    description:
      'suspend (16) bodies outside the CBOR profile (01-envelope.md §5): the CBOR_* codes come first.',
    tests: [
      c.invalid('empty body', ['Profile'], new Uint8Array(0), 'CBOR_TRUNCATED'),
      c.invalid(
        'keys in the order 3, 1',
        ['Profile'],
        intMap([
          [3, uint(1)],
          [1, reason],
        ]),
        'CBOR_MAP_KEYS_UNSORTED',
      ),
      c.invalid(
        'scope 1 in a 2-byte head',
        ['Profile'],
        intMap([
          [1, reason],
          [3, headOfWidth(MAJOR.uint, 1, 2)],
        ]),
        'CBOR_NON_SHORTEST',
      ),
      c.invalid(
        'a byte after the body',
        ['Profile'],
        concatBytes(intMap([[1, reason]]), Uint8Array.of(0)),
        'CBOR_TRAILING_BYTES',
      ),
    ],
  };
}

// ---------------------------------------------------------------------------
// Checking

export function checkChannelKindTest(
  group: TestGroup<ChannelKindTest>,
  test: ChannelKindTest,
): string | undefined {
  const { kind } = group as ChannelKindGroup;
  return checkBodyTest(CODECS[kind], kind, test);
}

// ---------------------------------------------------------------------------
// Generation

const NOTES: Record<string, string> = {
  Valid:
    'A valid body; the decoder returns exactly `value`, and encoding `value` gives exactly `body`.',
  Limits: 'A length or value at the edge of what the decoder accepts.',
  Utf8: 'Lengths are counted in UTF-8 bytes, not characters or UTF-16 units; text is not normalised.',
  Profile: 'The body breaks the CBOR profile of 01-envelope.md §5: a CBOR_* code.',
  Shape: 'Not a map, an unknown or missing key, a value of the wrong type or size: BODY_MALFORMED.',
  Count: 'A length beyond its limit: BODY_LIMIT.',
  Meaning:
    'Well-formed but meaningless (empty text, bad tag, value outside its enumeration): BODY_INVALID.',
  Order: 'Several defects: the code (and field) of the first check in key order.',
};

const HEADER = [
  'Test vectors for the bodies of the channel kinds (spec/11-kinds.md; spec/kinds/join.md, suspension.md): join (2), suspend (16), resume (17). Each group decodes the bodies of one kind (`kind`, `kindName`). A valid test gives the decoded `value` with the field names of the kind\'s table: envelope ids in hex, the suspension scope by name ("channel" 1, "sender" 2); absent optional fields are left out. An invalid test gives the `error` code and, for BODY_* codes, the `field` path reported in the error detail (the empty string for an unknown key at the root, `body` when the body is not a map).',
  'Envelope ids are stand-ins: SHA-256("hotline test envelope charter") and SHA-256("hotline test envelope suspend"). Times are ms since the Unix epoch from 2025-10-27T00:00:00Z (1761523200000). Checks that need more than the body (the named envelope exists, is the channel\'s charter or the sender\'s suspension; the envelope\'s ref and time) are the receiving client\'s and not covered here.',
  'Generated by packages/vectors (npm run vectors); do not edit by hand.',
];

export const kindsChannelSuite: Suite = oneFileSuite<ChannelKindTest, ChannelKindGroup>({
  file: CHANNEL_FILE,
  schema: 'kinds-channel.schema.json',
  algorithm: 'HOTLINE-KINDS-CHANNEL',
  header: HEADER,
  notes: NOTES,
  groups: () =>
    kindGroups('ChannelBodyDecode', [joinCases(), suspendCases(), resumeCases(), profileCases()]),
  checkTest: checkChannelKindTest,
});
