// Key rotation and revocation on the relay (spec/kinds/keys.md §5, spec/07-relay.md
// §8 U4/U5): a successor named by a key-rotate that takes effect may publish, its
// chain starting at seq 1 with `ref` = the key-rotate; the rotated key may not; a
// key-rotate without a valid proof of possession is refused. A key revoked by itself
// (the kill switch, even dated after effectiveFrom) publishes nothing more, and a
// connection authenticated with it publishes nobody's envelopes; a member may not
// revoke another member's key.

import { encodeKeyRevokeBody, encodeKeyRotateBody, KIND, rotationStatement } from '@hotline/codec';
import { publicKeyOf, sign } from '@hotline/signer';
import { idOf, signedEnvelope } from '../lib/chain.js';
import { rejectPublish } from '../lib/channel.js';
import { describeFrame, expectError, expectFrame } from '../lib/expect.js';
import { check, checkEqual } from '../lib/failure.js';
import { forSubscription, subscribe } from '../lib/subscription.js';
import type { Scenario } from '../scenario.js';

/** A key-rotate body naming `successor`, with its proof of possession (or a forged one). */
function rotateBody(
  channel: Uint8Array,
  old: Uint8Array,
  successor: Uint8Array,
  effectiveFrom: number,
  forged = false,
) {
  const statement = rotationStatement(channel, publicKeyOf(old), publicKeyOf(successor));
  const proof = sign(statement, forged ? old : successor);
  return encodeKeyRotateBody({
    successor: publicKeyOf(successor) as never,
    proof: proof as never,
    effectiveFrom,
  });
}

