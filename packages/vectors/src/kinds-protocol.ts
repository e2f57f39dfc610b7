// The protocol kinds' suite: test-vectors/kinds/protocol.json — bodies of kinds
// proposal, accept, decline, withdraw (8–11), ack (12), heartbeat (13), key-rotate
// (14) and key-revoke (15) (spec/kinds/{measures,ack,heartbeat,keys}.md), and the
// rotation statement with a genuine proof of possession. Bodies are written byte by
// byte with raw.ts, so each invalid body carries one defect; each valid body comes
// with its decoded value written here by hand, and the generator checks that the
// codec decodes the body to that value and encodes it back to the same bytes.

import {
  assembleCheckpoint,
  checkpointSignedBytes,
  concatBytes,
  type ErrorCode,
  encodeCheckpointPayload,
  fromHex,
  KIND,
  rotationStatement,
  toHex,
} from '@hotline/codec';
import { sha256 } from '@noble/hashes/sha2.js';
import type { Suite, TestCase, TestGroup } from './format.js';
import { alice, bob, signBytes, type TestKey, testKey, verifyBytes } from './keys.js';
import { type KindCases as Cases, kindGroups, oneFileSuite } from './kinds-file.js';
import { bodyCodecOf, checkBodyTest } from './kinds-parts.js';
import { array, bstr, type Entry, intMap, nint, type Raw, tstr, uint } from './raw.js';

export const PROTOCOL_FILE = 'protocol.json';

// ---------------------------------------------------------------------------
// JSON shape

export interface ProtocolTest extends TestCase {
  /** ProtocolBodyDecode: the body bytes to decode. */
  body?: string;
  /** Valid body only: the decoded body, field names of spec/kinds/<kind>.md, bytes in hex. */
  value?: unknown;
  /** Invalid with a BODY_* code only: the path of the failing field (detail.field). */
  field?: string;
  /** RotationStatement: the inputs, the statement bytes, and the successor's signature. */
  channel?: string;
  oldKey?: string;
  successor?: string;
  statement?: string;
  proof?: string;
}

export interface ProtocolGroup extends TestGroup<ProtocolTest> {
  description: string;
  /** ProtocolBodyDecode only: the envelope kind whose body is decoded. */
  kind?: number;
  kindName?: string;
}

function _assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`protocol kind vectors: ${message}`);
}

/** A decoded value as JSON: byte strings in hex, everything else as is. */
function asJson(value: unknown): unknown {
  if (value instanceof Uint8Array) return toHex(value);
  if (Array.isArray(value)) return value.map(asJson);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, asJson(v)]));
  }
  return value;
}

// ---------------------------------------------------------------------------
// Fixed inputs

const utf8 = new TextEncoder();
const hash = (text: string): Uint8Array => sha256(utf8.encode(text));
/** 2025-10-27T00:00:00Z. */
const T0 = 1_761_523_200_000;
const DAY = 86_400_000;
const CHANNEL = hash('hotline test channel');
const MEASURE = hash('hotline test measure');

const block = (language: string, text: string) => ({
  raw: intMap([
    [1, tstr(language)],
    [2, tstr(text)],
  ]),
  json: { language, text },
});
const TERMS = block(
  'en',
  'Each side keeps its warships at least 10 nautical miles from the other side’s ships in the agreed area.',
);
const NOTE = block('ru', 'Принято. Командирам кораблей даны указания.');
const REASON = block('en', 'The agreed area would include our territorial waters.');
const READ_BACK = block('en', 'You propose 10 nautical miles between warships from 27 October.');
const EMPTY_TEXT = intMap([
  [1, tstr('en')],
  [2, tstr('')],
]);
const windowRaw = (from: number, until?: number): Raw =>
  intMap(
    until === undefined
      ? [[1, uint(from)]]
      : [
          [1, uint(from)],
          [2, uint(until)],
        ],
  );

