// Sender chains (spec/03-chains.md): per (channel, sender), seq = 1, 2, 3 … and
// prev = id of the previous envelope. A tracker classifies each new envelope; only
// 'accept' advances the chain. Two different envelopes with the same (channel,
// sender, seq) are a fork: signed proof that the sender equivocated, kept as
// evidence and never resolved silently.

import { bytesEqual, type DecodedEnvelope, type EnvelopeId, fromHex, toHex } from '@hotline/codec';

/** What a tracker needs of an envelope: decoded fields, id and bytes (evidence). */
export type ChainEnvelope = Pick<DecodedEnvelope, 'fields' | 'id' | 'bytes'>;

export type ChainVerdict =
  | { readonly verdict: 'accept'; readonly seq: number }
  /** The same envelope (same id) was seen before at this seq: idempotent. */
  | { readonly verdict: 'duplicate'; readonly seq: number }
  /** seq is beyond the next one: the envelopes in between are missing. */
  | { readonly verdict: 'gap'; readonly expected: number; readonly got: number }
  /** seq is the next one but prev is not the id of the chain's head. */
  | { readonly verdict: 'bad-prev'; readonly expected: EnvelopeId; readonly got: EnvelopeId }
  /** Another envelope holds this seq already: both are the evidence. */
  | {
      readonly verdict: 'fork';
      readonly seq: number;
      readonly existing: Uint8Array;
      readonly conflicting: Uint8Array;
    }
  /** This seq was accepted before but its envelope is no longer retained: cannot tell. */
  | { readonly verdict: 'unknown-past'; readonly seq: number };

/** Where a chain keeps the envelopes it accepted, so that forks can be proven. */
export interface ChainHistory {
  get(seq: number): ChainEnvelope | undefined;
  put(envelope: ChainEnvelope): void;
}

/** Keeps every accepted envelope in memory. */
export class MemoryChainHistory implements ChainHistory {
  readonly #bySeq = new Map<number, ChainEnvelope>();
  get(seq: number): ChainEnvelope | undefined {
    return this.#bySeq.get(seq);
  }
  put(envelope: ChainEnvelope): void {
    this.#bySeq.set(envelope.fields.seq, envelope);
  }
}

/** The part of a chain worth persisting: its head. */
export interface ChainHead {
  readonly seq: number;
  readonly id: EnvelopeId;
}

/** One sender's chain on one channel. */
export class SenderChain {
  #head: ChainHead | undefined;

  constructor(
    readonly history: ChainHistory = new MemoryChainHistory(),
    head?: ChainHead,
  ) {
    this.#head = head;
  }

  get head(): ChainHead | undefined {
    return this.#head;
  }

  /** Classifies `envelope` without changing the chain. */
  check(envelope: ChainEnvelope): ChainVerdict {
    const { seq, prev } = envelope.fields;
    const headSeq = this.#head?.seq ?? 0;
    if (seq <= headSeq) {
      // The head's id is known even when its envelope is not retained (a restored chain).
      if (seq === headSeq && bytesEqual(this.#head!.id, envelope.id)) {
        return { verdict: 'duplicate', seq };
      }
      const existing = this.history.get(seq);
      if (existing === undefined) return { verdict: 'unknown-past', seq };
      if (bytesEqual(existing.id, envelope.id)) return { verdict: 'duplicate', seq };
      return { verdict: 'fork', seq, existing: existing.bytes, conflicting: envelope.bytes };
    }
    if (seq > headSeq + 1) return { verdict: 'gap', expected: headSeq + 1, got: seq };
    // seq === headSeq + 1; the codec guarantees prev is present iff seq > 1.
    if (this.#head !== undefined && prev !== undefined && !bytesEqual(prev, this.#head.id)) {
      return { verdict: 'bad-prev', expected: this.#head.id, got: prev };
    }
    return { verdict: 'accept', seq };
  }

  /** Checks `envelope` and, if the verdict is 'accept', makes it the new head. */
  append(envelope: ChainEnvelope): ChainVerdict {
    const verdict = this.check(envelope);
    if (verdict.verdict === 'accept') {
      this.history.put(envelope);
      this.#head = { seq: envelope.fields.seq, id: envelope.id };
    }
    return verdict;
  }
}

/** Serialisable state of a tracker: the head of every chain, hex-encoded. */
export interface ChainTrackerState {
  readonly chains: readonly { channel: string; sender: string; seq: number; id: string }[];
}

/** Tracks every (channel, sender) chain an application sees. */
export class ChainTracker {
  readonly #chains = new Map<string, { channel: string; sender: string; chain: SenderChain }>();

  constructor(private readonly newHistory: () => ChainHistory = () => new MemoryChainHistory()) {}

  chainOf(channel: Uint8Array, sender: Uint8Array): SenderChain {
    const channelHex = toHex(channel);
    const senderHex = toHex(sender);
    const key = `${channelHex}:${senderHex}`;
    let entry = this.#chains.get(key);
    if (entry === undefined) {
      entry = { channel: channelHex, sender: senderHex, chain: new SenderChain(this.newHistory()) };
      this.#chains.set(key, entry);
    }
    return entry.chain;
  }

  check(envelope: ChainEnvelope): ChainVerdict {
    return this.chainOf(envelope.fields.channel, envelope.fields.sender).check(envelope);
  }

  append(envelope: ChainEnvelope): ChainVerdict {
    return this.chainOf(envelope.fields.channel, envelope.fields.sender).append(envelope);
  }

  /** The heads of all chains. Histories are not included: persist them through ChainHistory. */
  toJSON(): ChainTrackerState {
    const chains = [];
    for (const { channel, sender, chain } of this.#chains.values()) {
      if (chain.head !== undefined) {
        chains.push({ channel, sender, seq: chain.head.seq, id: toHex(chain.head.id) });
      }
    }
    return { chains };
  }

  /** Rebuilds a tracker from `toJSON()` output; pass the histories' factory again. */
  static fromJSON(state: ChainTrackerState, newHistory?: () => ChainHistory): ChainTracker {
    const tracker = new ChainTracker(newHistory);
    for (const { channel, sender, seq, id } of state.chains) {
      // Canonical lowercase hex only: chainOf() looks chains up by toHex() keys.
      for (const [name, hex] of [
        ['channel', channel],
        ['sender', sender],
        ['id', id],
      ]) {
        if (typeof hex !== 'string' || !/^[0-9a-f]{64}$/.test(hex)) {
          throw new RangeError(`chain head ${name} must be 64 lowercase hex digits`);
        }
      }
      if (!Number.isSafeInteger(seq) || seq < 1) {
        throw new RangeError('chain head seq must be a positive integer');
      }
      const key = `${channel}:${sender}`;
      const chain = new SenderChain(tracker.newHistory(), { seq, id: fromHex(id) as EnvelopeId });
      tracker.#chains.set(key, { channel, sender, chain });
    }
    return tracker;
  }
}
