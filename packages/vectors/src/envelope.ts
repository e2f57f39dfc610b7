// The envelope suite: test-vectors/envelope/envelope_v1.json. Valid vectors are
// genuine envelopes signed with the fixed test keys; invalid vectors are crafted byte
// by byte (./raw.ts) so that each carries the one defect its comment names — payload
// and header defects are still signed for real — and each expects one registry code.

import {
  compareBytes,
  decodeEnvelope,
  type EnvelopeFields,
  type EnvelopeFieldsInput,
  type ErrorCode,
  encodePayload,
  fromHex,
  HEADER_TYP,
  HotlineError,
  LIMITS,
  PRECEDENCE,
  PROTECTED_HEADER,
  signedBytesFor,
  toHex,
} from '@hotline/codec';
import { sha256 } from '@noble/hashes/sha2.js';
import {
  checkEachTest,
  checkNotes,
  finaliseFile,
  registryCodes,
  type Suite,
  type TestCase,
  type TestGroup,
} from './format.js';
import {
  alice,
  bob,
  carol,
  mallory,
  signBytes,
  signPayload,
  type TestKey,
  testKey,
  verifyBytes,
} from './keys.js';
import {
  array,
  bstr,
  coseSign1,
  type Entry,
  head,
  headOfWidth,
  hex,
  intMap,
  MAJOR,
  map,
  nint,
  type Raw,
  type Sign1Parts,
  sign1Parts,
  sigStructure,
  tag,
  tstr,
  tstrBytes,
  uint,
} from './raw.js';

export const ENVELOPE_FILE = 'envelope_v1.json';
const MIN_VALID = 12;
const MIN_INVALID = 50;

// ---------------------------------------------------------------------------
// JSON shape of this file's test cases

/** Payload fields as JSON: bytes as lowercase hex, integers as numbers, precedence by name. */
export interface FieldsJson {
  version: number;
  channel: string;
  sender: string;
  seq: number;
  prev?: string;
  time: number;
  kind: number;
  body: string;
  precedence: string;
  ref?: string;
  expiry?: number;
  recipients?: string[];
}

export interface EnvelopeTest extends TestCase {
  /** The envelope bytes to decode. */
  envelope: string;
  /** Valid only: SHA-256 of signedBytes. */
  id?: string;
  /** Valid only: the COSE Sig_structure the signature covers. */
  signedBytes?: string;
  /** Valid only: the payload bytes (the COSE payload). */
  payload?: string;
  /** Valid only: the 64-byte Ed25519 signature by `fields.sender`. */
  signature?: string;
  fields?: FieldsJson;
}

// ---------------------------------------------------------------------------
// Fixed inputs

const utf8 = new TextEncoder();
/** Channel id of every vector: SHA-256("hotline test channel"). */
const CHANNEL = sha256(utf8.encode('hotline test channel'));
/** 2025-10-27T00:00:00Z in milliseconds: needs the 8-byte integer head. */
const T0 = 1_761_523_200_000;
const KIND_TEXT = 3;
/** An ordinary body. The envelope layer treats bodies as opaque bytes. */
const BODY = intMap([[1, tstr('Test message. Nothing follows.')]]);
const MAX_INTEGER = LIMITS.MAX_INTEGER;
const ZERO_ID = new Uint8Array(32);

/** Deterministic filler bytes of a given length. */
function filler(length: number, seed = 0): Uint8Array {
  const out = new Uint8Array(length);
  for (let i = 0; i < length; i++) out[i] = (i * 7 + seed) % 251;
  return out;
}

/** `count` distinct recipient public keys ("recipient 0" …), ascending bytewise. */
function recipientKeys(count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, i) => testKey(`recipient ${i}`).publicKey).sort(
    compareBytes,
  );
}

/** Fields of an ordinary genesis envelope by `key`, with overrides. */
function fieldsBy(key: TestKey, overrides: Partial<EnvelopeFieldsInput> = {}): EnvelopeFieldsInput {
  return {
    channel: CHANNEL,
    sender: key.publicKey,
    seq: 1,
    time: T0,
    kind: KIND_TEXT,
    body: BODY,
    ...overrides,
  };
}

/**
 * The payload map entries for fields, written independently of the codec: keys
 * ascending, every integer in its shortest head, recipients sorted bytewise.
 */
function entriesOf(input: EnvelopeFieldsInput): Entry[] {
  const entries: Entry[] = [
    [1, uint(input.version ?? LIMITS.ENVELOPE_VERSION)],
    [2, bstr(input.channel)],
    [3, bstr(input.sender)],
    [4, uint(input.seq)],
  ];
  if (input.prev !== undefined) entries.push([5, bstr(input.prev)]);
  entries.push([6, uint(input.time)], [7, uint(input.kind)], [8, bstr(input.body)]);
  if (input.precedence !== undefined && input.precedence !== 'routine') {
    entries.push([9, uint(PRECEDENCE[input.precedence])]);
  }
  if (input.ref !== undefined) entries.push([10, bstr(input.ref)]);
  if (input.expiry !== undefined) entries.push([11, uint(input.expiry)]);
  if (input.recipients !== undefined) {
    entries.push([12, array([...input.recipients].sort(compareBytes).map(bstr))]);
  }
  return entries;
}

/** The JSON `fields` a decoder must produce for the input (routine when absent). */
function expectedFields(input: EnvelopeFieldsInput): FieldsJson {
  return fieldsJson({
    version: input.version ?? LIMITS.ENVELOPE_VERSION,
    channel: input.channel,
    sender: input.sender,
    seq: input.seq,
    prev: input.prev,
    time: input.time,
    kind: input.kind,
    body: input.body,
    precedence: input.precedence ?? 'routine',
    ref: input.ref,
    expiry: input.expiry,
    recipients: input.recipients && [...input.recipients].sort(compareBytes),
  } as EnvelopeFields);
}

/** Decoded fields as JSON, keys in field-registry order, absent optionals left out. */
export function fieldsJson(fields: EnvelopeFields): FieldsJson {
  const out: Record<string, unknown> = {
    version: fields.version,
    channel: toHex(fields.channel),
    sender: toHex(fields.sender),
    seq: fields.seq,
  };
  if (fields.prev !== undefined) out.prev = toHex(fields.prev);
  out.time = fields.time;
  out.kind = fields.kind;
  out.body = toHex(fields.body);
  out.precedence = fields.precedence;
  if (fields.ref !== undefined) out.ref = toHex(fields.ref);
  if (fields.expiry !== undefined) out.expiry = fields.expiry;
  if (fields.recipients !== undefined) out.recipients = fields.recipients.map(toHex);
  return out as unknown as FieldsJson;
}

// ---------------------------------------------------------------------------
// Entry-list editing for invalid payloads

/** The encoded keys and values of entries, without a map head. */
function entryBytes(entries: readonly Entry[]): Raw {
  return cat(...entries.flatMap(([k, v]) => [uint(k), v]));
}

/** A map head declaring `count` entries, followed by the given entries (any number). */
function mapDeclaring(count: number, entries: readonly Entry[], ...tail: Raw[]): Raw {
  return cat(head(MAJOR.map, count), entryBytes(entries), ...tail);
}

/** Replaces the entry with `key`, or inserts it in ascending position. */
function withEntry(entries: readonly Entry[], key: number, value: Raw): Entry[] {
  const out = entries.filter(([k]) => k !== key);
  const at = out.findIndex(([k]) => k > key);
  out.splice(at === -1 ? out.length : at, 0, [key, value]);
  return out;
}

function withoutEntry(entries: readonly Entry[], key: number): Entry[] {
  return entries.filter(([k]) => k !== key);
}

const BASE_INPUT = fieldsBy(alice);
const BASE_ENTRIES = entriesOf(BASE_INPUT);
const BASE_PAYLOAD = intMap(BASE_ENTRIES);

/** Alice's genuine signature over the payload under the real protected header. */
function signatureOver(payload: Uint8Array, key: TestKey = alice): Uint8Array {
  return signBytes(signedBytesFor(payload), key.secret);
}

/** A COSE_Sign1 around payload bytes (valid or not), signed for real, with raw item overrides. */
function envelopeWith(payload: Uint8Array, parts: Partial<Sign1Parts> = {}): Raw {
  return coseSign1({ ...sign1Parts(payload, signatureOver(payload)), ...parts });
}

/** An envelope whose payload map is the given entries, in the given order. */
function payloadEnvelope(entries: readonly Entry[]): Raw {
  return envelopeWith(intMap(entries));
}

/** An envelope with other protected header bytes, signed over that header's Sig_structure. */
function headerEnvelope(protectedBytes: Uint8Array, payload: Uint8Array = BASE_PAYLOAD): Raw {
  const signature = signBytes(sigStructure(protectedBytes, payload), alice.secret);
  return coseSign1({ ...sign1Parts(payload, signature), protected: bstr(protectedBytes) });
}

const ALG = uint(1);
const TYP = uint(16);
const EDDSA = nint(-19);
const TYP_VALUE = tstr(HEADER_TYP);
const STANDARD_HEADER = map([
  [ALG, EDDSA],
  [TYP, TYP_VALUE],
]);

