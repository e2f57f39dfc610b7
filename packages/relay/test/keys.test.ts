// Key rotation and revocation on the relay (spec/kinds/keys.md): a successor named by
// a verified key-rotate authenticates, subscribes and publishes its own chain; the
// old key and a revoked key are refused with KEY_ROTATED and KEY_REVOKED, also in the
// same commit and after a restart; a key-rotate or key-revoke that cannot take effect
// is refused and appends nothing.

import { rmSync } from 'node:fs';
import {
  encodeKeyRevokeBody,
  encodeKeyRotateBody,
  type Frame,
  KIND,
  rotationStatement,
} from '@hotline/codec';
import { openEnvelope, publicKeyOf, sign, signEnvelope } from '@hotline/signer';
import { expect } from 'chai';
import { TestClient } from './_client.js';
import { ALICE, BOB, foundedChain, secretOf, startTestRelay, type TestRelay } from './_fixture.js';
import { GatedStore } from './_gated-store.js';

const BOB2 = secretOf('bob 2');
const T0 = 1_764_000_000_000;
let nextId = 1000;
const rid = () => nextId++;

/** A sender's chain with the fields these tests need (ref, time). */
class KeyChain {
  seq = 0;
  prev: Uint8Array | undefined;
  constructor(
    readonly secret: Uint8Array,
    readonly channel: Uint8Array,
  ) {}
  next(
    kind: number = KIND.text,
    body: Uint8Array = new Uint8Array([0x60]),
    options: { ref?: Uint8Array; time?: number } = {},
  ): { bytes: Uint8Array; id: Uint8Array } {
    this.seq++;
    const bytes = signEnvelope(
      {
        channel: this.channel,
        sender: publicKeyOf(this.secret),
        seq: this.seq,
        prev: this.prev,
        time: options.time ?? T0 + this.seq,
        kind,
        body,
        ...(options.ref ? { ref: options.ref } : {}),
      },
      this.secret,
    );
    const { id } = openEnvelope(bytes);
    this.prev = id;
    return { bytes, id };
  }
}

function rotateBody(channel: Uint8Array, from: Uint8Array, to: Uint8Array, signer = to) {
  const proof = sign(rotationStatement(channel, publicKeyOf(from), publicKeyOf(to)), signer);
  return encodeKeyRotateBody({
    successor: publicKeyOf(to) as never,
    proof: proof as never,
    effectiveFrom: T0 + 1000,
  });
}

const revokeBody = (key: Uint8Array) =>
  encodeKeyRevokeBody({ key: publicKeyOf(key) as never, reason: 'compromised', effectiveFrom: T0 });

const publish = (client: TestClient, envelope: Uint8Array) =>
  client.request({ type: 'publish', requestId: rid(), envelope });

function codeOf(frame: Frame): string {
  return frame.type === 'error' ? frame.code : frame.type;
}

async function subscribe(client: TestClient, channel: Uint8Array): Promise<Frame> {
  const requestId = rid();
  client.send({ type: 'subscribe', requestId, channel: channel as never, cursor: 0 });
  const frames = await client.until(
    (f) => f.requestId === requestId && (f.type === 'end-of-backfill' || f.type === 'error'),
  );
  return frames.at(-1)!;
}

/** Founds the channel (alice, bob); bob sends one text. */
async function setUp(t: TestRelay) {
  const { chain, channel } = foundedChain();
  const alice = await TestClient.connect(t.relay.url, ALICE);
  expect(codeOf(await publish(alice, chain.envelopes[0]!))).to.equal('receipt');
  const bob = await TestClient.connect(t.relay.url, BOB);
  const bobs = new KeyChain(BOB, channel);
  expect(codeOf(await publish(bob, bobs.next().bytes))).to.equal('receipt');
  // Alice's chain goes on from her charter envelope (her seq 1).
  const alices = new KeyChain(ALICE, channel);
  alices.seq = 1;
  alices.prev = openEnvelope(chain.envelopes[0]!).id;
  return { channel, alice, alices, bob, bobs };
}

