// Relay checkpoints and receipts: issue and open, the checks openCheckpoint makes
// (relay, channel, signature, typ), receipts for every index of a small log, and
// consistency between checkpoints of one log or of two diverging ones.
import {
  assembleSign1,
  CHECKPOINT_PROFILE,
  type ChannelId,
  type CheckpointFields,
  checkpointSignedBytes,
  decodeCheckpoint,
  decodeReceipt,
  ENVELOPE_PROFILE,
  type EnvelopeId,
  type ErrorCode,
  encodeCheckpointPayload,
  encodeReceipt,
  HotlineError,
  type MerkleRoot,
  type PublicKey,
  type Receipt,
  sigStructure,
  toHex,
} from '@hotline/codec';
import { sha256 } from '@noble/hashes/sha2.js';
import { expect } from 'chai';
import {
  checkCheckpointConsistency,
  issueCheckpoint,
  openCheckpoint,
  verifyReceipt,
} from '../src/checkpoint.js';
import { publicKeyOf, sign } from '../src/ed25519/keys.js';
import { openEnvelope, signEnvelope } from '../src/envelope.js';
import { EMPTY_TREE_ROOT } from '../src/merkle/hash.js';
import { MerkleLog } from '../src/merkle/log.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
/** The fixed test keys of test-vectors: secret = SHA-256("hotline test key <name>"). */
const secretOf = (name: string): Uint8Array => sha256(utf8(`hotline test key ${name}`));
const RELAY = secretOf('relay');
const MALLORY = secretOf('mallory');
const relayKey = publicKeyOf(RELAY);
const CHANNEL = sha256(utf8('channel')) as ChannelId;
const OTHER_CHANNEL = sha256(utf8('other channel')) as ChannelId;
const TIME = 1_700_000_000_000;

function expectCode(fn: () => unknown, code: ErrorCode): void {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  if (!(caught instanceof HotlineError)) {
    expect.fail(`expected HotlineError ${code}, got ${caught === undefined ? 'no error' : caught}`);
  }
  expect(caught.code).to.equal(code);
}

const idOf = (i: number): EnvelopeId => sha256(utf8(`envelope ${i}`)) as EnvelopeId;

function logOf(n: number, id: (i: number) => Uint8Array = idOf): MerkleLog {
  const log = new MerkleLog();
  for (let i = 0; i < n; i++) log.appendId(id(i));
  return log;
}

function fieldsAt(log: MerkleLog, size: number, extra: Partial<CheckpointFields> = {}) {
  return {
    relay: relayKey,
    channel: CHANNEL,
    size,
    root: log.root(size) as MerkleRoot,
    time: TIME + size,
    ...extra,
  };
}

const checkpointAt = (log: MerkleLog, size: number): Uint8Array =>
  issueCheckpoint(fieldsAt(log, size), RELAY);

const log = logOf(13);