const BASE_SIGNATURE = signatureOver(BASE_PAYLOAD);
const BASE_PARTS = sign1Parts(BASE_PAYLOAD, BASE_SIGNATURE);
const BASE_ENVELOPE = coseSign1(BASE_PARTS);

/** Concatenation of raw pieces (readability helper). */
function cat(...parts: Uint8Array[]): Raw {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

// ---------------------------------------------------------------------------
// Valid cases

interface ValidCase {
  comment: string;
  flags: string[];
  input: EnvelopeFieldsInput;
  key: TestKey;
}

function validCases(): ValidCase[] {
  const cases: ValidCase[] = [];
  const add = (
    comment: string,
    flags: string[],
    overrides: Partial<EnvelopeFieldsInput>,
    key = alice,
  ) => cases.push({ comment, flags, input: fieldsBy(key, overrides), key });

  const genesisId = sha256(signedBytesFor(BASE_PAYLOAD));
  add('minimal genesis envelope: seq 1, no prev, routine, no optional fields', ['Genesis'], {});
  add('second envelope of the chain: seq 2, prev = id of the genesis vector', ['Chained'], {
    seq: 2,
    prev: genesisId,
    time: T0 + 1000,
  });
  add('genesis envelope by another sender (bob)', ['Genesis'], {}, bob);
  add('precedence flash (1)', ['OptionalField'], { precedence: 'flash' });
  add('precedence immediate (2)', ['OptionalField'], { precedence: 'immediate' });
  add('precedence priority (3)', ['OptionalField'], { precedence: 'priority' });
  add('ref: answers the genesis vector', ['OptionalField'], { ref: genesisId });
  add('expiry one millisecond after time', ['OptionalField', 'Boundary'], { expiry: T0 + 1 });
  add('recipients: a single key (bob)', ['OptionalField', 'Recipients'], {
    recipients: [bob.publicKey],
  });
  add('recipients: MAX_RECIPIENTS (64) keys, ascending', ['OptionalField', 'Recipients', 'Limit'], {
    recipients: recipientKeys(LIMITS.MAX_RECIPIENTS),
  });
  add('every optional field at once, seq 3', ['Chained', 'OptionalField', 'Recipients'], {
    seq: 3,
    prev: sha256(utf8.encode('previous')),
    precedence: 'flash',
    ref: genesisId,
    expiry: T0 + 86_400_000,
    recipients: [bob.publicKey, carol.publicKey, mallory.publicKey],
  });
  add('empty body', ['Boundary', 'OpaqueBody'], { body: new Uint8Array(0) });
  add('body of 23 bytes (longest with a one-byte head)', ['Boundary', 'OpaqueBody'], {
    body: filler(23),
  });
  add('body of 24 bytes (shortest with a two-byte head)', ['Boundary', 'OpaqueBody'], {
    body: filler(24),
  });
  add('body of 256 bytes (three-byte head)', ['Boundary', 'OpaqueBody'], { body: filler(256) });
  add('body of exactly MAX_BODY_BYTES (65536) bytes', ['Boundary', 'Limit', 'OpaqueBody'], {
    body: filler(LIMITS.MAX_BODY_BYTES),
  });
  add('body is binary, not CBOR (e.g. ciphertext): not interpreted here', ['OpaqueBody'], {
    body: sha256(utf8.encode('not cbor')),
  });
  add('seq 23 (longest one-byte integer)', ['Chained', 'Boundary'], { seq: 23, prev: ZERO_ID });
  add('seq 24 (shortest two-byte integer)', ['Chained', 'Boundary'], { seq: 24, prev: ZERO_ID });
  add('seq 2^53-1, the largest integer', ['Chained', 'Boundary', 'Limit'], {
    seq: MAX_INTEGER,
    prev: ZERO_ID,
  });
  add('time 0 (the epoch)', ['Boundary'], { time: 0 });
  add('time 2^32-1 (longest four-byte integer)', ['Boundary'], { time: 0xffff_ffff });
  add('time 2^32 (shortest eight-byte integer)', ['Boundary'], { time: 0x1_0000_0000 });
  add('time 2^53-1, the largest integer', ['Boundary', 'Limit'], { time: MAX_INTEGER });
  add('expiry 2^53-1', ['OptionalField', 'Boundary', 'Limit'], { expiry: MAX_INTEGER });
  add('kind 1 (charter), the smallest kind', ['Boundary'], { kind: 1 });
  add('kind 65535, the largest kind (private range)', ['Boundary', 'Limit'], { kind: 65535 });
  add('kind 1024 (reserved range): the envelope layer checks only 1..65535', ['Boundary'], {
    kind: 1024,
  });
  return cases;
}

// ---------------------------------------------------------------------------
// Invalid cases

interface InvalidCase {
  comment: string;
  flags: string[];
  error: ErrorCode;
  envelope: Uint8Array;
}

function invalidCases(): InvalidCase[] {
  const cases: InvalidCase[] = [];
  const bad = (error: ErrorCode, comment: string, flags: string[], envelope: Uint8Array) =>
    cases.push({ error, comment, flags, envelope });
  const B = BASE_PARTS;
  /** Envelope with payload entries edited: one field replaced or added. */
  const field = (key: number, value: Raw) => payloadEnvelope(withEntry(BASE_ENTRIES, key, value));
  const inPayload = ['InPayload'];
  const inHeader = ['InProtectedHeader'];

  // --- truncation and declared lengths
  bad('CBOR_TRUNCATED', 'empty input', ['Truncated'], new Uint8Array(0));
  bad('CBOR_TRUNCATED', 'tag 18 and nothing after it', ['Truncated'], hex('d2'));
  bad(
    'CBOR_TRUNCATED',
    'ends after the payload: the array declares 4 items, the signature is missing',
    ['Truncated'],
    cat(hex('d284'), B.protected, B.unprotected, B.payload),
  );
  bad(
    'CBOR_TRUNCATED',
    'ends inside the head of the signature (0x58 without its length byte)',
    ['Truncated'],
    cat(hex('d284'), B.protected, B.unprotected, B.payload, hex('58')),
  );
  bad(
    'CBOR_TRUNCATED',
    'ends inside a tag head (0xd9 with one of its two argument bytes)',
    ['Truncated'],
    hex('d9d9'),
  );
  bad(
    'CBOR_TRUNCATED',
    'payload ends after the key of its last entry (body value missing)',
    ['Truncated', ...inPayload],
    envelopeWith(mapDeclaring(7, BASE_ENTRIES.slice(0, -1), uint(8))),
  );
  bad(
    'CBOR_TRUNCATED',
    'payload is zero bytes',
    ['Truncated', ...inPayload],
    envelopeWith(new Uint8Array(0)),
  );
  bad(
    'CBOR_TRUNCATED',
    'protected header ends inside the head of typ (0x78 without its length byte)',
    ['Truncated', ...inHeader],
    headerEnvelope(hex('a2 01 27 10 78')),
  );
  bad(
    'CBOR_LENGTH_EXCEEDS_INPUT',
    'last byte of the signature removed: declared 64 bytes, 63 remain',
    ['LengthBeyondInput'],
    BASE_ENVELOPE.slice(0, -1),
  );
  bad(
    'CBOR_LENGTH_EXCEEDS_INPUT',
    'payload byte string declares 2^32-1 bytes',
    ['LengthBeyondInput'],
    cat(hex('d284'), B.protected, B.unprotected, hex('5affffffff'), BASE_PAYLOAD, B.signature),
  );
  bad(
    'CBOR_LENGTH_EXCEEDS_INPUT',
    'signature byte string declares 2^53-1 bytes (eight-byte head)',
    ['LengthBeyondInput'],
    cat(
      hex('d284'),
      B.protected,
      B.unprotected,
      B.payload,
      hex('5b001fffffffffffff'),
      BASE_SIGNATURE,
    ),
  );
  bad(
    'CBOR_LENGTH_EXCEEDS_INPUT',
    'payload byte string declares 2^64-1 bytes',
    ['LengthBeyondInput'],
    cat(
      hex('d284'),
      B.protected,
      B.unprotected,
      hex('5bffffffffffffffff'),
      BASE_PAYLOAD,
      B.signature,
    ),
  );
  bad(
    'CBOR_LENGTH_EXCEEDS_INPUT',
    'outer array declares 1000 items: rejected before reading any of them',
    ['LengthBeyondInput'],
    cat(hex('d29903e8'), B.protected, B.unprotected, B.payload, B.signature),
  );
  bad(
    'CBOR_LENGTH_EXCEEDS_INPUT',
    'payload map declares 2^32-1 entries',
    ['LengthBeyondInput', ...inPayload],
    envelopeWith(cat(hex('baffffffff'), BASE_PAYLOAD.subarray(1))),
  );
  {
    // body head claims 20 more bytes than the payload holds; the envelope has them
    // (the signature follows), so only a decoder bounded by the payload catches it.
    const payload = mapDeclaring(
      7,
      withoutEntry(BASE_ENTRIES, 8),
      uint(8),
      head(MAJOR.bstr, BODY.length + 20),
      BODY,
    );
    bad(
      'CBOR_LENGTH_EXCEEDS_INPUT',
      'body declares 20 bytes more than the payload holds (the envelope has them: the signature follows)',
      ['LengthBeyondInput', ...inPayload],
      envelopeWith(payload),
    );
  }

  // --- shortest form
  bad(
    'CBOR_NON_SHORTEST',
    'tag 18 in a two-byte head (d8 12)',
    ['NonShortest'],
    cat(hex('d812'), BASE_ENVELOPE.subarray(1)),
  );
  bad(
    'CBOR_NON_SHORTEST',
    'array of 4 in a two-byte head (98 04)',
    ['NonShortest'],
    cat(hex('d29804'), BASE_ENVELOPE.subarray(2)),
  );
  bad(
    'CBOR_NON_SHORTEST',
    'payload length in a three-byte head although below 256',
    ['NonShortest'],
    cat(
      hex('d284'),
      B.protected,
      B.unprotected,
      headOfWidth(MAJOR.bstr, BASE_PAYLOAD.length, 2),
      BASE_PAYLOAD,
      B.signature,
    ),
  );
  bad(
    'CBOR_NON_SHORTEST',
    'signature length 64 in a three-byte head (59 00 40)',
    ['NonShortest'],
    cat(hex('d284'), B.protected, B.unprotected, B.payload, hex('590040'), BASE_SIGNATURE),
  );
  bad(
    'CBOR_NON_SHORTEST',
    'empty unprotected map in a two-byte head (b8 00)',
    ['NonShortest', 'UnprotectedHeader'],
    coseSign1({ ...B, unprotected: hex('b800') }),
  );
  bad(
    'CBOR_NON_SHORTEST',
    'seq 1 in a two-byte head (18 01)',
    ['NonShortest', ...inPayload],
    field(4, hex('1801')),
  );
  bad(
    'CBOR_NON_SHORTEST',
    'map key 4 (seq) in a two-byte head (18 04)',
    ['NonShortest', ...inPayload],
    envelopeWith(
      mapDeclaring(
        7,
        BASE_ENTRIES.slice(0, 3),
        hex('1804'),
        uint(1),
        entryBytes(BASE_ENTRIES.slice(4)),
      ),
    ),
  );
  bad(
    'CBOR_NON_SHORTEST',
    'kind 3 in an eight-byte head whose high word is zero',
    ['NonShortest', ...inPayload],
    field(7, headOfWidth(MAJOR.uint, 3, 8)),
  );
  bad(
    'CBOR_NON_SHORTEST',
    'time 2^32-1 in an eight-byte head (fits four bytes)',
    ['NonShortest', ...inPayload],
    field(6, headOfWidth(MAJOR.uint, 0xffff_ffff, 8)),
  );
  bad(
    'CBOR_NON_SHORTEST',
    'channel length 32 in a three-byte head (59 00 20)',
    ['NonShortest', ...inPayload],
    field(2, cat(headOfWidth(MAJOR.bstr, 32, 2), CHANNEL)),
  );
  bad(
    'CBOR_NON_SHORTEST',
    'alg -19 in a two-byte head (38 12)',
    ['NonShortest', ...inHeader],
    headerEnvelope(
      map([
        [ALG, hex('3812')],
        [TYP, TYP_VALUE],
      ]),
    ),
  );
  bad(
    'CBOR_NON_SHORTEST',
    'typ length 40 in a three-byte head',
    ['NonShortest', ...inHeader],
    headerEnvelope(
      map([
        [ALG, EDDSA],
        [TYP, cat(headOfWidth(MAJOR.tstr, HEADER_TYP.length, 2), utf8.encode(HEADER_TYP))],
      ]),
    ),
  );

  // --- indefinite lengths, breaks, reserved additional information
  bad(
    'CBOR_INDEFINITE_LENGTH',
    'outer array of indefinite length (9f … ff)',
    ['IndefiniteLength'],
    cat(hex('d29f'), B.protected, B.unprotected, B.payload, B.signature, hex('ff')),
  );
  bad(
    'CBOR_INDEFINITE_LENGTH',
    'payload as an indefinite-length byte string of one chunk',
    ['IndefiniteLength'],
    coseSign1({ ...B, payload: cat(hex('5f'), B.payload, hex('ff')) }),
  );
  bad(
    'CBOR_INDEFINITE_LENGTH',
    'empty unprotected map of indefinite length (bf ff)',
    ['IndefiniteLength', 'UnprotectedHeader'],
    coseSign1({ ...B, unprotected: hex('bfff') }),
  );
  bad(
    'CBOR_INDEFINITE_LENGTH',
    'payload map of indefinite length (bf … ff)',
    ['IndefiniteLength', ...inPayload],
    envelopeWith(cat(hex('bf'), BASE_PAYLOAD.subarray(1), hex('ff'))),
  );
  bad(
    'CBOR_INDEFINITE_LENGTH',
    'body as an indefinite-length byte string of two chunks',
    ['IndefiniteLength', ...inPayload],
    field(8, cat(hex('5f'), bstr(BODY.subarray(0, 5)), bstr(BODY.subarray(5)), hex('ff'))),
  );
  bad(
    'CBOR_INDEFINITE_LENGTH',
    'recipients as an indefinite-length array',
    ['IndefiniteLength', 'Recipients', ...inPayload],
    field(12, cat(hex('9f'), bstr(bob.publicKey), hex('ff'))),
  );
  bad(
    'CBOR_INDEFINITE_LENGTH',
    'typ as an indefinite-length text string',
    ['IndefiniteLength', ...inHeader],
    headerEnvelope(
      map([
        [ALG, EDDSA],
        [TYP, cat(hex('7f'), TYP_VALUE, hex('ff'))],
      ]),
    ),
  );
  bad('CBOR_UNEXPECTED_BREAK', 'the input is a lone break (ff)', ['Break'], hex('ff'));
  bad(
    'CBOR_UNEXPECTED_BREAK',
    'break (ff) in place of the unprotected header',
    ['Break'],
    coseSign1({ ...B, unprotected: hex('ff') }),
  );
  bad(
    'CBOR_UNEXPECTED_BREAK',
    'break (ff) as the value of seq',
    ['Break', ...inPayload],
    field(4, hex('ff')),
  );
  bad(
    'CBOR_RESERVED_INFO',
    'tag head with additional information 31 (df) at the start',
    ['ReservedInfo'],
    cat(hex('df'), BASE_ENVELOPE.subarray(1)),
  );
  bad(
    'CBOR_RESERVED_INFO',
    'signature head with additional information 29 (5d)',
    ['ReservedInfo'],
    coseSign1({ ...B, signature: cat(hex('5d'), BASE_SIGNATURE) }),
  );
  bad(
    'CBOR_RESERVED_INFO',
    'seq is an integer head with additional information 28 (1c)',
    ['ReservedInfo', ...inPayload],
    field(4, hex('1c')),
  );
  bad(
    'CBOR_RESERVED_INFO',
    'time is an integer head with additional information 31 (1f)',
    ['ReservedInfo', ...inPayload],
    field(6, hex('1f')),
  );
  bad(
    'CBOR_RESERVED_INFO',
    'kind is major type 7 with additional information 28 (fc)',
    ['ReservedInfo', ...inPayload],
    field(7, hex('fc')),
  );

  // --- floats and simple values
  {
    const f64 = new Uint8Array(9);
    f64[0] = 0xfb;
    new DataView(f64.buffer).setFloat64(1, T0);
    bad(
      'CBOR_FLOAT',
      'time as a float64 holding the same integer value',
      ['Float', ...inPayload],
      field(6, f64),
    );
  }
  bad(
    'CBOR_FLOAT',
    'kind 3 as a half-precision float (f9 42 00)',
    ['Float', ...inPayload],
    field(7, hex('f94200')),
  );
  bad(
    'CBOR_FLOAT',
    'seq 1 as a single-precision float (fa 3f800000)',
    ['Float', ...inPayload],
    field(4, hex('fa3f800000')),
  );
  bad(
    'CBOR_FLOAT',
    'alg -8 as a half-precision float (f9 c8 00)',
    ['Float', ...inHeader],
    headerEnvelope(
      map([
        [ALG, hex('f9c800')],
        [TYP, TYP_VALUE],
      ]),
    ),
  );
  bad(
    'CBOR_SIMPLE_VALUE',
    'payload is null (a detached COSE payload); the profile has no detached payloads',
    ['SimpleValue'],
    coseSign1({ ...B, payload: hex('f6') }),
  );
  bad(
    'CBOR_SIMPLE_VALUE',
    'precedence is true (f5)',
    ['SimpleValue', ...inPayload],
    field(9, hex('f5')),
  );
  bad('CBOR_SIMPLE_VALUE', 'body is null (f6)', ['SimpleValue', ...inPayload], field(8, hex('f6')));
  bad(
    'CBOR_SIMPLE_VALUE',
    'time is undefined (f7)',
    ['SimpleValue', ...inPayload],
    field(6, hex('f7')),
  );
  bad(
    'CBOR_SIMPLE_VALUE',
    'version is false (f4)',
    ['SimpleValue', ...inPayload],
    field(1, hex('f4')),
  );
  bad(
    'CBOR_SIMPLE_VALUE',
    'kind is simple value 32 (f8 20)',
    ['SimpleValue', ...inPayload],
    field(7, hex('f820')),
  );

  // --- tags
  bad(
    'CBOR_TAG_DISALLOWED',
    'outer tag 98 (COSE_Sign) instead of 18',
    ['Tag'],
    cat(hex('d862'), BASE_ENVELOPE.subarray(1)),
  );
  bad(
    'CBOR_TAG_DISALLOWED',
    'outer tag 17 (COSE_Mac0) instead of 18',
    ['Tag'],
    cat(hex('d1'), BASE_ENVELOPE.subarray(1)),
  );
  bad(
    'CBOR_TAG_DISALLOWED',
    'self-described CBOR tag 55799 in front of tag 18',
    ['Tag'],
    cat(hex('d9d9f7'), BASE_ENVELOPE),
  );
  bad(
    'CBOR_TAG_DISALLOWED',
    'CWT tag 61 in front of tag 18',
    ['Tag'],
    cat(hex('d83d'), BASE_ENVELOPE),
  );
  bad('CBOR_TAG_DISALLOWED', 'tag 18 twice', ['Tag'], cat(hex('d2'), BASE_ENVELOPE));
  bad(
    'CBOR_TAG_DISALLOWED',
    'outer tag number 2^64-1 (eight-byte head)',
    ['Tag'],
    cat(hex('dbffffffffffffffff'), BASE_ENVELOPE.subarray(1)),
  );
  bad(
    'CBOR_TAG_DISALLOWED',
    'payload byte string wrapped in tag 24 (embedded CBOR)',
    ['Tag'],
    coseSign1({ ...B, payload: tag(24, B.payload) }),
  );
  bad(
    'CBOR_TAG_DISALLOWED',
    'tag 24 on a value in the unprotected header',
    ['Tag', 'UnprotectedHeader'],
    coseSign1({ ...B, unprotected: intMap([[4, tag(24, bstr(hex('00')))]]) }),
  );
  bad(
    'CBOR_TAG_DISALLOWED',
    'body is tag 27 (serialised object) ["Error", "x"]: some decoders construct an Error',
    ['Tag', 'DecoderQuirk', ...inPayload],
    field(8, tag(27, array([tstr('Error'), tstr('x')]))),
  );
  bad(
    'CBOR_TAG_DISALLOWED',
    'channel wrapped in tag 28 (shareable value)',
    ['Tag', 'DecoderQuirk', ...inPayload],
    field(2, tag(28, bstr(CHANNEL))),
  );
  bad(
    'CBOR_TAG_DISALLOWED',
    'sender is tag 29 (reference to shared value 0)',
    ['Tag', 'DecoderQuirk', ...inPayload],
    field(3, tag(29, uint(0))),
  );
  bad(
    'CBOR_TAG_DISALLOWED',
    'recipients wrapped in tag 258 (set)',
    ['Tag', 'DecoderQuirk', 'Recipients', ...inPayload],
    field(12, tag(258, array([bstr(bob.publicKey)]))),
  );
  bad(
    'CBOR_TAG_DISALLOWED',
    'payload map wrapped in tag 259 (map with non-text keys)',
    ['Tag', 'DecoderQuirk', ...inPayload],
    envelopeWith(tag(259, BASE_PAYLOAD)),
  );
  bad(
    'CBOR_TAG_DISALLOWED',
    "seq 1 as tag 2 (unsigned bignum) h'01'",
    ['Tag', ...inPayload],
    field(4, tag(2, bstr(hex('01')))),
  );
  bad(
    'CBOR_TAG_DISALLOWED',
    'time wrapped in tag 1 (epoch-based date/time)',
    ['Tag', ...inPayload],
    field(6, tag(1, uint(T0))),
  );
  bad(
    'CBOR_TAG_DISALLOWED',
    'protected header map wrapped in tag 18',
    ['Tag', ...inHeader],
    headerEnvelope(tag(18, STANDARD_HEADER)),
  );

  // --- text
  const typWith = (bytes: Uint8Array) =>
    headerEnvelope(
      map([
        [ALG, EDDSA],
        [TYP, tstrBytes(bytes)],
      ]),
    );
  const typBytes = utf8.encode(HEADER_TYP);
  bad(
    'CBOR_INVALID_UTF8',
    'typ with its last byte replaced by 0xff',
    ['InvalidUtf8', ...inHeader],
    typWith(cat(typBytes.subarray(0, -1), hex('ff'))),
  );
  bad(
    'CBOR_INVALID_UTF8',
    "typ with '/' written as the overlong sequence c0 af",
    ['InvalidUtf8', ...inHeader],
    typWith(cat(utf8.encode('application'), hex('c0af'), typBytes.subarray(12))),
  );
  bad(
    'CBOR_INVALID_UTF8',
    'typ ending in an encoded UTF-16 surrogate (ed a0 80)',
    ['InvalidUtf8', ...inHeader],
    typWith(cat(typBytes, hex('eda080'))),
  );
  bad(
    'CBOR_INVALID_UTF8',
    'typ ending in a truncated three-byte sequence (e2 82)',
    ['InvalidUtf8', ...inHeader],
    typWith(cat(typBytes, hex('e282'))),
  );
  bad(
    'CBOR_INVALID_UTF8',
    'typ ending in a code point above U+10FFFF (f4 90 80 80)',
    ['InvalidUtf8', ...inHeader],
    typWith(cat(typBytes, hex('f4908080'))),
  );
  bad(
    'CBOR_INVALID_UTF8',
    'body as a text string that is not UTF-8 (the scan fails before the type check)',
    ['InvalidUtf8', ...inPayload],
    field(8, tstrBytes(hex('61ff62'))),
  );
  bad(
    'CBOR_INVALID_UTF8',
    'invalid UTF-8 in a text value of the unprotected header',
    ['InvalidUtf8', 'UnprotectedHeader'],
    coseSign1({ ...B, unprotected: intMap([[4, tstrBytes(hex('ff'))]]) }),
  );

  // --- integer range
  bad(
    'CBOR_INT_OUT_OF_RANGE',
    'seq 2^53, one above the largest integer',
    ['IntegerRange', ...inPayload],
    payloadEnvelope(withEntry(withEntry(BASE_ENTRIES, 4, uint(2n ** 53n)), 5, bstr(ZERO_ID))),
  );
  bad(
    'CBOR_INT_OUT_OF_RANGE',
    'time 2^64-1',
    ['IntegerRange', ...inPayload],
    field(6, uint(2n ** 64n - 1n)),
  );
  bad(
    'CBOR_INT_OUT_OF_RANGE',
    'expiry 2^63',
    ['IntegerRange', ...inPayload],
    field(11, uint(2n ** 63n)),
  );
  bad(
    'CBOR_INT_OUT_OF_RANGE',
    'alg -(2^53), one below the smallest integer',
    ['IntegerRange', ...inHeader],
    headerEnvelope(
      map([
        [ALG, nint(-(2n ** 53n))],
        [TYP, TYP_VALUE],
      ]),
    ),
  );

  // --- map keys
  const replaceKey = (key: number, rawKey: Raw) =>
    envelopeWith(map(BASE_ENTRIES.map(([k, v]) => [k === key ? rawKey : uint(k), v] as const)));
  bad(
    'CBOR_MAP_KEY_TYPE',
    'payload key "seq" (text) instead of 4',
    ['MapKeys', ...inPayload],
    replaceKey(4, tstr('seq')),
  );
  bad(
    'CBOR_MAP_KEY_TYPE',
    'payload key "4" (text) instead of 4',
    ['MapKeys', ...inPayload],
    replaceKey(4, tstr('4')),
  );
  bad(
    'CBOR_MAP_KEY_TYPE',
    'payload key -1 (negative integer) first',
    ['MapKeys', ...inPayload],
    envelopeWith(
      map([[nint(-1), uint(0)], ...BASE_ENTRIES.map(([k, v]) => [uint(k), v] as const)]),
    ),
  );
  bad(
    'CBOR_MAP_KEY_TYPE',
    'protected header label "alg" (text) instead of 1',
    ['MapKeys', ...inHeader],
    headerEnvelope(
      map([
        [tstr('alg'), EDDSA],
        [TYP, TYP_VALUE],
      ]),
    ),
  );
  bad(
    'CBOR_MAP_KEY_TYPE',
    'unprotected header with text label "kid"',
    ['MapKeys', 'UnprotectedHeader'],
    coseSign1({ ...B, unprotected: map([[tstr('kid'), bstr(utf8.encode('alice'))]]) }),
  );
  {
    const swapped = [...BASE_ENTRIES];
    [swapped[2], swapped[3]] = [swapped[3]!, swapped[2]!];
    bad(
      'CBOR_MAP_KEYS_UNSORTED',
      'payload keys 4 (seq) and 3 (sender) swapped',
      ['MapKeys', ...inPayload],
      payloadEnvelope(swapped),
    );
    const insertion = [...BASE_ENTRIES];
    [insertion[5], insertion[6]] = [insertion[6]!, insertion[5]!];
    bad(
      'CBOR_MAP_KEYS_UNSORTED',
      'payload keys 8 (body) before 7 (kind)',
      ['MapKeys', ...inPayload],
      payloadEnvelope(insertion),
    );
  }
  bad(
    'CBOR_MAP_KEYS_UNSORTED',
    'protected header {16: typ, 1: -19}: typ before alg',
    ['MapKeys', ...inHeader],
    headerEnvelope(
      map([
        [TYP, TYP_VALUE],
        [ALG, EDDSA],
      ]),
    ),
  );
  bad(
    'CBOR_MAP_KEYS_UNSORTED',
    'unprotected header {2: 0, 1: 0}',
    ['MapKeys', 'UnprotectedHeader'],
    coseSign1({
      ...B,
      unprotected: intMap([
        [2, uint(0)],
        [1, uint(0)],
      ]),
    }),
  );
  {
    const seqAt = BASE_ENTRIES.findIndex(([k]) => k === 4);
    const dup = (value: Raw) => {
      const entries = [...BASE_ENTRIES];
      entries.splice(seqAt + 1, 0, [4, value]);
      return payloadEnvelope(entries);
    };
    bad(
      'CBOR_MAP_KEY_DUPLICATE',
      'seq twice with the same value 1',
      ['MapKeys', ...inPayload],
      dup(uint(1)),
    );
    bad(
      'CBOR_MAP_KEY_DUPLICATE',
      'seq twice, 1 then 2: a last-wins decoder reads seq 2 without prev',
      ['MapKeys', 'DecoderQuirk', ...inPayload],
      dup(uint(2)),
    );
    const senderAt = BASE_ENTRIES.findIndex(([k]) => k === 3);
    const entries = [...BASE_ENTRIES];
    entries.splice(senderAt + 1, 0, [3, bstr(mallory.publicKey)]);
    bad(
      'CBOR_MAP_KEY_DUPLICATE',
      'sender twice, alice then mallory: a last-wins decoder reads mallory as sender',
      ['MapKeys', 'DecoderQuirk', ...inPayload],
      payloadEnvelope(entries),
    );
  }
  bad(
    'CBOR_MAP_KEY_DUPLICATE',
    'protected header with alg twice',
    ['MapKeys', ...inHeader],
    headerEnvelope(
      map([
        [ALG, EDDSA],
        [ALG, EDDSA],
        [TYP, TYP_VALUE],
      ]),
    ),
  );
  bad(
    'CBOR_MAP_KEY_DUPLICATE',
    'unprotected header with label 4 twice',
    ['MapKeys', 'UnprotectedHeader'],
    coseSign1({
      ...B,
      unprotected: intMap([
        [4, uint(0)],
        [4, uint(0)],
      ]),
    }),
  );

  // --- nesting
  const nested = (depth: number, inner: Raw) => {
    let item = inner;
    for (let i = 0; i < depth; i++) item = cat(hex('81'), item);
    return item;
  };
  bad(
    'CBOR_NESTING_TOO_DEEP',
    `recipients [[[[h'']]]]: an array at depth ${LIMITS.MAX_NESTING} inside the payload`,
    ['Nesting', ...inPayload],
    field(12, nested(4, bstr(new Uint8Array(0)))),
  );
  bad(
    'CBOR_NESTING_TOO_DEEP',
    'body is 10000 nested one-element arrays (a recursive decoder may exhaust its stack)',
    ['Nesting', ...inPayload],
    field(8, nested(10_000, uint(0))),
  );
  bad(
    'CBOR_NESTING_TOO_DEEP',
    'unprotected header {1: [[0]]}: the inner array is at depth 4 of the envelope',
    ['Nesting', 'UnprotectedHeader'],
    coseSign1({ ...B, unprotected: intMap([[1, nested(2, uint(0))]]) }),
  );
  bad(
    'CBOR_NESTING_TOO_DEEP',
    'protected header {1: [[[[-8]]]], 16: typ}',
    ['Nesting', ...inHeader],
    headerEnvelope(
      map([
        [ALG, nested(4, EDDSA)],
        [TYP, TYP_VALUE],
      ]),
    ),
  );

  // --- trailing bytes
  bad(
    'CBOR_TRAILING_BYTES',
    'one zero byte after the envelope',
    ['TrailingBytes'],
    cat(BASE_ENVELOPE, hex('00')),
  );
  bad(
    'CBOR_TRAILING_BYTES',
    'the envelope twice',
    ['TrailingBytes'],
    cat(BASE_ENVELOPE, BASE_ENVELOPE),
  );
  bad(
    'CBOR_TRAILING_BYTES',
    'untagged array followed by a byte: the whole input is scanned before the tag is required',
    ['TrailingBytes', 'Untagged', 'CheckOrder'],
    cat(BASE_ENVELOPE.subarray(1), hex('00')),
  );
  bad(
    'CBOR_TRAILING_BYTES',
    'payload bytes hold the map followed by a zero byte',
    ['TrailingBytes', ...inPayload],
    envelopeWith(cat(BASE_PAYLOAD, hex('00'))),
  );
  bad(
    'CBOR_TRAILING_BYTES',
    'protected header bytes hold the map followed by a zero byte',
    ['TrailingBytes', ...inHeader],
    headerEnvelope(cat(STANDARD_HEADER, hex('00'))),
  );

  // --- envelope size, tag and structure
  {
    const sized = (target: number, flags: string[], comment: string, error: ErrorCode) => {
      let length = LIMITS.MAX_BODY_BYTES + 1;
      for (;;) {
        const envelope = field(8, bstr(filler(length, 1)));
        if (envelope.length === target) return bad(error, comment, flags, envelope);
        length += target - envelope.length;
      }
    };
    sized(
      LIMITS.MAX_ENVELOPE_BYTES + 1,
      ['Size', 'Limit', 'CheckOrder', ...inPayload],
      'MAX_ENVELOPE_BYTES + 1 bytes (its body is also too large: size is checked first)',
      'ENVELOPE_TOO_LARGE',
    );
    sized(
      LIMITS.MAX_ENVELOPE_BYTES,
      ['Size', 'Limit', 'CheckOrder', ...inPayload],
      'exactly MAX_ENVELOPE_BYTES bytes, so the size passes; its body is too large',
      'BODY_TOO_LARGE',
    );
  }
  bad(
    'ENVELOPE_TOO_LARGE',
    'valid envelope padded with zero bytes to MAX_ENVELOPE_BYTES + 1 (size before any scan)',
    ['Size', 'Limit', 'CheckOrder'],
    cat(BASE_ENVELOPE, new Uint8Array(LIMITS.MAX_ENVELOPE_BYTES + 1 - BASE_ENVELOPE.length)),
  );
  bad(
    'ENVELOPE_UNTAGGED',
    'the valid COSE_Sign1 array without tag 18',
    ['Untagged'],
    BASE_ENVELOPE.subarray(1),
  );
  bad('ENVELOPE_UNTAGGED', 'the payload map alone', ['Untagged'], BASE_PAYLOAD);
  bad('ENVELOPE_UNTAGGED', 'the integer 0', ['Untagged'], hex('00'));
  bad(
    'ENVELOPE_STRUCTURE',
    'tag 18 over an array of 3 (signature left out)',
    ['Structure'],
    tag(18, array([B.protected, B.unprotected, B.payload])),
  );
  bad(
    'ENVELOPE_STRUCTURE',
    'tag 18 over an array of 5 (the signature twice)',
    ['Structure'],
    tag(18, array([B.protected, B.unprotected, B.payload, B.signature, B.signature])),
  );
  bad('ENVELOPE_STRUCTURE', 'tag 18 over an empty map', ['Structure'], hex('d2a0'));
  bad('ENVELOPE_STRUCTURE', 'tag 18 over the payload bytes', ['Structure'], tag(18, B.payload));
  bad('ENVELOPE_STRUCTURE', 'tag 18 over the integer 0', ['Structure'], hex('d200'));
  bad(
    'ENVELOPE_STRUCTURE',
    'protected header as a map, not wrapped in a byte string',
    ['Structure'],
    coseSign1({ ...B, protected: STANDARD_HEADER }),
  );
  bad(
    'ENVELOPE_STRUCTURE',
    'unprotected header as an empty byte string',
    ['Structure', 'UnprotectedHeader'],
    coseSign1({ ...B, unprotected: hex('40') }),
  );
  bad(
    'ENVELOPE_STRUCTURE',
    'payload map embedded directly, not wrapped in a byte string',
    ['Structure'],
    coseSign1({ ...B, payload: BASE_PAYLOAD }),
  );
  bad(
    'ENVELOPE_STRUCTURE',
    'signature as a text string',
    ['Structure'],
    coseSign1({ ...B, signature: tstr('a'.repeat(64)) }),
  );
  bad(
    'ENVELOPE_STRUCTURE',
    'signature wrapped in an array (as in COSE_Sign)',
    ['Structure'],
    coseSign1({ ...B, signature: array([B.signature]) }),
  );

  // --- protected header
  bad(
    'HEADER_MALFORMED',
    'protected header bytes are the array [1, -8]',
    ['ProtectedHeader', ...inHeader],
    headerEnvelope(array([ALG, EDDSA])),
  );
  bad(
    'HEADER_MALFORMED',
    'protected header bytes are a byte string holding the header (wrapped twice)',
    ['ProtectedHeader', ...inHeader],
    headerEnvelope(bstr(PROTECTED_HEADER)),
  );
  bad(
    'HEADER_MALFORMED',
    'protected header bytes are the integer -8',
    ['ProtectedHeader', ...inHeader],
    headerEnvelope(EDDSA),
  );
  const headerPlus = (label: number, value: Raw) =>
    headerEnvelope(
      intMap(
        (
          [
            [1, EDDSA],
            [16, TYP_VALUE],
            [label, value],
          ] as Entry[]
        ).sort((a, b) => a[0] - b[0]),
      ),
    );
  bad(
    'HEADER_LABEL_UNKNOWN',
    "protected header adds kid (4) = 'alice'",
    ['ProtectedHeader', ...inHeader],
    headerPlus(4, bstr(utf8.encode('alice'))),
  );
  bad(
    'HEADER_LABEL_UNKNOWN',
    'protected header adds content type (3) = "application/cbor"',
    ['ProtectedHeader', ...inHeader],
    headerPlus(3, tstr('application/cbor')),
  );
  bad(
    'HEADER_LABEL_UNKNOWN',
    'protected header adds crit (2) = [16]',
    ['ProtectedHeader', ...inHeader],
    headerPlus(2, array([uint(16)])),
  );
  bad(
    'HEADER_LABEL_UNKNOWN',
    'protected header adds label 0',
    ['ProtectedHeader', ...inHeader],
    headerPlus(0, uint(0)),
  );
  bad(
    'HEADER_LABEL_MISSING',
    "zero-length protected header (COSE's encoding of an empty header)",
    ['ProtectedHeader', ...inHeader],
    headerEnvelope(new Uint8Array(0)),
  );
  bad(
    'HEADER_LABEL_MISSING',
    'protected header is the empty map',
    ['ProtectedHeader', ...inHeader],
    headerEnvelope(map([])),
  );
  bad(
    'HEADER_LABEL_MISSING',
    'protected header {1: -19}: no typ',
    ['ProtectedHeader', ...inHeader],
    headerEnvelope(map([[ALG, EDDSA]])),
  );
  bad(
    'HEADER_LABEL_MISSING',
    'protected header {16: typ}: no alg',
    ['ProtectedHeader', ...inHeader],
    headerEnvelope(map([[TYP, TYP_VALUE]])),
  );
  const headerWith = (alg: Raw, typ: Raw) =>
    headerEnvelope(
      map([
        [ALG, alg],
        [TYP, typ],
      ]),
    );
  bad(
    'HEADER_ALG_UNSUPPORTED',
    'alg -7 (ES256)',
    ['ProtectedHeader', ...inHeader],
    headerWith(nint(-7), TYP_VALUE),
  );
  bad(
    'HEADER_ALG_UNSUPPORTED',
    'alg -8 (the polymorphic EdDSA, deprecated by RFC 9864): the profile names only -19',
    ['ProtectedHeader', ...inHeader],
    headerWith(nint(-8), TYP_VALUE),
  );
  bad(
    'HEADER_ALG_UNSUPPORTED',
    'alg 8 (positive)',
    ['ProtectedHeader', ...inHeader],
    headerWith(uint(8), TYP_VALUE),
  );
  bad(
    'HEADER_ALG_UNSUPPORTED',
    'alg "EdDSA" (text)',
    ['ProtectedHeader', ...inHeader],
    headerWith(tstr('EdDSA'), TYP_VALUE),
  );
  bad(
    'HEADER_TYPE_MISMATCH',
    'typ of another version (v=0.2)',
    ['ProtectedHeader', ...inHeader],
    headerWith(EDDSA, tstr(HEADER_TYP.replace('v=0.1', 'v=0.2'))),
  );
  bad(
    'HEADER_TYPE_MISMATCH',
    'typ in upper case',
    ['ProtectedHeader', ...inHeader],
    headerWith(EDDSA, tstr(HEADER_TYP.toUpperCase())),
  );
  bad(
    'HEADER_TYPE_MISMATCH',
    'typ with a trailing space',
    ['ProtectedHeader', ...inHeader],
    headerWith(EDDSA, tstr(`${HEADER_TYP} `)),
  );
  bad(
    'HEADER_TYPE_MISMATCH',
    'typ is the empty string',
    ['ProtectedHeader', ...inHeader],
    headerWith(EDDSA, tstr('')),
  );
  bad(
    'HEADER_TYPE_MISMATCH',
    'typ is the generic COSE_Sign1 media type',
    ['ProtectedHeader', ...inHeader],
    headerWith(EDDSA, tstr('application/cose; cose-type="cose-sign1"')),
  );
  bad(
    'HEADER_TYPE_MISMATCH',
    'typ as an integer content format (18, COSE_Sign1)',
    ['ProtectedHeader', ...inHeader],
    headerWith(EDDSA, uint(18)),
  );
  bad(
    'HEADER_UNPROTECTED_NOT_EMPTY',
    "unprotected header {4: 'alice'} (kid)",
    ['UnprotectedHeader'],
    coseSign1({ ...B, unprotected: intMap([[4, bstr(utf8.encode('alice'))]]) }),
  );
  bad(
    'HEADER_UNPROTECTED_NOT_EMPTY',
    'unprotected header {1: -19}: alg repeated outside the signature',
    ['UnprotectedHeader'],
    coseSign1({ ...B, unprotected: intMap([[1, EDDSA]]) }),
  );
  bad(
    'HEADER_ALG_UNSUPPORTED',
    'alg -7 and a 63-byte signature: the header is checked before the signature size',
    ['ProtectedHeader', 'SignatureSize', 'CheckOrder', ...inHeader],
    coseSign1({
      ...sign1Parts(BASE_PAYLOAD, BASE_SIGNATURE),
      protected: bstr(
        map([
          [ALG, nint(-7)],
          [TYP, TYP_VALUE],
        ]),
      ),
      signature: bstr(BASE_SIGNATURE.subarray(0, 63)),
    }),
  );

  // --- signature size
  const signatureOf = (bytes: Uint8Array) => coseSign1({ ...B, signature: bstr(bytes) });
  bad('SIGNATURE_SIZE', 'empty signature', ['SignatureSize'], signatureOf(new Uint8Array(0)));
  bad(
    'SIGNATURE_SIZE',
    '63-byte signature (the genuine one without its last byte)',
    ['SignatureSize'],
    signatureOf(BASE_SIGNATURE.subarray(0, 63)),
  );
  bad(
    'SIGNATURE_SIZE',
    '65-byte signature (the genuine one and a zero byte)',
    ['SignatureSize'],
    signatureOf(cat(BASE_SIGNATURE, hex('00'))),
  );
  bad(
    'SIGNATURE_SIZE',
    '32-byte signature (R only)',
    ['SignatureSize'],
    signatureOf(BASE_SIGNATURE.subarray(0, 32)),
  );
  bad(
    'SIGNATURE_SIZE',
    '128-byte signature (the genuine one twice)',
    ['SignatureSize'],
    signatureOf(cat(BASE_SIGNATURE, BASE_SIGNATURE)),
  );

  // --- payload
  bad(
    'PAYLOAD_NOT_MAP',
    'payload is an array of the field values',
    ['PayloadType', ...inPayload],
    envelopeWith(array(BASE_ENTRIES.map(([, v]) => v))),
  );
  bad(
    'PAYLOAD_NOT_MAP',
    'payload is a byte string holding the payload map (wrapped twice)',
    ['PayloadType', ...inPayload],
    envelopeWith(bstr(BASE_PAYLOAD)),
  );
  bad(
    'PAYLOAD_NOT_MAP',
    'payload is the integer 0',
    ['PayloadType', ...inPayload],
    envelopeWith(uint(0)),
  );
  bad(
    'PAYLOAD_NOT_MAP',
    'payload is the text "hello"',
    ['PayloadType', ...inPayload],
    envelopeWith(tstr('hello')),
  );
  for (const key of [0, 13, 23, 24, 1000]) {
    bad(
      'FIELD_UNKNOWN',
      `unknown payload key ${key}`,
      ['FieldKey', ...inPayload],
      field(key, uint(0)),
    );
  }
  bad(
    'FIELD_UNKNOWN',
    'unknown key 13 and no seq: entries are checked before required fields',
    ['FieldKey', 'FieldMissing', 'CheckOrder', ...inPayload],
    payloadEnvelope(withEntry(withoutEntry(BASE_ENTRIES, 4), 13, uint(0))),
  );
  const typeCases: [number, string, Raw][] = [
    [1, 'version as a byte string', bstr(hex('01'))],
    [2, 'channel as a text string of 32 characters', tstr('c'.repeat(32))],
    [3, 'sender as an array of 32 integers', array(Array.from(alice.publicKey, (b) => uint(b)))],
    [4, 'seq -1', nint(-1)],
    [6, 'time -1 (before the epoch)', nint(-1)],
    [7, 'kind "text" (a name, not a number)', tstr('text')],
    [8, 'body as a text string', tstr('Test message.')],
    [9, 'precedence "flash" (a name, not a number)', tstr('flash')],
    [10, 'ref as an integer', uint(0)],
    [11, 'expiry as a byte string', bstr(hex('01'))],
    [12, 'recipients as a single byte string, not an array', bstr(bob.publicKey)],
    [12, 'recipients holding an integer', array([uint(0)])],
    [12, 'recipients as a map', intMap([[0, bstr(bob.publicKey)]])],
  ];
  for (const [key, comment, value] of typeCases) {
    const flags = ['FieldType', ...(key === 12 ? ['Recipients'] : []), ...inPayload];
    bad('FIELD_TYPE', comment, flags, field(key, value));
  }
  bad(
    'FIELD_TYPE',
    'prev as an integer (seq 2)',
    ['FieldType', 'Chained', ...inPayload],
    payloadEnvelope(withEntry(withEntry(BASE_ENTRIES, 4, uint(2)), 5, uint(1))),
  );
  const sizeCases: [number, string, Uint8Array][] = [
    [2, 'channel of 31 bytes', CHANNEL.subarray(0, 31)],
    [2, 'channel of 33 bytes', cat(CHANNEL, hex('00'))],
    [3, 'sender of 0 bytes', new Uint8Array(0)],
    [
      3,
      'sender of 64 bytes (secret and public key, as some libraries store them)',
      cat(alice.secret, alice.publicKey),
    ],
    [10, 'ref of 33 bytes', cat(ZERO_ID, hex('00'))],
  ];
  for (const [key, comment, value] of sizeCases) {
    bad('FIELD_SIZE', comment, ['FieldSize', ...inPayload], field(key, bstr(value)));
  }
  bad(
    'FIELD_SIZE',
    'prev of 31 bytes (seq 2)',
    ['FieldSize', 'Chained', ...inPayload],
    payloadEnvelope(withEntry(withEntry(BASE_ENTRIES, 4, uint(2)), 5, bstr(ZERO_ID.subarray(1)))),
  );
  bad(
    'FIELD_SIZE',
    'recipients holding a 31-byte key',
    ['FieldSize', 'Recipients', ...inPayload],
    field(12, array([bstr(bob.publicKey.subarray(0, 31))])),
  );
  const names = ['', 'version', 'channel', 'sender', 'seq', 'prev', 'time', 'kind', 'body'];
  for (const key of [1, 2, 3, 4, 6, 7, 8]) {
    bad(
      'FIELD_MISSING',
      `required field ${names[key]} (${key}) absent`,
      ['FieldMissing', ...inPayload],
      payloadEnvelope(withoutEntry(BASE_ENTRIES, key)),
    );
  }
  bad(
    'FIELD_MISSING',
    'payload is the empty map',
    ['FieldMissing', ...inPayload],
    envelopeWith(map([])),
  );
  bad('VERSION_UNSUPPORTED', 'version 0', ['FieldValue', ...inPayload], field(1, uint(0)));
  bad('VERSION_UNSUPPORTED', 'version 2', ['FieldValue', ...inPayload], field(1, uint(2)));
  bad('SEQ_ZERO', 'seq 0 without prev', ['FieldValue', 'Chain', ...inPayload], field(4, uint(0)));
  bad(
    'SEQ_ZERO',
    'seq 0 with prev: seq is checked before the prev rules',
    ['FieldValue', 'Chain', 'CheckOrder', ...inPayload],
    payloadEnvelope(withEntry(withEntry(BASE_ENTRIES, 4, uint(0)), 5, bstr(ZERO_ID))),
  );
  bad(
    'KIND_OUT_OF_RANGE',
    'kind 0 (reserved, never valid)',
    ['FieldValue', 'Boundary', ...inPayload],
    field(7, uint(0)),
  );
  bad(
    'KIND_OUT_OF_RANGE',
    'kind 65536, one above the largest',
    ['FieldValue', 'Boundary', 'Limit', ...inPayload],
    field(7, uint(65536)),
  );
  bad('KIND_OUT_OF_RANGE', 'kind 2^32', ['FieldValue', ...inPayload], field(7, uint(2 ** 32)));
  bad(
    'BODY_TOO_LARGE',
    'body of MAX_BODY_BYTES + 1 (65537) bytes',
    ['FieldValue', 'Boundary', 'Limit', ...inPayload],
    field(8, bstr(filler(LIMITS.MAX_BODY_BYTES + 1))),
  );
  bad(
    'PRECEDENCE_UNKNOWN',
    'precedence 0: routine has no encoding (the field is absent)',
    ['FieldValue', ...inPayload],
    field(9, uint(0)),
  );
  bad(
    'PRECEDENCE_UNKNOWN',
    'precedence 4, one above priority',
    ['FieldValue', ...inPayload],
    field(9, uint(4)),
  );
  bad('PRECEDENCE_UNKNOWN', 'precedence 255', ['FieldValue', ...inPayload], field(9, uint(255)));
  bad(
    'RECIPIENTS_EMPTY',
    'recipients present but empty',
    ['Recipients', ...inPayload],
    field(12, array([])),
  );
  bad(
    'RECIPIENTS_TOO_MANY',
    'recipients: MAX_RECIPIENTS + 1 (65) keys, ascending',
    ['Recipients', 'Limit', ...inPayload],
    field(12, array(recipientKeys(LIMITS.MAX_RECIPIENTS + 1).map(bstr))),
  );
  {
    const [low, high] = [bob.publicKey, carol.publicKey].sort(compareBytes) as [
      Uint8Array,
      Uint8Array,
    ];
    bad(
      'RECIPIENTS_UNSORTED',
      'recipients: two keys in descending order',
      ['Recipients', ...inPayload],
      field(12, array([bstr(high), bstr(low)])),
    );
    const keys = recipientKeys(LIMITS.MAX_RECIPIENTS);
    [keys[62], keys[63]] = [keys[63]!, keys[62]!];
    bad(
      'RECIPIENTS_UNSORTED',
      'recipients: 64 keys, ascending except the last two swapped',
      ['Recipients', ...inPayload],
      field(12, array(keys.map(bstr))),
    );
    bad(
      'RECIPIENTS_DUPLICATE',
      'recipients: the same key twice',
      ['Recipients', ...inPayload],
      field(12, array([bstr(bob.publicKey), bstr(bob.publicKey)])),
    );
    bad(
      'RECIPIENTS_DUPLICATE',
      'recipients: three keys, the middle one repeated',
      ['Recipients', ...inPayload],
      field(12, array([bstr(low), bstr(high), bstr(high)])),
    );
  }
  bad('PREV_AT_GENESIS', 'seq 1 with prev', ['Chain', ...inPayload], field(5, bstr(ZERO_ID)));
  bad('PREV_MISSING', 'seq 2 without prev', ['Chain', ...inPayload], field(4, uint(2)));
  bad(
    'PREV_MISSING',
    'seq 2^53-1 without prev',
    ['Chain', 'Boundary', ...inPayload],
    field(4, uint(MAX_INTEGER)),
  );
  bad(
    'EXPIRY_NOT_AFTER_TIME',
    'expiry equal to time',
    ['Expiry', 'Boundary', ...inPayload],
    field(11, uint(T0)),
  );
  bad(
    'EXPIRY_NOT_AFTER_TIME',
    'expiry one millisecond before time',
    ['Expiry', ...inPayload],
    field(11, uint(T0 - 1)),
  );
  bad(
    'EXPIRY_NOT_AFTER_TIME',
    'time 0 and expiry 0',
    ['Expiry', 'Boundary', ...inPayload],
    payloadEnvelope(withEntry(withEntry(BASE_ENTRIES, 6, uint(0)), 11, uint(0))),
  );
  return cases;
}

// ---------------------------------------------------------------------------
// The file

const NOTES: Record<string, string> = {
  Genesis: 'The first envelope of a sender chain: seq 1 and no prev.',
  Chained: 'seq greater than 1 with prev, the id of the previous envelope.',
  OptionalField: 'Exercises an optional payload field (precedence, ref, expiry, recipients).',
  Boundary: 'A value at a limit or at a CBOR head-size boundary (23/24, 255/256, 2^32-1/2^32 …).',
  Limit: 'Exercises a normative limit of protocol/registries/limits.json.',
  OpaqueBody: 'The body is opaque bytes at this layer; its contents are not checked.',
  Recipients: 'Exercises the recipients field: 1..MAX_RECIPIENTS keys, ascending, unique.',
  Truncated: 'The input ends inside a head or where a data item should start.',
  LengthBeyondInput: 'A declared length or count is larger than the bytes that remain.',
  NonShortest: 'An integer, length or count not in its shortest head (RFC 8949 §4.2.1).',
  IndefiniteLength: 'An indefinite-length string, array or map.',
  Break: 'A break stop code (0xff) outside an indefinite-length item.',
  ReservedInfo: 'Reserved additional information (28-30, or 31 on an integer or tag).',
  Float: 'A floating-point value, even one holding an integer.',
  SimpleValue: 'false, true, null, undefined or another simple value.',
  Tag: 'A tag other than the single leading COSE_Sign1 tag 18.',
  InvalidUtf8: 'A text string that is not valid UTF-8 (RFC 3629).',
  IntegerRange: 'An integer whose magnitude exceeds 2^53-1.',
  MapKeys: 'Map keys that are not unsigned integers, not ascending, or repeated.',
  Nesting: 'Arrays, maps and tags nested deeper than MAX_NESTING.',
  TrailingBytes: 'Bytes after the end of the single data item.',
  DecoderQuirk:
    'Input that common general-purpose CBOR decoders accept or turn into objects (last-wins duplicate keys, tags 27/28/29/258/259): a strict decoder must reject it.',
  Size: 'The envelope size against MAX_ENVELOPE_BYTES, checked before anything else.',
  Untagged: 'The envelope lacks the COSE_Sign1 tag 18.',
  Structure: 'The tagged item is not an array of (bstr, map, bstr, bstr).',
  ProtectedHeader: 'The protected header is not exactly {1: -19, 16: typ}.',
  UnprotectedHeader: 'A defect in or about the unprotected header, which must be the empty map.',
  SignatureSize: 'The signature is not 64 bytes.',
  PayloadType: 'The payload bytes are well-formed CBOR of the profile but not a map.',
  FieldKey: 'A payload key that is not in the field registry.',
  FieldType: 'A payload field of the wrong CBOR type.',
  FieldSize: 'A fixed-size byte-string field of the wrong length.',
  FieldMissing: 'A required payload field is absent.',
  FieldValue: 'A payload field with a value its rules forbid.',
  Chain: 'The seq/prev rules: seq from 1, prev absent iff seq is 1.',
  Expiry: 'expiry must be later than time.',
  CheckOrder:
    'More than one defect: the expected code is the first failing check in the order the spec gives.',
  InPayload:
    'The defect is inside the payload bytes; the envelope carries a genuine signature over them.',
  InProtectedHeader:
    'The defect is inside the protected header bytes; the signature is genuine over a Sig_structure with that header.',
};

const HEADER = [
  'Test vectors for decoding Hotline envelopes: COSE_Sign1 (RFC 9052) with tag 18, protected header {1: -19, 16: typ}, empty unprotected header, a canonical CBOR payload map and a 64-byte Ed25519 signature.',
  'A valid vector decodes to `fields`; `payload`, `signature`, `signedBytes` (the Sig_structure) and `id` (SHA-256 of signedBytes) are given in hex. Its signature is a genuine Ed25519 signature by fields.sender over signedBytes.',
  'An invalid vector must be rejected with exactly the registry code in `error` (protocol/registries/errors.json). Decoding checks the profile only, not the signature; invalid vectors are nevertheless signed for real wherever a signature is meaningful, so each carries only the defect its comment names.',
  'Keys: secret = SHA-256("hotline test key " + name) for alice, bob, carol, mallory and "recipient 0" … "recipient 64"; channel = SHA-256("hotline test channel").',
  'Generated by packages/vectors (npm run vectors); do not edit by hand.',
];

const GROUPS: { match: (code: ErrorCode | undefined) => boolean; description: string }[] = [
  {
    match: (code) => code === undefined,
    description: 'Valid envelopes and the fields they decode to.',
  },
  {
    match: (code) => code?.startsWith('CBOR_') === true,
    description:
      'Bytes outside the deterministic CBOR profile, anywhere in the envelope, its protected header or its payload.',
  },
  {
    match: (code) => code !== undefined && /^(ENVELOPE_|HEADER_|SIGNATURE_)/.test(code),
    description: 'Envelope size, COSE_Sign1 tag and structure, headers and signature size.',
  },
  { match: () => true, description: 'Payload fields and the rules between them.' },
];

/** Codes of the layers this file covers, read from the registry (the source of truth). */
export function envelopeLayerCodes(): string[] {
  return registryCodes('cbor', 'envelope');
}

function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`envelope vectors: ${message}`);
}

