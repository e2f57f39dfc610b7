// Key rotation seen by the clients (spec/kinds/keys.md): bob hands over to a new key
// over a real relay; a client holding the successor key joins and speaks for bob;
// alice takes it as bob's, also in the measures ledger. An envelope of bob's old key
// after the hand-over — which no honest relay logs, so a lying relay (test-only)
// carries it — raises body-invalid with KEY_ROTATED.

import {
  authStatement,
  decodeFrame,
  encodeFrame,
  encodeKeyRotateBody,
  encodeKindBody,
  type Frame,
  KIND,
  rotationStatement,
  toHex,
} from '@hotline/codec';
import { publicKeyOf, sign, signEnvelope } from '@hotline/signer';
import { expect } from 'chai';
import WebSocket from 'ws';
import { ManualClock, verifyTranscript } from '../src/index.js';
import { LyingRelay } from '../src/node/lying-relay.js';
import {
  ALICE,
  BOB,
  charterOf,
  clientOf,
  RELAY_1,
  RELAY_2,
  secretOf,
  startTestRelay,
  text,
} from './_fixture.js';

const BOB2 = secretOf('bob 2');

/** Publishes one envelope over a bare connection authenticated with `secret`. */
async function publishRaw(url: string, secret: Uint8Array, envelope: Uint8Array): Promise<Frame> {
  const ws = new WebSocket(url, ['hotline.v0.1'], { perMessageDeflate: false });
  const frames: Frame[] = [];
  const waiting: ((frame: Frame) => void)[] = [];
  ws.on('message', (data: Buffer) => {
    const frame = decodeFrame(new Uint8Array(data), { from: 'relay' });
    const waiter = waiting.shift();
    if (waiter) waiter(frame);
    else frames.push(frame);
  });
  const next = () =>
    new Promise<Frame>((resolve) => {
      const queued = frames.shift();
      if (queued) resolve(queued);
      else waiting.push(resolve);
    });
  try {
    const challenge = await next();
    if (challenge.type !== 'challenge') throw new Error(`got ${challenge.type}`);
    const client = publicKeyOf(secret);
    const statement = authStatement(challenge.relay, challenge.nonce, client);
    ws.send(
      encodeFrame({ type: 'auth', requestId: 1, client, signature: sign(statement, secret) }),
    );
    expect((await next()).type).to.equal('welcome');
    ws.send(encodeFrame({ type: 'publish', requestId: 2, envelope }));
    return await next();
  } finally {
    ws.close();
  }
}

