// The checkpoint suite: test-vectors/checkpoint/{checkpoint,receipt,consistency}.json.
// Checkpoints are signed for real by the fixed relay test key over a log of fixed
// envelope ids; invalid ones carry one defect each (a defective payload or header is
// still signed as it is). Receipts are a checkpoint plus an RFC 9162 inclusion proof;
// consistency tests pair two checkpoints with an RFC 9162 consistency proof.

import {
  CHECKPOINT_PROFILE,
  CHECKPOINT_TYP,
  type ChannelId,
  type CheckpointFields,
  type DecodedCheckpoint,
  decodeCheckpoint,
  ENVELOPE_PROFILE,
  type EnvelopeId,
  type ErrorCode,
  encodeCheckpointPayload,
  encodeReceipt,
  fromHex,
  HEADER_TYP,
  HotlineError,
  MAX_CHECKPOINT_BYTES,
  MAX_PROOF_HASHES,
  type MerkleRoot,
  type PublicKey,
  toHex,
} from '@hotline/codec';
import {
  checkCheckpointConsistency,
  issueCheckpoint,
  leafHashOfId,
  MerkleLog,
  openCheckpoint,
  signEnvelope,
  type VerifyBackend,
  verifyReceipt,
} from '@hotline/signer';
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
import { mallory, signBytes, type TestKey, testKey } from './keys.js';
import {
  array,
  bstr,
  coseSign1,
  type Entry,
  intMap,
  map,
  nint,
  type Raw,
  type Sign1Parts,
  sigStructure,
  tag,
  tstr,
  uint,
} from './raw.js';

export const CHECKPOINT_FILE = 'checkpoint.json';
export const RECEIPT_FILE = 'receipt.json';
export const CONSISTENCY_FILE = 'consistency.json';
const BACKENDS: readonly VerifyBackend[] = ['native', 'portable'];

// ---------------------------------------------------------------------------
// JSON shape

export interface CheckpointFieldsJson {
  relay: string;
  channel: string;
  size: number;
  root: string;
  time: number;
}

export interface CheckpointTest extends TestCase {
  /** The checkpoint bytes (a COSE_Sign1). */
  checkpoint: string;
  /** Valid only: the payload, the Sig_structure the signature covers, the signature. */
  payload?: string;
  signedBytes?: string;
  signature?: string;
  fields?: CheckpointFieldsJson;
}

/** Group parameters: what the verifier expects. Absent: any relay, any channel. */
export interface CheckpointGroup<T extends TestCase> extends TestGroup<T> {
  description: string;
  relay?: string;
  channel?: string;
}

export interface ReceiptTest extends TestCase {
  /** The receipt bytes. */
  receipt: string;
  /** The envelope id the verifier expects the receipt for; absent: any id. */
  expectedId?: string;
  /** Valid only: the receipt's index and id, and its checkpoint's size and root. */
  index?: number;
  id?: string;
  size?: number;
  root?: string;
}

export interface ConsistencyTest extends TestCase {
  /** Two checkpoints, either order; each must open on its own. */
  first: string;
  second: string;
  /** RFC 9162 consistency proof from the smaller to the larger tree. */
  proof: string[];
}

// ---------------------------------------------------------------------------
// Fixed inputs

const utf8 = new TextEncoder();
/** The relay's key: secret = SHA-256("hotline test key relay"). */
const RELAY = testKey('relay');
/** The envelope suite's channel: SHA-256("hotline test channel"). */
const CHANNEL = sha256(utf8.encode('hotline test channel')) as ChannelId;
const OTHER_CHANNEL = sha256(utf8.encode('hotline test channel 2')) as ChannelId;
/** 2025-10-27T00:00:00Z; the checkpoint of size n is made n seconds later. */
const T0 = 1_761_523_200_000;
/** Leaf i of the test log: SHA-256("hotline test envelope <i>"), standing for an envelope id. */
const leafId = (i: number): EnvelopeId =>
  sha256(utf8.encode(`hotline test envelope ${i}`)) as EnvelopeId;
/** Leaf 2 replaced: the history a lying relay shows someone else. */
const forkedId = (i: number): EnvelopeId =>
  i === 2 ? (sha256(utf8.encode('hotline test envelope 2, rewritten')) as EnvelopeId) : leafId(i);
const LOG_SIZE = 13;
const RECEIPT_LOG_SIZE = 7;
const PROTECTED = bstr(CHECKPOINT_PROFILE.protectedHeader);

function logOf(n: number, id: (i: number) => Uint8Array): MerkleLog {
  const log = new MerkleLog();
  log.appendIds(Array.from({ length: n }, (_, i) => id(i)));
  return log;
}

const LOG = logOf(LOG_SIZE, leafId);
const FORKED = logOf(LOG_SIZE, forkedId);

function fieldsAt(
  log: MerkleLog,
  size: number,
  overrides: Partial<CheckpointFields> = {},
): CheckpointFields {
  return {
    relay: RELAY.publicKey as PublicKey,
    channel: CHANNEL,
    size,
    root: log.root(size) as MerkleRoot,
    time: T0 + size * 1000,
    ...overrides,
  };
}

