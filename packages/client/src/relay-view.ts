// What one client knows of one relay's log of one channel: the envelope ids the
// relay delivered, in log order (a Merkle log rebuilt from the store), and the
// checkpoints it signed. A checkpoint is checked against the delivered log as soon
// as the log reaches its size: equal roots prove the relay delivered exactly the
// log it signed, in that order.

import { bytesEqual, type DecodedCheckpoint, decodeCheckpoint } from '@hotline/codec';
import { MerkleLog } from '@hotline/signer';

export class RelayView {
  readonly delivered = new MerkleLog();
  /** Verified checkpoints, by size (several per size only in an equivocation). */
  readonly checkpoints = new Map<number, DecodedCheckpoint[]>();
  /** The largest verified checkpoint, our own or one a member's heartbeat carried. */
  latest: DecodedCheckpoint | undefined;
  /** The largest verified checkpoint this client got from the relay itself: what its heartbeats vouch for. */
  ownLatest: DecodedCheckpoint | undefined;
  /** True after end-of-backfill of the current subscription. */
  live = false;
  /** Own envelopes: the next seq to publish to this relay; 0 = none chosen yet. */
  nextSeq = 0;
  inflight = 0;
  /** Since when (client clock) the relay's latest checkpoint runs ahead of what it delivered. */
  behindSince: number | undefined;
  /** Client clock of the last resubscription after skipped entries. */
  lastSubscribe = Number.NEGATIVE_INFINITY;
  /** A resubscription is scheduled. */
  resubscribing = false;
  /** While behind (K4): the relay was asked again once already. */
  askedAgain = false;

  constructor(
    readonly key: Uint8Array,
    readonly keyHex: string,
    log: readonly Uint8Array[],
    checkpoints: readonly Uint8Array[],
  ) {
    this.delivered.appendIds(log);
    for (const bytes of checkpoints) this.remember(decodeCheckpoint(bytes));
  }

  /** Adds a verified checkpoint; returns another of the same size with a different root, if held. */
  remember(checkpoint: DecodedCheckpoint, own = true): DecodedCheckpoint | undefined {
    const { size, root } = checkpoint.fields;
    const same = this.checkpoints.get(size) ?? [];
    const conflicting = same.find((held) => !bytesEqual(held.fields.root, root));
    if (!same.some((held) => bytesEqual(held.bytes, checkpoint.bytes))) same.push(checkpoint);
    this.checkpoints.set(size, same);
    if (this.latest === undefined || size > this.latest.fields.size) this.latest = checkpoint;
    if (own && (this.ownLatest === undefined || size > this.ownLatest.fields.size)) {
      this.ownLatest = checkpoint;
    }
    return conflicting;
  }

  /** The held checkpoint with exactly these bytes (its signature verified when it was taken), if any. */
  verified(bytes: Uint8Array): DecodedCheckpoint | undefined {
    let size: number;
    try {
      size = decodeCheckpoint(bytes).fields.size; // the profile only: no signature check
    } catch {
      return undefined; // the full verification will report it
    }
    return this.checkpoints.get(size)?.find((held) => bytesEqual(held.bytes, bytes));
  }

  /** The checkpoints whose size the delivered log has just reached or passed, unchecked yet. */
  checkable(fromSize: number): DecodedCheckpoint[] {
    const due: DecodedCheckpoint[] = [];
    for (const [size, list] of this.checkpoints) {
      if (size > fromSize && size <= this.delivered.size) due.push(...list);
    }
    return due;
  }

  /** Does the delivered log have this checkpoint's root at its size? (Size must be ≤ delivered.) */
  matches(checkpoint: DecodedCheckpoint): boolean {
    return bytesEqual(this.delivered.root(checkpoint.fields.size), checkpoint.fields.root);
  }
}
