// Publishing (spec/07-relay.md §8, spec/08-channels.md §6): founding by charter,
// receipts that verify offline, the chain verdicts of U8 with their details, the
// membership checks U4/U5, the signature U7, envelope decoding U2 and U3.

import { channelIdOf, encodeCharterBody, KIND, sha256 } from '@hotline/codec';
import { publicKeyOf } from '@hotline/signer';
import { Chain, signedEnvelope } from '../lib/chain.js';
import { rejectPublish } from '../lib/channel.js';
import { checkBytes, expectFrame } from '../lib/expect.js';
import { check, checkEqual } from '../lib/failure.js';
import type { Scenario } from '../scenario.js';

export const publishScenarios: readonly Scenario[] = [
  {
    name: 'publish: a charter founds a channel; its receipt (index 0) verifies offline',
    async run(ctx) {
      const client = await ctx.connect(ctx.secret('alice'));
      // found() publishes the charter and verifies the receipt for the relay key,
      // the channel id and the envelope id; the index must be 0.
      await ctx.found(client, ['alice']);
    },
  },
  {
    name: 'publish: a chain gets receipts with log indices 0..n, each verifying',
    async run(ctx) {
      const alice = await ctx.connect(ctx.secret('alice'));
      const channel = await ctx.found(alice, ['alice']);
      const chain = channel.chain(ctx.secret('alice'));
      for (let n = 1; n <= 4; n++) {
        checkEqual(await channel.publish(alice, chain.next(), `seq ${n}`), n, `index of seq ${n}`);
      }
    },
  },
  {
    name: 'publish: a pipelined chain (no wait between publishes) is taken in order',
    async run(ctx) {
      const alice = await ctx.connect(ctx.secret('alice'));
      const channel = await ctx.found(alice, ['alice']);
      const chain = channel.chain(ctx.secret('alice'));
      // §7: publishes of one connection go through U1–U10 in the order received.
      const sent = Array.from({ length: 5 }, () => {
        const envelope = chain.next();
        const requestId = alice.nextRequestId();
        alice.send({ type: 'publish', requestId, envelope });
        return { envelope, requestId };
      });
      for (const [i, { envelope, requestId }] of sent.entries()) {
        const answer = await alice.take(
          `the receipt of seq ${i + 1}`,
          (f) => f.requestId === requestId,
        );
        const receipt = expectFrame(answer, 'receipt', requestId);
        const index = channel.verifyReceipt(receipt.receipt, envelope, `seq ${i + 1}`);
        checkEqual(index, i + 1, `index of seq ${i + 1}`);
      }
    },
  },
  {
    name: 'publish: a duplicate gets a receipt of the same index',
    async run(ctx) {
      const alice = await ctx.connect(ctx.secret('alice'));
      const channel = await ctx.found(alice, ['alice']);
      const chain = channel.chain(ctx.secret('alice'));
      const first = chain.next();
      const index = await channel.publish(alice, first, 'seq 1');
      await channel.publish(alice, chain.next(), 'seq 2');
      checkEqual(
        await channel.publish(alice, first, 'seq 1 again'),
        index,
        'index of the duplicate',
      );
      // The founding charter again is a duplicate too (spec/08-channels.md §6.3).
      checkEqual(
        await channel.publish(alice, channel.charter, 'the charter again'),
        0,
        'index of the charter again',
      );
    },
  },
  {
    name: 'publish: a gap is CHAIN_GAP with detail.expected',
    async run(ctx) {
      const alice = await ctx.connect(ctx.secret('alice'));
      const channel = await ctx.found(alice, ['alice']);
      const chain = channel.chain(ctx.secret('alice'));
      const [one, two, three] = [chain.next(), chain.next(), chain.next()];
      await channel.publish(alice, one, 'seq 1');
      const gap = await rejectPublish(alice, three, 'CHAIN_GAP');
      checkEqual(gap.detail.expected, 2, 'CHAIN_GAP detail.expected');
      // Nothing was appended: the missing envelope, then the refused one, are accepted.
      checkEqual(await channel.publish(alice, two, 'seq 2'), 2, 'index of seq 2');
      checkEqual(await channel.publish(alice, three, 'seq 3'), 3, 'index of seq 3');
    },
  },
  {
    name: 'publish: a fork is CHAIN_FORK with detail.id and detail.index of the held envelope',
    async run(ctx) {
      const alice = await ctx.connect(ctx.secret('alice'));
      const channel = await ctx.found(alice, ['alice']);
      const chain = channel.chain(ctx.secret('alice'));
      await channel.publish(alice, chain.next(), 'seq 1');
      const two = chain.next();
      const index = await channel.publish(alice, two, 'seq 2');
      await channel.publish(alice, chain.next(), 'seq 3');
      // Another envelope at seq 2 (same prev, other body).
      const fork = signedEnvelope({
        secret: ctx.secret('alice'),
        channel: channel.id,
        seq: 2,
        prev: chain.ids[0],
        body: Uint8Array.of(0x64, 0x66, 0x6f, 0x72, 0x6b), // "fork"
      });
      const error = await rejectPublish(alice, fork, 'CHAIN_FORK');
      checkBytes(error.detail.id, chain.ids[1]!, 'CHAIN_FORK detail.id');
      checkEqual(error.detail.index, index, 'CHAIN_FORK detail.index');
    },
  },
  {
    name: 'publish: a wrong prev is CHAIN_BAD_PREV with detail.id of the last envelope',
    async run(ctx) {
      const alice = await ctx.connect(ctx.secret('alice'));
      const channel = await ctx.found(alice, ['alice']);
      const chain = channel.chain(ctx.secret('alice'));
      await channel.publish(alice, chain.next(), 'seq 1');
      const badPrev = signedEnvelope({
        secret: ctx.secret('alice'),
        channel: channel.id,
        seq: 2,
        prev: sha256(Uint8Array.of(1, 2, 3)),
      });
      const error = await rejectPublish(alice, badPrev, 'CHAIN_BAD_PREV');
      checkBytes(error.detail.id, chain.ids[0]!, 'CHAIN_BAD_PREV detail.id');
    },
  },
  {
    name: 'publish: a non-member connection is NOT_MEMBER',
    async run(ctx) {
      const alice = await ctx.connect(ctx.secret('alice'));
      const channel = await ctx.found(alice, ['alice']);
      const mallory = await ctx.connect(ctx.secret('mallory'));
      // Alice's own valid envelope, published by a non-member connection (U4).
      const envelope = channel.chain(ctx.secret('alice')).next();
      await rejectPublish(mallory, envelope, 'NOT_MEMBER');
      checkEqual(await channel.publish(alice, envelope, 'seq 1 by alice'), 1, 'index of seq 1');
    },
  },
  {
    name: "publish: a member relaying a non-member's envelope is NOT_MEMBER (field sender)",
    async run(ctx) {
      const alice = await ctx.connect(ctx.secret('alice'));
      const channel = await ctx.found(alice, ['alice']);
      const mallorys = new Chain(ctx.secret('mallory'), channel.id).next();
      const error = await rejectPublish(alice, mallorys, 'NOT_MEMBER');
      checkEqual(error.detail.field, 'sender', 'NOT_MEMBER detail.field');
    },
  },
  {
    name: 'publish: a bad signature is SIGNATURE_INVALID',
    async run(ctx) {
      const alice = await ctx.connect(ctx.secret('alice'));
      const channel = await ctx.found(alice, ['alice']);
      const envelope = channel.chain(ctx.secret('alice')).next();
      const forged = envelope.slice();
      forged[forged.length - 1]! ^= 0x01; // the last byte of the signature
      await rejectPublish(alice, forged, 'SIGNATURE_INVALID');
      checkEqual(await channel.publish(alice, envelope, 'the genuine seq 1'), 1, 'index of seq 1');
    },
  },
  {
    name: 'publish: an envelope with a non-shortest head (tag 18 as d8 12) is CBOR_NON_SHORTEST',
    async run(ctx) {
      const alice = await ctx.connect(ctx.secret('alice'));
      const envelope = signedEnvelope({
        secret: ctx.secret('alice'),
        channel: ctx.secret('a channel'),
        seq: 1,
      });
      check(envelope[0] === 0xd2, 'runner self-check: envelope starts with tag 18');
      const longHead = Uint8Array.of(0xd8, 0x12, ...envelope.subarray(1));
      // U2 comes before U3: the channel need not exist.
      await rejectPublish(alice, longHead, 'CBOR_NON_SHORTEST');
    },
  },
  {
    name: 'publish: an envelope of an unknown channel is CHANNEL_UNKNOWN',
    async run(ctx) {
      const alice = await ctx.connect(ctx.secret('alice'));
      const envelope = signedEnvelope({
        secret: ctx.secret('alice'),
        channel: ctx.secret('a channel nobody founded'),
        seq: 1,
      });
      await rejectPublish(alice, envelope, 'CHANNEL_UNKNOWN');
    },
  },
  {
    name: 'publish: a charter that does not list this relay is CHARTER_RELAY_NOT_LISTED',
    async run(ctx) {
      const alice = await ctx.connect(ctx.secret('alice'));
      const body = encodeCharterBody({
        members: [
          { key: publicKeyOf(ctx.founder), name: 'founder' },
          { key: publicKeyOf(ctx.secret('alice')), name: 'alice' },
        ],
        relays: [{ key: publicKeyOf(ctx.secret('another relay')), url: ctx.url }],
        params: { heartbeatInterval: 60_000 },
      });
      const charter = new Chain(ctx.founder, channelIdOf(body)).next(KIND.charter, body);
      await rejectPublish(alice, charter, 'CHARTER_RELAY_NOT_LISTED');
    },
  },
];
