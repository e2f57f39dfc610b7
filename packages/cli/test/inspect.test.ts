// `hotline inspect`: views of real envelopes, frames, checkpoints and receipts,
// auto-detection, --json, --verify, and the exit codes of bad input.

import {
  assembleSign1,
  channelIdOf,
  ENVELOPE_PROFILE,
  encodeCbor,
  encodeCharterBody,
  encodeFrame,
  encodeReceipt,
  FIELD,
  KIND,
  sha256,
  toHex,
} from '@hotline/codec';
import {
  issueCheckpoint,
  MerkleLog,
  openEnvelope,
  publicKeyOf,
  secretKeyFromBytes,
  signEnvelope,
} from '@hotline/signer';
import { expect } from 'chai';
import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from '../src/exit-codes.ts';
import { inspectBytes } from '../src/inspect/views.ts';
import { main } from '../src/main.ts';
import { capturedIo } from './_io.ts';

const utf8 = (text: string) => new TextEncoder().encode(text);
const keyOf = (name: string) => secretKeyFromBytes(sha256(utf8(`hotline cli test key ${name}`)));
const ALICE = keyOf('alice');
const BOB = keyOf('bob');
const RELAY = keyOf('relay');
const CHANNEL = sha256(utf8('hotline cli test channel'));
const TIME = Date.UTC(2025, 9, 27, 12, 30, 0, 250);
const PREV = sha256(utf8('previous'));
const REF = sha256(utf8('answered'));

/** A text envelope with every optional field. */
const ENVELOPE = signEnvelope(
  {
    channel: CHANNEL,
    sender: publicKeyOf(ALICE),
    seq: 7,
    prev: PREV,
    time: TIME,
    kind: KIND.text,
    body: utf8('Stand down. Nothing follows.'),
    precedence: 'flash',
    ref: REF,
    expiry: TIME + 60_000,
    recipients: [publicKeyOf(BOB)],
  },
  ALICE,
);
const ENVELOPE_ID = openEnvelope(ENVELOPE).id;

const CHARTER_BODY = encodeCharterBody({
  members: [
    { key: publicKeyOf(ALICE), name: 'Alice desk' },
    { key: publicKeyOf(BOB), name: 'Bob desk' },
  ],
  relays: [{ key: publicKeyOf(RELAY), url: 'wss://relay.example/hotline' }],
  params: { heartbeatInterval: 60_000 },
});
const CHARTER = signEnvelope(
  {
    channel: channelIdOf(CHARTER_BODY),
    sender: publicKeyOf(ALICE),
    seq: 1,
    time: TIME,
    kind: KIND.charter,
    body: CHARTER_BODY,
  },
  ALICE,
);

const LOG = new MerkleLog();
LOG.appendIds([sha256(utf8('first')), ENVELOPE_ID, sha256(utf8('third'))]);
const CHECKPOINT = issueCheckpoint(
  {
    relay: publicKeyOf(RELAY),
    channel: CHANNEL as never,
    size: 3,
    root: LOG.root(3) as never,
    time: TIME,
  },
  RELAY,
);
const RECEIPT = encodeReceipt({
  checkpoint: CHECKPOINT,
  index: 1,
  id: ENVELOPE_ID,
  proof: LOG.inclusionProof(1, 3),
});

/** The same payload fields as a real envelope but kind 0, signed as it is. */
function envelopeWithKindZero(): Uint8Array {
  const payload = encodeCbor(
    new Map<number, Uint8Array | number>([
      [FIELD.version, 1],
      [FIELD.channel, CHANNEL],
      [FIELD.sender, publicKeyOf(ALICE)],
      [FIELD.seq, 1],
      [FIELD.time, TIME],
      [FIELD.kind, 0],
      [FIELD.body, utf8('x')],
    ]),
  );
  return assembleSign1(ENVELOPE_PROFILE, payload, new Uint8Array(64));
}