describe('issueCheckpoint / openCheckpoint', () => {
  it('opens a checkpoint at every size with the fields it was issued with', () => {
    for (const size of [0, 1, 2, 5, 8, 13]) {
      const bytes = checkpointAt(log, size);
      for (const backend of ['native', 'portable'] as const) {
        const { fields } = openCheckpoint(bytes, { relay: relayKey, channel: CHANNEL, backend });
        expect(fields.size).to.equal(size);
        expect(fields.time).to.equal(TIME + size);
        expect(toHex(fields.root)).to.equal(toHex(log.root(size)));
        expect(toHex(fields.relay)).to.equal(toHex(relayKey));
        expect(toHex(fields.channel)).to.equal(toHex(CHANNEL));
      }
    }
    expect(toHex(openCheckpoint(checkpointAt(log, 0)).fields.root)).to.equal(
      toHex(EMPTY_TREE_ROOT),
    );
  });

  it('issueCheckpoint refuses a relay field that is not the key of the secret (RangeError)', () => {
    expect(() => issueCheckpoint(fieldsAt(log, 3), MALLORY)).to.throw(RangeError);
  });

  it('rejects a checkpoint of another relay (CHECKPOINT_RELAY_MISMATCH)', () => {
    const mallory = publicKeyOf(MALLORY);
    const bytes = issueCheckpoint(fieldsAt(log, 3, { relay: mallory }), MALLORY);
    // Valid on its own: mallory did sign it.
    expect(() => openCheckpoint(bytes)).to.not.throw();
    expectCode(() => openCheckpoint(bytes, { relay: relayKey }), 'CHECKPOINT_RELAY_MISMATCH');
  });

  it('rejects a checkpoint of another channel (CHECKPOINT_CHANNEL_MISMATCH)', () => {
    const bytes = issueCheckpoint(fieldsAt(log, 3, { channel: OTHER_CHANNEL }), RELAY);
    expectCode(
      () => openCheckpoint(bytes, { relay: relayKey, channel: CHANNEL }),
      'CHECKPOINT_CHANNEL_MISMATCH',
    );
  });

  it('rejects a tampered signature or payload (SIGNATURE_INVALID)', () => {
    const bytes = checkpointAt(log, 5);
    const sig = bytes.slice();
    sig[sig.length - 10]! ^= 0x01;
    expectCode(() => openCheckpoint(sig), 'SIGNATURE_INVALID');
    // A larger size in the payload: still profile-valid, no longer what the relay signed.
    const larger = encodeCheckpointPayload(fieldsAt(log, 5, { size: 6 }));
    const forged = assembleSign1(CHECKPOINT_PROFILE, larger, decodeCheckpoint(bytes).signature);
    expect(decodeCheckpoint(forged).fields.size).to.equal(6);
    expectCode(() => openCheckpoint(forged), 'SIGNATURE_INVALID');
  });

  it('rejects a relay key that can sign nothing (KEY_REJECTED)', () => {
    const identity = new Uint8Array(32);
    identity[0] = 1;
    const payload = encodeCheckpointPayload(fieldsAt(log, 2, { relay: identity as PublicKey }));
    const bytes = assembleSign1(CHECKPOINT_PROFILE, payload, new Uint8Array(64));
    expectCode(() => openCheckpoint(bytes), 'KEY_REJECTED');
  });

  it('keeps envelopes and checkpoints apart (HEADER_TYPE_MISMATCH)', () => {
    // An envelope's bytes given as a checkpoint.
    const envelope = signEnvelope(
      {
        channel: CHANNEL,
        sender: relayKey,
        seq: 1,
        time: TIME,
        kind: 3,
        body: utf8('hi'),
      },
      RELAY,
    );
    expectCode(() => openCheckpoint(envelope), 'HEADER_TYPE_MISMATCH');
    // A checkpoint's bytes given as an envelope.
    expectCode(() => openEnvelope(checkpointAt(log, 4)), 'HEADER_TYPE_MISMATCH');
    // A genuine checkpoint payload, signed by the relay under the envelope's typ.
    const payload = encodeCheckpointPayload(fieldsAt(log, 4));
    const signature = sign(sigStructure(ENVELOPE_PROFILE, payload), RELAY);
    const underEnvelopeTyp = assembleSign1(ENVELOPE_PROFILE, payload, signature);
    expectCode(() => openCheckpoint(underEnvelopeTyp), 'HEADER_TYPE_MISMATCH');
    // And the signature does not move to the checkpoint typ either: it covers typ.
    const moved = assembleSign1(CHECKPOINT_PROFILE, payload, signature);
    expectCode(() => openCheckpoint(moved), 'SIGNATURE_INVALID');
    expect(toHex(checkpointSignedBytes(payload))).to.not.equal(
      toHex(sigStructure(ENVELOPE_PROFILE, payload)),
    );
  });
});