/** A checkpoint of CHANNEL signed for real by a relay test key. */
function checkpoint(relay: TestKey, size: number, channel = CHANNEL): Uint8Array {
  const payload = encodeCheckpointPayload({
    relay: relay.publicKey,
    channel,
    size,
    root: hash(`hotline test root ${size}`),
    time: T0 + size,
  } as never);
  return assembleCheckpoint(payload, signBytes(checkpointSignedBytes(payload), relay.secret));
}

const byKey = <T extends { publicKey: Uint8Array }>(keys: readonly T[]): T[] =>
  [...keys].sort((a, b) => (toHex(a.publicKey) < toHex(b.publicKey) ? -1 : 1));

// ---------------------------------------------------------------------------
// Cases

type KindCases = Cases<ProtocolTest>;

function builders() {
  return {
    valid: (comment: string, flags: string[], body: Raw, value: unknown): ProtocolTest => ({
      tcId: 0,
      comment,
      flags,
      result: 'valid',
      body: toHex(body),
      value,
    }),
    invalid: (
      comment: string,
      flags: string[],
      body: Raw,
      error: ErrorCode,
      field?: string,
    ): ProtocolTest => ({
      tcId: 0,
      comment,
      flags,
      result: 'invalid',
      body: toHex(body),
      error,
      ...(field === undefined ? {} : { field }),
    }),
  };
}

function proposalCases(): KindCases {
  const c = builders();
  const title = tstr('Naval separation');
  const full = (entries: Entry[]) => intMap(entries);
  const base: Entry[] = [
    [1, title],
    [2, TERMS.raw],
    [3, windowRaw(T0, T0 + 90 * DAY)],
  ];
  return {
    kind: KIND.proposal,
    name: 'proposal',
    description: 'proposal (8): {1: title, 2: terms, 3: validity, ? 4: review interval ms}',
    tests: [
      c.valid(
        'a 90-day measure with a review every 30 days',
        ['Valid'],
        full([...base, [4, uint(30 * DAY)]]),
        {
          title: 'Naval separation',
          terms: TERMS.json,
          validity: { from: T0, until: T0 + 90 * DAY },
          review: 30 * DAY,
        },
      ),
      c.valid(
        'an open-ended measure without review (absent fields are left out)',
        ['Valid'],
        full([
          [1, tstr('M')],
          [2, TERMS.raw],
          [3, windowRaw(0)],
        ]),
        { title: 'M', terms: TERMS.json, validity: { from: 0 } },
      ),
      c.valid(
        'a title of 256 UTF-8 bytes: 64 four-byte characters',
        ['Valid', 'Limits'],
        full([
          [1, tstr('\u{1F6A2}'.repeat(64))],
          [2, TERMS.raw],
          [3, windowRaw(T0)],
          [4, uint(1)],
        ]),
        { title: '\u{1F6A2}'.repeat(64), terms: TERMS.json, validity: { from: T0 }, review: 1 },
      ),
      c.invalid('the body is an array', ['Shape'], array([title]), 'BODY_MALFORMED', 'body'),
      c.invalid('key 5 (unknown)', ['Shape'], full([...base, [5, uint(0)]]), 'BODY_MALFORMED', ''),
      c.invalid('no title', ['Shape'], full(base.slice(1)), 'BODY_MALFORMED', 'title'),
      c.invalid(
        'title is a byte string',
        ['Shape'],
        full([[1, bstr(utf8.encode('M'))], ...base.slice(1)]),
        'BODY_MALFORMED',
        'title',
      ),
      c.invalid(
        'an empty title',
        ['Meaning'],
        full([[1, tstr('')], ...base.slice(1)]),
        'BODY_INVALID',
        'title',
      ),
      c.invalid(
        'a title of 257 bytes',
        ['Count', 'Utf8'],
        full([[1, tstr(`${'\u{1F6A2}'.repeat(64)}a`)], ...base.slice(1)]),
        'BODY_LIMIT',
        'title',
      ),
      c.invalid(
        'terms is a text string',
        ['Shape'],
        full([base[0]!, [2, tstr('terms')], base[2]!]),
        'BODY_MALFORMED',
        'terms',
      ),
      c.invalid(
        'terms in language "1a" (not a BCP 47 tag)',
        ['Meaning'],
        full([
          base[0]!,
          [
            2,
            intMap([
              [1, tstr('1a')],
              [2, tstr('x')],
            ]),
          ],
          base[2]!,
        ]),
        'BODY_INVALID',
        'terms.language',
      ),
      c.invalid('no validity', ['Shape'], full(base.slice(0, 2)), 'BODY_MALFORMED', 'validity'),
      c.invalid(
        'validity until = from',
        ['Meaning'],
        full([base[0]!, base[1]!, [3, windowRaw(T0, T0)]]),
        'BODY_INVALID',
        'validity.until',
      ),
      c.invalid(
        'review interval 0',
        ['Meaning'],
        full([...base, [4, uint(0)]]),
        'BODY_INVALID',
        'review',
      ),
      c.invalid(
        'review interval -1',
        ['Shape'],
        full([...base, [4, nint(-1)]]),
        'BODY_MALFORMED',
        'review',
      ),
      c.invalid(
        'a byte after the body',
        ['Profile'],
        concatBytes(full(base), Uint8Array.of(0)),
        'CBOR_TRAILING_BYTES',
      ),
    ],
  };
}