describe('client: key rotation', function () {
  this.timeout(10_000);
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  it("the successor speaks for bob, in alice's ledger too; bob's old key after the hand-over is body-invalid (KEY_ROTATED)", async () => {
    const honest = await startTestRelay(RELAY_1);
    const liar = await LyingRelay.start(RELAY_2);
    cleanup.push(
      () => honest.relay.close(),
      () => liar.close(),
    );
    // One clock for everybody: the key-rotate's effectiveFrom is its own time.
    const clock = new ManualClock();
    const alice = clientOf(ALICE, { clock });
    const bob = clientOf(BOB, { clock });
    cleanup.push(
      () => alice.close(),
      () => bob.close(),
    );
    const session = alice.found({
      members: [
        { key: publicKeyOf(ALICE), name: 'alice' },
        { key: publicKeyOf(BOB), name: 'bob' },
      ],
      relays: [
        { key: honest.relay.publicKey, url: honest.url },
        { key: liar.publicKey, url: liar.url },
      ],
      params: { heartbeatInterval: 60_000 },
    });
    const { channel } = session;
    await alice.receipted(session.charterId, 2);
    bob.join(session.charterEnvelope);

    // Bob proposes a measure with his first key.
    const proposed = alice.next('measure', (event) => event.state === 'proposed');
    const proposal = bob.send(channel, {
      kind: KIND.proposal,
      body: encodeKindBody({
        kind: 'proposal',
        value: {
          title: 'Hotline test twice a day',
          terms: { language: 'en', text: 'A test message at 06:00 and 18:00.' },
          validity: { from: clock.now() },
        },
      }),
    });
    await proposed;

    // Bob hands over: his envelope, with the successor's proof of possession.
    const rotated = alice.next('message', (event) => event.envelope.fields.kind === 14);
    const rotate = bob.send(channel, {
      kind: KIND['key-rotate'],
      body: encodeKeyRotateBody({
        successor: publicKeyOf(BOB2) as never,
        proof: sign(rotationStatement(channel, publicKeyOf(BOB), publicKeyOf(BOB2)), BOB2) as never,
        effectiveFrom: clock.now(),
      }),
    });
    expect((await rotated).content.ok).to.equal(true);
    await bob.receipted(rotate.id, 2);
    const aliceSees = alice.session(channel)!.membership;
    expect(aliceSees.partyOf(publicKeyOf(BOB2))).to.deep.equal(publicKeyOf(BOB));
    // Bob's old client knows its chain ended.
    expect(() => bob.send(channel, { kind: KIND.text, body: text('still me?') })).to.throw(
      RangeError,
    );

    // A client with the successor key joins; once it has the log it speaks for bob.
    const bob2 = clientOf(BOB2, { clock });
    cleanup.push(() => bob2.close());
    const backfilled = bob2.next(
      'backfill',
      (event) => event.relay === toHex(honest.relay.publicKey),
    );
    bob2.join(session.charterEnvelope);
    await backfilled;
    const arrived = alice.next('message', (event) => event.envelope.fields.kind === KIND.text);
    const first = bob2.send(channel, { kind: KIND.text, body: text('bob, new key') });
    const message = await arrived;
    expect(toHex(message.envelope.fields.sender)).to.equal(toHex(publicKeyOf(BOB2)));
    expect(message.content.ok).to.equal(true);
    // Its chain starts at seq 1 and refers to the key-rotate.
    expect(first.seq).to.equal(1);
    expect(toHex(message.envelope.fields.ref!)).to.equal(toHex(rotate.id));

    // Only the proposer withdraws a proposal: the successor may, as bob.
    const withdrawn = alice.next('measure', (event) => event.state !== 'proposed');
    bob2.send(channel, {
      kind: KIND.withdraw,
      body: encodeKindBody({
        kind: 'withdraw',
        value: { measure: proposal.id as never, action: 'withdraw-proposal' },
      }),
      ref: proposal.id,
    });
    expect(await withdrawn).to.include({ state: 'withdrawn' });
    const record = [...alice.session(channel)!.semantics.ledger.measures.values()][0]!;
    expect(record.history.map((entry) => toHex(entry.sender))).to.deep.equal([
      toHex(publicKeyOf(BOB)),
      toHex(publicKeyOf(BOB)),
    ]);

    // A third party checking alice's transcript offline accepts the successor as a member.
    const report = verifyTranscript(alice.transcript(channel));
    const notMember = report.items.filter((item) => item.code === 'NOT_MEMBER');
    expect(notMember, JSON.stringify(notMember)).to.deep.equal([]);

    // Bob's old key signs on after its key-rotate; the lying relay (it checks only the
    // charter) logs and delivers it. Alice refuses it, with the envelope as evidence.
    const alarm = alice.next('alarm', (event) => event.type === 'body-invalid');
    const after = signEnvelope(
      {
        channel,
        sender: publicKeyOf(BOB),
        seq: rotate.seq + 1,
        prev: rotate.id,
        time: clock.now(),
        kind: KIND.text,
        body: text('old key speaking'),
      },
      BOB,
    );
    expect((await publishRaw(liar.url, BOB, after)).type).to.equal('receipt');
    const raised = await alarm;
    expect(raised).to.include({
      code: 'KEY_ROTATED',
      sender: toHex(publicKeyOf(BOB)),
      signed: true,
    });
    expect(toHex(raised.evidence.envelopes![0]!)).to.equal(toHex(after));
  });

  /** Alice founds a channel with bob on one relay; both on one manual clock. */
  async function twoDesks() {
    const relay = await startTestRelay(RELAY_1);
    cleanup.push(() => relay.relay.close());
    const clock = new ManualClock();
    const alice = clientOf(ALICE, { clock });
    const bob = clientOf(BOB, { clock });
    cleanup.push(
      () => alice.close(),
      () => bob.close(),
    );
    const session = alice.found(charterOf([ALICE, BOB], [relay]));
    await alice.receipted(session.charterId);
    bob.join(session.charterEnvelope);
    return { clock, alice, bob, channel: session.channel };
  }

  it('a key-revoke that takes effect raises key-revoked with the revoke and the envelopes it voids; the key signs no more', async () => {
    const { clock, alice, bob, channel } = await twoDesks();
    const says = async (words: string) => {
      const arrived = alice.next(
        'message',
        (e) => e.envelope.fields.sender[0] === publicKeyOf(BOB)[0],
      );
      const sent = bob.send(channel, { kind: KIND.text, body: text(words) });
      await arrived;
      return sent;
    };
    await says('before the theft'); // bob#1
    clock.advance(1_000); // short of every link timeout
    const stolenAt = clock.now();
    const forged = await says('stand down'); // bob#2: signed after the key was taken
    clock.advance(1_000); // short of every link timeout
    const alarm = alice.next('alarm', (a) => a.type === 'key-revoked');
    const revoke = bob.send(channel, {
      kind: KIND['key-revoke'],
      body: encodeKindBody({
        kind: 'key-revoke',
        value: { key: publicKeyOf(BOB) as never, reason: 'compromised', effectiveFrom: stolenAt },
      }),
    });
    const raised = await alarm;
    expect(raised).to.include({
      sender: toHex(publicKeyOf(BOB)),
      code: 'KEY_REVOKED',
      signed: true,
    });
    expect(raised.detail).to.include('compromised').and.include('seq 2');
    // The evidence: the key-revoke, then the envelope it voids (not bob#1).
    expect(raised.evidence.envelopes!.map((bytes) => toHex(bytes))).to.deep.equal([
      toHex(revoke.bytes),
      toHex(forged.bytes),
    ]);
    // The revoked key signs no more on this channel.
    expect(() => bob.send(channel, { kind: KIND.text, body: text('still me') })).to.throw(
      RangeError,
      /KEY_REVOKED/,
    );
  });

  it('what a void envelope did is undone: a forged withdrawal by a stolen key no longer counts', async () => {
    const { clock, alice, bob, channel } = await twoDesks();
    const proposed = alice.next('measure', (event) => event.state === 'proposed');
    const proposal = bob.send(channel, {
      kind: KIND.proposal,
      body: encodeKindBody({
        kind: 'proposal',
        value: {
          title: 'Hotline test twice a day',
          terms: { language: 'en', text: 'A test message at 06:00 and 18:00.' },
          validity: { from: clock.now() },
        },
      }),
    });
    await proposed;
    clock.advance(1_000); // short of every link timeout
    const stolenAt = clock.now();
    // Whoever holds bob's key now withdraws the proposal in his name.
    const withdrawn = alice.next('measure', (event) => event.state === 'withdrawn');
    bob.send(channel, {
      kind: KIND.withdraw,
      body: encodeKindBody({
        kind: 'withdraw',
        value: { measure: proposal.id as never, action: 'withdraw-proposal' },
      }),
      ref: proposal.id,
    });
    await withdrawn;
    const stateOf = () => [...alice.session(channel)!.semantics.ledger.measures.values()][0]!.state;
    expect(stateOf()).to.equal('withdrawn');
    clock.advance(1_000);
    const alarm = alice.next('alarm', (a) => a.type === 'key-revoked');
    bob.send(channel, {
      kind: KIND['key-revoke'],
      body: encodeKindBody({
        kind: 'key-revoke',
        value: { key: publicKeyOf(BOB) as never, reason: 'compromised', effectiveFrom: stolenAt },
      }),
    });
    expect((await alarm).evidence.envelopes).to.have.length(2); // the revoke, the withdrawal
    // The proposal, signed before the theft, stands; the withdrawal does not.
    expect(stateOf()).to.equal('proposed');
  });
});
