// A channel a scenario founded on the relay under test, and publishing on it:
// a receipt is accepted only if it verifies offline (spec/05-checkpoints.md §6)
// for this relay key, this channel and the envelope's id.

import type { ErrorCode, ErrorFrame } from '@hotline/codec';
import { verifyReceipt } from '@hotline/signer';
import { Chain, idOf } from './chain.js';
import type { RelayClient } from './client.js';
import { expectError, expectFrame } from './expect.js';
import { verifying } from './failure.js';

export class Channel {
  constructor(
    readonly id: Uint8Array,
    /** The charter body; its SHA-256 is `id`. */
    readonly body: Uint8Array,
    /** The relay key of the challenge, listed in the charter. */
    readonly relayKey: Uint8Array,
    /** The founding envelope, log index 0. */
    readonly charter: Uint8Array,
  ) {}

  /** A new chain of `secret` on this channel. */
  chain(secret: Uint8Array): Chain {
    return new Chain(secret, this.id);
  }

  /** Publishes `envelope`, expects a receipt that verifies, returns its log index. */
  async publish(client: RelayClient, envelope: Uint8Array, what = 'an envelope'): Promise<number> {
    const requestId = client.nextRequestId();
    const answer = await client.request(
      { type: 'publish', requestId, envelope },
      `the answer to publishing ${what}`,
    );
    const receipt = expectFrame(answer, 'receipt', requestId);
    return this.verifyReceipt(receipt.receipt, envelope, what);
  }

  /** Verifies receipt bytes for `envelope` offline; returns the log index. */
  verifyReceipt(receipt: Uint8Array, envelope: Uint8Array, what = 'an envelope'): number {
    const verified = verifying(`the receipt for ${what} does not verify`, () =>
      verifyReceipt(receipt, { relay: this.relayKey, channel: this.id, id: idOf(envelope) }),
    );
    return verified.receipt.index;
  }
}

/** Publishes `envelope` on any connection and expects an error with `code`. */
export async function rejectPublish(
  client: RelayClient,
  envelope: Uint8Array,
  code: ErrorCode,
): Promise<ErrorFrame> {
  const requestId = client.nextRequestId();
  const answer = await client.request(
    { type: 'publish', requestId, envelope },
    `the answer to a publish (expecting ${code})`,
  );
  return expectError(answer, code, requestId);
}
