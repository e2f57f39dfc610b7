// Transcripts built from real signed envelopes, checkpoints and receipts: a valid one
// verifies item by item, and each defect is reported on its item with its code.

import {
  type CborValue,
  channelIdOf,
  compareBytes,
  type ErrorCode,
  encodeCbor,
  encodeCharterBody,
  encodeKeyRevokeBody,
  encodeKeyRotateBody,
  encodeReceipt,
  HotlineError,
  KIND,
  type MerkleRoot,
  rotationStatement,
  toHex,
} from '@hotline/codec';
import {
  issueCheckpoint,
  MerkleLog,
  openEnvelope,
  publicKeyOf,
  sign,
  signEnvelope,
} from '@hotline/signer';
import { sha256 } from '@noble/hashes/sha2.js';
import { expect } from 'chai';
import fc from 'fast-check';
import {
  decodeTranscript,
  encodeTranscript,
  type Transcript,
  type TranscriptRelay,
  type TranscriptReport,
  transcriptToJson,
  verifyTranscript,
} from '../src/index.js';

const utf8 = (s: string) => new TextEncoder().encode(s);
const secretOf = (name: string) => sha256(utf8(`hotline transcript test key ${name}`));
const ALICE = secretOf('alice');
const BOB = secretOf('bob');
const CAROL = secretOf('carol'); // not a member
const R1 = secretOf('relay 1');
const R2 = secretOf('relay 2');
const R3 = secretOf('relay 3'); // not listed in the charter
const T0 = 1_764_000_000_000;

const BODY = encodeCharterBody({
  members: [
    { key: publicKeyOf(ALICE), name: 'alice' },
    { key: publicKeyOf(BOB), name: 'bob' },
  ],
  relays: [
    { key: publicKeyOf(R1), url: 'wss://r1.example.org' },
    { key: publicKeyOf(R2), url: 'wss://r2.example.org' },
  ],
  params: { heartbeatInterval: 60_000 },
});
const CHANNEL = channelIdOf(BODY);