/** The payload map written byte by byte, independently of the codec. */
function entriesOf(fields: CheckpointFields): Entry[] {
  return [
    [1, bstr(fields.relay)],
    [2, bstr(fields.channel)],
    [3, uint(fields.size)],
    [4, bstr(fields.root)],
    [5, uint(fields.time)],
  ];
}

function partsOf(payload: Raw, signature: Uint8Array, protectedItem: Raw = PROTECTED): Sign1Parts {
  return {
    protected: protectedItem,
    unprotected: map([]),
    payload: bstr(payload),
    signature: bstr(signature),
  };
}

/** A checkpoint whose payload is signed for real by `key` under `protectedBytes`. */
function signedCheckpoint(
  payload: Raw,
  key: TestKey = RELAY,
  protectedBytes: Uint8Array = CHECKPOINT_PROFILE.protectedHeader,
  overrides: Partial<Sign1Parts> = {},
): Raw {
  const signature = signBytes(sigStructure(protectedBytes, payload), key.secret);
  return coseSign1({ ...partsOf(payload, signature, bstr(protectedBytes)), ...overrides });
}

function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(`checkpoint vectors: ${message}`);
}

/** The genuine checkpoint of `log` at `size` (issueCheckpoint, checked against raw bytes). */
function checkpointAt(
  log: MerkleLog,
  size: number,
  overrides: Partial<CheckpointFields> = {},
  key = RELAY,
): Uint8Array {
  const fields = fieldsAt(log, size, overrides);
  const bytes = issueCheckpoint(fields, key.secret);
  assert(
    toHex(bytes) === toHex(signedCheckpoint(intMap(entriesOf(fields)), key)),
    'encoding differs',
  );
  return bytes;
}

function fieldsJson(fields: CheckpointFields): CheckpointFieldsJson {
  return {
    relay: toHex(fields.relay),
    channel: toHex(fields.channel),
    size: fields.size,
    root: toHex(fields.root),
    time: fields.time,
  };
}

/** Copy of `bytes` with `mask` XORed into the byte at `offset` (negative: from the end). */
function flip(bytes: Uint8Array, offset: number, mask = 0x01): Uint8Array {
  const out = bytes.slice();
  const at = offset < 0 ? out.length + offset : offset;
  out[at] = (out[at] ?? 0) ^ mask;
  return out;
}

const identityKey = (): Uint8Array => {
  const key = new Uint8Array(32);
  key[0] = 1;
  return key;
};

// ---------------------------------------------------------------------------
// checkpoint.json

function validCheckpoint(comment: string, flags: string[], bytes: Uint8Array): CheckpointTest {
  const decoded = decodeCheckpoint(bytes);
  return {
    tcId: 0,
    comment,
    flags,
    result: 'valid',
    checkpoint: toHex(bytes),
    payload: toHex(encodeCheckpointPayload(decoded.fields)),
    signedBytes: toHex(decoded.signedBytes),
    signature: toHex(decoded.signature),
    fields: fieldsJson(decoded.fields),
  };
}

function invalid(
  comment: string,
  flags: string[],
  field: string,
  bytes: Uint8Array,
  error: ErrorCode,
) {
  return { tcId: 0, comment, flags, result: 'invalid' as const, [field]: toHex(bytes), error };
}

/** An invalid checkpoint test. */
const bad = (comment: string, flags: string[], bytes: Uint8Array, error: ErrorCode) =>
  invalid(comment, flags, 'checkpoint', bytes, error) as CheckpointTest;