describe('receipts', () => {
  const small = logOf(7);
  const receiptOf = (
    index: number,
    size: number,
    checkpoint = checkpointAt(small, size),
  ): Receipt => ({
    checkpoint,
    index,
    id: idOf(index),
    proof: small.inclusionProof(index, size),
  });

  it('encodeReceipt / decodeReceipt round trip', () => {
    const receipt = receiptOf(3, 7);
    const decoded = decodeReceipt(encodeReceipt(receipt));
    expect(decoded.index).to.equal(3);
    expect(toHex(decoded.id)).to.equal(toHex(receipt.id));
    expect(toHex(decoded.checkpoint)).to.equal(toHex(receipt.checkpoint));
    expect(decoded.proof.map(toHex)).to.deep.equal(receipt.proof.map(toHex));
    expect(toHex(encodeReceipt(decoded))).to.equal(toHex(encodeReceipt(receipt)));
    // Size 1: the proof is empty, and an empty array survives the round trip.
    expect(decodeReceipt(encodeReceipt(receiptOf(0, 1))).proof).to.deep.equal([]);
  });

  it('verifies a receipt for every index of every size of a small log', () => {
    let verified = 0;
    for (let size = 1; size <= 7; size++) {
      const checkpoint = checkpointAt(small, size);
      for (let index = 0; index < size; index++) {
        const receipt = receiptOf(index, size, checkpoint);
        const options = { relay: relayKey, channel: CHANNEL, id: idOf(index) };
        const result = verifyReceipt(encodeReceipt(receipt), options);
        expect(result.receipt.index).to.equal(index);
        expect(result.checkpoint.fields.size).to.equal(size);
        expect(Object.isFrozen(result)).to.equal(true);
        verifyReceipt(receipt, options); // the decoded form too
        verified++;
      }
    }
    expect(verified).to.equal(28);
  });

  it('rejects a receipt for another id', () => {
    const receipt = receiptOf(2, 7);
    // The caller says which envelope it expects: a plain mismatch.
    expectCode(() => verifyReceipt(receipt, { id: idOf(3) }), 'RECEIPT_ID_MISMATCH');
    // Without that, another id does not reach the signed root.
    expectCode(() => verifyReceipt({ ...receipt, id: idOf(3) }), 'RECEIPT_PROOF_INVALID');
  });

  it('rejects an index at or beyond the checkpoint size (RECEIPT_INDEX_OUT_OF_RANGE)', () => {
    const receipt = receiptOf(4, 5);
    expectCode(() => verifyReceipt({ ...receipt, index: 5 }), 'RECEIPT_INDEX_OUT_OF_RANGE');
    expectCode(() => verifyReceipt({ ...receipt, index: 1000 }), 'RECEIPT_INDEX_OUT_OF_RANGE');
  });

  it('rejects a tampered, truncated, extended or misplaced proof (RECEIPT_PROOF_INVALID)', () => {
    const receipt = receiptOf(5, 7);
    const { proof } = receipt;
    expect(proof.length).to.be.greaterThan(1);
    const flipped = proof.map((hash, i) => {
      const copy = hash.slice();
      if (i === 1) copy[0]! ^= 0x80;
      return copy;
    });
    const variants: Receipt[] = [
      { ...receipt, proof: flipped },
      { ...receipt, proof: proof.slice(0, -1) },
      { ...receipt, proof: [...proof, proof[0]!] },
      { ...receipt, proof: [] },
      { ...receipt, index: 4 }, // right id and proof, wrong position
      { ...receipt, proof: small.inclusionProof(5, 6) }, // proof for another tree size
    ];
    for (const variant of variants)
      expectCode(() => verifyReceipt(variant), 'RECEIPT_PROOF_INVALID');
  });

  it('rejects a receipt whose checkpoint does not open', () => {
    const receipt = receiptOf(1, 3);
    const broken = receipt.checkpoint.slice();
    broken[broken.length - 1]! ^= 0x01;
    expectCode(() => verifyReceipt({ ...receipt, checkpoint: broken }), 'SIGNATURE_INVALID');
    expectCode(
      () => verifyReceipt(receipt, { relay: publicKeyOf(MALLORY) }),
      'CHECKPOINT_RELAY_MISMATCH',
    );
    expectCode(
      () => verifyReceipt(receipt, { channel: OTHER_CHANNEL }),
      'CHECKPOINT_CHANNEL_MISMATCH',
    );
  });
});

