// Who may sign on a channel (spec/kinds/keys.md, spec/08-channels.md §7): the
// charter's member keys, then, envelope by envelope in log order, the successors
// that key-rotates hand over to and the keys that key-revokes take out. A party's
// identity is the charter key its chain of rotations began with.
//
// The relay and the client keep one each and feed it the same envelopes in the same
// order, so both refuse exactly the same envelopes with the same codes. Portable:
// nothing here needs more than the codec and the one Ed25519 rule.

import {
  bytesEqual,
  type Charter,
  type DecodedEnvelope,
  decodeKeyRevokeBody,
  decodeKeyRotateBody,
  type EnvelopeId,
  type ErrorCode,
  isHotlineError,
  type KeyRevokeBody,
  type KeyRotateBody,
  KIND,
  type PublicKey,
  type RevokeReason,
  rotationStatement,
  toHex,
} from '@hotline/codec';
import { verify } from './ed25519/verify.js';

/** What membership reads of an envelope: its decoded fields and id. */
export type MembershipEnvelope = Pick<DecodedEnvelope, 'fields' | 'id'>;

/** Why an envelope (or a connection's key) is refused; `field` names the culprit. */
export interface MembershipRefusal {
  readonly code: ErrorCode;
  readonly field?: string;
}

/** A hand-over that took effect: the key-rotate envelope of `from`, naming `to`. */
export interface Rotation {
  readonly from: PublicKey;
  readonly to: PublicKey;
  /** The key-rotate envelope's id: the successor's first envelope refers to it. */
  readonly id: EnvelopeId;
  /** The key-rotate's seq: the last of the old key's chain. */
  readonly seq: number;
  readonly effectiveFrom: number;
}

/** A revocation that took effect. */
export interface Revocation {
  readonly key: PublicKey;
  readonly reason: RevokeReason;
  readonly effectiveFrom: number;
  /** The key-revoke envelope's id and sender (the key itself or its successor). */
  readonly id: EnvelopeId;
  readonly by: PublicKey;
}

interface KeyState {
  /** The charter key this key's chain of rotations began with. */
  readonly party: PublicKey;
  /** The key-rotate that made this key a member; absent for a charter key. */
  readonly since?: Rotation;
  /** Its own key-rotate. */
  readonly rotated?: Rotation;
  readonly revoked?: Revocation;
  /** The last seq of its chain that counts (its key-rotate or own key-revoke). */
  readonly end?: number;
}

type Checked =
  | { readonly refusal: MembershipRefusal }
  | { readonly rotate: KeyRotateBody }
  | { readonly revoke: KeyRevokeBody }
  | { readonly other: true };

const refuse = (code: ErrorCode, field?: string): { refusal: MembershipRefusal } => ({
  refusal: field === undefined ? { code } : { code, field },
});

export class Membership {
  /** Every key the channel has known, by hex: members, successors, ended keys. */
  #keys: Map<string, KeyState>;
  readonly #relays: ReadonlySet<string>;