function validTest(c: ValidCase): EnvelopeTest {
  const payload = encodePayload(c.input);
  // The codec's deterministic encoding must equal the independently written bytes.
  assert(toHex(payload) === toHex(intMap(entriesOf(c.input))), `encoding differs: ${c.comment}`);
  const signed = signPayload(payload, c.key.secret);
  assert(
    toHex(signed.signedBytes) === toHex(sigStructure(PROTECTED_HEADER, payload)),
    `Sig_structure differs: ${c.comment}`,
  );
  assert(
    toHex(signed.envelope) === toHex(coseSign1(sign1Parts(payload, signed.signature))),
    `envelope bytes differ: ${c.comment}`,
  );
  return {
    tcId: 0,
    comment: c.comment,
    flags: c.flags,
    result: 'valid',
    envelope: toHex(signed.envelope),
    id: toHex(sha256(signed.signedBytes)),
    signedBytes: toHex(signed.signedBytes),
    payload: toHex(payload),
    signature: toHex(signed.signature),
    fields: expectedFields(c.input),
  };
}

function generate(): Record<string, unknown> {
  assert(
    toHex(STANDARD_HEADER) === toHex(PROTECTED_HEADER),
    'the protected header differs from the registry',
  );
  const valid = validCases().map(validTest);
  const invalid = invalidCases().map(
    (c): EnvelopeTest => ({
      tcId: 0,
      comment: c.comment,
      flags: c.flags,
      result: 'invalid',
      envelope: toHex(c.envelope),
      error: c.error,
    }),
  );
  assert(valid.length >= MIN_VALID, `only ${valid.length} valid vectors`);
  assert(invalid.length >= MIN_INVALID, `only ${invalid.length} invalid vectors`);
  const covered = new Set(invalid.map((t) => t.error));
  const missing = envelopeLayerCodes().filter((code) => !covered.has(code));
  assert(missing.length === 0, `no vector for ${missing.join(', ')}`);
  checkNotes('envelope', NOTES, [...valid, ...invalid]);

  const all = [...valid, ...invalid];
  const taken = new Set<EnvelopeTest>();
  const testGroups: TestGroup<EnvelopeTest>[] = GROUPS.map((group) => {
    const tests = all.filter((t) => !taken.has(t) && group.match(t.error as ErrorCode | undefined));
    for (const t of tests) taken.add(t);
    return { type: 'EnvelopeDecode', description: group.description, tests };
  });
  const file = finaliseFile<EnvelopeTest>({
    $schema: '../schema/envelope.schema.json',
    algorithm: 'HOTLINE-ENVELOPE-V1',
    spec: 'spec/01-envelope.md',
    header: HEADER,
    notes: NOTES,
    testGroups,
  });
  return { [ENVELOPE_FILE]: file };
}