function checkpointGroups(): CheckpointGroup<CheckpointTest>[] {
  const base = fieldsAt(LOG, 5);
  const baseEntries = entriesOf(base);
  const basePayload = intMap(baseEntries);
  const baseBytes = checkpointAt(LOG, 5);
  const baseSignature = decodeCheckpoint(baseBytes).signature;
  const withEntry = (key: number, value: Raw | undefined): Entry[] => {
    const entries = baseEntries.filter(([k]) => k !== key);
    if (value !== undefined) entries.push([key, value]);
    return entries.sort((a, b) => a[0] - b[0]);
  };
  const asEnvelopeTyp = signedCheckpoint(basePayload, RELAY, ENVELOPE_PROFILE.protectedHeader);
  const envelopeSignature = signBytes(
    sigStructure(ENVELOPE_PROFILE.protectedHeader, basePayload),
    RELAY.secret,
  );
  const envelope = signEnvelope(
    {
      channel: CHANNEL,
      sender: RELAY.publicKey,
      seq: 1,
      time: T0,
      kind: 3,
      body: intMap([[1, tstr('Not a checkpoint.')]]),
    },
    RELAY.secret,
  );
  const otherTyp = CHECKPOINT_TYP.replace('v=0.1', 'v=0.2');
  const otherHeader = map([
    [uint(1), nint(-19)],
    [uint(16), tstr(otherTyp)],
  ]);
  const bigRoot = sha256(utf8.encode('hotline test root'));
  const big = fieldsAt(LOG, 0, { size: 2 ** 40, root: bigRoot as MerkleRoot, time: 2 ** 53 - 1 });

  const expected: CheckpointTest[] = [
    ...[0, 1, 2, 5, 7, 8, 13].map((size) =>
      validCheckpoint(
        `the test log at size ${size}`,
        size === 0 ? ['Valid', 'EmptyTree'] : ['Valid'],
        checkpointAt(LOG, size),
      ),
    ),
    validCheckpoint(
      'size 2^40 and time 2^53-1: 8-byte integer heads',
      ['Valid', 'LargeValues'],
      issueCheckpoint(big, RELAY.secret),
    ),
    bad(
      'signed by mallory as relay: not the expected relay',
      ['Relay'],
      checkpointAt(LOG, 5, { relay: mallory.publicKey as PublicKey }, mallory),
      'CHECKPOINT_RELAY_MISMATCH',
    ),
    bad(
      'names the expected relay but mallory signed it',
      ['Relay', 'Forgery'],
      signedCheckpoint(basePayload, mallory),
      'SIGNATURE_INVALID',
    ),
    bad(
      'checkpoint of another channel',
      ['Channel'],
      checkpointAt(LOG, 5, { channel: OTHER_CHANNEL }),
      'CHECKPOINT_CHANNEL_MISMATCH',
    ),
    bad('last signature byte flipped', ['Forgery'], flip(baseBytes, -1), 'SIGNATURE_INVALID'),
    bad(
      'first signature byte flipped (in R)',
      ['Forgery'],
      flip(baseBytes, -64),
      'SIGNATURE_INVALID',
    ),
    bad(
      'size 6 with the signature of size 5',
      ['Forgery'],
      coseSign1(partsOf(intMap(withEntry(3, uint(6))), baseSignature)),
      'SIGNATURE_INVALID',
    ),
    bad(
      'root of size 6 with the signature of size 5',
      ['Forgery'],
      coseSign1(partsOf(intMap(withEntry(4, bstr(LOG.root(6)))), baseSignature)),
      'SIGNATURE_INVALID',
    ),
    bad(
      'an envelope, signed by the relay key, given as a checkpoint',
      ['DomainSeparation'],
      envelope,
      'HEADER_TYPE_MISMATCH',
    ),
    bad(
      "a checkpoint payload signed by the relay under the envelope's typ",
      ['DomainSeparation'],
      asEnvelopeTyp,
      'HEADER_TYPE_MISMATCH',
    ),
    bad(
      "the checkpoint typ with a signature made under the envelope's typ",
      ['DomainSeparation', 'Forgery'],
      coseSign1(partsOf(basePayload, envelopeSignature)),
      'SIGNATURE_INVALID',
    ),
    bad(
      `typ of another version (${otherTyp})`,
      ['Profile'],
      signedCheckpoint(basePayload, RELAY, otherHeader),
      'HEADER_TYPE_MISMATCH',
    ),
    bad(
      'untagged COSE_Sign1',
      ['Profile'],
      array([PROTECTED, map([]), bstr(basePayload), bstr(baseSignature)]),
      'ENVELOPE_UNTAGGED',
    ),
    bad(
      'COSE_Sign1 tag 18 replaced by 98 (COSE_Sign)',
      ['Profile'],
      tag(98, array([PROTECTED, map([]), bstr(basePayload), bstr(baseSignature)])),
      'CBOR_TAG_DISALLOWED',
    ),
    bad(
      'a byte after the checkpoint',
      ['Profile'],
      Uint8Array.from([...baseBytes, 0x00]),
      'CBOR_TRAILING_BYTES',
    ),
    bad(
      "unprotected header {4: h'00'}",
      ['Profile'],
      coseSign1({
        ...partsOf(basePayload, baseSignature),
        unprotected: map([[uint(4), bstr(Uint8Array.of(0))]]),
      }),
      'HEADER_UNPROTECTED_NOT_EMPTY',
    ),
    bad(
      '63-byte signature',
      ['Profile'],
      coseSign1(partsOf(basePayload, baseSignature.subarray(0, 63))),
      'SIGNATURE_SIZE',
    ),
    bad(
      `more than ${MAX_CHECKPOINT_BYTES} bytes (payload padded with an unknown key)`,
      ['Profile'],
      signedCheckpoint(intMap([...baseEntries, [6, bstr(new Uint8Array(MAX_CHECKPOINT_BYTES))]])),
      'ENVELOPE_TOO_LARGE',
    ),
    bad(
      'payload keys 2 and 1 swapped',
      ['Payload'],
      signedCheckpoint(intMap([baseEntries[1]!, baseEntries[0]!, ...baseEntries.slice(2)])),
      'CBOR_MAP_KEYS_UNSORTED',
    ),
    bad(
      'payload is an array',
      ['Payload'],
      signedCheckpoint(array(baseEntries.map(([, v]) => v))),
      'PAYLOAD_NOT_MAP',
    ),
    bad(
      'payload key 6 (unknown)',
      ['Payload'],
      signedCheckpoint(intMap([...baseEntries, [6, uint(0)]])),
      'FIELD_UNKNOWN',
    ),
    bad(
      'payload without time (key 5)',
      ['Payload'],
      signedCheckpoint(intMap(withEntry(5, undefined))),
      'FIELD_MISSING',
    ),
    bad(
      '31-byte root',
      ['Payload'],
      signedCheckpoint(intMap(withEntry(4, bstr(LOG.root(5).subarray(1))))),
      'FIELD_SIZE',
    ),
    bad(
      'size as a byte string',
      ['Payload'],
      signedCheckpoint(intMap(withEntry(3, bstr(Uint8Array.of(5))))),
      'FIELD_TYPE',
    ),
    bad('size -1', ['Payload'], signedCheckpoint(intMap(withEntry(3, nint(-1)))), 'FIELD_TYPE'),
  ];

  const identity = identityKey();
  const smallOrder = fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac03fa');
  const anyRelay: CheckpointTest[] = [
    validCheckpoint(
      "mallory's own checkpoint: valid for a verifier that expects no relay",
      ['Valid'],
      checkpointAt(LOG, 3, { relay: mallory.publicKey as PublicKey }, mallory),
    ),
    bad(
      'relay key 0100…00 (the identity point)',
      ['RelayKey'],
      coseSign1(
        partsOf(intMap([[1, bstr(identity)], ...baseEntries.slice(1)]), new Uint8Array(64)),
      ),
      'KEY_REJECTED',
    ),
    bad(
      'relay key of order 8',
      ['RelayKey'],
      coseSign1(partsOf(intMap([[1, bstr(smallOrder)], ...baseEntries.slice(1)]), baseSignature)),
      'KEY_REJECTED',
    ),
  ];

  return [
    {
      type: 'CheckpointVerify',
      description: 'The verifier expects the test relay and the test channel.',
      relay: toHex(RELAY.publicKey),
      channel: toHex(CHANNEL),
      tests: expected,
    },
    {
      type: 'CheckpointVerify',
      description: 'The verifier expects no particular relay or channel.',
      tests: anyRelay,
    },
  ];
}