  /** The charter's members, each its own party; nothing rotated or revoked yet. */
  constructor(readonly charter: Charter) {
    this.#relays = new Set(charter.relays.map((relay) => toHex(relay.key)));
    this.#keys = new Map(
      charter.members.map((member): [string, KeyState] => [
        toHex(member.key),
        { party: member.key },
      ]),
    );
  }

  /** An independent copy (states are immutable, so copying the map suffices). */
  clone(): Membership {
    const copy = new Membership(this.charter);
    copy.#keys = new Map(this.#keys);
    return copy;
  }

  /**
   * Whether `key` may sign for its party. Without `at`: now, in log order — it was
   * a charter key or named by a key-rotate, and its chain has not ended (by its
   * key-rotate or its own key-revoke). With `at` (ms): whether it spoke for its
   * party at that time — on or after its rotation's effectiveFrom, before its
   * successor's, and before the effectiveFrom of any revocation.
   */
  isMember(key: Uint8Array, at?: number): boolean {
    const state = this.#keys.get(toHex(key));
    if (state === undefined) return false;
    if (at === undefined) return state.end === undefined;
    if (state.since !== undefined && at < state.since.effectiveFrom) return false;
    if (state.rotated !== undefined && at >= state.rotated.effectiveFrom) return false;
    if (state.revoked !== undefined && at >= state.revoked.effectiveFrom) return false;
    return true;
  }

  /** The charter key `key`'s chain of rotations began with; undefined for a stranger. */
  partyOf(key: Uint8Array): PublicKey | undefined {
    return this.#keys.get(toHex(key))?.party;
  }

  /** The revocation of `key`, if one took effect. */
  revoked(key: Uint8Array): Revocation | undefined {
    return this.#keys.get(toHex(key))?.revoked;
  }

  /** The key-rotate that made `key` a member (undefined for a charter key or a stranger). */
  rotationTo(key: Uint8Array): Rotation | undefined {
    return this.#keys.get(toHex(key))?.since;
  }

  /** The key-rotate by which `key` handed over, if any. */
  rotationFrom(key: Uint8Array): Rotation | undefined {
    return this.#keys.get(toHex(key))?.rotated;
  }

  /**
   * Whether a connection authenticated with `key` is let in (07-relay.md U4, B2,
   * G2): NOT_MEMBER for a stranger, KEY_ROTATED or KEY_REVOKED for an ended key.
   */
  refusalOfKey(key: Uint8Array): MembershipRefusal | undefined {
    const state = this.#keys.get(toHex(key));
    if (state === undefined) return { code: 'NOT_MEMBER' };
    return state.end === undefined ? undefined : { code: endCode(state) };
  }

  /**
   * The cheap checks of an envelope's sender, next in log order (U5): a member key
   * (NOT_MEMBER); not beyond the end of its chain (KEY_ROTATED, KEY_REVOKED); a
   * successor's seq 1 refers to its key-rotate and is not earlier than its
   * effectiveFrom (SUCCESSOR_START_INVALID). Envelopes at or below the end are the
   * chain's past (duplicates or forks): the chain step judges them.
   */
  checkSender(envelope: MembershipEnvelope): MembershipRefusal | undefined {
    const { sender, seq, ref, time } = envelope.fields;
    const state = this.#keys.get(toHex(sender));
    if (state === undefined) return { code: 'NOT_MEMBER', field: 'sender' };
    if (state.end !== undefined && seq > state.end)
      return { code: endCode(state), field: 'sender' };
    const since = state.since;
    if (since !== undefined && seq === 1) {
      if (ref === undefined || !bytesEqual(ref, since.id)) {
        return { code: 'SUCCESSOR_START_INVALID', field: 'ref' };
      }
      if (time < since.effectiveFrom) return { code: 'SUCCESSOR_START_INVALID', field: 'time' };
    }
    return undefined;
  }

  /**
   * checkSender, then for a key-rotate or key-revoke whether it takes effect: its
   * body decodes (the body's code), a key-rotate's proof verifies under the successor
   * over rotationStatement(channel, sender, successor), the successor is new to the
   * channel and effectiveFrom is not before the envelope's time (ROTATION_INVALID);
   * a key-revoke is signed by the key or its successor (REVOKE_NOT_PERMITTED).
   * Changes nothing.
   */
  check(envelope: MembershipEnvelope): MembershipRefusal | undefined {
    const checked = this.#check(envelope);
    return 'refusal' in checked ? checked.refusal : undefined;
  }

  /**
   * Takes the next envelope of the channel in log order: check(), then a key-rotate
   * or key-revoke takes effect. A refused envelope changes nothing; the refusal is
   * returned.
   */
  observe(envelope: MembershipEnvelope): MembershipRefusal | undefined {
    const checked = this.#check(envelope);
    if ('refusal' in checked) return checked.refusal;
    const { sender, seq } = envelope.fields;
    const senderHex = toHex(sender);
    const state = this.#keys.get(senderHex)!;
    if ('rotate' in checked) {
      const { successor, effectiveFrom } = checked.rotate;
      const rotation: Rotation = {
        from: sender,
        to: successor,
        id: envelope.id as EnvelopeId,
        seq,
        effectiveFrom,
      };
      this.#keys.set(senderHex, { ...state, rotated: rotation, end: seq });
      this.#keys.set(toHex(successor), { party: state.party, since: rotation });
    } else if ('revoke' in checked) {
      const { key, reason, effectiveFrom } = checked.revoke;
      const keyHex = toHex(key);
      const target = this.#keys.get(keyHex)!;
      // A second revocation only matters if it voids more: the earlier effectiveFrom wins.
      if (target.revoked === undefined || effectiveFrom < target.revoked.effectiveFrom) {
        const revoked: Revocation = {
          key,
          reason,
          effectiveFrom,
          id: envelope.id as EnvelopeId,
          by: sender,
        };
        // Revoked by itself: its chain ends here. By its successor: it ended at its key-rotate.
        this.#keys.set(keyHex, { ...target, revoked, end: target.end ?? seq });
      }
    }
    return undefined;
  }

  #check(envelope: MembershipEnvelope): Checked {
    const sender = this.checkSender(envelope);
    if (sender !== undefined) return { refusal: sender };
    const { kind } = envelope.fields;
    if (kind === KIND['key-rotate']) return this.#checkRotate(envelope);
    if (kind === KIND['key-revoke']) return this.#checkRevoke(envelope);
    return { other: true };
  }

  #checkRotate(envelope: MembershipEnvelope): Checked {
    const { channel, sender, time, body } = envelope.fields;
    let rotate: KeyRotateBody;
    try {
      rotate = decodeKeyRotateBody(body);
    } catch (error) {
      if (!isHotlineError(error)) throw error;
      return refuse(error.code, error.field);
    }
    const successorHex = toHex(rotate.successor);
    // A key already known could otherwise take over a second identity, or come back.
    if (this.#keys.has(successorHex) || this.#relays.has(successorHex)) {
      return refuse('ROTATION_INVALID', 'successor');
    }
    if (rotate.effectiveFrom < time) return refuse('ROTATION_INVALID', 'effectiveFrom');
    const statement = rotationStatement(channel, sender, rotate.successor);
    if (!verify(rotate.proof, statement, rotate.successor)) {
      return refuse('ROTATION_INVALID', 'proof');
    }
    return { rotate };
  }

  #checkRevoke(envelope: MembershipEnvelope): Checked {
    const { sender, body } = envelope.fields;
    let revoke: KeyRevokeBody;
    try {
      revoke = decodeKeyRevokeBody(body);
    } catch (error) {
      if (!isHotlineError(error)) throw error;
      return refuse(error.code, error.field);
    }
    if (bytesEqual(revoke.key, sender)) return { revoke };
    const rotated = this.#keys.get(toHex(revoke.key))?.rotated;
    if (rotated !== undefined && bytesEqual(rotated.to, sender)) return { revoke };
    return refuse('REVOKE_NOT_PERMITTED', 'key');
  }
}

/** An ended chain's code: the key-rotate ended it, else its own key-revoke. */
function endCode(state: KeyState): ErrorCode {
  return state.rotated !== undefined ? 'KEY_ROTATED' : 'KEY_REVOKED';
}