function answerCases(kind: number, name: string, optional: 'note' | 'reason'): KindCases {
  const c = builders();
  const text = optional === 'note' ? NOTE : REASON;
  return {
    kind,
    name,
    description: `${name} (${kind}): {1: measure id, ? 2: ${optional}}`,
    tests: [
      c.valid(
        `${name} with a ${optional}`,
        ['Valid'],
        intMap([
          [1, bstr(MEASURE)],
          [2, text.raw],
        ]),
        {
          measure: toHex(MEASURE),
          [optional]: text.json,
        },
      ),
      c.valid(`${name} without ${optional}`, ['Valid'], intMap([[1, bstr(MEASURE)]]), {
        measure: toHex(MEASURE),
      }),
      c.invalid('no measure id', ['Shape'], intMap([[2, text.raw]]), 'BODY_MALFORMED', 'measure'),
      c.invalid(
        'a measure id of 31 bytes',
        ['Shape'],
        intMap([[1, bstr(MEASURE.subarray(1))]]),
        'BODY_MALFORMED',
        'measure',
      ),
      c.invalid(
        'the measure id as text',
        ['Shape'],
        intMap([[1, tstr(toHex(MEASURE))]]),
        'BODY_MALFORMED',
        'measure',
      ),
      c.invalid(
        `${optional} is a text string`,
        ['Shape'],
        intMap([
          [1, bstr(MEASURE)],
          [2, tstr('ok')],
        ]),
        'BODY_MALFORMED',
        optional,
      ),
      c.invalid(
        `${optional} with an empty text`,
        ['Meaning'],
        intMap([
          [1, bstr(MEASURE)],
          [2, EMPTY_TEXT],
        ]),
        'BODY_INVALID',
        `${optional}.text`,
      ),
      c.invalid(
        'key 3 (unknown)',
        ['Shape'],
        intMap([
          [1, bstr(MEASURE)],
          [3, text.raw],
        ]),
        'BODY_MALFORMED',
        '',
      ),
    ],
  };
}

