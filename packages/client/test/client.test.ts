// The client against real relays over loopback: found, join, send, receive,
// receipts from every relay, resume after a relay restart. Every wait is an event.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KIND, toHex } from '@hotline/codec';
import { openSqliteStore } from '@hotline/relay';
import { openCheckpoint, publicKeyOf } from '@hotline/signer';
import { expect } from 'chai';
import {
  decodeTranscript,
  encodeTranscript,
  type HotlineClient,
  type MessageEvent,
  verifyTranscript,
} from '../src/index.js';
import {
  ALICE,
  BOB,
  charterOf,
  clientOf,
  RELAY_1,
  RELAY_2,
  startTestRelay,
  type TestRelay,
  text,
  untext,
} from './_fixture.js';

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

describe('client end to end', () => {
  const cleanup: (() => unknown)[] = [];
  afterEach(async () => {
    for (const step of cleanup.splice(0).reverse()) await step();
  });

  async function relay(secret: Uint8Array, options?: Parameters<typeof startTestRelay>[1]) {
    const started = await startTestRelay(secret, options);
    cleanup.push(() => started.relay.close());
    return started;
  }

  function client(secret: Uint8Array, options?: Parameters<typeof clientOf>[1]) {
    const made = clientOf(secret, options);
    cleanup.push(() => made.close());
    return made;
  }

  it('founds a channel, the peer joins and receives every message in order', async () => {
    const r1 = await relay(RELAY_1);
    const alice = client(ALICE);
    const bob = client(BOB);
    const channel = alice.found(charterOf([ALICE, BOB], [r1]));
    bob.join(channel.charterEnvelope);
    const arriving = messages(bob, 3);
    const sent = ['one', 'two', 'three'].map((body) =>
      alice.send(channel.channel, { kind: KIND.text, body: text(body) }),
    );
    const got = await arriving;
    expect(got.map((event) => untext(event.envelope.fields.body))).to.deep.equal([
      'one',
      'two',
      'three',
    ]);
    expect(got.map((event) => event.envelope.fields.seq)).to.deep.equal([2, 3, 4]);
    await alice.receipted(sent[2]!.id);
    expect(alice.store.receiptRelays(sent[2]!.id).map(toHex)).to.deep.equal([
      toHex(r1.relay.publicKey),
    ]);
  });

  it('sends to every relay of the charter and resolves when k of n receipted', async () => {
    const r1 = await relay(RELAY_1);
    const r2 = await relay(RELAY_2);
    const alice = client(ALICE);
    const bob = client(BOB);
    const channel = alice.found(charterOf([ALICE, BOB], [r1, r2]));
    bob.join(channel.charterEnvelope);
    const arriving = messages(bob, 2);
    const a = alice.send(channel.channel, { kind: KIND.text, body: text('a') });
    const b = alice.send(channel.channel, { kind: KIND.text, body: text('b') });
    await alice.receipted(b.id, 2);
    expect(alice.store.receiptRelays(a.id)).to.have.length(2);
    // Both relays deliver both envelopes; the application sees each once.
    const got = await arriving;
    expect(got.map((event) => untext(event.envelope.fields.body))).to.deep.equal(['a', 'b']);
    // Each relay's log holds charter, a, b; bob recorded what each delivered.
    const logs = bob.session(channel.channel)!.relays.map((view) => view.delivered.size);
    expect(logs.every((size) => size <= 3)).to.equal(true);
  });

  it('a wait given up through its signal rejects with the reason and leaves no listener', async () => {
    const alice = client(ALICE); // no relay needed: nothing ever arrives
    const before = [alice.listenerCount('message'), alice.listenerCount('receipt')];
    const stop = new AbortController();
    const message = alice.next('message', () => true, { signal: stop.signal });
    const receipt = alice.receipted(new Uint8Array(32).fill(7), 1, { signal: stop.signal });
    expect([alice.listenerCount('message'), alice.listenerCount('receipt')]).to.deep.equal([
      before[0]! + 1,
      before[1]! + 1,
    ]);
    const reason = new Error('gave up');
    stop.abort(reason);
    for (const waiting of [message, receipt]) {
      expect(
        await waiting.then(
          () => 'resolved',
          (e: unknown) => e,
        ),
      ).to.equal(reason);
    }
    expect([alice.listenerCount('message'), alice.listenerCount('receipt')]).to.deep.equal(before);
    // An already aborted signal registers nothing.
    const late = alice.next('alarm', undefined, { signal: stop.signal });
    expect(alice.listenerCount('alarm')).to.equal(0);
    expect(await late.catch((e: unknown) => e)).to.equal(reason);
  });

  it('queues while the relay is down and delivers after it restarts: nothing lost', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hotline-client-'));
    cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
    const path = join(dir, 'relay.sqlite');
    let r1: TestRelay | undefined = await startTestRelay(RELAY_1, { store: openSqliteStore(path) });
    cleanup.push(() => r1?.relay.close());
    const port = r1.relay.address.port;
    const alice = client(ALICE);
    const bob = client(BOB);
    const channel = alice.found(charterOf([ALICE, BOB], [r1]));
    bob.join(channel.charterEnvelope);
    const arriving = messages(bob, 3);
    const first = alice.send(channel.channel, { kind: KIND.text, body: text('before') });
    await alice.receipted(first.id);
    await r1.relay.close();
    const down = alice.next('state', (event) => event.state === 'waiting');
    await down;
    const queued = ['during 1', 'during 2'].map((body) =>
      alice.send(channel.channel, { kind: KIND.text, body: text(body) }),
    );
    r1 = await startTestRelay(RELAY_1, { store: openSqliteStore(path), port });
    await alice.receipted(queued[1]!.id);
    const got = await arriving;
    expect(got.map((event) => untext(event.envelope.fields.body))).to.deep.equal([
      'before',
      'during 1',
      'during 2',
    ]);
  });

  it('exports a transcript that verifies item by item, from either side', async () => {
    const r1 = await relay(RELAY_1);
    const r2 = await relay(RELAY_2);
    const alice = client(ALICE);
    const bob = client(BOB);
    const channel = alice.found(charterOf([ALICE, BOB], [r1, r2]));
    bob.join(channel.charterEnvelope);
    const toBob = messages(bob, 2);
    alice.send(channel.channel, { kind: KIND.text, body: text('proposal') });
    const last = alice.send(channel.channel, { kind: KIND.text, body: text('details') });
    await toBob;
    const toAlice = messages(alice, 1);
    const reply = bob.send(channel.channel, { kind: KIND.text, body: text('received') });
    await Promise.all([toAlice, alice.receipted(last.id, 2), bob.receipted(reply.id, 2)]);
    for (const side of [alice, bob]) {
      const transcript = decodeTranscript(encodeTranscript(side.transcript(channel.channel)));
      const report = verifyTranscript(transcript);
      const failed = report.items.filter((item) => item.verdict === 'fail');
      expect(failed, JSON.stringify(failed)).to.deep.equal([]);
      expect(report.ok).to.equal(true);
      expect(transcript.envelopes).to.have.length(4);
    }
  });

  it('a relay that comes back without its log raises relay-rollback with its signed checkpoint', async () => {
    let r1 = await relay(RELAY_1);
    const port = r1.relay.address.port;
    const alice = client(ALICE);
    const channel = alice.found(charterOf([ALICE, BOB], [r1]));
    const sent = alice.send(channel.channel, { kind: KIND.text, body: text('on record') });
    await alice.receipted(sent.id);
    await r1.relay.close();
    const alarm = alice.next('alarm', (event) => event.type === 'relay-rollback');
    r1 = await relay(RELAY_1, { port }); // a fresh memory store: the log is gone
    const raised = await alarm;
    expect(raised.code).to.equal('RELAY_ROLLBACK');
    const [evidence] = raised.evidence.checkpoints!;
    const checkpoint = openCheckpoint(evidence!, {
      relay: publicKeyOf(RELAY_1),
      channel: channel.channel,
    });
    expect(checkpoint.fields.size).to.equal(2);
  });
});