export const keyScenarios: readonly Scenario[] = [
  {
    name: 'keys: after a key-rotate the successor publishes from seq 1 and the old key is KEY_ROTATED',
    async run(ctx) {
      const alice = await ctx.connect(ctx.secret('alice'));
      const channel = await ctx.found(alice, ['alice']);
      const chain = channel.chain(ctx.secret('alice'));
      await channel.publish(alice, chain.next(), 'seq 1');
      const successor = ctx.secret('alice 2');
      // In force from a second ahead: not before the key-rotate's own time, and the
      // successor's first envelope is dated from it.
      const effectiveFrom = Date.now() + 1000;
      const rotate = chain.next(
        KIND['key-rotate'],
        rotateBody(channel.id, ctx.secret('alice'), successor, effectiveFrom),
      );
      await channel.publish(alice, rotate, 'the key-rotate');
      // The old key's chain ended with its key-rotate.
      await rejectPublish(alice, chain.next(), 'KEY_ROTATED');
      const next = await ctx.connect(successor);
      const first = signedEnvelope({
        secret: successor,
        channel: channel.id,
        seq: 1,
        ref: idOf(rotate),
        time: effectiveFrom,
      });
      checkEqual(await channel.publish(next, first, "the successor's seq 1"), 3, 'its index');
    },
  },
  {
    name: 'keys: after its own key-revoke a key is KEY_REVOKED, and a connection with it may not publish (U4)',
    async run(ctx) {
      const alice = await ctx.connect(ctx.secret('alice'));
      const channel = await ctx.found(alice, ['alice', 'bob']);
      const chain = channel.chain(ctx.secret('alice'));
      await channel.publish(alice, chain.next(), "alice's seq 1");
      // Compromised an hour ago: the revoke is accepted although its key signed it after.
      const revoke = chain.next(
        KIND['key-revoke'],
        encodeKeyRevokeBody({
          key: publicKeyOf(ctx.secret('alice')) as never,
          reason: 'compromised',
          effectiveFrom: Date.now() - 3_600_000,
        }),
      );
      checkEqual(await channel.publish(alice, revoke, 'the key-revoke'), 2, 'its index');
      await rejectPublish(alice, chain.next(), 'KEY_REVOKED');
      // Bob's genuine envelope, carried by a new connection of the revoked key: U4.
      const bobsFirst = channel.chain(ctx.secret('bob')).next();
      await rejectPublish(await ctx.connect(ctx.secret('alice')), bobsFirst, 'KEY_REVOKED');
      const bob = await ctx.connect(ctx.secret('bob'));
      checkEqual(await channel.publish(bob, bobsFirst, "bob's seq 1"), 3, 'its index');
    },
  },
  {
    name: 'keys: a subscription of a key that revokes itself gets the key-revoke, then KEY_REVOKED, and nothing after',
    async run(ctx) {
      const alice = await ctx.connect(ctx.secret('alice'));
      const channel = await ctx.found(alice, ['alice', 'bob']);
      const watcher = await ctx.connect(ctx.secret('bob'));
      const sub = subscribe(watcher, channel, 1);
      expectFrame(
        await watcher.take('end-of-backfill', forSubscription(sub)),
        'end-of-backfill',
        sub,
      );
      const bob = await ctx.connect(ctx.secret('bob'));
      const revoke = channel.chain(ctx.secret('bob')).next(
        KIND['key-revoke'],
        encodeKeyRevokeBody({
          key: publicKeyOf(ctx.secret('bob')) as never,
          reason: 'retired',
          effectiveFrom: Date.now(),
        }),
      );
      checkEqual(await channel.publish(bob, revoke, 'the key-revoke'), 1, 'its index');
      const delivered = await watcher.take('deliver of the key-revoke', forSubscription(sub));
      checkEqual(expectFrame(delivered, 'deliver', sub).index, 1, 'deliver index');
      expectError(
        await watcher.take('the end of the subscription', forSubscription(sub)),
        'KEY_REVOKED',
        sub,
      );
      // Alice goes on; the ended subscription must not carry it.
      await channel.publish(alice, channel.chain(ctx.secret('alice')).next(), "alice's seq 1");
      const probe = watcher.nextRequestId();
      await watcher.request(
        { type: 'checkpoint-request', requestId: probe, channel: channel.id as never },
        'any answer (a round trip after the deliveries)',
      );
      const extra = watcher.queued().filter((frame) => frame.requestId === sub);
      check(extra.length === 0, `frames after the end: ${extra.map(describeFrame).join(', ')}`);
    },
  },
  {
    name: "keys: a key-revoke of another member's key is REVOKE_NOT_PERMITTED (field key)",
    async run(ctx) {
      const alice = await ctx.connect(ctx.secret('alice'));
      const channel = await ctx.found(alice, ['alice', 'bob']);
      const bob = await ctx.connect(ctx.secret('bob'));
      const bobs = channel.chain(ctx.secret('bob'));
      const revoke = bobs.next(
        KIND['key-revoke'],
        encodeKeyRevokeBody({
          key: publicKeyOf(ctx.secret('alice')) as never,
          reason: 'retired',
          effectiveFrom: Date.now(),
        }),
      );
      const error = await rejectPublish(bob, revoke, 'REVOKE_NOT_PERMITTED');
      checkEqual(error.detail.field, 'key', 'REVOKE_NOT_PERMITTED detail.field');
      // Nothing changed: alice still publishes.
      const first = channel.chain(ctx.secret('alice')).next();
      checkEqual(await channel.publish(alice, first, "alice's seq 1"), 1, 'its index');
    },
  },
  {
    name: 'keys: a key-rotate whose proof of possession is not the successor’s is ROTATION_INVALID',
    async run(ctx) {
      const alice = await ctx.connect(ctx.secret('alice'));
      const channel = await ctx.found(alice, ['alice']);
      const chain = channel.chain(ctx.secret('alice'));
      const forged = chain.next(
        KIND['key-rotate'],
        rotateBody(channel.id, ctx.secret('alice'), ctx.secret('mallory'), Date.now() + 1000, true),
      );
      await rejectPublish(alice, forged, 'ROTATION_INVALID');
    },
  },
];