// ---------------------------------------------------------------------------
// Checking

function describe(error: unknown): string {
  if (error instanceof HotlineError) return error.code;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Runs decodeEnvelope over one test; returns a failure message or undefined. */
export function checkEnvelopeTest(test: EnvelopeTest): string | undefined {
  let decoded: ReturnType<typeof decodeEnvelope>;
  try {
    decoded = decodeEnvelope(fromHex(test.envelope));
  } catch (error) {
    if (test.result === 'invalid' && error instanceof HotlineError && error.code === test.error) {
      return undefined;
    }
    const expected = test.result === 'valid' ? 'valid' : test.error;
    return `expected ${expected}, got ${describe(error)}`;
  }
  if (test.result !== 'valid') return `expected ${test.error}, but it decoded`;
  const got = {
    id: toHex(decoded.id),
    signedBytes: toHex(decoded.signedBytes),
    payload: toHex(decoded.payload),
    signature: toHex(decoded.signature),
    fields: JSON.stringify(fieldsJson(decoded.fields)),
  };
  const want = { ...test, fields: JSON.stringify(test.fields) };
  for (const key of Object.keys(got) as (keyof typeof got)[]) {
    if (got[key] !== want[key]) return `${key} differs`;
  }
  if (!verifyBytes(decoded.signature, decoded.signedBytes, decoded.fields.sender)) {
    return 'the signature is not a genuine signature by fields.sender';
  }
  return undefined;
}

function check(fileName: string, content: unknown): string[] {
  if (fileName !== ENVELOPE_FILE) return [`unexpected file ${fileName}`];
  return checkEachTest<{ tests?: EnvelopeTest[] }, EnvelopeTest>(content, (_, test) =>
    checkEnvelopeTest(test),
  );
}

export const envelopeSuite: Suite = { name: 'envelope', generate, check };
