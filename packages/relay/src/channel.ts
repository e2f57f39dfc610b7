// One channel as the relay serves it: its charter, its membership (the charter's
// members as key-rotates and key-revokes changed them), its Merkle log, the chain
// head of every sender, the entries accepted but not yet committed, and who is
// subscribed. Everything here is synchronous, so classifying an envelope and
// reserving its log index happen without an await in between (no races).

import {
  bytesEqual,
  type Charter,
  checkCharterEnvelope,
  type DecodedEnvelope,
  decodeEnvelope,
  decodeKeyRevokeBody,
  KIND,
  toHex,
} from '@hotline/codec';
import { Membership, type MembershipRefusal, MerkleLog } from '@hotline/signer';
import { PendingNodeStore } from './lib/pending-nodes.js';
import type { ChainHeadRecord, ChannelRecord, LogEntry, RelayStore } from './store/types.js';

/** A subscription's hook for live delivery (see connection.ts). */
export interface LiveSubscriber {
  deliverLive(channel: ChannelState, entries: readonly LogEntry[]): void;
}

export type Classification =
  | { readonly verdict: 'accept' }
  | { readonly verdict: 'duplicate'; readonly entry: LogEntry | PendingEntry }
  | { readonly verdict: 'gap'; readonly expected: number }
  | { readonly verdict: 'bad-prev'; readonly head: ChainHeadRecord }
  | { readonly verdict: 'fork'; readonly existing: LogEntry | PendingEntry };

/** An accepted entry whose commit has not completed. */
export interface PendingEntry extends LogEntry {
  /** Resolves when the entry is committed (or rejects when the commit failed). */
  readonly committed: Promise<void>;
}

/** The keys a key-rotate or key-revoke may end: its sender, and a revoke's key. */
function keysChangedBy(envelope: DecodedEnvelope): Uint8Array[] {
  const { sender, kind, body } = envelope.fields;
  if (kind !== KIND['key-revoke']) return [sender];
  try {
    return [sender, decodeKeyRevokeBody(body).key];
  } catch {
    return [sender]; // not appended unless its body decodes: cannot happen
  }
}

export class ChannelState {
  readonly idHex: string;
  /**
   * Membership with every accepted envelope, committed or not: what publishes are
   * judged by, so that an envelope appended after a key-rotate in the same commit is
   * judged after it.
   */
  membership: Membership;
  /** Membership as of the committed log: what connections are let in by (U4, B2, G2). */
  committedMembership: Membership;
  /** Keys ended by a committed key-rotate or key-revoke, by hex: its log index. */
  readonly #endedAt = new Map<string, number>();
  /** Accepted, uncommitted key-rotates and key-revokes, in log order. */
  #pendingKeyChanges: { readonly index: number; readonly envelope: DecodedEnvelope }[] = [];
  readonly subscribers = new Set<LiveSubscriber>();
  committedSize: number;
  latestCheckpoint: Uint8Array | undefined;
  log: MerkleLog;
  nodes: PendingNodeStore;
  /** Chain heads including accepted, uncommitted entries. */
  #heads: Map<string, ChainHeadRecord>;
  #committedHeads: Map<string, ChainHeadRecord>;
  /** Accepted, uncommitted entries by `${senderHex}:${seq}`. */
  readonly #pending = new Map<string, PendingEntry>();

  private constructor(
    readonly id: Uint8Array,
    readonly charter: Charter,
    private readonly store: RelayStore,
    size: number,
    heads: Map<string, ChainHeadRecord>,
    latestCheckpoint: Uint8Array | undefined,
    membership: Membership,
  ) {
    this.idHex = toHex(id);
    this.committedMembership = membership;
    this.membership = membership.clone();
    this.committedSize = size;
    this.latestCheckpoint = latestCheckpoint;
    this.nodes = new PendingNodeStore(store.nodeStoreFor(id));
    this.log = new MerkleLog(this.nodes, size);
    this.#committedHeads = heads;
    this.#heads = new Map(heads);
  }

  /**
   * Loads a served channel: charter, size, latest checkpoint, and the chain head and
   * membership of every party. Membership is restored without reading the log: a
   * key's chain ends with its key-rotate or its own key-revoke (nothing of it is
   * appended after either), so each key's head envelope says whether it handed over
   * (then the successor's head is read in turn) or revoked itself. One envelope per
   * key is read. Not restored: a successor's revocation of the key it replaced when
   * it is not the successor's head — that key's chain had ended at its key-rotate
   * already, so no decision of the relay depends on it.
   */
  static async load(store: RelayStore, record: ChannelRecord): Promise<ChannelState> {
    const charter = checkCharterEnvelope(decodeEnvelope(record.charter));
    const heads = new Map<string, ChainHeadRecord>();
    const membership = new Membership(charter);
    for (const member of charter.members) {
      let key: Uint8Array | undefined = member.key;
      while (key !== undefined) {
        const head = await store.chainHead(record.id, key);
        if (head === undefined) break;
        heads.set(toHex(key), head);
        const entry = await store.findBySenderSeq(record.id, key, head.seq);
        const envelope = entry === undefined ? undefined : decodeEnvelope(entry.envelope);
        key = undefined;
        if (envelope === undefined) break;
        const { kind } = envelope.fields;
        if (kind !== KIND['key-rotate'] && kind !== KIND['key-revoke']) break;
        // Appended only after these very checks, so it takes effect again.
        if (membership.observe(envelope) !== undefined) break;
        key = membership.rotationFrom(envelope.fields.sender)?.to;
      }
    }
    const checkpoint = await store.latestCheckpoint(record.id);
    return new ChannelState(
      record.id,
      charter,
      store,
      record.size,
      heads,
      checkpoint?.checkpoint,
      membership,
    );
  }

