// Checkpoints and proofs (spec/07-relay.md §10, spec/05-checkpoints.md): the
// checkpoint is signed by the challenge's key, names the channel, has the committed
// size and the root of exactly the entries published; proofs verify against the
// roots of signed checkpoints; requests beyond the log are refused.

import type { DecodedCheckpoint, ErrorCode, Frame } from '@hotline/codec';
import {
  checkCheckpointConsistency,
  leafHashOfId,
  merkleRoot,
  openCheckpoint,
  verifyInclusion,
} from '@hotline/signer';
import { idOf } from '../lib/chain.js';
import type { Channel } from '../lib/channel.js';
import type { RelayClient } from '../lib/client.js';
import type { ScenarioContext } from '../lib/context.js';
import { checkBytes, expectError, expectFrame } from '../lib/expect.js';
import { check, checkEqual, verifying } from '../lib/failure.js';
import type { Scenario } from '../scenario.js';

interface Log {
  alice: RelayClient;
  channel: Channel;
  /** Envelope ids in log order. */
  ids: Uint8Array[];
  /** Publishes `count` more envelopes of alice. */
  grow(count: number): Promise<void>;
}

async function channelWithLog(ctx: ScenarioContext, count: number): Promise<Log> {
  const alice = await ctx.connect(ctx.secret('alice'));
  const channel = await ctx.found(alice, ['alice']);
  const chain = channel.chain(ctx.secret('alice'));
  const ids = [idOf(channel.charter)];
  const grow = async (n: number): Promise<void> => {
    for (let i = 0; i < n; i++) {
      const envelope = chain.next();
      checkEqual(
        await channel.publish(alice, envelope, `entry ${ids.length}`),
        ids.length,
        'index',
      );
      ids.push(idOf(envelope));
    }
  };
  await grow(count);
  return { alice, channel, ids, grow };
}

/** Asks for the channel's checkpoint; it must verify and be of the whole log. */
async function checkpointOf(log: Log): Promise<DecodedCheckpoint> {
  const { alice, channel, ids } = log;
  const requestId = alice.nextRequestId();
  const answer = await alice.request(
    { type: 'checkpoint-request', requestId, channel: channel.id as never },
    'checkpoint',
  );
  const frame = expectFrame(answer, 'checkpoint', requestId);
  const checkpoint = verifying('the checkpoint does not verify', () =>
    openCheckpoint(frame.checkpoint, { relay: channel.relayKey, channel: channel.id }),
  );
  checkEqual(checkpoint.fields.size, ids.length, 'checkpoint size (the committed log size)');
  checkBytes(checkpoint.fields.root, merkleRoot(ids.map(leafHashOfId)), 'checkpoint root');
  return checkpoint;
}

async function consistency(
  log: Log,
  fromSize: number,
  toSize: number,
): Promise<readonly Uint8Array[]> {
  const requestId = log.alice.nextRequestId();
  const answer = await log.alice.request(
    { type: 'consistency-request', requestId, channel: log.channel.id as never, fromSize, toSize },
    `consistency-proof ${fromSize}→${toSize}`,
  );
  const proof = expectFrame(answer, 'consistency-proof', requestId);
  checkEqual(proof.fromSize, fromSize, 'consistency-proof fromSize');
  checkEqual(proof.toSize, toSize, 'consistency-proof toSize');
  return proof.proof;
}

async function inclusion(log: Log, index: number, size: number): Promise<readonly Uint8Array[]> {
  const requestId = log.alice.nextRequestId();
  const answer = await log.alice.request(
    { type: 'inclusion-request', requestId, channel: log.channel.id as never, index, size },
    `inclusion-proof of ${index} in ${size}`,
  );
  const proof = expectFrame(answer, 'inclusion-proof', requestId);
  checkEqual(proof.index, index, 'inclusion-proof index');
  checkEqual(proof.size, size, 'inclusion-proof size');
  return proof.proof;
}