/** One sender's chain: seq 1, 2, 3 … each linked to the one before. */
class Chain {
  #next = 1;
  #prev: Uint8Array | undefined;
  constructor(
    readonly secret: Uint8Array,
    readonly channel: Uint8Array = CHANNEL,
  ) {}
  next(body: string | Uint8Array, kind: number = KIND.text): Uint8Array {
    const bytes = this.sign(this.#next, this.#prev, body, kind);
    this.#next++;
    this.#prev = idOf(bytes);
    return bytes;
  }
  /** An envelope at any place, without moving the chain (for forks). */
  sign(
    seq: number,
    prev: Uint8Array | undefined,
    body: string | Uint8Array,
    kind: number = KIND.text,
  ) {
    const fields = {
      channel: this.channel,
      sender: publicKeyOf(this.secret),
      seq,
      prev,
      time: T0 + seq,
      kind,
      body: typeof body === 'string' ? utf8(body) : body,
    };
    return signEnvelope(fields, this.secret);
  }
}

const idOf = (bytes: Uint8Array) => openEnvelope(bytes).id;

/** A relay's record of a log it really kept: checkpoints at `sizes`, receipts per entry. */
function relayRecord(
  secret: Uint8Array,
  envelopes: readonly Uint8Array[],
  options: { sizes?: number[]; recorded?: number; proofs?: [number, number][] } = {},
): TranscriptRelay {
  const ids = envelopes.map(idOf);
  const log = new MerkleLog();
  log.appendIds(ids);
  const relay = publicKeyOf(secret);
  const sizes = options.sizes ?? [ids.length];
  const checkpointAt = (size: number) =>
    issueCheckpoint(
      { relay, channel: CHANNEL, size, root: log.root(size) as MerkleRoot, time: T0 + size },
      secret,
    );
  // Each entry's receipt is cut against the first checkpoint that covers it (its commit).
  const receipts = ids.map((id, index) => {
    const size = sizes.find((s) => s > index) ?? ids.length;
    const proof = log.inclusionProof(index, size);
    return encodeReceipt({ checkpoint: checkpointAt(size), index, id, proof });
  });
  const recorded = options.recorded ?? ids.length;
  return {
    relay,
    log: ids.slice(0, recorded),
    checkpoints: sizes.map(checkpointAt),
    receipts: receipts.slice(0, recorded),
    consistency: (options.proofs ?? []).map(([fromSize, toSize]) => ({
      fromSize,
      toSize,
      proof: log.consistencyProof(fromSize, toSize),
    })),
  };
}

interface World {
  alice: Chain;
  /** Relay 1's log order: alice#1 (the charter), alice#2, bob#1, alice#3, bob#2. */
  order: Uint8Array[];
  transcript: Transcript;
}

function world(): World {
  const alice = new Chain(ALICE);
  const bob = new Chain(BOB);
  const order = [
    alice.next(BODY, KIND.charter),
    alice.next('we stand down'),
    bob.next('received'),
    alice.next('confirm?'),
    bob.next('confirmed'),
  ];
  const [a1, a2, b1, a3, b2] = order as [
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
    Uint8Array,
  ];
  const transcript: Transcript = {
    channel: CHANNEL,
    charter: a1,
    envelopes: [...order].reverse(), // any order
    // Relay 1 committed twice (sizes 3 and 5); relay 2 once, in another order. Sorted
    // by key, as in the file.
    relays: [
      relayRecord(R1, order, { sizes: [3, 5], proofs: [[3, 5]] }),
      relayRecord(R2, [a1, b1, a2, a3, b2]),
    ].sort((x, y) => compareBytes(x.relay, y.relay)),
    exportedAt: T0 + 1000,
  };
  return { alice, order, transcript };
}

function relayOf(t: Transcript, secret: Uint8Array): TranscriptRelay {
  return t.relays.find((r) => toHex(r.relay) === toHex(publicKeyOf(secret)))!;
}

function itemsWith(report: TranscriptReport, code: ErrorCode) {
  return report.items.filter((i) => i.code === code);
}

function expectFail(report: TranscriptReport, item: string | RegExp, code: ErrorCode) {
  const match = report.items.filter((i) =>
    typeof item === 'string' ? i.item === item : item.test(i.item),
  );
  expect(
    match.map((i) => [i.verdict, i.code]),
    JSON.stringify(report.items, null, 1),
  ).to.deep.include(['fail', code]);
  expect(report.ok).to.equal(false);
}

/** How a report names a key that is not in the charter (a successor): its first 4 bytes. */
const memberName = (secret: Uint8Array) => `${toHex(publicKeyOf(secret)).slice(0, 8)}…`;
const relayName = (secret: Uint8Array) => `relay ${toHex(publicKeyOf(secret)).slice(0, 8)}…`;

describe('transcript: verification', () => {
  it('a valid transcript verifies with every item ok', () => {
    const { transcript } = world();
    const report = verifyTranscript(transcript);
    const notOk = report.items.filter((i) => i.verdict !== 'ok');
    expect(notOk, JSON.stringify(notOk)).to.deep.equal([]);
    expect(report.ok).to.equal(true);
    const names = report.items.map((i) => i.item);
    expect(names).to.include.members([
      'charter',
      'envelope alice#1',
      'envelope alice#3',
      'envelope bob#2',
      `${relayName(R1)}: log of 5 entries`,
      `${relayName(R1)}: checkpoint size 3`,
      `${relayName(R1)}: checkpoint size 5`,
      `${relayName(R1)}: consistency 3→5`,
      `${relayName(R1)}: receipt index 3 (envelope alice#3)`,
      `${relayName(R2)}: receipt index 1 (envelope bob#1)`,
    ]);
    // Five envelopes, each once, though the charter is given twice.
    expect(names.filter((n) => n.startsWith('envelope '))).to.have.length(5);
  });

  it('survives the file: decode(encode(t)) verifies the same', () => {
    const { transcript } = world();
    const decoded = decodeTranscript(encodeTranscript(transcript));
    expect(verifyTranscript(decoded)).to.deep.equal(verifyTranscript(transcript));
  });

  it('an altered byte in an envelope fails its signature', () => {
    const { transcript, order } = world();
    const altered = order[3]!.slice();
    altered[altered.length - 1]! ^= 0x01; // a signature byte: same payload, same label
    const report = verifyTranscript({
      ...transcript,
      envelopes: [...order.slice(0, 3), altered, order[4]!],
    });
    expectFail(report, 'envelope alice#3', 'SIGNATURE_INVALID');
    // The relay logged alice#3, which the transcript no longer holds validly.
    expectFail(report, `${relayName(R1)}: log of 5 entries`, 'TRANSCRIPT_ENVELOPE_MISSING');
  });

  it('an altered payload byte changes the id and fails the signature', () => {
    const { transcript, order } = world();
    const altered = order[1]!.slice();
    altered[altered.length - 70]! ^= 0x01; // last byte of the payload (the body's text)
    const report = verifyTranscript({ ...transcript, envelopes: [...order, altered] });
    expect(itemsWith(report, 'SIGNATURE_INVALID')).to.have.length(1);
  });

  it('a missing seq is a gap', () => {
    const { transcript, order } = world();
    const report = verifyTranscript({
      ...transcript,
      envelopes: order.filter((_, i) => i !== 2), // bob#1
      relays: [],
    });
    expectFail(report, 'envelope bob#2', 'CHAIN_GAP');
    expect(report.items.find((i) => i.item === 'envelope bob#2')!.detail).to.match(/seq 1 missing/);
  });

  it('two envelopes at one seq are a fork, both ids reported', () => {
    const { transcript, order, alice } = world();
    const other = alice.sign(3, idOf(order[1]!), utf8('we do not stand down'));
    const report = verifyTranscript({ ...transcript, envelopes: [...order, other] });
    expectFail(report, 'envelope alice#3', 'CHAIN_FORK');
    const fork = itemsWith(report, 'CHAIN_FORK')[0]!;
    expect(fork.detail)
      .to.include(toHex(idOf(order[3]!)))
      .and.include(toHex(idOf(other)));
    // The branch the chain goes on with (alice#3 of the log) stays ok.
    expect(
      report.items.filter((i) => i.item === 'envelope alice#3').map((i) => i.verdict),
    ).to.have.members(['ok', 'fail']);
  });

  it('the same envelope twice is no error', () => {
    const { transcript, order } = world();
    const report = verifyTranscript({ ...transcript, envelopes: [...order, ...order] });
    expect(report.ok).to.equal(true);
  });

  it('an envelope of a non-member fails', () => {
    const { transcript, order } = world();
    const carol = new Chain(CAROL).next('I am in');
    const report = verifyTranscript({ ...transcript, envelopes: [...order, carol] });
    expectFail(report, /^envelope /, 'NOT_MEMBER');
  });

  it('an envelope of another channel fails', () => {
    const { transcript, order } = world();
    const elsewhere = new Chain(BOB, sha256(utf8('another channel'))).next('hi');
    const report = verifyTranscript({ ...transcript, envelopes: [...order, elsewhere] });
    expectFail(report, 'envelope bob#1', 'TRANSCRIPT_CHANNEL_MISMATCH');
  });

  describe('key rotation and revocation (I5–I7)', () => {
    const BOB2 = secretOf('bob 2');
    const bobsItems = (report: TranscriptReport, label: string) =>
      report.items.filter((i) => i.item === label).map((i) => [i.verdict, i.code ?? null]);
    /** An envelope of `secret` at any seq and time (a backdated one, say). */
    const at = (
      secret: Uint8Array,
      seq: number,
      prev: Uint8Array | undefined,
      time: number,
      ref?: Uint8Array,
    ) =>
      signEnvelope(
        {
          channel: CHANNEL,
          sender: publicKeyOf(secret),
          seq,
          prev,
          time,
          kind: KIND.text,
          body: utf8('signed with a key that was let go'),
          ...(ref === undefined ? {} : { ref }),
        },
        secret,
      );

    it('envelopes of a key revoked from before their time are void; the revoke itself and earlier ones are ok', () => {
      const { transcript, order } = world();
      const bob = new Chain(BOB);
      const b1 = bob.next('received'); // T0 + 1
      const b2 = bob.next('confirmed'); // T0 + 2: the key may already have been taken
      const revoke = bob.next(
        encodeKeyRevokeBody({
          key: publicKeyOf(BOB) as never,
          reason: 'compromised',
          effectiveFrom: T0 + 2,
        }),
        KIND['key-revoke'],
      );
      // After its key-revoke, backdated to before effectiveFrom: still not let in (I6).
      const late = at(BOB, 4, idOf(revoke), T0 + 1);
      const envelopes = [
        ...order.filter((e) => ![order[2], order[4]].includes(e)),
        b1,
        b2,
        revoke,
        late,
      ];
      const report = verifyTranscript({ ...transcript, envelopes, relays: [] });
      expect(bobsItems(report, 'envelope bob#1')).to.deep.equal([['ok', null]]);
      expect(bobsItems(report, 'envelope bob#2')).to.deep.equal([['void', 'KEY_REVOKED']]);
      expect(report.items.find((i) => i.item === 'envelope bob#2')!.detail)
        .to.include('compromised')
        .and.include(new Date(T0 + 2).toISOString())
        .and.include(toHex(idOf(revoke)));
      expect(bobsItems(report, 'envelope bob#3')).to.deep.equal([['ok', null]]);
      expect(bobsItems(report, 'envelope bob#4')).to.deep.equal([['fail', 'KEY_REVOKED']]);
    });

    it("a successor's chain is checked like a member's; the old key after its key-rotate fails", () => {
      const { transcript, order } = world();
      const bob = new Chain(BOB);
      const b1 = bob.next('received');
      const statement = rotationStatement(CHANNEL, publicKeyOf(BOB), publicKeyOf(BOB2));
      const rotate = bob.next(
        encodeKeyRotateBody({
          successor: publicKeyOf(BOB2) as never,
          proof: sign(statement, BOB2) as never,
          effectiveFrom: T0 + 2,
        }),
        KIND['key-rotate'],
      );
      const oldKeyAfter = at(BOB, 3, idOf(rotate), T0 + 3);
      const s1 = at(BOB2, 1, undefined, T0 + 5, idOf(rotate));
      const s3 = at(BOB2, 3, idOf(s1), T0 + 6); // seq 2 missing
      const envelopes = [order[0]!, order[1]!, order[3]!, b1, rotate, oldKeyAfter, s1, s3];
      const report = verifyTranscript({ ...transcript, envelopes, relays: [] });
      expect(report.items.filter((i) => i.code === 'NOT_MEMBER')).to.deep.equal([]);
      expect(bobsItems(report, 'envelope bob#2')).to.deep.equal([['ok', null]]);
      expect(bobsItems(report, 'envelope bob#3')).to.deep.equal([['fail', 'KEY_ROTATED']]);
      const successor = memberName(BOB2);
      expect(bobsItems(report, `envelope ${successor}#1`)).to.deep.equal([['ok', null]]);
      expect(bobsItems(report, `envelope ${successor}#3`)).to.deep.equal([['fail', 'CHAIN_GAP']]);
    });
  });

  describe('relay logs', () => {
    /** Relay 1's record with log entries 1 and 2 (alice#2, bob#1) swapped. */
    function swapped(): TranscriptReport {
      const { transcript } = world();
      const [r1, r2] = [relayOf(transcript, R1), relayOf(transcript, R2)];
      const log = [...r1!.log];
      [log[1], log[2]] = [log[2]!, log[1]!];
      return verifyTranscript({ ...transcript, relays: [{ ...r1!, log }, r2!] });
    }

    it('a log in another order than the relay signed fails the roots', () => {
      const report = swapped();
      // Chain order holds per sender, so the log itself is well formed …
      expect(
        report.items.find((i) => i.item === `${relayName(R1)}: log of 5 entries`)!.verdict,
      ).to.equal('ok');
      // … but the relay's signed roots say otherwise.
      expectFail(report, `${relayName(R1)}: checkpoint size 3`, 'TRANSCRIPT_ROOT_MISMATCH');
      expectFail(report, `${relayName(R1)}: checkpoint size 5`, 'TRANSCRIPT_ROOT_MISMATCH');
    });

    it('a receipt whose index holds another id in the log fails', () => {
      const report = swapped();
      expectFail(
        report,
        `${relayName(R1)}: receipt index 1 (envelope alice#2)`,
        'RECEIPT_ID_MISMATCH',
      );
      expectFail(
        report,
        `${relayName(R1)}: receipt index 2 (envelope bob#1)`,
        'RECEIPT_ID_MISMATCH',
      );
    });

    it('a log out of chain order fails', () => {
      const { transcript } = world();
      const r1 = relayOf(transcript, R1);
      const log = [...r1!.log];
      [log[1], log[3]] = [log[3]!, log[1]!]; // alice#3 before alice#2
      const report = verifyTranscript({ ...transcript, relays: [{ ...r1!, log }] });
      expectFail(report, `${relayName(R1)}: log of 5 entries`, 'TRANSCRIPT_LOG_INVALID');
    });

    it('a log that does not start with the charter fails', () => {
      const { transcript } = world();
      const r1 = relayOf(transcript, R1);
      const report = verifyTranscript({
        ...transcript,
        relays: [{ ...r1!, log: r1!.log.slice(1) }],
      });
      expectFail(report, `${relayName(R1)}: log of 4 entries`, 'TRANSCRIPT_LOG_INVALID');
    });

    it('a relay the charter does not list fails', () => {
      const { transcript, order } = world();
      const report = verifyTranscript({
        ...transcript,
        relays: [...transcript.relays, relayRecord(R3, order)],
      });
      expectFail(report, relayName(R3), 'TRANSCRIPT_RELAY_UNLISTED');
    });
  });

  describe('checkpoints and receipts', () => {
    it('two checkpoints of one size with different roots are CHECKPOINT_INCONSISTENT', () => {
      const { transcript, order } = world();
      // Relay 1 also signed a log of 5 in relay 2's order: equivocation.
      const other = relayRecord(R1, [order[0]!, order[2]!, order[1]!, order[3]!, order[4]!]);
      const [r1, r2] = [relayOf(transcript, R1), relayOf(transcript, R2)];
      const report = verifyTranscript({
        ...transcript,
        relays: [{ ...r1!, checkpoints: [...r1!.checkpoints, other.checkpoints[0]!] }, r2!],
      });
      expectFail(report, `${relayName(R1)}: checkpoints of size 5`, 'CHECKPOINT_INCONSISTENT');
    });

    it('a consistency proof that fails is CHECKPOINT_INCONSISTENT', () => {
      const { transcript } = world();
      const [r1, r2] = [relayOf(transcript, R1), relayOf(transcript, R2)];
      const bad = r1!.consistency.map((c) => ({
        ...c,
        proof: c.proof.map((h) => h.map((b) => b ^ 1)),
      }));
      const report = verifyTranscript({
        ...transcript,
        relays: [{ ...r1!, consistency: bad }, r2!],
      });
      expectFail(report, `${relayName(R1)}: consistency 3→5`, 'CHECKPOINT_INCONSISTENT');
    });

    it('a checkpoint beyond the recorded log is ok only through a consistency proof', () => {
      const { transcript, order } = world();
      const proven = relayRecord(R1, order, { sizes: [3, 5], recorded: 3, proofs: [[3, 5]] });
      let report = verifyTranscript({ ...transcript, relays: [proven] });
      expect(report.ok).to.equal(true);
      const item = (r: TranscriptReport) =>
        r.items.find((i) => i.item === `${relayName(R1)}: checkpoint size 5`)!;
      expect(item(report).verdict).to.equal('ok');
      report = verifyTranscript({ ...transcript, relays: [{ ...proven, consistency: [] }] });
      expect(item(report).verdict).to.equal('unchecked');
      expect(report.ok).to.equal(true); // unchecked is not a failure
    });

    it('a receipt for an envelope the transcript lacks fails', () => {
      const { transcript, order, alice } = world();
      const extra = alice.next('not exported');
      // The relay logged 6; the exporter recorded 5 entries and holds 5 envelopes.
      const r1 = relayRecord(R1, [...order, extra], {
        sizes: [3, 5, 6],
        recorded: 5,
        proofs: [
          [3, 5],
          [5, 6],
        ],
      });
      const receipt = relayRecord(R1, [...order, extra], { sizes: [6] }).receipts[5]!;
      const report = verifyTranscript({
        ...transcript,
        relays: [{ ...r1, receipts: [...r1.receipts, receipt] }],
      });
      expectFail(report, `${relayName(R1)}: receipt index 5`, 'TRANSCRIPT_ENVELOPE_MISSING');
      // Its checkpoint (size 6) extends size 5 by the relay's proof.
      expect(
        report.items.find((i) => i.item === `${relayName(R1)}: checkpoint size 6`)!.verdict,
      ).to.equal('ok');
    });

    it('a receipt of another relay fails with the checkpoint code', () => {
      const { transcript } = world();
      const [r1, r2] = [relayOf(transcript, R1), relayOf(transcript, R2)];
      const report = verifyTranscript({
        ...transcript,
        relays: [{ ...r1!, receipts: r2!.receipts }, r2!],
      });
      expectFail(report, /receipt index 0/, 'CHECKPOINT_RELAY_MISMATCH');
    });
  });

  describe('the charter', () => {
    it('a transcript naming another channel fails at the charter and checks nothing else', () => {
      const { transcript } = world();
      const report = verifyTranscript({ ...transcript, channel: sha256(utf8('other')) });
      expect(report.items.map((i) => [i.item, i.verdict, i.code])).to.deep.equal([
        ['charter', 'fail', 'TRANSCRIPT_CHANNEL_MISMATCH'],
        ['transcript', 'unchecked', undefined],
      ]);
    });

    it('a charter that is not a charter envelope fails with its code', () => {
      const { transcript, order } = world();
      const report = verifyTranscript({ ...transcript, charter: order[1]! });
      expectFail(report, 'charter', 'CHARTER_KIND_MISMATCH');
    });
  });
});

describe('transcript: file format', () => {
  it('rejects a truncated file with a CBOR code', () => {
    const bytes = encodeTranscript(world().transcript);
    for (const cut of [0, 1, 40, bytes.length - 1]) {
      expect(() => decodeTranscript(bytes.subarray(0, cut)))
        .to.throw(HotlineError)
        .with.property('code')
        .that.match(/^CBOR_/);
    }
  });

  it('rejects another format, unknown and missing keys, unsorted relays, reversed proofs', () => {
    const code = (input: Uint8Array) => {
      try {
        decodeTranscript(input);
      } catch (error) {
        return (error as HotlineError).code;
      }
      return 'none';
    };
    expect(code(raw())).to.equal('none');
    expect(code(raw({ 1: 'hotline-transcript v0.2' }))).to.equal('TRANSCRIPT_UNSUPPORTED');
    expect(code(raw({ 7: 0 }))).to.equal('TRANSCRIPT_MALFORMED');
    expect(code(raw({ 6: undefined }))).to.equal('TRANSCRIPT_MALFORMED');
    expect(code(raw({ 2: new Uint8Array(31) }))).to.equal('TRANSCRIPT_MALFORMED');
    expect(code(raw({ 4: [0] }))).to.equal('TRANSCRIPT_MALFORMED');
    expect(code(raw({ 5: [record(2), record(1)] }))).to.equal('TRANSCRIPT_MALFORMED');
    expect(code(raw({ 5: [record(1), record(1)] }))).to.equal('TRANSCRIPT_MALFORMED');
    expect(code(raw({ 5: [record(1, [[5, 3, []]])] }))).to.equal('TRANSCRIPT_MALFORMED');
    expect(code(raw({ 5: [record(1, [[3, 5, []]])] }))).to.equal('none');
    expect(code(Uint8Array.of(0x80))).to.equal('TRANSCRIPT_MALFORMED');
    expect(code(Uint8Array.of(0xa1, 0x01, 0xf6))).to.equal('CBOR_SIMPLE_VALUE');
    // A CBOR profile defect anywhere is the profile's code, before any shape check.
    const good = raw();
    expect(code(Uint8Array.of(...good, 0x00))).to.equal('CBOR_TRAILING_BYTES');
  });

  it('the JSON view names senders and shows text, times and kinds', () => {
    const json = transcriptToJson(world().transcript) as {
      envelopes: {
        senderName: string;
        seq: number;
        body: { text?: string };
        time: string;
        kindName: string;
      }[];
      relays: { url: string }[];
    };
    const stand = json.envelopes.find((e) => e.body.text === 'we stand down')!;
    expect(stand).to.include({ senderName: 'alice', seq: 2, kindName: 'text' });
    expect(stand.time).to.equal(new Date(T0 + 2).toISOString());
    const r1 = toHex(publicKeyOf(R1));
    expect(json.relays.map((r) => r.url)).to.deep.equal(
      world().transcript.relays.map((r) =>
        toHex(r.relay) === r1 ? 'wss://r1.example.org' : 'wss://r2.example.org',
      ),
    );
    expect(JSON.parse(JSON.stringify(json))).to.deep.equal(json);
  });

  describe('properties', () => {
    const hash = fc.uint8Array({ minLength: 32, maxLength: 32 });
    const bytes = fc.uint8Array({ maxLength: 80 });
    const relay = fc.record({
      relay: hash,
      log: fc.array(hash, { maxLength: 4 }),
      checkpoints: fc.array(bytes, { maxLength: 3 }),
      receipts: fc.array(bytes, { maxLength: 3 }),
      consistency: fc.array(
        fc
          .tuple(
            fc.nat({ max: 2 ** 40 }),
            fc.nat({ max: 2 ** 40 }),
            fc.array(hash, { maxLength: 3 }),
          )
          .map(([a, b, proof]) => ({ fromSize: Math.min(a, b), toSize: Math.max(a, b), proof })),
        { maxLength: 2 },
      ),
    });
    const transcript = fc.record({
      channel: hash,
      charter: bytes,
      envelopes: fc.array(bytes, { maxLength: 5 }),
      relays: fc.uniqueArray(relay, { maxLength: 3, selector: (r) => toHex(r.relay) }),
      exportedAt: fc.nat({ max: Number.MAX_SAFE_INTEGER }),
    });
    const sorted = (t: Transcript): Transcript => ({
      ...t,
      relays: [...t.relays].sort((a, b) => (toHex(a.relay) < toHex(b.relay) ? -1 : 1)),
    });

    it('decode(encode(t)) is t, relays sorted by key', () => {
      fc.assert(
        fc.property(transcript, (t) => {
          expect(decodeTranscript(encodeTranscript(t))).to.deep.equal(sorted(t));
        }),
        { numRuns: 200 },
      );
    });

    it('every truncation throws a HotlineError', () => {
      fc.assert(
        fc.property(transcript, fc.nat(), (t, n) => {
          const encoded = encodeTranscript(t);
          const cut = n % encoded.length;
          expect(() => decodeTranscript(encoded.subarray(0, cut))).to.throw(HotlineError);
        }),
        { numRuns: 300 },
      );
    });
  });
});

/** A small transcript written by hand, with `changes` to its keys (undefined removes one). */
function raw(changes: Record<number, CborValue | undefined> = {}): Uint8Array {
  const map = new Map<number, CborValue>([
    [1, 'hotline-transcript v0.1'],
    [2, new Uint8Array(32)],
    [3, new Uint8Array(0)],
    [4, []],
    [5, []],
    [6, 0],
  ]);
  for (const [key, value] of Object.entries(changes)) {
    if (value === undefined) map.delete(Number(key));
    else map.set(Number(key), value);
  }
  return encodeCbor(map);
}

/** A relay record of key 00…0<last>, empty but for its consistency proofs. */
function record(last: number, consistency: CborValue[] = []): CborValue {
  const key = new Uint8Array(32);
  key[31] = last;
  return new Map<number, CborValue>([
    [1, key],
    [2, []],
    [3, []],
    [4, []],
    [5, consistency],
  ]);
}