for (const sqlite of [false, true]) {
  describe(`relay: key rotation and revocation (${sqlite ? 'SQLite' : 'memory'} store)`, () => {
    let t: TestRelay;
    beforeEach(async () => {
      t = await startTestRelay({ sqlite });
    });
    afterEach(async () => {
      await t.stop();
    });

    it('the successor of a key-rotate subscribes and publishes its chain from seq 1; the old key is KEY_ROTATED', async () => {
      const { channel, alice, bob, bobs } = await setUp(t);
      // Before the rotation the successor is nobody.
      const early = await TestClient.connect(t.relay.url, BOB2);
      expect(codeOf(await subscribe(early, channel))).to.equal('NOT_MEMBER');
      await early.close();
      expect(codeOf(await subscribe(bob, channel))).to.equal('end-of-backfill');

      const rotate = bobs.next(KIND['key-rotate'], rotateBody(channel, BOB, BOB2));
      expect(codeOf(await publish(bob, rotate.bytes))).to.equal('receipt');
      // Bob's live subscription gets the key-rotate, then ends: the key is out.
      const frames = await bob.until((f) => f.type === 'error');
      expect(frames.filter((f) => f.type === 'deliver')).to.have.length(1);
      expect(codeOf(frames.at(-1)!)).to.equal('KEY_ROTATED');

      const bob2 = await TestClient.connect(t.relay.url, BOB2);
      expect(codeOf(await subscribe(bob2, channel))).to.equal('end-of-backfill');
      const successor = new KeyChain(BOB2, channel);
      // The first envelope must refer to the key-rotate.
      const unlinked = successor.next(KIND.text, undefined, { time: T0 + 1000 });
      const refused = await publish(bob2, unlinked.bytes);
      expect(codeOf(refused)).to.equal('SUCCESSOR_START_INVALID');
      expect(refused.type === 'error' && refused.detail.field).to.equal('ref');
      const linked = new KeyChain(BOB2, channel);
      const first = linked.next(KIND.text, undefined, { ref: rotate.id, time: T0 + 1000 });
      expect(codeOf(await publish(bob2, first.bytes))).to.equal('receipt');
      expect(codeOf(await publish(bob2, linked.next().bytes))).to.equal('receipt');

      // The old key's chain ended with its key-rotate; re-sending the key-rotate is a duplicate.
      // Bob's own connection is refused (U4); relayed by alice, the envelope (U5).
      const after = bobs.next().bytes;
      expect(codeOf(await publish(bob, after))).to.equal('KEY_ROTATED');
      const relayed = await publish(alice, after);
      expect(codeOf(relayed)).to.equal('KEY_ROTATED');
      expect(relayed.type === 'error' && relayed.detail.field).to.equal('sender');
      const again = await TestClient.connect(t.relay.url, BOB);
      expect(codeOf(await subscribe(again, channel))).to.equal('KEY_ROTATED');
      const checkpoint = await again.request({
        type: 'checkpoint-request',
        requestId: rid(),
        channel: channel as never,
      });
      expect(codeOf(checkpoint)).to.equal('KEY_ROTATED');
      await Promise.all([alice.close(), bob.close(), bob2.close(), again.close()]);
    });

    it('a key-rotate published again through a member connection is a duplicate: its receipt', async () => {
      const { channel, alice, bob, bobs } = await setUp(t);
      const rotate = bobs.next(KIND['key-rotate'], rotateBody(channel, BOB, BOB2));
      expect(codeOf(await publish(bob, rotate.bytes))).to.equal('receipt');
      // A lost receipt: alice's connection re-publishes bob's key-rotate, a duplicate.
      expect(codeOf(await publish(alice, rotate.bytes))).to.equal('receipt');
      await Promise.all([alice.close(), bob.close()]);
    });

    it('refuses, in the commit it would join, the old key envelope published right behind its key-rotate', async () => {
      const { channel, bob, bobs } = await setUp(t);
      const rotate = bobs.next(KIND['key-rotate'], rotateBody(channel, BOB, BOB2));
      const behind = bobs.next();
      // Both pass U5 on arrival; the second is judged after the first is appended.
      const [first, second] = [rid(), rid()];
      bob.send({ type: 'publish', requestId: first, envelope: rotate.bytes });
      bob.send({ type: 'publish', requestId: second, envelope: behind.bytes });
      const a = await bob.take((f) => f.requestId === first);
      const b = await bob.take((f) => f.requestId === second);
      expect([codeOf(a), codeOf(b)]).to.deep.equal(['receipt', 'KEY_ROTATED']);
      await bob.close();
    });

    it('refuses a key-rotate that cannot hand over (ROTATION_INVALID) and appends nothing', async () => {
      const { channel, bob, bobs } = await setUp(t);
      // The proof signed by the old key, not by the successor.
      const forged = bobs.next(KIND['key-rotate'], rotateBody(channel, BOB, BOB2, BOB));
      const answer = await publish(bob, forged.bytes);
      expect(codeOf(answer)).to.equal('ROTATION_INVALID');
      expect(answer.type === 'error' && answer.detail.field).to.equal('proof');
      const bob2 = await TestClient.connect(t.relay.url, BOB2);
      expect(codeOf(await subscribe(bob2, channel))).to.equal('NOT_MEMBER');
      // Bob's seq 2 is still free: the refused envelope took no place in his chain.
      const retry = new KeyChain(BOB, channel);
      retry.next();
      expect(codeOf(await publish(bob, retry.next().bytes))).to.equal('receipt');
      await Promise.all([bob.close(), bob2.close()]);
    });

    it('a key revokes itself: KEY_REVOKED afterwards; another member may not revoke it', async () => {
      const { channel, alice, alices, bob, bobs } = await setUp(t);
      const byAlice = alices.next(KIND['key-revoke'], revokeBody(BOB));
      expect(codeOf(await publish(alice, byAlice.bytes))).to.equal('REVOKE_NOT_PERMITTED');
      expect(
        codeOf(await publish(bob, bobs.next(KIND['key-revoke'], revokeBody(BOB)).bytes)),
      ).to.equal('receipt');
      expect(codeOf(await publish(bob, bobs.next().bytes))).to.equal('KEY_REVOKED');
      expect(codeOf(await subscribe(bob, channel))).to.equal('KEY_REVOKED');
      await Promise.all([alice.close(), bob.close()]);
    });
  });
}