/** Sends `frame` (a request of `client`) and expects `code` for it. */
async function refused(client: RelayClient, frame: Frame, code: ErrorCode): Promise<void> {
  expectError(await client.request(frame, `${code} for ${frame.type}`), code, frame.requestId);
}

export const proofScenarios: readonly Scenario[] = [
  {
    name: 'proofs: checkpoint-request gets a checkpoint signed by the relay key, of the whole log',
    async run(ctx) {
      const log = await channelWithLog(ctx, 2);
      await checkpointOf(log);
    },
  },
  {
    name: 'proofs: consistency proofs between checkpoints verify',
    async run(ctx) {
      const log = await channelWithLog(ctx, 0);
      const one = await checkpointOf(log);
      await log.grow(3);
      const four = await checkpointOf(log);
      await log.grow(3);
      const seven = await checkpointOf(log);
      for (const [older, from] of [
        [one, 1],
        [four, 4],
      ] as const) {
        const proof = await consistency(log, from, 7);
        verifying(`consistency ${from}→7`, () => checkCheckpointConsistency(older, seven, proof));
      }
      // 04-log.md §4: fromSize 0 or fromSize = toSize has the empty proof.
      checkEqual((await consistency(log, 0, 7)).length, 0, 'consistency 0→7 proof length');
      checkEqual((await consistency(log, 7, 7)).length, 0, 'consistency 7→7 proof length');
    },
  },
  {
    name: 'proofs: inclusion proofs verify against a checkpoint root',
    async run(ctx) {
      const log = await channelWithLog(ctx, 3);
      const four = await checkpointOf(log);
      await log.grow(3);
      const seven = await checkpointOf(log);
      for (const checkpoint of [four, seven]) {
        const { size, root } = checkpoint.fields;
        for (let index = 0; index < size; index++) {
          const proof = await inclusion(log, index, size);
          check(
            verifyInclusion(leafHashOfId(log.ids[index]!), index, size, [...proof], root),
            `inclusion proof of ${index} in ${size} does not reach the checkpoint root`,
          );
        }
      }
    },
  },
  {
    name: 'proofs: requests beyond the log are PROOF_OUT_OF_RANGE with detail.size',
    async run(ctx) {
      const log = await channelWithLog(ctx, 2);
      const size = log.ids.length;
      const channel = log.channel.id as never;
      const requests: Frame[] = [
        { type: 'inclusion-request', requestId: 0, channel, index: size, size },
        { type: 'inclusion-request', requestId: 0, channel, index: 0, size: size + 1 },
        { type: 'consistency-request', requestId: 0, channel, fromSize: 1, toSize: size + 1 },
        { type: 'consistency-request', requestId: 0, channel, fromSize: size, toSize: size - 1 },
      ];
      for (const request of requests) {
        const requestId = log.alice.nextRequestId();
        const answer = await log.alice.request(
          { ...request, requestId },
          `PROOF_OUT_OF_RANGE for ${request.type}`,
        );
        const error = expectError(answer, 'PROOF_OUT_OF_RANGE', requestId);
        checkEqual(error.detail.size, size, 'PROOF_OUT_OF_RANGE detail.size');
      }
    },
  },
  {
    name: 'proofs: an unknown channel is CHANNEL_UNKNOWN; a non-member is NOT_MEMBER',
    async run(ctx) {
      const log = await channelWithLog(ctx, 1);
      const nowhere = ctx.secret('nowhere') as never;
      const channel = log.channel.id as never;
      const { alice } = log;
      await refused(
        alice,
        { type: 'checkpoint-request', requestId: alice.nextRequestId(), channel: nowhere },
        'CHANNEL_UNKNOWN',
      );
      const mallory = await ctx.connect(ctx.secret('mallory'));
      await refused(
        mallory,
        { type: 'checkpoint-request', requestId: mallory.nextRequestId(), channel },
        'NOT_MEMBER',
      );
      await refused(
        mallory,
        {
          type: 'inclusion-request',
          requestId: mallory.nextRequestId(),
          channel,
          index: 0,
          size: 1,
        },
        'NOT_MEMBER',
      );
    },
  },
];
