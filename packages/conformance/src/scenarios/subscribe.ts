// Subscribing (spec/07-relay.md §9): backfill from a cursor, end-of-backfill with
// `next`, then live entries; indices consecutive across the boundary, envelopes
// exactly as published; the cursor's range; replacing and ending a subscription.

import type { Frame } from '@hotline/codec';
import type { Channel } from '../lib/channel.js';
import type { RelayClient } from '../lib/client.js';
import type { ScenarioContext } from '../lib/context.js';
import { checkBytes, describeFrame, expectError, expectFrame } from '../lib/expect.js';
import { check, checkEqual } from '../lib/failure.js';
import { forSubscription, subscribe } from '../lib/subscription.js';
import type { Scenario } from '../scenario.js';

/** Founds a channel of alice and bob; alice publishes `count` envelopes after the charter. */
async function channelWithLog(
  ctx: ScenarioContext,
  count: number,
): Promise<{ alice: RelayClient; channel: Channel; log: Uint8Array[]; more(): Promise<void> }> {
  const alice = await ctx.connect(ctx.secret('alice'));
  const channel = await ctx.found(alice, ['alice', 'bob']);
  const chain = channel.chain(ctx.secret('alice'));
  const log = [channel.charter];
  const more = async (): Promise<void> => {
    const envelope = chain.next();
    checkEqual(await channel.publish(alice, envelope, `entry ${log.length}`), log.length, 'index');
    log.push(envelope);
  };
  for (let i = 0; i < count; i++) await more();
  return { alice, channel, log, more };
}

/** Checks one deliver: the subscription's channel, the expected index and bytes. */
function checkDeliver(frame: Frame, channel: Channel, index: number, log: Uint8Array[]): void {
  check(frame.type === 'deliver', `expected deliver ${index}, got ${describeFrame(frame)}`);
  const deliver = frame as Extract<Frame, { type: 'deliver' }>;
  checkEqual(deliver.index, index, 'deliver index (consecutive, no gap or repeat)');
  checkBytes(deliver.channel, channel.id, `deliver ${index} channel`);
  checkBytes(deliver.envelope, log[index]!, `deliver ${index} envelope bytes`);
}

/**
 * Reads a subscription's backfill: deliver frames for cursor .. log.length - 1 in
 * order, then end-of-backfill with next = log.length.
 */
async function readBackfill(
  client: RelayClient,
  requestId: number,
  channel: Channel,
  cursor: number,
  log: Uint8Array[],
): Promise<void> {
  for (let index = cursor; index < log.length; index++) {
    checkDeliver(
      await client.take(`deliver of index ${index}`, forSubscription(requestId)),
      channel,
      index,
      log,
    );
  }
  const end = expectFrame(
    await client.take('end-of-backfill', forSubscription(requestId)),
    'end-of-backfill',
    requestId,
  );
  checkEqual(end.next, log.length, 'end-of-backfill next');
  checkBytes(end.channel, channel.id, 'end-of-backfill channel');
}

/**
 * A request/answer round trip on `client`; afterwards no frame of subscription
 * `requestId` may be queued (frames of one connection arrive in order, so every
 * deliver sent before the answer is in hand).
 */
async function checkNothingMore(
  client: RelayClient,
  requestId: number,
  channel: Channel,
  why: string,
): Promise<void> {
  const probe = client.nextRequestId();
  const answer = await client.request(
    { type: 'checkpoint-request', requestId: probe, channel: channel.id as never },
    'a checkpoint (a round trip after the deliveries)',
  );
  expectFrame(answer, 'checkpoint', probe);
  const extra = client.queued().filter((frame) => frame.requestId === requestId);
  check(
    extra.length === 0,
    `${why}: ${extra.map((f) => (f.type === 'deliver' ? `deliver ${f.index}` : describeFrame(f))).join(', ')}`,
  );
}