async function inspect(args: string[], stdin?: string) {
  const io = capturedIo(stdin === undefined ? {} : { stdin });
  const code = await main(['inspect', ...args], io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

describe('hotline inspect', () => {
  it('shows every field of an envelope, and does not verify unless asked', async () => {
    const { code, stdout } = await inspect([toHex(ENVELOPE)]);
    expect(code).to.equal(EXIT_OK);
    expect(stdout).to.match(/^envelope \(\d+ bytes\)/);
    for (const text of [
      toHex(ENVELOPE_ID),
      toHex(CHANNEL),
      toHex(publicKeyOf(ALICE)),
      toHex(PREV),
      toHex(REF),
      toHex(publicKeyOf(BOB)),
      '2025-10-27T12:30:00.250Z',
      `(${TIME} ms)`,
      '2025-10-27T12:31:00.250Z',
      'text (3)',
      'flash',
      '"Stand down. Nothing follows."',
      'not verified',
    ]) {
      expect(stdout).to.include(text);
    }
    expect(stdout).to.match(/seq {9}7\n/);
  });

  it('--verify prints the verdict; a forged signature fails with exit 1', async () => {
    const good = await inspect([toHex(ENVELOPE), '--verify']);
    expect(good.code).to.equal(EXIT_OK);
    expect(good.stdout).to.include('VERIFIED');

    const forged = ENVELOPE.slice();
    forged[forged.length - 1]! ^= 1; // last signature byte: the profile still decodes
    const unverified = await inspect([toHex(forged)]);
    expect(unverified.code).to.equal(EXIT_OK);
    const verified = await inspect([toHex(forged), '--verify']);
    expect(verified.code).to.equal(EXIT_FAILURE);
    expect(verified.stdout).to.include('FAILED SIGNATURE_INVALID');
  });

  it('decodes the charter of a charter envelope', async () => {
    const { code, stdout } = await inspect([toHex(CHARTER)]);
    expect(code).to.equal(EXIT_OK);
    expect(stdout).to.include('charter (1)');
    expect(stdout).to.include('"Alice desk"').and.include('"Bob desk"');
    expect(stdout).to.include('wss://relay.example/hotline');
    expect(stdout).to.include('60000 ms');
  });

  it('auto-detects a relay frame and decodes the envelope inside it', async () => {
    const deliver = encodeFrame({
      type: 'deliver',
      requestId: 42,
      channel: CHANNEL as never,
      index: 1,
      envelope: ENVELOPE,
    });
    const { code, stdout } = await inspect([toHex(deliver)]);
    expect(code).to.equal(EXIT_OK);
    expect(stdout).to.match(/^relay frame deliver \(type 8\)/);
    expect(stdout).to.include('request id  42');
    expect(stdout).to.include(`envelope: envelope (${ENVELOPE.length} bytes)`);
    expect(stdout).to.include(toHex(ENVELOPE_ID));
  });

  it('auto-detects a client frame after the relay-frame attempt', async () => {
    const publish = encodeFrame({ type: 'publish', requestId: 3, envelope: ENVELOPE });
    const result = inspectBytes(publish);
    expect(result.as).to.equal('frame-client');
    // Every earlier decoder was tried and failed with its own code.
    expect(result.attempts.map((a) => a.as)).to.deep.equal([
      'envelope',
      'checkpoint',
      'receipt',
      'frame-relay',
    ]);
    expect(result.attempts[3]!.error.code).to.equal('FRAME_UNEXPECTED');
    const { stdout } = await inspect([toHex(publish)]);
    expect(stdout).to.match(/^client frame publish \(type 5\)/);
  });

  it('a frame carrying undecodable bytes is shown, but exits 1', async () => {
    const publish = encodeFrame({
      type: 'publish',
      requestId: 3,
      envelope: envelopeWithKindZero(),
    });
    const result = inspectBytes(publish);
    expect(result.problems).to.equal(1);
    const { code, stdout } = await inspect([toHex(publish)]);
    expect(code).to.equal(EXIT_FAILURE);
    expect(stdout).to.include('KIND_OUT_OF_RANGE');
  });

  it('shows a checkpoint and verifies it on request', async () => {
    const { code, stdout } = await inspect([toHex(CHECKPOINT), '--verify']);
    expect(code).to.equal(EXIT_OK);
    expect(stdout).to.match(/^checkpoint \(\d+ bytes\)/);
    expect(stdout).to.include(toHex(publicKeyOf(RELAY)));
    expect(stdout).to.include(toHex(LOG.root(3)));
    expect(stdout).to.match(/tree size {3}3\n/);
    expect(stdout).to.include('VERIFIED');
  });

  it('shows a receipt with its checkpoint, and checks the inclusion proof on request', async () => {
    const { code, stdout } = await inspect([toHex(RECEIPT), '--verify']);
    expect(code).to.equal(EXIT_OK);
    expect(stdout).to.match(/^receipt \(\d+ bytes\)/);
    expect(stdout).to.include(toHex(ENVELOPE_ID));
    expect(stdout).to.include('checkpoint (');
    expect(stdout).to.not.include('FAILED');

    // The same receipt for another index: it decodes, but the proof does not reach the root.
    const wrong = encodeReceipt({
      checkpoint: CHECKPOINT,
      index: 2,
      id: ENVELOPE_ID,
      proof: LOG.inclusionProof(1, 3),
    });
    const failed = await inspect([toHex(wrong), '--verify']);
    expect(failed.code).to.equal(EXIT_FAILURE);
    expect(failed.stdout).to.include('FAILED RECEIPT_PROOF_INVALID');
  });

  it('--json prints one document with the decoded fields', async () => {
    const { code, stdout } = await inspect([toHex(ENVELOPE), '--json', '--verify']);
    expect(code).to.equal(EXIT_OK);
    const doc = JSON.parse(stdout);
    expect(doc).to.include({ ok: true, as: 'envelope', problems: 0 });
    expect(doc.view).to.include({
      type: 'envelope',
      id: toHex(ENVELOPE_ID),
      sender: toHex(publicKeyOf(ALICE)),
      seq: 7,
      precedence: 'flash',
    });
    expect(doc.view.time).to.deep.equal({ ms: TIME, iso: '2025-10-27T12:30:00.250Z' });
    expect(doc.view.kind).to.deep.equal({ number: 3, name: 'text', range: 'standard' });
    expect(doc.view.body.text).to.equal('Stand down. Nothing follows.');
    expect(doc.view.verification).to.deep.equal({ verified: true });
  });

  it('reads hex with whitespace from stdin with "-"', async () => {
    const hex = toHex(CHECKPOINT).replace(/(.{64})/g, '$1\n  ');
    const { code, stdout } = await inspect(['-', '--as', 'checkpoint'], hex);
    expect(code).to.equal(EXIT_OK);
    expect(stdout).to.match(/^checkpoint/);
  });

  it('bad hex and unknown --as values are usage errors (exit 2)', async () => {
    for (const args of [['zz'], ['abc'], [''], [toHex(ENVELOPE), '--as', 'cose']]) {
      const { code, stderr } = await inspect(args);
      expect(code, args.join(' ')).to.equal(EXIT_USAGE);
      expect(stderr).to.not.equal('');
    }
  });

  it('a corrupted envelope exits 1 with the code, field and offset', async () => {
    const zero = await inspect([toHex(envelopeWithKindZero()), '--as', 'envelope']);
    expect(zero.code).to.equal(EXIT_FAILURE);
    expect(zero.stdout).to.include('KIND_OUT_OF_RANGE (field kind)');

    // A byte after the envelope: the scan names where.
    const trailing = new Uint8Array([...ENVELOPE, 0]);
    const auto = await inspect([toHex(trailing), '--json']);
    expect(auto.code).to.equal(EXIT_FAILURE);
    const doc = JSON.parse(auto.stdout);
    expect(doc).to.include({ ok: false, as: null, view: null });
    expect(doc.attempts[0]).to.deep.include({ as: 'envelope' });
    expect(doc.attempts[0].error).to.include({
      code: 'CBOR_TRAILING_BYTES',
      offset: ENVELOPE.length,
    });
  });
});
