// Two real clients against a relay that lies (src/node/lying-relay.ts, exported as `LyingRelay` from `@hotline/client/node`), one lie per
// test: what the client raises, that the evidence checks offline with the signer's
// functions alone, and what the application sees (nothing twice, nothing altered,
// each sender's order). Where a lie is undetectable by design, the test says so and
// shows what is detectable instead. Every wait is an event; no sleeps.

import {
  bytesEqual,
  type CharterInput,
  decodeCheckpoint,
  decodeEnvelope,
  decodeReceipt,
  KIND,
  toHex,
} from '@hotline/codec';
import {
  checkCheckpointConsistency,
  MerkleLog,
  openCheckpoint,
  openEnvelope,
  publicKeyOf,
  verifyReceipt,
} from '@hotline/signer';
import { expect } from 'chai';
import {
  type Alarm,
  type ClientTuning,
  type HotlineClient,
  type MessageEvent,
  type TranscriptRelay,
  verifyTranscript,
} from '../src/index.js';
import { LyingRelay } from '../src/node/lying-relay.js';
import {
  ALICE,
  BOB,
  clientOf,
  RELAY_1,
  RELAY_2,
  startTestRelay,
  text,
  untext,
} from './_fixture.js';

/** Short deadlines, so that withholding and gaps are reported within a test. */
const FAST: Partial<ClientTuning> = {
  gapTimeoutMs: 200,
  withholdGraceMs: 200,
  checkpointIntervalMs: 100,
  retryMs: 50,
};

const ALICE_HEX = toHex(publicKeyOf(ALICE));
const BOB_HEX = toHex(publicKeyOf(BOB));

/** The text of a text envelope; '' for the charter and other kinds. */
const bodyOf = (bytes: Uint8Array) => {
  const { kind, body } = decodeEnvelope(bytes).fields;
  return kind === KIND.text ? untext(body) : '';
};

/** Expects `fn` to throw a HotlineError with `code`. */
function expectCode(fn: () => unknown, code: string): void {
  try {
    fn();
  } catch (error) {
    expect((error as { code?: string }).code).to.equal(code);
    return;
  }
  expect.fail(`expected ${code}`);
}

/** Collects the next `count` message events of `client`. */
function messages(client: HotlineClient, count: number): Promise<MessageEvent[]> {
  const got: MessageEvent[] = [];
  return new Promise((resolve) => {
    const off = client.on('message', (event) => {
      got.push(event);
      if (got.length === count) {
        off();
        resolve(got);
      }
    });
  });
}

interface World {
  evil: LyingRelay;
  honestKey: string | undefined;
  alice: HotlineClient;
  bob: HotlineClient;
  channel: Uint8Array;
  /** Every alarm each client raised, in order. */
  alarms: { alice: Alarm[]; bob: Alarm[] };
  /** Bodies of every message event bob's application saw. */
  seenByBob: string[];
  send(client: HotlineClient, body: string): ReturnType<HotlineClient['send']>;
  /** What `client` recorded of the evil relay: its delivered log, checkpoints, receipts. */
  evilRecord(client: HotlineClient): TranscriptRelay;
}

