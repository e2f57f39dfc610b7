// Checking a relay against what it signed (spec/10-client.md §5, K1–K5): every
// checkpoint it gives (in receipts, on request, or carried by a member's heartbeat)
// is verified, compared with the others of the same size, proven consistent with
// ours, matched with the log it delivered, and watched for withholding and
// rollback. What fails is an alarm with its evidence; nothing here sends envelopes.

import {
  bytesEqual,
  type DecodedCheckpoint,
  decodeCheckpoint,
  decodeReceipt,
  type Frame,
  HotlineError,
  isHotlineError,
  toHex,
} from '@hotline/codec';
import {
  checkCheckpointConsistency,
  leafHashOfId,
  openCheckpoint,
  verifyInclusion,
  verifyReceipt,
} from '@hotline/signer';
import type { AlarmEvidence, AlarmType } from './alarms.js';
import type { ClientContext } from './context.js';
import { expectFrame, LinkDownError, type RelayLink, RelayRefusal } from './relay-link.js';
import type { RelayView } from './relay-view.js';

const hex = toHex;

/** What the checks need of the channel session they serve. */
export interface RelayChecksHost {
  readonly channel: Uint8Array;
  readonly ctx: ClientContext;
  closed(): boolean;
  linkOf(view: RelayView): RelayLink | undefined;
  viewOf(relayHex: string): RelayView | undefined;
  resubscribe(link: RelayLink, view: RelayView): void;
  alarm(
    type: AlarmType,
    alarm: {
      relay?: string;
      sender?: string;
      code?: string;
      detail: string;
      signed: boolean;
      evidence: AlarmEvidence;
    },
  ): void;
}

export class RelayChecks {
  constructor(private readonly host: RelayChecksHost) {}

  /** A checkpoint a member's heartbeat carried: checked like one of ours (spec/12-semantics.md §5). */
  witness(bytes: Uint8Array, from: string): void {
    let relay: Uint8Array;
    try {
      relay = decodeCheckpoint(bytes).fields.relay;
    } catch {
      return; // the heartbeat decoder has checked the profile already
    }
    const view = this.host.viewOf(hex(relay));
    if (view === undefined) return;
    const checkpoint = this.openCheckpoint(view, bytes, from);
    if (checkpoint === undefined) return;
    // Against our own signed view first: a consistency proof between the member's
    // checkpoint and ours convicts the relay with its own signatures alone (K3),
    // stronger evidence than a mismatch with the log it delivered to us (K2).
    const ours = view.ownLatest;
    if (ours !== undefined && ours.fields.size !== checkpoint.fields.size) {
      this.host.ctx.store.putCheckpoint(this.host.channel, view.key, checkpoint.bytes);
      const conflicting = view.remember(checkpoint, false);
      if (conflicting === undefined) void this.#proveConsistency(view, ours, checkpoint);
      else this.#equivocation(view, conflicting, checkpoint);
      return;
    }
    this.checkpoint(view, checkpoint, false);
  }

  /**
   * verifyReceipt, but the checkpoint's signature is checked once: the receipts of
   * one commit share their checkpoint, so a known checkpoint needs only the proof.
   */
  verifyReceipt(view: RelayView, bytes: Uint8Array, id: Uint8Array): DecodedCheckpoint {
    const receipt = decodeReceipt(bytes);
    const known = view.verified(receipt.checkpoint);
    if (known === undefined) {
      return verifyReceipt(receipt, { relay: view.key, channel: this.host.channel, id }).checkpoint;
    }
    if (!bytesEqual(receipt.id, id)) {
      throw new HotlineError('RECEIPT_ID_MISMATCH', 'receipt for another envelope');
    }
    const { size, root } = known.fields;
    if (receipt.index >= size) {
      throw new HotlineError(
        'RECEIPT_INDEX_OUT_OF_RANGE',
        `index ${receipt.index} >= size ${size}`,
      );
    }
    if (!verifyInclusion(leafHashOfId(id), receipt.index, size, [...receipt.proof], root)) {
      throw new HotlineError('RECEIPT_PROOF_INVALID', 'inclusion proof does not reach the root');
    }
    return known;
  }

  /** Asks the relay for its latest checkpoint and checks it; reports withholding. */
  async pollCheckpoint(view: RelayView): Promise<void> {
    const link = this.host.linkOf(view);
    if (link === undefined || link.state !== 'ready' || this.host.closed()) return;
    let frame: Frame;
    try {
      frame = await link.request((requestId) => ({
        type: 'checkpoint-request',
        requestId,
        channel: this.host.channel as never,
      }));
    } catch (error) {
      if (error instanceof LinkDownError || error instanceof RelayRefusal) return;
      throw error;
    }
    const bytes = expectFrame(frame, 'checkpoint').checkpoint;
    const checkpoint = this.openCheckpoint(view, bytes);
    if (checkpoint !== undefined) this.checkpoint(view, checkpoint);
    this.checkWithholding(link, view);
  }

  openCheckpoint(view: RelayView, bytes: Uint8Array, from?: string): DecodedCheckpoint | undefined {
    try {
      return openCheckpoint(bytes, { relay: view.key, channel: this.host.channel });
    } catch (error) {
      if (!isHotlineError(error)) throw error;
      // From a relay: anyone on the path may have altered it. From a member's
      // heartbeat: the member signed a checkpoint that does not verify.
      this.host.alarm(from === undefined ? 'relay-tampered' : 'body-invalid', {
        ...(from === undefined ? { relay: view.keyHex } : { sender: from }),
        code: error.code,
        detail: `a checkpoint ${from === undefined ? 'from the relay' : 'in a heartbeat'} failed verification`,
        signed: false,
        evidence: { received: bytes },
      });
      return undefined;
    }
  }