// ---------------------------------------------------------------------------
// receipt.json

function receiptBytes(
  checkpoint: Uint8Array,
  index: number,
  id: Uint8Array,
  proof: readonly Uint8Array[],
): Uint8Array {
  const bytes = encodeReceipt({ checkpoint, index, id: id as EnvelopeId, proof });
  const raw = intMap([
    [1, bstr(checkpoint)],
    [2, uint(index)],
    [3, bstr(id)],
    [4, array(proof.map(bstr))],
  ]);
  assert(toHex(bytes) === toHex(raw), 'receipt encoding differs');
  return bytes;
}

function receiptGroups(): CheckpointGroup<ReceiptTest>[] {
  const log = logOf(RECEIPT_LOG_SIZE, leafId);
  const cp = (size: number, overrides: Partial<CheckpointFields> = {}, key = RELAY): Uint8Array =>
    checkpointAt(log, size, overrides, key);
  const full = cp(RECEIPT_LOG_SIZE);
  const root7 = toHex(log.root(RECEIPT_LOG_SIZE));
  const valid = (
    comment: string,
    flags: string[],
    size: number,
    index: number,
    expectId = false,
  ): ReceiptTest => ({
    tcId: 0,
    comment,
    flags,
    result: 'valid',
    receipt: toHex(receiptBytes(cp(size), index, leafId(index), log.inclusionProof(index, size))),
    ...(expectId ? { expectedId: toHex(leafId(index)) } : {}),
    index,
    id: toHex(leafId(index)),
    size,
    root: toHex(log.root(size)),
  });
  const proof5 = log.inclusionProof(5, RECEIPT_LOG_SIZE);
  const receipt = (
    bytes: Uint8Array,
    comment: string,
    flags: string[],
    error: ErrorCode,
    expectedId?: Uint8Array,
  ): ReceiptTest =>
    ({
      ...invalid(comment, flags, 'receipt', bytes, error),
      ...(expectedId === undefined ? {} : { expectedId: toHex(expectedId) }),
    }) as ReceiptTest;
  const r5 = (
    proof: readonly Uint8Array[],
    index = 5,
    id: Uint8Array = leafId(5),
    checkpoint = full,
  ) => receiptBytes(checkpoint, index, id, proof);
  const flipped = proof5.map((h, i) => (i === 1 ? flip(h, 0, 0x80) : h));
  const leafHash5 = leafHashOfId(leafId(5));
  const brokenCheckpoint = flip(full, -1);
  const rawReceipt = (entries: Entry[]) => intMap(entries);
  const baseEntries: Entry[] = [
    [1, bstr(full)],
    [2, uint(5)],
    [3, bstr(leafId(5))],
    [4, array(proof5.map(bstr))],
  ];

  const tests: ReceiptTest[] = [
    ...Array.from({ length: RECEIPT_LOG_SIZE }, (_, index) =>
      valid(
        `leaf ${index} of ${RECEIPT_LOG_SIZE}`,
        ['Valid'],
        RECEIPT_LOG_SIZE,
        index,
        index % 2 === 0,
      ),
    ),
    valid('the only leaf of a one-leaf log: empty proof', ['Valid', 'EmptyProof'], 1, 0, true),
    valid('leaf 3 of 4: a complete tree', ['Valid'], 4, 3),
    valid('leaf 4 of 5: the last leaf alone on the right', ['Valid'], 5, 4),
    receipt(
      r5(proof5),
      'the receipt of leaf 5, but the verifier expects leaf 6',
      ['Id'],
      'RECEIPT_ID_MISMATCH',
      leafId(6),
    ),
    receipt(
      r5(proof5, 5, leafId(6)),
      'id of leaf 6 with the proof of leaf 5',
      ['Id', 'Proof'],
      'RECEIPT_PROOF_INVALID',
    ),
    receipt(
      r5(proof5, 4),
      'index 4 with the id and proof of leaf 5',
      ['Index', 'Proof'],
      'RECEIPT_PROOF_INVALID',
    ),
    receipt(
      r5(proof5, RECEIPT_LOG_SIZE),
      `index ${RECEIPT_LOG_SIZE} = size`,
      ['Index'],
      'RECEIPT_INDEX_OUT_OF_RANGE',
    ),
    receipt(r5(proof5, 1000), 'index 1000 > size', ['Index'], 'RECEIPT_INDEX_OUT_OF_RANGE'),
    receipt(
      r5(flipped),
      'one bit of the second proof hash flipped',
      ['Proof'],
      'RECEIPT_PROOF_INVALID',
    ),
    receipt(r5(proof5.slice(0, -1)), 'last proof hash missing', ['Proof'], 'RECEIPT_PROOF_INVALID'),
    receipt(
      r5([...proof5, proof5[0]!]),
      'one proof hash too many',
      ['Proof'],
      'RECEIPT_PROOF_INVALID',
    ),
    receipt(r5([]), 'empty proof', ['Proof'], 'RECEIPT_PROOF_INVALID'),
    receipt(
      r5(log.inclusionProof(5, 6)),
      'proof of leaf 5 in the tree of 6 leaves, checkpoint of 7',
      ['Proof'],
      'RECEIPT_PROOF_INVALID',
    ),
    receipt(
      r5(proof5, 5, leafHash5),
      'the leaf hash SHA-256(0x00 ‖ id) of leaf 5 given as its id',
      ['Proof', 'LeafHash'],
      'RECEIPT_PROOF_INVALID',
    ),
    receipt(
      r5(proof5, 5, leafId(5), brokenCheckpoint),
      "a checkpoint whose signature's last byte is flipped",
      ['Checkpoint'],
      'SIGNATURE_INVALID',
    ),
    receipt(
      r5(
        log.inclusionProof(5, 7),
        5,
        leafId(5),
        cp(7, { relay: mallory.publicKey as PublicKey }, mallory),
      ),
      'a checkpoint by mallory',
      ['Checkpoint'],
      'CHECKPOINT_RELAY_MISMATCH',
    ),
    receipt(
      r5(proof5, 5, leafId(5), cp(7, { channel: OTHER_CHANNEL })),
      'a checkpoint of another channel',
      ['Checkpoint'],
      'CHECKPOINT_CHANNEL_MISMATCH',
    ),
    receipt(rawReceipt(baseEntries.slice(0, 3)), 'no proof (key 4)', ['Encoding'], 'FIELD_MISSING'),
    receipt(
      rawReceipt([...baseEntries, [5, uint(0)]]),
      'unknown key 5',
      ['Encoding'],
      'FIELD_UNKNOWN',
    ),
    receipt(
      rawReceipt([
        ...baseEntries.slice(0, 3),
        [4, array([...proof5.map(bstr), bstr(new Uint8Array(31))])],
      ]),
      'a 31-byte proof hash',
      ['Encoding'],
      'FIELD_SIZE',
    ),
    receipt(
      rawReceipt([
        ...baseEntries.slice(0, 3),
        [4, array(Array.from({ length: MAX_PROOF_HASHES + 1 }, () => bstr(proof5[0]!)))],
      ]),
      `${MAX_PROOF_HASHES + 1} proof hashes`,
      ['Encoding'],
      'FIELD_SIZE',
    ),
    receipt(
      rawReceipt([baseEntries[0]!, [2, bstr(Uint8Array.of(5))], ...baseEntries.slice(2)]),
      'index as a byte string',
      ['Encoding'],
      'FIELD_TYPE',
    ),
  ];
  assert(
    tests
      .filter((t) => t.result === 'valid')
      .every((t) => t.size !== RECEIPT_LOG_SIZE || t.root === root7),
    'root',
  );
  return [
    {
      type: 'ReceiptVerify',
      description: `Receipts from a log of ${RECEIPT_LOG_SIZE} leaves; the verifier expects the test relay and channel, and the envelope id expectedId when given.`,
      relay: toHex(RELAY.publicKey),
      channel: toHex(CHANNEL),
      tests,
    },
  ];
}

