// The relay over real sockets: auth, founding, publish (accept, duplicate, gap,
// fork, bad-prev, non-member), receipts verified offline, subscribe with backfill
// then live, proofs, restart without loss.

import { decodeReceipt, type Frame, KIND, toHex } from '@hotline/codec';
import {
  checkCheckpointConsistency,
  openCheckpoint,
  openEnvelope,
  publicKeyOf,
  verifyReceipt,
} from '@hotline/signer';
import { expect } from 'chai';
import { startRelay } from '../src/index.js';
import { MemoryRelayStore } from '../src/store/memory.js';
import { TestClient } from './_client.js';
import {
  ALICE,
  BOB,
  Chain,
  charterBody,
  foundedChain,
  MALLORY,
  RELAY_SECRET,
  startTestRelay,
  type TestRelay,
} from './_fixture.js';

let nextId = 100;
const rid = () => nextId++;

function expectError(frame: Frame, code: string): Extract<Frame, { type: 'error' }> {
  expect(frame.type, JSON.stringify(frame)).to.equal('error');
  const error = frame as Extract<Frame, { type: 'error' }>;
  expect(error.code).to.equal(code);
  return error;
}

async function publish(client: TestClient, envelope: Uint8Array): Promise<Frame> {
  return client.request({ type: 'publish', requestId: rid(), envelope });
}