  /** Records a verified checkpoint and checks it against everything held of this relay. */
  checkpoint(view: RelayView, checkpoint: DecodedCheckpoint, own = true): void {
    const previous = view.latest;
    this.host.ctx.store.putCheckpoint(this.host.channel, view.key, checkpoint.bytes);
    const conflicting = view.remember(checkpoint, own);
    if (conflicting !== undefined) {
      this.#equivocation(view, conflicting, checkpoint);
      return;
    }
    if (checkpoint.fields.size <= view.delivered.size) {
      this.matchLog(view, checkpoint);
      return;
    }
    // Beyond what was delivered: only a consistency proof ties it to what is held.
    if (previous !== undefined && previous.fields.size !== checkpoint.fields.size) {
      void this.#proveConsistency(view, previous, checkpoint);
    }
  }

  /** K1: two checkpoints of one size with different roots. */
  #equivocation(view: RelayView, a: DecodedCheckpoint, b: DecodedCheckpoint): void {
    this.host.alarm('relay-equivocation', {
      relay: view.keyHex,
      code: 'CHECKPOINT_INCONSISTENT',
      detail: `two checkpoints of size ${b.fields.size} with different roots`,
      signed: true,
      evidence: { checkpoints: [a.bytes, b.bytes] },
    });
  }

  matchLog(view: RelayView, checkpoint: DecodedCheckpoint): void {
    if (view.matches(checkpoint)) return;
    this.host.alarm('relay-log-mismatch', {
      relay: view.keyHex,
      code: 'DELIVERED_LOG_MISMATCH',
      detail: `the checkpoint of size ${checkpoint.fields.size} does not match the log the relay delivered`,
      // The checkpoint is signed; the delivered order is not (deliver frames are
      // unsigned), so a third party must take the log from the transcript.
      signed: false,
      evidence: { checkpoints: [checkpoint.bytes] },
    });
  }

  async #proveConsistency(
    view: RelayView,
    a: DecodedCheckpoint,
    b: DecodedCheckpoint,
  ): Promise<void> {
    const link = this.host.linkOf(view);
    if (link === undefined || link.state !== 'ready') return;
    const [older, newer] = a.fields.size < b.fields.size ? [a, b] : [b, a];
    let frame: Frame;
    try {
      frame = await link.request((requestId) => ({
        type: 'consistency-request',
        requestId,
        channel: this.host.channel as never,
        fromSize: older.fields.size,
        toSize: newer.fields.size,
      }));
    } catch (error) {
      if (error instanceof LinkDownError) return;
      if (!(error instanceof RelayRefusal)) throw error;
      frame = error.frame;
    }
    const proof = frame.type === 'consistency-proof' ? frame.proof : [];
    const record = { fromSize: older.fields.size, toSize: newer.fields.size, proof };
    try {
      checkCheckpointConsistency(older, newer, proof);
      this.host.ctx.store.putConsistency(this.host.channel, view.key, record);
    } catch (error) {
      if (!isHotlineError(error)) throw error;
      this.host.alarm('relay-equivocation', {
        relay: view.keyHex,
        code: error.code,
        detail: `checkpoints of sizes ${older.fields.size} and ${newer.fields.size} are not consistent`,
        signed: true,
        evidence: { checkpoints: [older.bytes, newer.bytes], consistency: record },
      });
    }
  }

  /**
   * The relay now claims a log of `size` entries (0: no channel). If it signed or
   * delivered more before, it lost or hides part of its log.
   */
  checkRollback(view: RelayView, size: number): void {
    const signed = view.latest?.fields.size ?? 0;
    const known = Math.max(signed, view.delivered.size);
    if (size >= known) return;
    this.host.alarm('relay-rollback', {
      relay: view.keyHex,
      code: 'RELAY_ROLLBACK',
      detail: `the relay now claims ${size} entries after it ${signed >= view.delivered.size ? 'signed' : 'delivered'} ${known}`,
      // Its claim (an error frame) is unsigned; the larger checkpoint is signed.
      signed: false,
      evidence: view.latest === undefined ? {} : { checkpoints: [view.latest.bytes] },
    });
  }

  checkWithholding(link: RelayLink, view: RelayView): void {
    const latest = view.latest;
    if (!view.live || latest === undefined || latest.fields.size <= view.delivered.size) {
      view.behindSince = undefined;
      view.askedAgain = false;
      return;
    }
    const now = this.host.ctx.clock.now();
    if (view.behindSince === undefined) {
      // Deliveries may be on their way: resubscribing now would discard them.
      view.behindSince = now;
      return;
    }
    const behindFor = now - view.behindSince;
    const grace = this.host.ctx.options.withholdGraceMs;
    if (behindFor < grace) {
      // Still behind half-way through the grace period: ask again, once.
      if (behindFor >= grace / 2 && !view.askedAgain) {
        view.askedAgain = true;
        this.host.resubscribe(link, view);
      }
      return;
    }
    this.host.alarm('relay-withholding', {
      relay: view.keyHex,
      code: 'DELIVERY_WITHHELD',
      detail: `the relay signed a log of ${latest.fields.size} entries and delivered ${view.delivered.size}`,
      signed: false,
      evidence: { checkpoints: [latest.bytes] },
    });
  }
}