function withdrawCases(): KindCases {
  const c = builders();
  const actions = ['withdraw-proposal', 'suspend', 'resume', 'revoke'] as const;
  const body = (action: Raw, ...rest: Entry[]) =>
    intMap([[1, bstr(MEASURE)], [2, action], ...rest]);
  return {
    kind: KIND.withdraw,
    name: 'withdraw',
    description: 'withdraw (11): {1: measure id, 2: action, ? 3: reason}',
    tests: [
      ...actions.map((action, i) =>
        c.valid(`action ${i + 1}: ${action}`, ['Valid'], body(uint(i + 1)), {
          measure: toHex(MEASURE),
          action,
        }),
      ),
      c.valid('revoke with a reason', ['Valid'], body(uint(4), [3, REASON.raw]), {
        measure: toHex(MEASURE),
        action: 'revoke',
        reason: REASON.json,
      }),
      c.invalid('no action', ['Shape'], intMap([[1, bstr(MEASURE)]]), 'BODY_MALFORMED', 'action'),
      c.invalid('action 0', ['Meaning'], body(uint(0)), 'BODY_INVALID', 'action'),
      c.invalid('action 5', ['Meaning'], body(uint(5)), 'BODY_INVALID', 'action'),
      c.invalid(
        'action as text "revoke"',
        ['Shape'],
        body(tstr('revoke')),
        'BODY_MALFORMED',
        'action',
      ),
      c.invalid(
        'reason without its text',
        ['Shape'],
        body(uint(2), [3, intMap([[1, tstr('en')]])]),
        'BODY_MALFORMED',
        'reason.text',
      ),
      c.invalid('no measure id', ['Shape'], intMap([[2, uint(2)]]), 'BODY_MALFORMED', 'measure'),
    ],
  };
}

function ackCases(digest: Uint8Array): KindCases {
  const c = builders();
  const stage = (n: number, ...rest: Entry[]) => intMap([[1, uint(n)], ...rest]);
  const d = toHex(digest);
  return {
    kind: KIND.ack,
    name: 'ack',
    description:
      'ack (12): {1: stage, ? 2: digest (understood, required), ? 3: read-back (understood), ? 4: reason (rejected)}',
    tests: [
      c.valid('received', ['Valid'], stage(1), { stage: 'received' }),
      c.valid(
        'understood, quoting the digest of the first proposal body of this file',
        ['Valid'],
        stage(2, [2, bstr(digest)]),
        {
          stage: 'understood',
          digest: d,
        },
      ),
      c.valid(
        'understood with a read-back',
        ['Valid'],
        stage(2, [2, bstr(digest)], [3, READ_BACK.raw]),
        {
          stage: 'understood',
          digest: d,
          readBack: READ_BACK.json,
        },
      ),
      c.valid('accepted', ['Valid'], stage(3), { stage: 'accepted' }),
      c.valid('rejected without a reason', ['Valid'], stage(4), { stage: 'rejected' }),
      c.valid('rejected with a reason', ['Valid'], stage(4, [4, REASON.raw]), {
        stage: 'rejected',
        reason: REASON.json,
      }),
      c.invalid('the body is a uint', ['Shape'], uint(1), 'BODY_MALFORMED', 'body'),
      c.invalid('no stage', ['Shape'], intMap([]), 'BODY_MALFORMED', 'stage'),
      c.invalid('stage 0', ['Meaning'], stage(0), 'BODY_INVALID', 'stage'),
      c.invalid('stage 5', ['Meaning'], stage(5), 'BODY_INVALID', 'stage'),
      c.invalid(
        'understood without a digest',
        ['Shape', 'Stage'],
        stage(2),
        'BODY_MALFORMED',
        'digest',
      ),
      c.invalid(
        'a digest of 31 bytes',
        ['Shape'],
        stage(2, [2, bstr(digest.subarray(1))]),
        'BODY_MALFORMED',
        'digest',
      ),
      c.invalid(
        'received with a digest',
        ['Stage'],
        stage(1, [2, bstr(digest)]),
        'BODY_INVALID',
        'digest',
      ),
      c.invalid(
        'accepted with a read-back',
        ['Stage'],
        stage(3, [3, READ_BACK.raw]),
        'BODY_INVALID',
        'readBack',
      ),
      c.invalid(
        'understood with a reason',
        ['Stage'],
        stage(2, [2, bstr(digest)], [4, REASON.raw]),
        'BODY_INVALID',
        'reason',
      ),
      c.invalid(
        'rejected with a digest',
        ['Stage'],
        stage(4, [2, bstr(digest)]),
        'BODY_INVALID',
        'digest',
      ),
      c.invalid(
        'received with a "digest" of the wrong type: the stage rule comes first',
        ['Stage', 'Order'],
        stage(1, [2, uint(0)]),
        'BODY_INVALID',
        'digest',
      ),
      c.invalid('key 5 (unknown)', ['Shape'], stage(1, [5, uint(0)]), 'BODY_MALFORMED', ''),
    ],
  };
}