for (const sqlite of [false, true]) {
  describe(`relay (${sqlite ? 'SQLite' : 'memory'} store)`, () => {
    let t: TestRelay;
    beforeEach(async () => {
      t = await startTestRelay({ sqlite });
    });
    afterEach(async () => {
      await t.stop();
    });

    it('sends a challenge, accepts a valid auth, refuses a bad one (AUTH_FAILED) and frames before auth (AUTH_REQUIRED)', async () => {
      const good = await TestClient.connect(t.relay.url, ALICE);
      await good.close();

      const bad = await TestClient.open(t.relay.url);
      const challenge = await bad.next();
      expect(challenge?.type).to.equal('challenge');
      bad.send({
        type: 'auth',
        requestId: 1,
        client: publicKeyOf(ALICE),
        signature: new Uint8Array(64) as never,
      });
      expectError((await bad.next())!, 'AUTH_FAILED');
      await bad.whenClosed();
      expect(bad.closed?.code).to.equal(1008);

      const early = await TestClient.open(t.relay.url);
      await early.next();
      early.send({
        type: 'checkpoint-request',
        requestId: 5,
        channel: new Uint8Array(32) as never,
      });
      expectError((await early.next())!, 'AUTH_REQUIRED');
      await early.whenClosed();
    });

    it('founds a channel from its charter and receipts each envelope durably and verifiably', async () => {
      const { chain, channel } = foundedChain();
      const alice = await TestClient.connect(t.relay.url, ALICE);
      const relayKey = publicKeyOf(RELAY_SECRET);
      for (let i = 0; i < 5; i++) {
        const envelope = i === 0 ? chain.envelopes[0]! : chain.next();
        const answer = await publish(alice, envelope);
        expect(answer.type, JSON.stringify(answer)).to.equal('receipt');
        const { receipt, checkpoint } = verifyReceipt(
          decodeReceipt((answer as Extract<Frame, { type: 'receipt' }>).receipt),
          { relay: relayKey, channel, id: openEnvelope(envelope).id },
        );
        expect(receipt.index).to.equal(i);
        expect(checkpoint.fields.size).to.be.greaterThan(i);
      }
      await alice.close();
    });

    it('takes a charter and the envelopes right behind it in order, without waiting for the founding', async () => {
      const { chain } = foundedChain();
      const alice = await TestClient.connect(t.relay.url, ALICE);
      chain.next();
      chain.next();
      // All three leave at once: seq 2 and 3 must not find the channel unfounded (§7).
      const answers = await Promise.all(
        chain.envelopes.map((envelope) => publish(alice, envelope)),
      );
      expect(
        answers.map((answer) => answer.type),
        JSON.stringify(answers),
      ).to.deep.equal(['receipt', 'receipt', 'receipt']);
      await alice.close();
    });

    it('answers a duplicate with its original index, and rejects gap, bad prev, fork and non-members with codes', async () => {
      const { chain, channel } = foundedChain();
      const alice = await TestClient.connect(t.relay.url, ALICE);
      await publish(alice, chain.envelopes[0]!);
      const second = chain.next();
      const first = await publish(alice, second);
      const again = await publish(alice, second);
      expect(again.type).to.equal('receipt');
      const index = (f: Frame) =>
        decodeReceipt((f as Extract<Frame, { type: 'receipt' }>).receipt).index;
      expect(index(again)).to.equal(index(first));

      // gap: seq 4 while the head is 2
      const skipped = new Chain(ALICE, channel);
      for (let i = 0; i < 4; i++) skipped.next(new Uint8Array([0x61, 0x61 + i]));
      expect(
        expectError(await publish(alice, skipped.envelopes[3]!), 'CHAIN_GAP').detail.expected,
      ).to.equal(3);
      // fork: another envelope at seq 2
      const fork = expectError(await publish(alice, skipped.envelopes[1]!), 'CHAIN_FORK');
      expect(fork.detail.index).to.equal(1);
      // bad prev: seq 3 whose prev is the forked seq 2
      expectError(await publish(alice, skipped.envelopes[2]!), 'CHAIN_BAD_PREV');

      // mallory is not a member: NOT_MEMBER for her own connection
      const mallory = await TestClient.connect(t.relay.url, MALLORY);
      const mallorys = new Chain(MALLORY, channel);
      expectError(await publish(mallory, mallorys.next()), 'NOT_MEMBER');
      // ... and for a member relaying an envelope of a non-member sender
      expect(
        expectError(await publish(alice, mallorys.envelopes[0]!), 'NOT_MEMBER').detail.field,
      ).to.equal('sender');
      // a bad signature
      const forged = chain.next().slice();
      forged[forged.length - 1]! ^= 1;
      expectError(await publish(alice, forged), 'SIGNATURE_INVALID');
      await Promise.all([alice.close(), mallory.close()]);
    });

    it('delivers backfill, end-of-backfill, then live entries in log order with no gap or repeat', async () => {
      const { chain, channel } = foundedChain();
      const alice = await TestClient.connect(t.relay.url, ALICE);
      await publish(alice, chain.envelopes[0]!);
      for (let i = 0; i < 3; i++) await publish(alice, chain.next());

      const bob = await TestClient.connect(t.relay.url, BOB);
      const subscribeId = rid();
      bob.send({ type: 'subscribe', requestId: subscribeId, channel: channel as never, cursor: 1 });
      const backfill = await bob.until((f) => f.type === 'end-of-backfill');
      expect(backfill.map((f) => (f.type === 'deliver' ? f.index : f.type))).to.deep.equal([
        1,
        2,
        3,
        'end-of-backfill',
      ]);

      const bobs = new Chain(BOB, channel);
      await publish(alice, chain.next());
      await publish(bob, bobs.next());
      const live = await bob.until((f) => f.type === 'deliver' && f.index === 5);
      const delivered = live
        .filter((f) => f.type === 'deliver')
        .map((f) => (f as Extract<Frame, { type: 'deliver' }>).index);
      expect(delivered).to.deep.equal([4, 5]);
      expect(
        toHex(
          (
            live.find((f) => f.type === 'deliver' && f.index === 5) as Extract<
              Frame,
              { type: 'deliver' }
            >
          ).envelope,
        ),
      ).to.equal(toHex(bobs.envelopes[0]!));
      await Promise.all([alice.close(), bob.close()]);
    });

    it('serves checkpoints and proofs that verify, and refuses out-of-range requests', async () => {
      const { chain, channel } = foundedChain();
      const alice = await TestClient.connect(t.relay.url, ALICE);
      await publish(alice, chain.envelopes[0]!);
      const first = (await alice.request({
        type: 'checkpoint-request',
        requestId: rid(),
        channel: channel as never,
      })) as Extract<Frame, { type: 'checkpoint' }>;
      for (let i = 0; i < 6; i++) await publish(alice, chain.next());
      const second = (await alice.request({
        type: 'checkpoint-request',
        requestId: rid(),
        channel: channel as never,
      })) as Extract<Frame, { type: 'checkpoint' }>;
      const a = openCheckpoint(first.checkpoint, { relay: publicKeyOf(RELAY_SECRET), channel });
      const b = openCheckpoint(second.checkpoint, { relay: publicKeyOf(RELAY_SECRET), channel });
      expect([a.fields.size, b.fields.size]).to.deep.equal([1, 7]);
      const consistency = (await alice.request({
        type: 'consistency-request',
        requestId: rid(),
        channel: channel as never,
        fromSize: 1,
        toSize: 7,
      })) as Extract<Frame, { type: 'consistency-proof' }>;
      checkCheckpointConsistency(a, b, consistency.proof);
      const inclusion = (await alice.request({
        type: 'inclusion-request',
        requestId: rid(),
        channel: channel as never,
        index: 3,
        size: 7,
      })) as Extract<Frame, { type: 'inclusion-proof' }>;
      expect(inclusion.proof.length).to.equal(3);
      expectError(
        await alice.request({
          type: 'inclusion-request',
          requestId: rid(),
          channel: channel as never,
          index: 7,
          size: 7,
        }),
        'PROOF_OUT_OF_RANGE',
      );
      expectError(
        await alice.request({
          type: 'consistency-request',
          requestId: rid(),
          channel: channel as never,
          fromSize: 1,
          toSize: 8,
        }),
        'PROOF_OUT_OF_RANGE',
      );
      expectError(
        await alice.request({
          type: 'checkpoint-request',
          requestId: rid(),
          channel: new Uint8Array(32) as never,
        }),
        'CHANNEL_UNKNOWN',
      );
      await alice.close();
    });
  });
}