// ---------------------------------------------------------------------------
// consistency.json

function consistencyGroups(): TestGroup<ConsistencyTest>[] {
  const pair = (
    comment: string,
    flags: string[],
    first: Uint8Array,
    second: Uint8Array,
    proof: readonly Uint8Array[],
    error?: ErrorCode,
  ): ConsistencyTest => ({
    tcId: 0,
    comment,
    flags,
    result: error === undefined ? 'valid' : 'invalid',
    first: toHex(first),
    second: toHex(second),
    proof: proof.map(toHex),
    ...(error === undefined ? {} : { error }),
  });
  const at = (size: number) => checkpointAt(LOG, size);
  const valid = [
    [0, 7],
    [1, 13],
    [3, 7],
    [4, 8],
    [5, 13],
    [7, 8],
    [8, 13],
    [12, 13],
  ].map(([m, n]) =>
    pair(
      `sizes ${m} and ${n} of one log`,
      m === 0 ? ['Valid', 'EmptyTree'] : ['Valid'],
      at(m!),
      at(n!),
      LOG.consistencyProof(m!, n!),
    ),
  );
  const proof513 = LOG.consistencyProof(5, 13);
  const emptyRootless = checkpointAt(LOG, 0, {
    root: sha256(utf8.encode('not empty')) as MerkleRoot,
  });
  return [
    {
      type: 'CheckpointConsistency',
      description: 'Two checkpoints of the test relay and channel and a consistency proof.',
      tests: [
        ...valid,
        pair('sizes 13 and 5: the larger first', ['Valid', 'Order'], at(13), at(5), proof513),
        pair('the same checkpoint twice: empty proof', ['Valid', 'SameSize'], at(7), at(7), []),
        pair(
          'size 5 of the log and size 5 of a log with leaf 2 rewritten',
          ['SameSize', 'Fork'],
          at(5),
          checkpointAt(FORKED, 5),
          [],
          'CHECKPOINT_INCONSISTENT',
        ),
        pair(
          'size 5 of the log and size 13 of the rewritten log, with its own proof',
          ['Fork'],
          at(5),
          checkpointAt(FORKED, 13),
          FORKED.consistencyProof(5, 13),
          'CHECKPOINT_INCONSISTENT',
        ),
        pair(
          'size 5 of the log and size 13 of the rewritten log, with the honest proof',
          ['Fork'],
          at(5),
          checkpointAt(FORKED, 13),
          proof513,
          'CHECKPOINT_INCONSISTENT',
        ),
        pair(
          'first proof hash flipped',
          ['Proof'],
          at(5),
          at(13),
          proof513.map((h, i) => (i === 0 ? flip(h, 31) : h)),
          'CHECKPOINT_INCONSISTENT',
        ),
        pair(
          'empty proof between different sizes',
          ['Proof'],
          at(5),
          at(13),
          [],
          'CHECKPOINT_INCONSISTENT',
        ),
        pair(
          'last proof hash missing',
          ['Proof'],
          at(5),
          at(13),
          proof513.slice(0, -1),
          'CHECKPOINT_INCONSISTENT',
        ),
        pair(
          'the proof from 4 to 13 for sizes 5 and 13',
          ['Proof'],
          at(5),
          at(13),
          LOG.consistencyProof(4, 13),
          'CHECKPOINT_INCONSISTENT',
        ),
        pair(
          'size 0 whose root is not the empty-tree root',
          ['EmptyTree'],
          emptyRootless,
          at(7),
          [],
          'CHECKPOINT_INCONSISTENT',
        ),
        pair(
          'checkpoints of two relays',
          ['Relay'],
          at(5),
          checkpointAt(LOG, 13, { relay: mallory.publicKey as PublicKey }, mallory),
          proof513,
          'CHECKPOINT_RELAY_MISMATCH',
        ),
        pair(
          'checkpoints of two channels',
          ['Channel'],
          at(5),
          checkpointAt(LOG, 13, { channel: OTHER_CHANNEL }),
          proof513,
          'CHECKPOINT_CHANNEL_MISMATCH',
        ),
      ],
    },
  ];
}