export const subscribeScenarios: readonly Scenario[] = [
  {
    name: 'subscribe: backfill from a cursor, end-of-backfill, then live, in order without gap or repeat',
    async run(ctx) {
      const { channel, log, more } = await channelWithLog(ctx, 3);
      const bob = await ctx.connect(ctx.secret('bob'));
      const sub = subscribe(bob, channel, 1);
      await readBackfill(bob, sub, channel, 1, log);
      await more();
      await more();
      for (const index of [4, 5]) {
        checkDeliver(
          await bob.take(`live deliver of index ${index}`, forSubscription(sub)),
          channel,
          index,
          log,
        );
      }
      await checkNothingMore(bob, sub, channel, 'deliveries beyond the log');
    },
  },
  {
    name: 'subscribe: a cursor at the log size gives only end-of-backfill; beyond is CURSOR_OUT_OF_RANGE',
    async run(ctx) {
      const { channel, log } = await channelWithLog(ctx, 2);
      const bob = await ctx.connect(ctx.secret('bob'));
      const beyond = subscribe(bob, channel, log.length + 1);
      const error = expectError(
        await bob.take('the answer to a subscribe beyond the log', forSubscription(beyond)),
        'CURSOR_OUT_OF_RANGE',
        beyond,
      );
      checkEqual(error.detail.size, log.length, 'CURSOR_OUT_OF_RANGE detail.size');
      const at = subscribe(bob, channel, log.length);
      await readBackfill(bob, at, channel, log.length, log);
    },
  },
  {
    name: 'subscribe: resubscribing from an earlier cursor replays, under the new request id only',
    async run(ctx) {
      const { channel, log, more } = await channelWithLog(ctx, 3);
      const bob = await ctx.connect(ctx.secret('bob'));
      const first = subscribe(bob, channel, 2);
      await readBackfill(bob, first, channel, 2, log);
      const second = subscribe(bob, channel, 0);
      await readBackfill(bob, second, channel, 0, log);
      await more();
      checkDeliver(
        await bob.take('live deliver of index 4', forSubscription(second)),
        channel,
        4,
        log,
      );
      await checkNothingMore(bob, first, channel, 'frames of the replaced subscription');
      await checkNothingMore(bob, second, channel, 'deliveries beyond the log');
    },
  },
  {
    name: 'subscribe: unsubscribe is answered by unsubscribed and ends delivery',
    async run(ctx) {
      const { channel, log, more } = await channelWithLog(ctx, 1);
      const bob = await ctx.connect(ctx.secret('bob'));
      const sub = subscribe(bob, channel, log.length);
      await readBackfill(bob, sub, channel, log.length, log);
      const requestId = bob.nextRequestId();
      const answer = await bob.request(
        { type: 'unsubscribe', requestId, channel: channel.id as never },
        'unsubscribed',
      );
      const unsubscribed = expectFrame(answer, 'unsubscribed', requestId);
      checkBytes(unsubscribed.channel, channel.id, 'unsubscribed channel');
      await more();
      await checkNothingMore(bob, sub, channel, 'deliveries after unsubscribed');
    },
  },
  {
    name: 'subscribe: an unknown channel is CHANNEL_UNKNOWN; a non-member is NOT_MEMBER',
    async run(ctx) {
      const { channel } = await channelWithLog(ctx, 0);
      const mallory = await ctx.connect(ctx.secret('mallory'));
      const unknown = mallory.nextRequestId();
      const answer = await mallory.request(
        {
          type: 'subscribe',
          requestId: unknown,
          channel: ctx.secret('nowhere') as never,
          cursor: 0,
        },
        'the answer to a subscribe to an unknown channel',
      );
      expectError(answer, 'CHANNEL_UNKNOWN', unknown);
      const sub = subscribe(mallory, channel, 0);
      expectError(
        await mallory.take('the answer to a non-member subscribe', forSubscription(sub)),
        'NOT_MEMBER',
        sub,
      );
    },
  },
];