  /** A channel founded by a charter envelope that is not committed yet (size 0). */
  static found(store: RelayStore, charterEnvelope: DecodedEnvelope): ChannelState {
    const charter = checkCharterEnvelope(charterEnvelope);
    return new ChannelState(
      charterEnvelope.fields.channel,
      charter,
      store,
      0,
      new Map(),
      undefined,
      new Membership(charter),
    );
  }

  /** Whether a connection authenticated with `key` is let in (U4, B2, G2), by the committed log. */
  refusalOfClient(key: Uint8Array): MembershipRefusal | undefined {
    return this.committedMembership.refusalOfKey(key);
  }

  /**
   * Classifies an opened envelope against its sender's chain head (spec/03-chains.md),
   * synchronously, so an 'accept' can be appended in the same tick. An old seq
   * returns 'past': classifyPast looks it up (an old seq never changes).
   */
  classifyHead(envelope: DecodedEnvelope): Classification | 'past' {
    const { sender, seq, prev } = envelope.fields;
    const head = this.#heads.get(toHex(sender));
    const headSeq = head?.seq ?? 0;
    if (seq === headSeq + 1) {
      if (head !== undefined && (prev === undefined || !bytesEqual(prev, head.id))) {
        return { verdict: 'bad-prev', head };
      }
      return { verdict: 'accept' };
    }
    if (seq > headSeq + 1) return { verdict: 'gap', expected: headSeq + 1 };
    return 'past';
  }

  /** Duplicate or fork of an envelope whose seq the chain already holds. */
  async classifyPast(envelope: DecodedEnvelope): Promise<Classification> {
    const { sender, seq } = envelope.fields;
    const existing =
      this.#pending.get(`${toHex(sender)}:${seq}`) ??
      (await this.store.findBySenderSeq(this.id, sender, seq));
    if (existing === undefined) throw new Error(`chain lacks seq ${seq}`);
    return bytesEqual(existing.id, envelope.id)
      ? { verdict: 'duplicate', entry: existing }
      : { verdict: 'fork', existing };
  }

  /**
   * Appends an accepted envelope to the log (in memory) and makes it the sender's
   * head; the caller must have classified it 'accept' in the same tick.
   */
  append(envelope: DecodedEnvelope, committed: Promise<void>): PendingEntry {
    const { sender, seq } = envelope.fields;
    const senderHex = toHex(sender);
    const index = this.log.appendId(envelope.id);
    const entry: PendingEntry = {
      channel: this.id,
      index,
      id: envelope.id,
      sender,
      seq,
      envelope: envelope.bytes,
      committed,
    };
    this.#pending.set(`${senderHex}:${seq}`, entry);
    this.#heads.set(senderHex, { seq, id: envelope.id });
    const { kind } = envelope.fields;
    if (kind === KIND['key-rotate'] || kind === KIND['key-revoke']) {
      // The caller checked it with membership.check in the same tick: it takes effect.
      this.membership.observe(envelope);
      this.#pendingKeyChanges.push({ index, envelope });
    }
    return entry;
  }

  /** After a successful commit of entries up to `size`. */
  markCommitted(entries: readonly LogEntry[], size: number, checkpoint: Uint8Array): void {
    for (const entry of entries) {
      const senderHex = toHex(entry.sender);
      this.#pending.delete(`${senderHex}:${entry.seq}`);
      const head = this.#committedHeads.get(senderHex);
      if (head === undefined || head.seq < entry.seq) {
        this.#committedHeads.set(senderHex, { seq: entry.seq, id: entry.id });
      }
    }
    this.committedSize = size;
    this.latestCheckpoint = checkpoint;
    while (this.#pendingKeyChanges.length > 0 && this.#pendingKeyChanges[0]!.index < size) {
      const { index, envelope } = this.#pendingKeyChanges.shift()!;
      const affected = keysChangedBy(envelope).filter(
        (key) => this.committedMembership.refusalOfKey(key) === undefined,
      );
      this.committedMembership.observe(envelope);
      for (const key of affected) {
        if (this.committedMembership.refusalOfKey(key) !== undefined) {
          this.#endedAt.set(toHex(key), index);
        }
      }
    }
  }

  /**
   * The log index of the committed envelope that ended `key` (its key-rotate or a
   * key-revoke of it) while this relay ran; undefined if it has not ended since. A
   * subscription of that key is delivered up to this index, then ended (spec/07-relay.md
   * §9.4). A key that had ended before is refused at subscribe (B2).
   */
  endedAt(key: Uint8Array): number | undefined {
    return this.#endedAt.get(toHex(key));
  }

  /** After a failed commit: forget everything uncommitted and reopen the log. */
  resetToCommitted(): void {
    this.#pending.clear();
    this.#heads = new Map(this.#committedHeads);
    this.#pendingKeyChanges = [];
    this.membership = this.committedMembership.clone();
    this.nodes = new PendingNodeStore(this.store.nodeStoreFor(this.id));
    this.log = new MerkleLog(this.nodes, this.committedSize);
  }
}