// ---------------------------------------------------------------------------
// Generation

const CHECKPOINT_NOTES: Record<string, string> = {
  Valid:
    'A genuine checkpoint by its relay; the verifier accepts it with exactly the given fields.',
  EmptyTree: 'Size 0: the root is SHA-256 of the empty string.',
  LargeValues: 'Integers that need the 8-byte CBOR head.',
  Relay: 'The checkpoint names or is signed by another relay than the expected one.',
  Channel: 'The checkpoint is of another channel than the expected one.',
  Forgery: 'The signature does not cover these bytes under the relay key.',
  DomainSeparation:
    'An envelope and a checkpoint can never be taken for each other: the typ in the signed protected header differs.',
  Profile: 'A defect of the COSE_Sign1 profile, shared with envelopes.',
  Payload: 'A defect in the checkpoint payload map; the checkpoint is signed for real over it.',
  RelayKey: 'The relay key can sign nothing: not canonical or not of prime order.',
};

const RECEIPT_NOTES: Record<string, string> = {
  Valid:
    'A genuine receipt: the checkpoint opens and the proof leads from the id at index to its root.',
  EmptyProof: 'A one-leaf tree: the leaf hash is the root and the proof is empty.',
  Id: 'The receipt is for another envelope id.',
  Index: 'The index is wrong or not below the checkpoint size.',
  Proof: 'The inclusion proof does not lead to the root.',
  LeafHash:
    'The receipt carries the envelope id; the verifier hashes it as a leaf, SHA-256(0x00 ‖ id). A leaf hash given as the id must not verify.',
  Checkpoint: 'The checkpoint inside the receipt does not open for the expected relay and channel.',
  Encoding: 'The receipt bytes break its encoding rules.',
};