function heartbeatCases(): KindCases {
  const c = builders();
  const [relayA, relayB] = byKey([testKey('relay'), testKey('relay 2')]) as [TestKey, TestKey];
  const cpA = checkpoint(relayA, 41);
  const cpB = checkpoint(relayB, 40);
  const [m1, m2] = byKey([alice, bob]) as [TestKey, TestKey];
  const seen = (key: Uint8Array, seq: Raw) => array([bstr(key), seq]);
  const hb = (seenList: Raw[], checkpoints: Raw[], ...rest: Entry[]) =>
    intMap([[1, array(seenList)], [2, array(checkpoints)], ...rest]);
  const filler = Array.from({ length: 65 }, (_, i) => hash(`hotline test member ${i}`)).sort(
    (a, b) => (toHex(a) < toHex(b) ? -1 : 1),
  );
  const relays = byKey(Array.from({ length: 17 }, (_, i) => testKey(`relay ${i + 3}`)));
  return {
    kind: KIND.heartbeat,
    name: 'heartbeat',
    description:
      'heartbeat (13): {1: [* [member key, seq]], 2: [* checkpoint bytes], ? 3: next ms}',
    tests: [
      c.valid(
        'two members seen, the checkpoints of two relays (signed for real), next in 60 s',
        ['Valid'],
        hb(
          [seen(m1.publicKey, uint(12)), seen(m2.publicKey, uint(9))],
          [bstr(cpA), bstr(cpB)],
          [3, uint(T0 + 60_000)],
        ),
        {
          seen: [
            { key: toHex(m1.publicKey), seq: 12 },
            { key: toHex(m2.publicKey), seq: 9 },
          ],
          checkpoints: [toHex(cpA), toHex(cpB)],
          next: T0 + 60_000,
        },
      ),
      c.valid('nothing seen yet, no checkpoint, no next', ['Valid'], hb([], []), {
        seen: [],
        checkpoints: [],
      }),
      c.valid(
        '64 members seen (the most a charter has)',
        ['Valid', 'Limits'],
        hb(
          filler.slice(0, 64).map((k) => seen(k, uint(1))),
          [],
        ),
        { seen: filler.slice(0, 64).map((k) => ({ key: toHex(k), seq: 1 })), checkpoints: [] },
      ),
      c.invalid('no seen list', ['Shape'], intMap([[2, array([])]]), 'BODY_MALFORMED', 'seen'),
      c.invalid(
        'a seen entry that is a byte string',
        ['Shape'],
        hb([bstr(m1.publicKey)], []),
        'BODY_MALFORMED',
        'seen[0]',
      ),
      c.invalid(
        'a seen entry of three items',
        ['Shape'],
        hb([array([bstr(m1.publicKey), uint(1), uint(1)])], []),
        'BODY_MALFORMED',
        'seen[0]',
      ),
      c.invalid(
        'a member key of 31 bytes',
        ['Shape'],
        hb([seen(m1.publicKey.subarray(1), uint(1))], []),
        'BODY_MALFORMED',
        'seen[0].key',
      ),
      c.invalid(
        'seq 0',
        ['Meaning'],
        hb([seen(m1.publicKey, uint(0))], []),
        'BODY_INVALID',
        'seen[0].seq',
      ),
      c.invalid(
        'seq -1',
        ['Shape'],
        hb([seen(m1.publicKey, nint(-1))], []),
        'BODY_MALFORMED',
        'seen[0].seq',
      ),
      c.invalid(
        'a member twice',
        ['Order'],
        hb([seen(m1.publicKey, uint(1)), seen(m1.publicKey, uint(2))], []),
        'BODY_INVALID',
        'seen[1].key',
      ),
      c.invalid(
        'members in descending key order',
        ['Order'],
        hb([seen(m2.publicKey, uint(1)), seen(m1.publicKey, uint(2))], []),
        'BODY_INVALID',
        'seen[1].key',
      ),
      c.invalid(
        '65 members',
        ['Count'],
        hb(
          filler.map((k) => seen(k, uint(1))),
          [],
        ),
        'BODY_LIMIT',
        'seen',
      ),
      c.invalid(
        'no checkpoint list',
        ['Shape'],
        intMap([[1, array([])]]),
        'BODY_MALFORMED',
        'checkpoints',
      ),
      c.invalid(
        'a checkpoint as text',
        ['Shape'],
        hb([], [tstr('checkpoint')]),
        'BODY_MALFORMED',
        'checkpoints[0]',
      ),
      c.invalid(
        'a checkpoint of 1025 bytes',
        ['Count'],
        hb([], [bstr(new Uint8Array(1025))]),
        'BODY_LIMIT',
        'checkpoints[0]',
      ),
      c.invalid(
        'bytes that are not a checkpoint (an empty map)',
        ['Checkpoint'],
        hb([], [bstr(Uint8Array.of(0xa0))]),
        'BODY_INVALID',
        'checkpoints[0]',
      ),
      c.invalid(
        'relay keys in descending order',
        ['Checkpoint', 'Order'],
        hb([], [bstr(cpB), bstr(cpA)]),
        'BODY_INVALID',
        'checkpoints[1]',
      ),
      c.invalid(
        'two checkpoints of one relay',
        ['Checkpoint', 'Order'],
        hb([], [bstr(cpA), bstr(checkpoint(relayA, 42))]),
        'BODY_INVALID',
        'checkpoints[1]',
      ),
      c.invalid(
        'checkpoints of two channels',
        ['Checkpoint'],
        hb([], [bstr(cpA), bstr(checkpoint(relayB, 3, hash('hotline test channel 2')))]),
        'BODY_INVALID',
        'checkpoints[1]',
      ),
      c.invalid(
        '17 checkpoints',
        ['Count'],
        hb(
          [],
          relays.map((r) => bstr(checkpoint(r, 1))),
        ),
        'BODY_LIMIT',
        'checkpoints',
      ),
      c.invalid('next -1', ['Shape'], hb([], [], [3, nint(-1)]), 'BODY_MALFORMED', 'next'),
    ],
  };
}