describe('client against a malicious relay', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  /**
   * Alice founds a channel of alice and bob over the evil relay (and an honest one
   * with `honest`), waits for every relay to hold the charter, then bob joins and
   * is subscribed on the evil relay.
   */
  async function world(
    options: { honest?: boolean; tuning?: Partial<ClientTuning> } = {},
  ): Promise<World> {
    const evil = await LyingRelay.start(RELAY_1);
    cleanup.push(() => evil.close());
    const relays = [{ key: evil.publicKey, url: evil.url }];
    let honestKey: string | undefined;
    if (options.honest) {
      const honest = await startTestRelay(RELAY_2);
      cleanup.push(() => honest.relay.close());
      relays.push({ key: honest.relay.publicKey, url: honest.url });
      honestKey = toHex(honest.relay.publicKey);
    }
    const charter: CharterInput = {
      members: [
        { key: publicKeyOf(ALICE), name: 'alice' },
        { key: publicKeyOf(BOB), name: 'bob' },
      ],
      relays,
      params: { heartbeatInterval: 60_000 },
    };
    const tuning = options.tuning ?? FAST;
    const alice = clientOf(ALICE, { tuning, requestTimeoutMs: 2_000 });
    const bob = clientOf(BOB, { tuning, requestTimeoutMs: 2_000 });
    cleanup.push(
      () => alice.close(),
      () => bob.close(),
    );
    const alarms = { alice: [] as Alarm[], bob: [] as Alarm[] };
    alice.on('alarm', (alarm) => alarms.alice.push(alarm));
    bob.on('alarm', (alarm) => alarms.bob.push(alarm));
    const seenByBob: string[] = [];
    bob.on('message', (event) => seenByBob.push(untext(event.envelope.fields.body)));

    const session = alice.found(charter);
    await alice.receipted(decodeEnvelope(session.charterEnvelope).id, relays.length);
    const subscribed = evil.next('subscribe', (event) => event.client === BOB_HEX);
    bob.join(session.charterEnvelope);
    await subscribed;
    const channel = session.channel;
    return {
      evil,
      honestKey,
      alice,
      bob,
      channel,
      alarms,
      seenByBob,
      send: (client, body) => client.send(channel, { kind: KIND.text, body: text(body) }),
      evilRecord: (client) =>
        client.transcript(channel).relays.find((r) => toHex(r.relay) === evil.keyHex)!,
    };
  }

  /** The checkpoint of an alarm's evidence, opened as the evil relay's for the channel. */
  function openedEvidence(w: World, alarm: Alarm, at = 0) {
    const bytes = alarm.evidence.checkpoints?.[at];
    expect(bytes, 'checkpoint in the evidence').to.be.instanceOf(Uint8Array);
    return openCheckpoint(bytes!, { relay: w.evil.publicKey, channel: w.channel });
  }

  /** The Merkle log of the ids a client recorded the relay delivering. */
  const logOf = (record: TranscriptRelay) => {
    const log = new MerkleLog();
    log.appendIds([...record.log]);
    return log;
  };

  /**
   * Bob's checks have run on what the relay now holds: two checkpoint answers after
   * the relay's last append, then a publish whose receipt comes after them on the
   * same socket (frames are handled in order).
   */
  async function settled(w: World): Promise<void> {
    const size = w.evil.entries(w.channel).length;
    for (let i = 0; i < 2; i++) {
      await w.evil.next('checkpoint', (event) => event.client === BOB_HEX && event.size >= size);
    }
    const ack = w.send(w.bob, 'settled');
    await w.bob.receipted(ack.id);
  }

  it('a relay that skips an index (indices kept): the client waits, then reports relay-withholding; the honest relay fills in', async function () {
    this.timeout(3_000);
    const w = await world({ honest: true });
    w.evil.dropDeliveries((entry) => bodyOf(entry.bytes) === 'two', { to: BOB_HEX });
    const arriving = messages(w.bob, 3);
    const alarm = w.bob.next('alarm', (a) => a.type === 'relay-withholding');
    for (const body of ['one', 'two', 'three']) w.send(w.alice, body);
    const got = await arriving;
    expect(got.map((event) => untext(event.envelope.fields.body))).to.deep.equal([
      'one',
      'two',
      'three',
    ]);
    // 'two' can only have come from the honest relay.
    expect(got[1]!.relay).to.equal(w.honestKey);
    const raised = await alarm;
    expect(raised.relay).to.equal(w.evil.keyHex);
    expect(raised.signed).to.equal(false);
    // The relay signed a log longer than the contiguous prefix it delivered to bob.
    const checkpoint = openedEvidence(w, raised);
    expect(checkpoint.fields.size).to.be.greaterThan(w.evilRecord(w.bob).log.length);
    expect(w.alarms.bob.filter((a) => a.relay === w.honestKey)).to.deep.equal([]);
  });

  it('a relay that drops an entry and renumbers the rest: the sender gap and relay-withholding', async function () {
    this.timeout(3_000);
    const w = await world();
    w.evil.dropDeliveries((entry) => bodyOf(entry.bytes) === 'two', { to: BOB_HEX, relabel: true });
    const first = messages(w.bob, 1);
    const gap = w.bob.next('alarm', (a) => a.type === 'gap');
    const withheld = w.bob.next('alarm', (a) => a.type === 'relay-withholding');
    for (const body of ['one', 'two', 'three']) w.send(w.alice, body);
    expect((await first).map((event) => untext(event.envelope.fields.body))).to.deep.equal(['one']);
    // The gap is signed: alice's seq 4 ('three') names a predecessor bob never got.
    const gapAlarm = await gap;
    expect(gapAlarm.sender).to.equal(ALICE_HEX);
    expect(gapAlarm.signed).to.equal(true);
    const later = gapAlarm.evidence.envelopes!.map((bytes) => openEnvelope(bytes));
    expect(later.map((e) => [e.fields.seq, untext(e.fields.body)])).to.deep.equal([[4, 'three']]);
    const relayAlarm = await withheld;
    expect(relayAlarm.relay).to.equal(w.evil.keyHex);
    expect(openedEvidence(w, relayAlarm).fields.size).to.equal(4);
    // 'three' is held back, never handed to the application out of order.
    expect(w.seenByBob).to.deep.equal(['one']);
  });

  it('a pure delay within the deadlines is undetectable by design: late, in order, no alarm', async function () {
    // spec/07-relay.md §14: a relay "can delay … what it delivers"; receipts,
    // chains and heartbeats make delay detectable only once it outlasts a deadline
    // (here withholdGraceMs and gapTimeoutMs), and 05-checkpoints.md §11: a receipt
    // does not prove when the relay received an envelope. Below the deadlines, a
    // late delivery is indistinguishable from a slow network.
    this.timeout(3_000);
    const delayMs = 300;
    const w = await world({
      tuning: { ...FAST, gapTimeoutMs: 2_000, withholdGraceMs: 2_000 },
    });
    w.evil.delayDeliveries(delayMs, { to: BOB_HEX });
    const arriving = messages(w.bob, 2);
    const start = performance.now();
    w.send(w.alice, 'one');
    w.send(w.alice, 'two');
    const got = await arriving;
    expect(performance.now() - start).to.be.at.least(delayMs);
    expect(got.map((event) => untext(event.envelope.fields.body))).to.deep.equal(['one', 'two']);
    await settled(w);
    expect(w.alarms.bob).to.deep.equal([]);
    expect(w.alarms.alice).to.deep.equal([]);
  });

  it('frames out of order with honest indices: the client asks again from the gap; order intact, no alarm', async function () {
    this.timeout(3_000);
    const w = await world();
    w.evil.reorder(1, 2, { to: BOB_HEX });
    const arriving = messages(w.bob, 2);
    w.send(w.alice, 'one');
    w.send(w.alice, 'two');
    const got = await arriving;
    expect(got.map((event) => untext(event.envelope.fields.body))).to.deep.equal(['one', 'two']);
    await settled(w);
    expect(w.alarms.bob).to.deep.equal([]);
    expect(w.seenByBob).to.deep.equal(['one', 'two']);
  });

  it('two entries swapped and renumbered: relay-log-mismatch; the application still sees the sender order', async function () {
    this.timeout(3_000);
    const w = await world();
    w.evil.reorder(1, 2, { to: BOB_HEX, relabel: true });
    const arriving = messages(w.bob, 2);
    const alarm = w.bob.next('alarm', (a) => a.type === 'relay-log-mismatch');
    w.send(w.alice, 'one');
    w.send(w.alice, 'two');
    const got = await arriving;
    // Bob's chain check parks seq 3 until seq 2 arrives: the sender's order survives.
    expect(got.map((event) => untext(event.envelope.fields.body))).to.deep.equal(['one', 'two']);
    const raised = await alarm;
    expect(raised.relay).to.equal(w.evil.keyHex);
    // The checkpoint is signed; the order it was contradicted by is bob's record of
    // unsigned deliver frames, so the claim needs the transcript (signed: false).
    expect(raised.signed).to.equal(false);
    const checkpoint = openedEvidence(w, raised);
    const { size, root } = checkpoint.fields;
    const record = w.evilRecord(w.bob);
    expect(bytesEqual(logOf(record).root(size), root)).to.equal(false);
    const signed = new MerkleLog();
    signed.appendIds(w.evil.entries(w.channel).map((entry) => entry.id));
    expect(bytesEqual(signed.root(size), root)).to.equal(true);
    // Offline, bob's transcript shows the same: a checkpoint that is not its log's.
    const report = verifyTranscript(w.bob.transcript(w.channel));
    expect(report.ok).to.equal(false);
    expect(
      report.items.filter((item) => item.verdict === 'fail').map((item) => item.code),
    ).to.include('TRANSCRIPT_ROOT_MISMATCH');
  });

  it('a replayed envelope at a new index: the application sees it once; relay-log-mismatch', async function () {
    this.timeout(3_000);
    const w = await world();
    w.evil.replay(1, 1, { to: BOB_HEX });
    const arriving = messages(w.bob, 2);
    const alarm = w.bob.next('alarm', (a) => a.type === 'relay-log-mismatch');
    w.send(w.alice, 'one');
    w.send(w.alice, 'two');
    await arriving;
    const raised = await alarm;
    expect(raised.relay).to.equal(w.evil.keyHex);
    openedEvidence(w, raised);
    await settled(w);
    // The delivered log holds 'one' twice (indices 1 and 2); the application once.
    const record = w.evilRecord(w.bob);
    expect(toHex(record.log[1]!)).to.equal(toHex(record.log[2]!));
    expect(w.seenByBob).to.deep.equal(['one', 'two']);
  });

  it('an altered byte once: relay-tampered, and the original arrives after the reconnect', async function () {
    this.timeout(3_000);
    const w = await world();
    w.evil.alterByte(1, { to: BOB_HEX, once: true });
    const arriving = messages(w.bob, 1);
    const alarm = w.bob.next('alarm', (a) => a.type === 'relay-tampered');
    w.send(w.alice, 'original');
    const raised = await alarm;
    expect(raised.relay).to.equal(w.evil.keyHex);
    expect(raised.code).to.equal('SIGNATURE_INVALID');
    expect(raised.signed).to.equal(false);
    // Offline: the bytes received do not verify, whoever checks them.
    expectCode(() => openEnvelope(raised.evidence.received!), 'SIGNATURE_INVALID');
    const [event] = await arriving;
    expect(untext(event!.envelope.fields.body)).to.equal('original');
    expect(event!.relay).to.equal(w.evil.keyHex);
    expect(w.seenByBob).to.deep.equal(['original']);
  });

  it('an altered copy after the honest one: relay-tampered; the application keeps the honest relay’s original', async function () {
    this.timeout(3_000);
    const w = await world({ honest: true });
    // The evil relay's copy comes late, so bob already holds the envelope's id when
    // it arrives. The id covers the signed bytes only, not the signature: a copy
    // with another signature has the same id and must still be checked.
    w.evil.alterByte(1, { to: BOB_HEX });
    w.evil.delayDeliveries(150, { to: BOB_HEX });
    const arriving = messages(w.bob, 1);
    const altered = w.evil.next('deliver', (e) => e.client === BOB_HEX && e.index === 1);
    const sent = w.send(w.alice, 'original');
    const [event] = await arriving;
    expect(event!.relay).to.equal(w.honestKey);
    expect(toHex(event!.envelope.bytes)).to.equal(toHex(sent.bytes));
    await altered;
    // A receipt sent after the altered deliver frame: bob has handled that frame.
    const receipt = w.bob.next('receipt', (e) => e.relay === w.evil.keyHex && e.count > 0);
    w.send(w.bob, 'ack');
    await receipt;
    const raised = w.alarms.bob.find((a) => a.type === 'relay-tampered');
    expect(raised, 'a relay-tampered alarm').to.not.equal(undefined);
    expect(raised!.relay).to.equal(w.evil.keyHex);
    expectCode(() => openEnvelope(raised!.evidence.received!), 'SIGNATURE_INVALID');
    const foreign = w.alarms.bob.filter((a) => a.relay !== w.evil.keyHex);
    expect(foreign.map((a) => [a.type, a.code, a.detail])).to.deep.equal([]);
    expect(w.seenByBob).to.deep.equal(['original']);
  });

  it('receipted and signed but never delivered to bob: relay-withholding; the honest relay delivers', async function () {
    this.timeout(3_000);
    const w = await world({ honest: true });
    w.evil.withholdAfterReceipt((entry) => bodyOf(entry.bytes) === 'secret', { to: BOB_HEX });
    const arriving = messages(w.bob, 1);
    const alarm = w.bob.next('alarm', (a) => a.type === 'relay-withholding');
    const sent = w.send(w.alice, 'secret');
    await w.alice.receipted(sent.id, 2);
    const [event] = await arriving;
    expect(event!.relay).to.equal(w.honestKey);
    const raised = await alarm;
    expect(raised.relay).to.equal(w.evil.keyHex);
    const checkpoint = openedEvidence(w, raised);
    expect(w.evilRecord(w.bob).log.length).to.be.lessThan(checkpoint.fields.size);
    // Alice's receipt proves, offline, that the very tree bob was shown a checkpoint
    // of contains 'secret': the relay signed it and kept it from bob.
    const receiptBytes = w
      .evilRecord(w.alice)
      .receipts.find((bytes) => toHex(decodeReceipt(bytes).id) === toHex(sent.id))!;
    const { receipt } = verifyReceipt(receiptBytes, {
      relay: w.evil.publicKey,
      channel: w.channel,
      id: sent.id,
    });
    const receiptCheckpoint = decodeCheckpoint(receipt.checkpoint);
    expect(receiptCheckpoint.fields.size).to.equal(checkpoint.fields.size);
    expect(toHex(receiptCheckpoint.fields.root)).to.equal(toHex(checkpoint.fields.root));
  });

  it('two members shown different logs: each view is self-consistent; their checkpoints convict the relay', async function () {
    this.timeout(3_000);
    const w = await world({ honest: true });
    // Bob's log on the evil relay lacks alice's message; his receipts and
    // checkpoints are signed over that other log.
    w.evil.forkView((entry) => bodyOf(entry.bytes) === 'for alice only', { to: BOB_HEX });
    const toBob = messages(w.bob, 1);
    const fromAlice = w.send(w.alice, 'for alice only');
    await w.alice.receipted(fromAlice.id, 2);
    expect((await toBob)[0]!.relay).to.equal(w.honestKey);
    const toAlice = messages(w.alice, 1);
    const fromBob = w.send(w.bob, 'reply');
    await w.bob.receipted(fromBob.id, 2);
    await toAlice;

    // Alone, neither client can tell: each transcript verifies, and no client
    // raised an alarm about the relay. Members compare checkpoints by witnessing
    // (05-checkpoints.md §8), carried in heartbeats (a later chapter); when the
    // client does that, this becomes a relay-equivocation alarm.
    for (const client of [w.alice, w.bob]) {
      const report = verifyTranscript(client.transcript(w.channel));
      const failed = report.items.filter((item) => item.verdict === 'fail');
      expect(failed, JSON.stringify(failed)).to.deep.equal([]);
    }
    expect([...w.alarms.alice, ...w.alarms.bob]).to.deep.equal([]);

    // Together they can: both hold a signed checkpoint of size 2 (alice's
    // [charter, her message], bob's [charter, his reply]); equal sizes with
    // different roots need no proof at all (05-checkpoints.md §7).
    const ofSize2 = (client: HotlineClient) =>
      w
        .evilRecord(client)
        .checkpoints.map((bytes) =>
          openCheckpoint(bytes, { relay: w.evil.publicKey, channel: w.channel }),
        )
        .find((checkpoint) => checkpoint.fields.size === 2)!;
    const seenByAlice = ofSize2(w.alice);
    const seenByBob = ofSize2(w.bob);
    expect(seenByAlice, 'alice holds a checkpoint of size 2').to.not.equal(undefined);
    expect(seenByBob, 'bob holds a checkpoint of size 2').to.not.equal(undefined);
    expectCode(
      () => checkCheckpointConsistency(seenByAlice, seenByBob, []),
      'CHECKPOINT_INCONSISTENT',
    );
  });

  it('two members shown different logs, with a heartbeat: the other member raises relay-equivocation itself', async function () {
    this.timeout(3_000);
    const w = await world({ honest: true });
    w.evil.forkView((entry) => bodyOf(entry.bytes) === 'for alice only', { to: BOB_HEX });
    const fromAlice = w.send(w.alice, 'for alice only');
    await w.alice.receipted(fromAlice.id, 2);
    const fromBob = w.send(w.bob, 'reply');
    await w.bob.receipted(fromBob.id, 2);
    // Bob's heartbeat carries the evil relay's checkpoint of bob's view (spec/12-semantics.md §5).
    const raised = w.alice.next('alarm', (alarm) => alarm.type === 'relay-equivocation');
    const heartbeat = w.bob.session(w.channel)!.semantics.sendHeartbeat();
    expect(heartbeat, 'a heartbeat was sent').to.be.instanceOf(Uint8Array);
    const alarm = await raised;
    expect(alarm.relay).to.equal(w.evil.keyHex);
    expect(alarm.signed).to.equal(true);
    // The evidence convicts the relay offline: two of its checkpoints that cannot both be true.
    const [a, b] = alarm.evidence.checkpoints!.map((bytes) =>
      openCheckpoint(bytes, { relay: w.evil.publicKey, channel: w.channel }),
    );
    expectCode(
      () => checkCheckpointConsistency(a!, b!, alarm.evidence.consistency?.proof ?? []),
      'CHECKPOINT_INCONSISTENT',
    );
    // The honest relay is not accused.
    expect(w.alarms.alice.filter((x) => x.relay === w.honestKey)).to.deep.equal([]);
  });

  it('a checkpoint over a rewritten history of the same size: relay-equivocation, two checkpoints as evidence', async function () {
    this.timeout(3_000);
    const w = await world();
    const arriving = messages(w.bob, 1);
    w.send(w.alice, 'one');
    await arriving;
    const ack = w.send(w.bob, 'ack');
    await w.bob.receipted(ack.id); // bob holds a checkpoint of size 3 from the receipt
    const alarm = w.bob.next('alarm', (a) => a.type === 'relay-equivocation');
    const forged = new Uint8Array(32).fill(0xee);
    w.evil.inconsistentCheckpoints((ids) => ids.map((id, i) => (i === 1 ? forged : id)), {
      to: BOB_HEX,
    });
    const raised = await alarm;
    expect(raised.relay).to.equal(w.evil.keyHex);
    expect(raised.signed).to.equal(true);
    expect(raised.evidence.checkpoints).to.have.length(2);
    // Offline: two signatures of the relay, one size, two roots.
    const [a, b] = [openedEvidence(w, raised, 0), openedEvidence(w, raised, 1)];
    expect(a.fields.size).to.equal(b.fields.size);
    expectCode(() => checkCheckpointConsistency(a, b, []), 'CHECKPOINT_INCONSISTENT');
  });

  it('a larger checkpoint over a rewritten history: the consistency proof fails; relay-equivocation with the proof', async function () {
    this.timeout(3_000);
    const w = await world();
    const arriving = messages(w.bob, 1);
    w.send(w.alice, 'one');
    await arriving;
    const ack = w.send(w.bob, 'ack');
    await w.bob.receipted(ack.id);
    const alarm = w.bob.next('alarm', (a) => a.type === 'relay-equivocation');
    const forged = new Uint8Array(32).fill(0xee);
    // One more entry than the log has, and entry 1 rewritten: the relay proves
    // consistency over its rewritten log, which does not start with what bob holds.
    w.evil.inconsistentCheckpoints(
      (ids) => [...ids.map((id, i) => (i === 1 ? forged : id)), forged],
      {
        to: BOB_HEX,
      },
    );
    const raised = await alarm;
    expect(raised.relay).to.equal(w.evil.keyHex);
    expect(raised.signed).to.equal(true);
    const [a, b] = [openedEvidence(w, raised, 0), openedEvidence(w, raised, 1)];
    const consistency = raised.evidence.consistency!;
    expect([consistency.fromSize, consistency.toSize]).to.deep.equal(
      [a.fields.size, b.fields.size].sort((x, y) => x - y),
    );
    expect(consistency.toSize).to.be.greaterThan(consistency.fromSize);
    expectCode(
      () => checkCheckpointConsistency(a, b, consistency.proof),
      'CHECKPOINT_INCONSISTENT',
    );
  });

  it('a publish refused as a fork the client never signed: relay-refused', async function () {
    this.timeout(3_000);
    const w = await world();
    w.evil.refusePublishes((envelope) => untext(envelope.fields.body) === 'refused', 'CHAIN_FORK', {
      to: ALICE_HEX,
      detail: { id: new Uint8Array(32).fill(0xab) as never, index: 1 },
    });
    const alarm = w.alice.next('alarm', (a) => a.type === 'relay-refused');
    w.send(w.alice, 'refused');
    const raised = await alarm;
    expect(raised.relay).to.equal(w.evil.keyHex);
    expect(raised.code).to.equal('CHAIN_FORK');
    expect(raised.signed).to.equal(false);
  });
});
