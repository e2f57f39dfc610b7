// Issuing and verifying what a relay signs (spec/05-checkpoints.md): checkpoints
// of a channel's Merkle log, and receipts = checkpoint + inclusion proof.

import {
  assembleCheckpoint,
  bytesEqual,
  type CheckpointFields,
  checkpointSignedBytes,
  type DecodedCheckpoint,
  decodeCheckpoint,
  decodeReceipt,
  encodeCheckpointPayload,
  HotlineError,
  type Receipt,
} from '@hotline/codec';
import { publicKeyOf, sign } from './ed25519/keys.js';
import { isAcceptableKey, type VerifyOptions, verify } from './ed25519/verify.js';
import { leafHashOfId } from './merkle/hash.js';
import { verifyConsistency, verifyInclusion } from './merkle/verify.js';

/** Signs a checkpoint; `fields.relay` must be the public key of `relaySecret`. */
export function issueCheckpoint(fields: CheckpointFields, relaySecret: Uint8Array): Uint8Array {
  if (!bytesEqual(fields.relay, publicKeyOf(relaySecret))) {
    throw new RangeError('fields.relay must be the public key of relaySecret');
  }
  const payload = encodeCheckpointPayload(fields);
  return assembleCheckpoint(payload, sign(checkpointSignedBytes(payload), relaySecret));
}

export interface OpenCheckpointOptions extends VerifyOptions {
  /** Reject a checkpoint not signed by this relay key (CHECKPOINT_RELAY_MISMATCH). */
  relay?: Uint8Array;
  /** Reject a checkpoint of another channel (CHECKPOINT_CHANNEL_MISMATCH). */
  channel?: Uint8Array;
}

/** Decodes a checkpoint and verifies the relay's signature; throws HotlineError. */
export function openCheckpoint(
  bytes: Uint8Array,
  options: OpenCheckpointOptions = {},
): DecodedCheckpoint {
  const checkpoint = decodeCheckpoint(bytes);
  const { relay, channel } = checkpoint.fields;
  if (options.relay !== undefined && !bytesEqual(options.relay, relay)) {
    throw new HotlineError('CHECKPOINT_RELAY_MISMATCH', 'signed by another relay');
  }
  if (options.channel !== undefined && !bytesEqual(options.channel, channel)) {
    throw new HotlineError('CHECKPOINT_CHANNEL_MISMATCH', 'checkpoint of another channel');
  }
  if (!isAcceptableKey(relay)) throw new HotlineError('KEY_REJECTED', 'relay key rejected');
  if (!verify(checkpoint.signature, checkpoint.signedBytes, relay, options)) {
    throw new HotlineError('SIGNATURE_INVALID', 'checkpoint signature does not verify');
  }
  return checkpoint;
}

export interface VerifiedReceipt {
  readonly receipt: Receipt;
  readonly checkpoint: DecodedCheckpoint;
}

export interface VerifyReceiptOptions extends OpenCheckpointOptions {
  /** Reject a receipt for another envelope (RECEIPT_ID_MISMATCH). */
  id?: Uint8Array;
}

/**
 * Verifies a receipt offline: the checkpoint's signature (and relay/channel if
 * given), then that `id` sits at `index` in the checkpoint's tree. Throws
 * HotlineError; returns the decoded receipt and checkpoint.
 */
export function verifyReceipt(
  input: Uint8Array | Receipt,
  options: VerifyReceiptOptions = {},
): VerifiedReceipt {
  const receipt = input instanceof Uint8Array ? decodeReceipt(input) : input;
  if (options.id !== undefined && !bytesEqual(options.id, receipt.id)) {
    throw new HotlineError('RECEIPT_ID_MISMATCH', 'receipt for another envelope');
  }
  const checkpoint = openCheckpoint(receipt.checkpoint, options);
  const { size, root } = checkpoint.fields;
  if (receipt.index >= size) {
    throw new HotlineError('RECEIPT_INDEX_OUT_OF_RANGE', `index ${receipt.index} >= size ${size}`);
  }
  if (!verifyInclusion(leafHashOfId(receipt.id), receipt.index, size, [...receipt.proof], root)) {
    throw new HotlineError('RECEIPT_PROOF_INVALID', 'inclusion proof does not reach the root');
  }
  return Object.freeze({ receipt, checkpoint });
}

/**
 * Checks that two opened checkpoints of one relay and channel can both be true:
 * the older tree is a prefix of the newer (RFC 9162 consistency proof). Same size
 * with different roots, or a failing proof, is CHECKPOINT_INCONSISTENT — signed
 * evidence that the relay showed two histories.
 */
export function checkCheckpointConsistency(
  a: DecodedCheckpoint,
  b: DecodedCheckpoint,
  proof: readonly Uint8Array[],
): void {
  const [older, newer] = a.fields.size <= b.fields.size ? [a, b] : [b, a];
  if (!bytesEqual(older.fields.relay, newer.fields.relay)) {
    throw new HotlineError('CHECKPOINT_RELAY_MISMATCH', 'checkpoints of two relays');
  }
  if (!bytesEqual(older.fields.channel, newer.fields.channel)) {
    throw new HotlineError('CHECKPOINT_CHANNEL_MISMATCH', 'checkpoints of two channels');
  }
  const consistent =
    older.fields.size === newer.fields.size
      ? bytesEqual(older.fields.root, newer.fields.root)
      : verifyConsistency(
          older.fields.size,
          newer.fields.size,
          [...proof],
          older.fields.root,
          newer.fields.root,
        );
  if (!consistent) {
    throw new HotlineError('CHECKPOINT_INCONSISTENT', 'the relay signed two different histories');
  }
}