describe('relay: key rotation and revocation survive a restart (SQLite)', () => {
  it('restores the successor as a member with its chain head, and the ended keys as refused', async () => {
    const first = await startTestRelay({ sqlite: true, dir: undefined });
    const dir = first.dir!;
    let second: TestRelay | undefined;
    try {
      const { channel, alice, alices, bob, bobs } = await setUp(first);
      const rotate = bobs.next(KIND['key-rotate'], rotateBody(channel, BOB, BOB2));
      expect(codeOf(await publish(bob, rotate.bytes))).to.equal('receipt');
      const bob2 = await TestClient.connect(first.relay.url, BOB2);
      const successor = new KeyChain(BOB2, channel);
      const start = successor.next(KIND.text, undefined, { ref: rotate.id, time: T0 + 1000 });
      expect(codeOf(await publish(bob2, start.bytes))).to.equal('receipt');
      const revoke = alices.next(KIND['key-revoke'], revokeBody(ALICE));
      expect(codeOf(await publish(alice, revoke.bytes))).to.equal('receipt');
      await Promise.all([alice.close(), bob.close(), bob2.close()]);
      await first.relay.close();

      second = await startTestRelay({ sqlite: true, dir });
      const bob2Again = await TestClient.connect(second.relay.url, BOB2);
      expect(codeOf(await subscribe(bob2Again, channel))).to.equal('end-of-backfill');
      // The successor's head (seq 1) was restored: seq 2 is the next, not a gap.
      expect(codeOf(await publish(bob2Again, successor.next().bytes))).to.equal('receipt');
      const bobAgain = await TestClient.connect(second.relay.url, BOB);
      expect(codeOf(await publish(bobAgain, bobs.next().bytes))).to.equal('KEY_ROTATED');
      const aliceAgain = await TestClient.connect(second.relay.url, ALICE);
      expect(codeOf(await publish(aliceAgain, alices.next().bytes))).to.equal('KEY_REVOKED');
      await Promise.all([bob2Again.close(), bobAgain.close(), aliceAgain.close()]);
    } finally {
      await second?.relay.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('relay: a subscription ends at the envelope that ended its key (spec/07-relay.md §9.4)', () => {
  let t: TestRelay;
  let store: GatedStore;
  beforeEach(async () => {
    store = new GatedStore();
    t = await startTestRelay({ store });
  });
  afterEach(() => t.stop());

  /** What a subscription received until its final answer: deliver indices, then the code. */
  async function received(client: TestClient, requestId: number) {
    const frames = await client.until(
      (f) => f.requestId === requestId && f.type !== 'deliver' && f.type !== 'end-of-backfill',
    );
    return frames
      .filter((f) => f.requestId === requestId && f.type !== 'end-of-backfill')
      .map((f) => (f.type === 'deliver' ? f.index : codeOf(f)));
  }

  it('in backfill: delivered up to its key-revoke, then KEY_REVOKED; nothing after it', async () => {
    const { channel, alice, alices, bob, bobs } = await setUp(t); // 0 charter, 1 bob#1
    const watcher = await TestClient.connect(t.relay.url, BOB);
    const reads = store.reads.hold();
    const requestId = rid();
    watcher.send({ type: 'subscribe', requestId, channel: channel as never, cursor: 0 });
    await reads.reached; // the backfill waits at its first read
    const revoke = bobs.next(KIND['key-revoke'], revokeBody(BOB));
    expect(codeOf(await publish(bob, revoke.bytes))).to.equal('receipt'); // index 2
    expect(codeOf(await publish(alice, alices.next().bytes))).to.equal('receipt'); // index 3
    reads.release();
    expect(await received(watcher, requestId)).to.deep.equal([0, 1, 2, 'KEY_REVOKED']);
    await Promise.all([alice.close(), bob.close(), watcher.close()]);
  });

  it('live: the commit that ends the key is delivered up to it, then KEY_REVOKED', async () => {
    const { channel, alice, alices, bob, bobs } = await setUp(t);
    const watcher = await TestClient.connect(t.relay.url, BOB);
    const requestId = rid();
    watcher.send({ type: 'subscribe', requestId, channel: channel as never, cursor: 2 });
    await watcher.take((f) => f.requestId === requestId && f.type === 'end-of-backfill');
    // Hold a commit, so that bob's key-revoke and alice's next envelope join the next
    // one together; alice's connection carries both (a member may relay a member's).
    const commits = store.commits.hold();
    const ids = [rid(), rid(), rid()];
    alice.send({ type: 'publish', requestId: ids[0]!, envelope: alices.next().bytes }); // index 2
    await commits.reached;
    const revoke = bobs.next(KIND['key-revoke'], revokeBody(BOB));
    alice.send({ type: 'publish', requestId: ids[1]!, envelope: revoke.bytes });
    alice.send({ type: 'publish', requestId: ids[2]!, envelope: alices.next().bytes });
    // Answered at once, after the relay's turn that took the two publishes above.
    const cp = rid();
    alice.send({ type: 'checkpoint-request', requestId: cp, channel: channel as never });
    await alice.take((f) => f.requestId === cp);
    commits.release();
    for (const id of ids)
      expect(codeOf(await alice.take((f) => f.requestId === id))).to.equal('receipt');
    expect(await received(watcher, requestId)).to.deep.equal([2, 3, 'KEY_REVOKED']);
    await Promise.all([alice.close(), bob.close(), watcher.close()]);
  });
});