function rotateCases(successor: TestKey, proof: Uint8Array): KindCases {
  const c = builders();
  const body = (...entries: Entry[]) => intMap(entries);
  const s: Entry = [1, bstr(successor.publicKey)];
  const p: Entry = [2, bstr(proof)];
  const e: Entry = [3, uint(T0)];
  return {
    kind: KIND['key-rotate'],
    name: 'key-rotate',
    description:
      'key-rotate (14): {1: successor key, 2: proof (successor signature), 3: effective-from ms}',
    tests: [
      c.valid(
        'alice hands over to "alice 2": the proof is the RotationStatement group\'s first signature',
        ['Valid'],
        body(s, p, e),
        { successor: toHex(successor.publicKey), proof: toHex(proof), effectiveFrom: T0 },
      ),
      c.invalid('no successor', ['Shape'], body(p, e), 'BODY_MALFORMED', 'successor'),
      c.invalid(
        'a successor of 31 bytes',
        ['Shape'],
        body([1, bstr(successor.publicKey.subarray(1))], p, e),
        'BODY_MALFORMED',
        'successor',
      ),
      c.invalid(
        'a proof of 63 bytes',
        ['Shape'],
        body(s, [2, bstr(proof.subarray(1))], e),
        'BODY_MALFORMED',
        'proof',
      ),
      c.invalid('no effective-from', ['Shape'], body(s, p), 'BODY_MALFORMED', 'effectiveFrom'),
      c.invalid('key 4 (unknown)', ['Shape'], body(s, p, e, [4, uint(0)]), 'BODY_MALFORMED', ''),
    ],
  };
}