describe('checkCheckpointConsistency', () => {
  const opened = (bytes: Uint8Array) => openCheckpoint(bytes, { relay: relayKey });

  it('accepts every pair of checkpoints of one growing log with its consistency proof', () => {
    const sizes = [0, 1, 2, 3, 4, 7, 8, 13];
    const checkpoints = new Map(sizes.map((size) => [size, opened(checkpointAt(log, size))]));
    for (const m of sizes) {
      for (const n of sizes) {
        if (m > n) continue;
        const proof = log.consistencyProof(m, n);
        const [a, b] = [checkpoints.get(m)!, checkpoints.get(n)!];
        checkCheckpointConsistency(a, b, proof);
        checkCheckpointConsistency(b, a, proof); // argument order does not matter
      }
    }
  });

  it('rejects the same size with another root (CHECKPOINT_INCONSISTENT)', () => {
    const forked = logOf(5, (i) => (i === 2 ? sha256(utf8('replaced')) : idOf(i)));
    const a = opened(checkpointAt(log, 5));
    const b = opened(checkpointAt(forked, 5));
    expectCode(() => checkCheckpointConsistency(a, b, []), 'CHECKPOINT_INCONSISTENT');
  });

  it('rejects forged or mismatched proofs (CHECKPOINT_INCONSISTENT)', () => {
    const a = opened(checkpointAt(log, 5));
    const b = opened(checkpointAt(log, 13));
    const proof = log.consistencyProof(5, 13);
    const flipped = proof.map((hash, i) => {
      const copy = hash.slice();
      if (i === 0) copy[31]! ^= 0x01;
      return copy;
    });
    for (const forged of [
      flipped,
      [],
      proof.slice(1),
      [...proof, proof[0]!],
      log.consistencyProof(4, 13), // a proof for another older size
      log.consistencyProof(5, 12), // a proof for another newer size
    ]) {
      expectCode(() => checkCheckpointConsistency(a, b, forged), 'CHECKPOINT_INCONSISTENT');
    }
  });

  it('rejects a relay that showed two diverging histories (CHECKPOINT_INCONSISTENT)', () => {
    // Leaf 2 differs: the newer log's own proof cannot connect it to the older root.
    const forked = logOf(13, (i) => (i === 2 ? sha256(utf8('replaced')) : idOf(i)));
    const a = opened(checkpointAt(log, 5));
    const b = opened(checkpointAt(forked, 13));
    expectCode(
      () => checkCheckpointConsistency(a, b, forked.consistencyProof(5, 13)),
      'CHECKPOINT_INCONSISTENT',
    );
    expectCode(
      () => checkCheckpointConsistency(a, b, log.consistencyProof(5, 13)),
      'CHECKPOINT_INCONSISTENT',
    );
  });

  it('refuses to compare checkpoints of two relays or two channels', () => {
    const a = opened(checkpointAt(log, 5));
    const mallory = publicKeyOf(MALLORY);
    const b = openCheckpoint(issueCheckpoint(fieldsAt(log, 8, { relay: mallory }), MALLORY));
    const c = opened(issueCheckpoint(fieldsAt(log, 8, { channel: OTHER_CHANNEL }), RELAY));
    const proof = log.consistencyProof(5, 8);
    expectCode(() => checkCheckpointConsistency(a, b, proof), 'CHECKPOINT_RELAY_MISMATCH');
    expectCode(() => checkCheckpointConsistency(a, c, proof), 'CHECKPOINT_CHANNEL_MISMATCH');
  });
});