const CONSISTENCY_NOTES: Record<string, string> = {
  Valid: 'Two checkpoints of one honest log with its consistency proof.',
  EmptyTree:
    'A checkpoint of size 0: consistent with every tree iff its root is the empty-tree root and the proof is empty.',
  Order: 'The checkpoints come larger first; the order of the two carries no meaning.',
  SameSize:
    'Two checkpoints of one size: consistent iff their roots are equal (the proof is empty).',
  Fork: 'The relay signed two histories: leaf 2 was rewritten in one of them. The two checkpoints are the evidence.',
  Proof: 'An honest pair of checkpoints with a wrong proof.',
  Relay: 'Checkpoints of two relays cannot be compared.',
  Channel: 'Checkpoints of two channels cannot be compared.',
};

const COMMON_HEADER = [
  `Checkpoints are COSE_Sign1 (tag 18) with protected header {1: -19, 16: "${CHECKPOINT_TYP}"}, empty unprotected header, payload {1: relay key, 2: channel, 3: size, 4: root, 5: time} (canonical CBOR) and a 64-byte Ed25519 signature by the relay over the Sig_structure. The envelope typ is "${HEADER_TYP}".`,
  'Keys: secret = SHA-256("hotline test key " + name); the relay is the key named "relay", the other relay is mallory. Channel SHA-256("hotline test channel"), other channel SHA-256("hotline test channel 2"). The test log holds leaf i = SHA-256("hotline test envelope <i>") (standing for envelope ids), leaf hash SHA-256(0x00 ‖ id), RFC 9162. The checkpoint of size n has time 1761523200000 + 1000·n.',
  'Generated by packages/vectors (npm run vectors); do not edit by hand.',
];

const CHECKPOINT_HEADER = [
  "Test vectors for opening relay checkpoints (spec/05-checkpoints.md): decode under the COSE_Sign1 profile, then the relay must be the group's `relay` and the channel the group's `channel` (when given: CHECKPOINT_RELAY_MISMATCH, CHECKPOINT_CHANNEL_MISMATCH), then the relay key must be acceptable (KEY_REJECTED), then the signature must verify (SIGNATURE_INVALID), in that order.",
  'A valid test gives the payload, the Sig_structure (signedBytes), the signature and the decoded fields.',
  ...COMMON_HEADER,
];

const RECEIPT_HEADER = [
  "Test vectors for verifying receipts offline (spec/05-checkpoints.md). A receipt is the canonical CBOR map {1: checkpoint bytes, 2: index, 3: envelope id, 4: [* 32-byte hashes]}: the RFC 9162 inclusion proof of the id at index in the checkpoint's tree.",
  "Checks in order: decode the receipt; if the test gives expectedId, the id must equal it (RECEIPT_ID_MISMATCH); open the checkpoint as in checkpoint.json with the group's relay and channel; index < size (RECEIPT_INDEX_OUT_OF_RANGE); the proof must lead from SHA-256(0x00 ‖ id) to the root (RECEIPT_PROOF_INVALID). A valid test gives index, id, size and root.",
  ...COMMON_HEADER,
];

const CONSISTENCY_HEADER = [
  'Test vectors for comparing two checkpoints of one relay and channel (spec/05-checkpoints.md): both must open; then the same relay (CHECKPOINT_RELAY_MISMATCH) and channel (CHECKPOINT_CHANNEL_MISMATCH); then the smaller tree must be a prefix of the larger: equal roots for equal sizes, else the RFC 9162 consistency proof (CHECKPOINT_INCONSISTENT). An inconsistent pair is signed evidence that the relay equivocated.',
  ...COMMON_HEADER,
];

function fileOf<T extends TestCase>(
  algorithm: string,
  header: string[],
  notes: Record<string, string>,
  testGroups: TestGroup<T>[],
  checkTest: TestChecker<TestGroup<T>, T>,
) {
  const file = {
    $schema: '../schema/checkpoint.schema.json',
    algorithm,
    spec: 'spec/05-checkpoints.md',
    header,
    notes,
    testGroups,
  };
  return selfCheckedFile<T>(file, checkTest);
}