function revokeCases(): KindCases {
  const c = builders();
  const k: Entry = [1, bstr(alice.publicKey)];
  return {
    kind: KIND['key-revoke'],
    name: 'key-revoke',
    description: 'key-revoke (15): {1: revoked key, 2: reason, 3: effective-from ms}',
    tests: [
      c.valid(
        'compromised a day before (effective-from may precede the envelope)',
        ['Valid'],
        intMap([k, [2, uint(1)], [3, uint(T0 - DAY)]]),
        {
          key: toHex(alice.publicKey),
          reason: 'compromised',
          effectiveFrom: T0 - DAY,
        },
      ),
      c.valid('retired', ['Valid'], intMap([k, [2, uint(2)], [3, uint(T0)]]), {
        key: toHex(alice.publicKey),
        reason: 'retired',
        effectiveFrom: T0,
      }),
      c.invalid(
        'no key',
        ['Shape'],
        intMap([
          [2, uint(1)],
          [3, uint(T0)],
        ]),
        'BODY_MALFORMED',
        'key',
      ),
      c.invalid(
        'reason 0',
        ['Meaning'],
        intMap([k, [2, uint(0)], [3, uint(T0)]]),
        'BODY_INVALID',
        'reason',
      ),
      c.invalid(
        'reason 3',
        ['Meaning'],
        intMap([k, [2, uint(3)], [3, uint(T0)]]),
        'BODY_INVALID',
        'reason',
      ),
      c.invalid(
        'effective-from as text',
        ['Shape'],
        intMap([k, [2, uint(1)], [3, tstr('now')]]),
        'BODY_MALFORMED',
        'effectiveFrom',
      ),
    ],
  };
}

function rotationTests(pairs: readonly [TestKey, TestKey][]): ProtocolTest[] {
  return pairs.map(([old, next]) => {
    const statement = rotationStatement(CHANNEL, old.publicKey, next.publicKey);
    return {
      tcId: 0,
      comment: `${old.name} hands over to "${next.name}"`,
      flags: ['Rotation'],
      result: 'valid',
      channel: toHex(CHANNEL),
      oldKey: toHex(old.publicKey),
      successor: toHex(next.publicKey),
      statement: toHex(statement),
      proof: toHex(signBytes(statement, next.secret)),
    };
  });
}

// ---------------------------------------------------------------------------
// Checking

export function checkProtocolTest(
  group: TestGroup<ProtocolTest>,
  test: ProtocolTest,
): string | undefined {
  if (group.type === 'RotationStatement') {
    const statement = rotationStatement(
      fromHex(test.channel!),
      fromHex(test.oldKey!),
      fromHex(test.successor!),
    );
    if (toHex(statement) !== test.statement) return 'statement differs';
    if (!verifyBytes(fromHex(test.proof!), statement, fromHex(test.successor!))) {
      return 'the proof does not verify under the successor key';
    }
    return undefined;
  }
  const { kind } = group as ProtocolGroup;
  return checkBodyTest(kind === undefined ? undefined : bodyCodecOf(kind), kind, test, asJson);
}

// ---------------------------------------------------------------------------
// Generation