describe('relay founding rules', () => {
  it('refuses charters that do not list it, a second charter, and envelopes of unknown channels', async () => {
    const t = await startTestRelay();
    try {
      const alice = await TestClient.connect(t.relay.url, ALICE);
      const elsewhere = foundedChain(ALICE, charterBody([ALICE, BOB], [MALLORY]));
      expectError(await publish(alice, elsewhere.chain.envelopes[0]!), 'CHARTER_RELAY_NOT_LISTED');
      expectError(await publish(alice, elsewhere.chain.next()), 'CHANNEL_UNKNOWN');
      const { chain, channel } = foundedChain();
      expect((await publish(alice, chain.envelopes[0]!)).type).to.equal('receipt');
      // bob's first envelope is the same charter body: a second charter of the channel
      const bobs = new Chain(BOB, channel);
      bobs.next(charterBody(), KIND.charter);
      expectError(await publish(alice, bobs.envelopes[0]!), 'CHARTER_EXISTS');
      await alice.close();
    } finally {
      await t.stop();
    }
  });

  it('admits founders by allowlist only (CHARTER_NOT_PERMITTED)', async () => {
    const relay = await startRelay({
      secretKey: RELAY_SECRET,
      store: new MemoryRelayStore(),
      founders: { mode: 'allowlist', keys: [publicKeyOf(BOB)] },
      port: 0,
    });
    try {
      const alice = await TestClient.connect(relay.url, ALICE);
      expectError(
        await publish(alice, foundedChain(ALICE).chain.envelopes[0]!),
        'CHARTER_NOT_PERMITTED',
      );
      expect((await publish(alice, foundedChain(BOB).chain.envelopes[0]!)).type).to.equal(
        'receipt',
      );
      await alice.close();
    } finally {
      await relay.close();
    }
  });
});

describe('relay restart (SQLite)', () => {
  it('keeps every receipted entry at its index and continues the log consistently', async () => {
    const first = await startTestRelay({ sqlite: true, dir: undefined });
    const dir = first.dir!;
    const { chain, channel } = foundedChain();
    const alice = await TestClient.connect(first.relay.url, ALICE);
    await publish(alice, chain.envelopes[0]!);
    for (let i = 0; i < 4; i++) await publish(alice, chain.next());
    const before = (await alice.request({
      type: 'checkpoint-request',
      requestId: rid(),
      channel: channel as never,
    })) as Extract<Frame, { type: 'checkpoint' }>;
    await alice.close();
    await first.relay.close();

    const second = await startTestRelay({ sqlite: true, dir });
    try {
      const bob = await TestClient.connect(second.relay.url, BOB);
      bob.send({ type: 'subscribe', requestId: 7, channel: channel as never, cursor: 0 });
      const frames = await bob.until((f) => f.type === 'end-of-backfill');
      const delivered = frames.filter((f) => f.type === 'deliver') as Extract<
        Frame,
        { type: 'deliver' }
      >[];
      expect(delivered.map((f) => toHex(f.envelope))).to.deep.equal(chain.envelopes.map(toHex));
      const alice2 = await TestClient.connect(second.relay.url, ALICE);
      const answer = await publish(alice2, chain.next());
      expect(answer.type).to.equal('receipt');
      const after = (await alice2.request({
        type: 'checkpoint-request',
        requestId: rid(),
        channel: channel as never,
      })) as Extract<Frame, { type: 'checkpoint' }>;
      const proof = (await alice2.request({
        type: 'consistency-request',
        requestId: rid(),
        channel: channel as never,
        fromSize: 5,
        toSize: 6,
      })) as Extract<Frame, { type: 'consistency-proof' }>;
      checkCheckpointConsistency(
        openCheckpoint(before.checkpoint),
        openCheckpoint(after.checkpoint),
        proof.proof,
      );
      await Promise.all([bob.close(), alice2.close()]);
    } finally {
      await second.relay.close();
      (await import('node:fs')).rmSync(dir, { recursive: true, force: true });
    }
  });
});
