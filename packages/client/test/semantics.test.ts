// Crisis semantics end to end (spec/12-semantics.md), over a real relay on
// loopback, with the clients' time on a manual clock: acknowledgement deadlines
// (overdue, late), heartbeats (peer-silent), the body checks that need the
// charter, and the ledger of measures. Time moves only when the test says so.

import { type CharterInput, encodeKindBody, KIND, sha256, toHex } from '@hotline/codec';
import { checkCheckpointConsistency, openCheckpoint, publicKeyOf } from '@hotline/signer';
import { expect } from 'chai';
import { type HotlineClient, ManualClock } from '../src/index.js';
import { LyingRelay } from '../src/node/lying-relay.js';
import {
  ALICE,
  BOB,
  clientOf,
  RELAY_1,
  RELAY_2,
  startTestRelay,
  type TestRelay,
} from './_fixture.js';

const en = (text: string) => ({ language: 'en', text });

describe('crisis semantics (manual clock)', function () {
  this.timeout(10_000);
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function world(params: Partial<CharterInput['params']> = {}, heartbeats = false) {
    const relay: TestRelay = await startTestRelay(RELAY_1);
    cleanup.push(() => relay.relay.close());
    const clock = new ManualClock(Date.now());
    const tuning = { autoAckReceived: true, heartbeats };
    const alice = clientOf(ALICE, { clock, tuning });
    const bob = clientOf(BOB, { clock, tuning });
    cleanup.push(
      () => alice.close(),
      () => bob.close(),
    );
    const session = alice.found({
      members: [
        { key: publicKeyOf(ALICE), name: 'alice' },
        { key: publicKeyOf(BOB), name: 'bob' },
      ],
      relays: [{ key: relay.relay.publicKey, url: relay.url }],
      params: { heartbeatInterval: 60_000, ...params },
    });
    await alice.receipted(session.charterId);
    bob.join(session.charterEnvelope);
    return { clock, alice, bob, channel: session.channel };
  }

  const send = (
    client: HotlineClient,
    channel: Uint8Array,
    body: Parameters<typeof encodeKindBody>[0],
    extra = {},
  ) => client.send(channel, { kind: KIND[body.kind], body: encodeKindBody(body), ...extra });

  it('a stage not acknowledged by its deadline is overdue, on both sides; a late acknowledgement is marked late', async () => {
    const { clock, alice, bob, channel } = await world({
      ackDeadlines: { flash: { received: 1000, understood: 5000, accepted: 60_000 } },
    });
    const bobHex = toHex(bob.publicKey);
    const received = alice.next(
      'ack',
      (event) => event.member === bobHex && event.stage === 'received',
    );
    const arrived = bob.next('message', (event) => event.envelope.fields.kind === KIND.text);
    const sent = send(
      alice,
      channel,
      { kind: 'text', value: { authoritative: en('Confirm understood.') } },
      {
        precedence: 'flash',
      },
    );
    const id = toHex(sent.id);
    // Bob's client acknowledges receipt by itself, within the second allowed.
    expect((await received).late).to.equal(false);
    const message = await arrived;

    // 5 s later nobody at bob has marked it understood: both sides are told.
    const aliceSees = alice.next('overdue', (event) => event.envelope === id);
    const bobSees = bob.next('overdue', (event) => event.envelope === id);
    clock.advance(5000);
    for (const event of [await aliceSees, await bobSees]) {
      expect(event).to.include({ member: bobHex, stage: 'understood', envelope: id });
      expect(event.due).to.equal(message.envelope.fields.time + 5000);
    }

    // Understood at last: recorded, as late.
    const late = alice.next('ack', (event) => event.stage === 'understood');
    send(
      bob,
      channel,
      { kind: 'ack', value: { stage: 'understood', digest: sha256(message.envelope.fields.body) } },
      { ref: sent.id },
    );
    const ack = await late;
    expect(ack).to.include({ member: bobHex, envelope: id, late: true });
    const status = alice.session(channel)!.semantics.ackStatus(id)!;
    expect(status[0]!.acks.map((record) => [record.stage, record.late])).to.deep.equal([
      ['received', false],
      ['understood', true],
    ]);
  });

  it('no heartbeat from a member for 2.5 intervals: peer-silent, with nothing but the absence as evidence', async () => {
    const { clock, alice, bob, channel } = await world({ heartbeatInterval: 1000 }, true);
    const bobHex = toHex(bob.publicKey);
    // Both send their first heartbeat at once; alice hears bob's.
    const heard = alice.next('message', (event) => event.envelope.fields.kind === KIND.heartbeat);
    clock.advance(0);
    await heard;
    bob.close(); // bob's desk goes dark: no more heartbeats
    const silent = alice.next('alarm', (alarm) => alarm.type === 'peer-silent');
    clock.advance(2500);
    const alarm = await silent;
    expect(alarm).to.include({ sender: bobHex, signed: false });
    expect(toHex(alarm.channel)).to.equal(toHex(channel));
  });

  it('a client that sends no heartbeats watches no silence either', async () => {
    const { clock, alice } = await world({ heartbeatInterval: 1000 }, false);
    const alarms: string[] = [];
    alice.on('alarm', (alarm) => alarms.push(alarm.type));
    clock.advance(10_000);
    expect(alarms.filter((type) => type === 'peer-silent')).to.deep.equal([]);
  });

  it('an envelope the charter refuses reaches the application marked invalid, with a body-invalid alarm', async () => {
    const { alice, bob, channel } = await world({ languages: ['en'], minLeadTime: 86_400_000 });
    const invalid = alice.next('message', (event) => !event.content.ok);
    const alarm = alice.next('alarm', (event) => event.type === 'body-invalid');
    // A notification for an activity that starts in an hour: below the 24 h lead time.
    send(bob, channel, {
      kind: 'notification',
      value: {
        activity: 'military-exercise',
        window: { from: Date.now() + 3_600_000, until: Date.now() + 7_200_000 },
        originAreas: [{ shape: 'circle', centre: { lat: 0, lon: 0 }, radius: 1000 }],
      },
    });
    const event = await invalid;
    expect(event.content).to.deep.include({ ok: false, code: 'LEAD_TIME_SHORT' });
    expect((await alarm).code).to.equal('LEAD_TIME_SHORT');
    // A text in a language the charter does not list.
    const second = alice.next('message', (e) => !e.content.ok);
    send(bob, channel, {
      kind: 'text',
      value: { authoritative: { language: 'fr', text: 'bonjour' } },
    });
    expect((await second).content).to.deep.include({ code: 'LANGUAGE_NOT_CHARTERED' });
  });

  it('the ledger follows a measure: proposed, in force, suspended; a refused transition is reported', async () => {
    const { alice, bob, channel } = await world();
    const states: string[] = [];
    alice.on('measure', (event) => states.push(event.state ?? `refused ${event.code}`));
    const proposed = bob.next('message', (event) => event.envelope.fields.kind === KIND.proposal);
    const proposal = send(alice, channel, {
      kind: 'proposal',
      value: {
        title: 'Hotline test twice a day',
        terms: en('Each side sends a test message at 06:00 and 18:00.'),
        validity: { from: Date.now() },
      },
    });
    await proposed;
    const inForce = alice.next('measure', (event) => event.state === 'in-force');
    send(
      bob,
      channel,
      { kind: 'accept', value: { measure: proposal.id as never } },
      { ref: proposal.id },
    );
    await inForce;
    // Alice may not accept her own proposal: refused with a code, the ledger unchanged.
    const refused = bob.next('measure', (event) => event.code !== undefined);
    send(
      alice,
      channel,
      { kind: 'accept', value: { measure: proposal.id as never } },
      { ref: proposal.id },
    );
    expect((await refused).code).to.equal('MEASURE_TRANSITION_INVALID');
    const suspended = alice.next('measure', (event) => event.state === 'suspended');
    send(
      bob,
      channel,
      { kind: 'withdraw', value: { measure: proposal.id as never, action: 'suspend' } },
      { ref: proposal.id },
    );
    await suspended;
    expect(states.filter((state) => !state.startsWith('refused'))).to.deep.equal([
      'proposed',
      'in-force',
      'suspended',
    ]);
    const record = [...alice.session(channel)!.semantics.ledger.measures.values()][0]!;
    expect(record.history.map((entry) => entry.state)).to.deep.equal([
      'proposed',
      'in-force',
      'suspended',
    ]);
  });

  it('a suspension is announced and signed, and only its author resumes it', async () => {
    const { alice, bob, channel } = await world();
    const aliceHex = toHex(alice.publicKey);
    const suspended = bob.next('suspension', (event) => event.state === 'suspended');
    const suspend = send(alice, channel, {
      kind: 'suspend',
      value: { reason: en('Consultations in capital.'), scope: 'channel' },
    });
    expect(await suspended).to.include({
      by: aliceHex,
      envelope: toHex(suspend.id),
      scope: 'channel',
    });
    expect(bob.session(channel)!.semantics.suspensions.map((s) => s.by)).to.deep.equal([aliceHex]);
    // Bob cannot resume alice's suspension.
    const refused = alice.next('alarm', (alarm) => alarm.code === 'SUSPENSION_UNKNOWN');
    send(
      bob,
      channel,
      { kind: 'resume', value: { suspension: suspend.id as never } },
      { ref: suspend.id },
    );
    expect((await refused).sender).to.equal(toHex(bob.publicKey));
    const resumed = bob.next('suspension', (event) => event.state === 'resumed');
    send(
      alice,
      channel,
      { kind: 'resume', value: { suspension: suspend.id as never } },
      { ref: suspend.id },
    );
    expect(await resumed).to.include({ by: aliceHex, envelope: toHex(suspend.id) });
    expect(bob.session(channel)!.semantics.suspensions).to.deep.equal([]);
  });

  it('a relay that shows the two members different logs is convicted by their heartbeats: relay-equivocation', async () => {
    const liar = await LyingRelay.start(RELAY_2);
    cleanup.push(() => liar.close());
    const clock = new ManualClock(Date.now());
    const tuning = { heartbeats: true };
    const alice = clientOf(ALICE, { clock, tuning });
    const bob = clientOf(BOB, { clock, tuning });
    cleanup.push(
      () => alice.close(),
      () => bob.close(),
    );
    const session = alice.found({
      members: [
        { key: publicKeyOf(ALICE), name: 'alice' },
        { key: publicKeyOf(BOB), name: 'bob' },
      ],
      relays: [{ key: liar.publicKey, url: liar.url }],
      params: { heartbeatInterval: 1000 },
    });
    await alice.receipted(session.charterId);
    const subscribed = liar.next('subscribe', (event) => event.client === toHex(bob.publicKey));
    bob.join(session.charterEnvelope);
    await subscribed;
    // The liar shows bob a log without alice's text, and signs that log for him.
    liar.forkView(
      (entry) =>
        entry.sender === toHex(alice.publicKey) && entry.envelope.fields.kind === KIND.text,
      { to: bob.publicKey },
    );
    const sent = send(alice, session.channel, {
      kind: 'text',
      value: { authoritative: en('for alice only') },
    });
    await alice.receipted(sent.id);
    const fromBob = send(bob, session.channel, {
      kind: 'text',
      value: { authoritative: en('reply') },
    });
    await bob.receipted(fromBob.id);
    // The heartbeat timers fire: each heartbeat carries its sender's view of the relay.
    const caught = Promise.race(
      [alice, bob].map((client) =>
        client.next('alarm', (alarm) => alarm.type === 'relay-equivocation'),
      ),
    );
    clock.advance(1000);
    const alarm = await caught;
    expect(alarm).to.include({ relay: liar.keyHex, signed: true, code: 'CHECKPOINT_INCONSISTENT' });
    const [a, b] = alarm.evidence.checkpoints!.map((bytes) =>
      openCheckpoint(bytes, { relay: liar.publicKey, channel: session.channel }),
    );
    let code: string | undefined;
    try {
      checkCheckpointConsistency(a!, b!, alarm.evidence.consistency?.proof ?? []);
    } catch (error) {
      code = (error as { code?: string }).code;
    }
    expect(code).to.equal('CHECKPOINT_INCONSISTENT');
  });

  it('joins and heartbeats say who accepted the charter and which own envelopes a member has not confirmed', async () => {
    const { clock, alice, bob, channel } = await world({ heartbeatInterval: 1000 }, true);
    const aliceHex = toHex(alice.publicKey);
    const bobHex = toHex(bob.publicKey);
    const semantics = alice.session(channel)!.semantics;
    expect(semantics.joined).to.deep.equal([aliceHex]); // the founder, by the charter
    const joined = alice.next('message', (event) => event.envelope.fields.kind === KIND.join);
    send(bob, channel, {
      kind: 'join',
      value: { charter: alice.session(channel)!.charterId as never },
    });
    await joined;
    expect(semantics.joined).to.have.members([aliceHex, bobHex]);
    const text = send(alice, channel, { kind: 'text', value: { authoritative: en('one') } });
    await bob.next('message', (event) => toHex(event.envelope.id) === toHex(text.id));
    // Bob's heartbeat says he has alice's chain up to the text: nothing unconfirmed.
    const heartbeat = alice.next(
      'message',
      (event) => event.envelope.fields.kind === KIND.heartbeat,
    );
    clock.advance(0);
    await heartbeat;
    expect(semantics.unconfirmed(bobHex, text.seq)).to.deep.equal([]);
    expect(semantics.unconfirmed(bobHex, text.seq + 2)).to.deep.equal([text.seq + 1, text.seq + 2]);
  });
});