const NOTES: Record<string, string> = {
  Valid:
    'A valid body; the decoder returns exactly `value` (bytes in hex), and encoding it gives exactly `body`.',
  Limits: 'A count or length at the edge of its allowed range.',
  Utf8: 'Lengths are counted in UTF-8 bytes, not characters or UTF-16 units.',
  Profile: 'The body breaks the CBOR profile of 01-envelope.md §5: a CBOR_* code.',
  Shape: 'Not a map, an unknown or missing key, a value of the wrong type or size: BODY_MALFORMED.',
  Count: 'A length or count beyond its limit: BODY_LIMIT.',
  Meaning:
    'Well-formed but meaningless (empty text, value outside its enumeration or range): BODY_INVALID.',
  Stage:
    "An ack field that does not belong to the ack's stage (BODY_INVALID), or the digest an understood ack lacks.",
  Checkpoint:
    'A heartbeat checkpoint that does not decode as a checkpoint (COSE_Sign1 profile and fields, spec/05-checkpoints.md; its own code is in the error detail), or checkpoints not ascending by relay key, or of several channels: BODY_INVALID.',
  Order:
    'Entries out of order or repeated, or several rules on one field: the first check in order.',
  Rotation:
    'A rotation statement: the Sig_structure of {1: channel, 2: old key, 3: successor} under typ "application/hotline-rotation+cbor; v=0.1", and the successor key\'s genuine Ed25519 signature over it.',
};

const HEADER = [
  'Test vectors for the bodies of the protocol kinds (spec/11-kinds.md; spec/kinds/measures.md, ack.md, heartbeat.md, keys.md). Each ProtocolBodyDecode group decodes the bodies of one kind (`kind`, `kindName`). A valid test gives the decoded `value` with the field names of the kind\'s table, byte strings in hex, enumerations by name (withdraw action "withdraw-proposal"/"suspend"/"resume"/"revoke", ack stage "received"/"understood"/"accepted"/"rejected", revoke reason "compromised"/"retired"); absent optional fields are left out. An invalid test gives the `error` code and, for BODY_* codes, the `field` path of the error detail (`body` when the body is not a map, the empty string for an unknown key at the root).',
  'The RotationStatement group gives the statement a successor key signs (spec/kinds/keys.md §3) and a genuine signature: the statement must equal `statement`, and `proof` must verify under `successor` (02-signatures.md).',
  'Keys: secret = SHA-256("hotline test key " + name) for alice, bob, "alice 2", "bob 2" and the relays "relay", "relay 2", "relay 3" … "relay 19"; heartbeat checkpoints are signed for real by the relay keys, over channel SHA-256("hotline test channel") (one defect: "hotline test channel 2") with root SHA-256("hotline test root <size>") and time 1761523200000 + size. Filler member keys are SHA-256("hotline test member <i>"); the measure id is SHA-256("hotline test measure"). Times are ms since the Unix epoch (1761523200000 is 2025-10-27T00:00:00Z).',
  "Checks that need more than the body (the envelope's ref and time, the charter, other envelopes, relay signatures, the measure ledger) are the receiving client's; the measure ledger has its own file, measures_ledger.json.",
  'Generated by packages/vectors (npm run vectors); do not edit by hand.',
];

function protocolGroups(): ProtocolGroup[] {
  const proposals = proposalCases();
  const digest = sha256(fromHex(proposals.tests[0]!.body!));
  const successor = testKey('alice 2');
  const rotation = rotationTests([
    [alice, successor],
    [bob, testKey('bob 2')],
  ]);
  const kinds = [
    proposals,
    answerCases(KIND.accept, 'accept', 'note'),
    answerCases(KIND.decline, 'decline', 'reason'),
    withdrawCases(),
    ackCases(digest),
    heartbeatCases(),
    rotateCases(successor, fromHex(rotation[0]!.proof!)),
    revokeCases(),
  ];
  return [
    ...kindGroups('ProtocolBodyDecode', kinds),
    {
      type: 'RotationStatement',
      description:
        "rotationStatement(channel, old key, successor) and the successor's proof of possession",
      tests: rotation,
    },
  ] as ProtocolGroup[];
}

export const kindsProtocolSuite: Suite = oneFileSuite<ProtocolTest, ProtocolGroup>({
  file: PROTOCOL_FILE,
  schema: 'kinds-protocol.schema.json',
  algorithm: 'HOTLINE-KINDS-PROTOCOL',
  header: HEADER,
  notes: NOTES,
  groups: protocolGroups,
  checkTest: checkProtocolTest,
});