function generate(): Record<string, unknown> {
  const files = {
    [CHECKPOINT_FILE]: fileOf(
      'HOTLINE-CHECKPOINT',
      CHECKPOINT_HEADER,
      CHECKPOINT_NOTES,
      checkpointGroups(),
      checkCheckpointTest,
    ),
    [RECEIPT_FILE]: fileOf(
      'HOTLINE-RECEIPT',
      RECEIPT_HEADER,
      RECEIPT_NOTES,
      receiptGroups(),
      checkReceiptTest,
    ),
    [CONSISTENCY_FILE]: fileOf(
      'HOTLINE-CHECKPOINT-CONSISTENCY',
      CONSISTENCY_HEADER,
      CONSISTENCY_NOTES,
      consistencyGroups(),
      checkConsistencyTest,
    ),
  };
  const covered = new Set(
    Object.values(files).flatMap((f) => f.testGroups.flatMap((g) => g.tests.map((t) => t.error))),
  );
  const missing = registryCodes('log').filter((code) => !covered.has(code));
  assert(missing.length === 0, `no vector for ${missing.join(', ')}`);
  return files;
}

// ---------------------------------------------------------------------------
// Checking

function describeError(error: unknown): string {
  if (error instanceof HotlineError) return error.code;
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** Runs `run` on both backends; compares the outcome with the test's result and code. */
function outcome<R>(
  test: TestCase,
  run: (backend: VerifyBackend) => R,
  compare: (value: R) => string | undefined,
): string | undefined {
  for (const backend of BACKENDS) {
    let value: R;
    try {
      value = run(backend);
    } catch (error) {
      if (test.result === 'invalid' && error instanceof HotlineError && error.code === test.error)
        continue;
      return `${backend}: expected ${test.result === 'valid' ? 'valid' : test.error}, got ${describeError(error)}`;
    }
    if (test.result !== 'valid') return `${backend}: expected ${test.error}, but it verified`;
    const failure = compare(value);
    if (failure !== undefined) return `${backend}: ${failure}`;
  }
  return undefined;
}

const optionsOf = (group: { readonly [param: string]: unknown }) => ({
  ...(typeof group.relay === 'string' ? { relay: fromHex(group.relay) } : {}),
  ...(typeof group.channel === 'string' ? { channel: fromHex(group.channel) } : {}),
});

export function checkCheckpointTest(
  group: TestGroup<CheckpointTest>,
  test: CheckpointTest,
): string | undefined {
  return outcome(
    test,
    (backend) => openCheckpoint(fromHex(test.checkpoint), { ...optionsOf(group), backend }),
    (opened: DecodedCheckpoint) => {
      if (JSON.stringify(fieldsJson(opened.fields)) !== JSON.stringify(test.fields))
        return 'fields differ';
      if (toHex(opened.signedBytes) !== test.signedBytes) return 'signedBytes differ';
      if (toHex(opened.signature) !== test.signature) return 'signature differs';
      if (!toHex(opened.signedBytes).endsWith(test.payload ?? '-')) return 'payload differs';
      return undefined;
    },
  );
}

export function checkReceiptTest(
  group: TestGroup<ReceiptTest>,
  test: ReceiptTest,
): string | undefined {
  return outcome(
    test,
    (backend) =>
      verifyReceipt(fromHex(test.receipt), {
        ...optionsOf(group),
        ...(test.expectedId === undefined ? {} : { id: fromHex(test.expectedId) }),
        backend,
      }),
    ({ receipt, checkpoint }) => {
      const got = {
        index: receipt.index,
        id: toHex(receipt.id),
        size: checkpoint.fields.size,
        root: toHex(checkpoint.fields.root),
      };
      const want = { index: test.index, id: test.id, size: test.size, root: test.root };
      return JSON.stringify(got) === JSON.stringify(want) ? undefined : 'outputs differ';
    },
  );
}

export function checkConsistencyTest(
  _group: TestGroup<ConsistencyTest>,
  test: ConsistencyTest,
): string | undefined {
  return outcome(
    test,
    (backend) =>
      checkCheckpointConsistency(
        openCheckpoint(fromHex(test.first), { backend }),
        openCheckpoint(fromHex(test.second), { backend }),
        test.proof.map(fromHex),
      ),
    () => undefined,
  );
}

const CHECKERS: Record<string, (group: TestGroup<never>, test: never) => string | undefined> = {
  [CHECKPOINT_FILE]: checkCheckpointTest as never,
  [RECEIPT_FILE]: checkReceiptTest as never,
  [CONSISTENCY_FILE]: checkConsistencyTest as never,
};

function check(fileName: string, content: unknown): string[] {
  const checkTest = CHECKERS[fileName];
  if (checkTest === undefined) return [`unexpected file ${fileName}`];
  return checkEachTest(content, checkTest);
}

export const checkpointSuite: Suite = { name: 'checkpoint', generate, check };
