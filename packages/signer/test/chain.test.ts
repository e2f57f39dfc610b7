// Sender chains: every verdict of SenderChain, that only 'accept' moves the head,
// per-(channel, sender) separation in ChainTracker, and its persisted state.
import { toHex } from '@hotline/codec';
import { sha256 } from '@noble/hashes/sha2.js';
import { expect } from 'chai';
import {
  type ChainEnvelope,
  type ChainHistory,
  ChainTracker,
  type ChainVerdict,
  MemoryChainHistory,
  SenderChain,
} from '../src/chain.js';
import { publicKeyOf } from '../src/ed25519/keys.js';
import { type OpenedEnvelope, openEnvelope, signEnvelope } from '../src/envelope.js';

const utf8 = (text: string): Uint8Array => new TextEncoder().encode(text);
/** The fixed test keys of test-vectors: secret = SHA-256("hotline test key <name>"). */
const secretOf = (name: string): Uint8Array => sha256(utf8(`hotline test key ${name}`));
const ALICE = secretOf('alice');
const BOB = secretOf('bob');
const CHANNEL_A = sha256(utf8('channel a'));
const CHANNEL_B = sha256(utf8('channel b'));

interface Options {
  secret?: Uint8Array;
  channel?: Uint8Array;
  body?: string;
}

/** A signed and opened envelope at `seq` with `prev` (omit for seq 1). */
function envelope(seq: number, prev?: ChainEnvelope, options: Options = {}): OpenedEnvelope {
  const secret = options.secret ?? ALICE;
  const bytes = signEnvelope(
    {
      channel: options.channel ?? CHANNEL_A,
      sender: publicKeyOf(secret),
      seq,
      prev: prev?.id,
      time: 1_700_000_000_000 + seq,
      kind: 3,
      body: utf8(options.body ?? `message ${seq}`),
    },
    secret,
  );
  return openEnvelope(bytes);
}

/** e[1..n]: one correctly linked chain (index 0 unused). */
function linked(n: number, options: Options = {}): OpenedEnvelope[] {
  const out: OpenedEnvelope[] = [];
  for (let seq = 1; seq <= n; seq++) out[seq] = envelope(seq, out[seq - 1], options);
  return out;
}

const at = (chain: OpenedEnvelope[], seq: number): OpenedEnvelope => chain[seq]!;

/** A chain that has accepted e[1..n]. */
function chainUpTo(e: OpenedEnvelope[], n: number, history?: ChainHistory): SenderChain {
  const chain = new SenderChain(history);
  for (let seq = 1; seq <= n; seq++) {
    expect(chain.append(at(e, seq))).to.deep.equal({ verdict: 'accept', seq });
  }
  return chain;
}

/** Appends and requires that neither the head nor the history changed. */
function appendRejected(chain: SenderChain, candidate: ChainEnvelope): ChainVerdict {
  const before = chain.head;
  const history = chain.history;
  const put = history.put;
  let puts = 0;
  history.put = (value) => {
    puts++;
    put.call(history, value);
  };
  try {
    const verdict = chain.append(candidate);
    expect(verdict.verdict).to.not.equal('accept');
    expect(chain.head, 'head').to.equal(before);
    expect(puts, 'history writes').to.equal(0);
    return verdict;
  } finally {
    history.put = put;
  }
}

/** Remembers only the last `keep` accepted envelopes, as a bounded store would. */
class ForgetfulHistory implements ChainHistory {
  readonly #inner = new MemoryChainHistory();
  #newest = 0;
  constructor(private readonly keep: number) {}
  get(seq: number): ChainEnvelope | undefined {
    return seq > this.#newest - this.keep ? this.#inner.get(seq) : undefined;
  }
  put(envelope: ChainEnvelope): void {
    this.#inner.put(envelope);
    this.#newest = Math.max(this.#newest, envelope.fields.seq);
  }
}

describe('SenderChain', () => {
  const e = linked(5);
  // Same seq and prev as e[2] / e[4] but another body: the sender equivocated.
  const e2x = envelope(2, at(e, 1), { body: 'the other story' });
  const e4x = envelope(4, at(e, 3), { body: 'the other story' });

  it('accepts seq 1, 2, 3 … in order and moves the head each time', () => {
    const chain = new SenderChain();
    expect(chain.head).to.equal(undefined);
    for (let seq = 1; seq <= 5; seq++) {
      expect(chain.append(at(e, seq))).to.deep.equal({ verdict: 'accept', seq });
      expect(chain.head?.seq).to.equal(seq);
      expect(toHex(chain.head!.id)).to.equal(toHex(at(e, seq).id));
    }
  });

  it('check() classifies without changing the chain', () => {
    const chain = chainUpTo(e, 2);
    const head = chain.head;
    expect(chain.check(at(e, 3))).to.deep.equal({ verdict: 'accept', seq: 3 });
    expect(chain.head).to.equal(head);
    // Still the next one: check did not advance.
    expect(chain.check(at(e, 3))).to.deep.equal({ verdict: 'accept', seq: 3 });
  });

  it('reports a duplicate of the head', () => {
    const chain = chainUpTo(e, 3);
    expect(appendRejected(chain, at(e, 3))).to.deep.equal({ verdict: 'duplicate', seq: 3 });
  });

  it('reports a duplicate of an older envelope, also when re-decoded from its bytes', () => {
    const chain = chainUpTo(e, 4);
    expect(appendRejected(chain, at(e, 1))).to.deep.equal({ verdict: 'duplicate', seq: 1 });
    // A fresh decode of the same bytes is the same envelope (same id), not a fork.
    const again = openEnvelope(at(e, 2).bytes);
    expect(appendRejected(chain, again)).to.deep.equal({ verdict: 'duplicate', seq: 2 });
  });

  it('reports a gap with the expected and the received seq', () => {
    const empty = new SenderChain();
    expect(appendRejected(empty, at(e, 2))).to.deep.equal({ verdict: 'gap', expected: 1, got: 2 });
    expect(empty.head).to.equal(undefined);

    const chain = chainUpTo(e, 2);
    expect(appendRejected(chain, at(e, 5))).to.deep.equal({ verdict: 'gap', expected: 3, got: 5 });
    // Filling the gap in order still works.
    expect(chain.append(at(e, 3)).verdict).to.equal('accept');
    expect(chain.append(at(e, 4)).verdict).to.equal('accept');
    expect(chain.append(at(e, 5)).verdict).to.equal('accept');
  });

  it('reports bad-prev when seq is next but prev is not the head id', () => {
    const chain = chainUpTo(e, 2);
    // seq 3 that links to e[1] instead of e[2].
    const skips = envelope(3, at(e, 1));
    const verdict = appendRejected(chain, skips);
    expect(verdict.verdict).to.equal('bad-prev');
    if (verdict.verdict !== 'bad-prev') return;
    expect(toHex(verdict.expected)).to.equal(toHex(at(e, 2).id));
    expect(toHex(verdict.got)).to.equal(toHex(at(e, 1).id));
    // A branch built on a conflicting envelope does not link to the head either.
    const branch = envelope(3, e2x);
    const branched = appendRejected(chain, branch);
    expect(branched.verdict).to.equal('bad-prev');
    if (branched.verdict === 'bad-prev') expect(toHex(branched.got)).to.equal(toHex(e2x.id));
  });

  it('reports a fork at the head with both envelopes as evidence', () => {
    const chain = chainUpTo(e, 2);
    const verdict = appendRejected(chain, e2x);
    expect(verdict).to.deep.equal({
      verdict: 'fork',
      seq: 2,
      existing: at(e, 2).bytes,
      conflicting: e2x.bytes,
    });
    // The evidence is two valid signed envelopes for the same (channel, sender, seq).
    if (verdict.verdict !== 'fork') return;
    const [a, b] = [openEnvelope(verdict.existing), openEnvelope(verdict.conflicting)];
    expect(a.fields.seq).to.equal(b.fields.seq);
    expect(toHex(a.fields.sender)).to.equal(toHex(b.fields.sender));
    expect(toHex(a.id)).to.not.equal(toHex(b.id));
  });

  it('reports a fork at an older seq, and one at genesis', () => {
    const chain = chainUpTo(e, 5);
    expect(appendRejected(chain, e4x)).to.deep.equal({
      verdict: 'fork',
      seq: 4,
      existing: at(e, 4).bytes,
      conflicting: e4x.bytes,
    });
    const genesis = envelope(1, undefined, { body: 'another first message' });
    expect(appendRejected(chain, genesis)).to.deep.equal({
      verdict: 'fork',
      seq: 1,
      existing: at(e, 1).bytes,
      conflicting: genesis.bytes,
    });
    // After the rejections the chain continues from the same head.
    expect(chain.append(envelope(6, at(e, 5)))).to.deep.equal({ verdict: 'accept', seq: 6 });
  });

  it('reports unknown-past for a seq whose envelope the history no longer holds', () => {
    const chain = chainUpTo(e, 5, new ForgetfulHistory(2));
    // seq 4 and 5 are still held: real verdicts.
    expect(appendRejected(chain, at(e, 4))).to.deep.equal({ verdict: 'duplicate', seq: 4 });
    expect(appendRejected(chain, e4x).verdict).to.equal('fork');
    // seq 1 and 2 are forgotten: neither a duplicate nor a fork can be proven.
    expect(appendRejected(chain, at(e, 1))).to.deep.equal({ verdict: 'unknown-past', seq: 1 });
    expect(appendRejected(chain, e2x)).to.deep.equal({ verdict: 'unknown-past', seq: 2 });
  });

  it('knows a duplicate of the head without its history (e.g. after a restart)', () => {
    const head = { seq: 3, id: at(e, 3).id };
    const restored = new SenderChain(new MemoryChainHistory(), head);
    expect(appendRejected(restored, at(e, 3))).to.deep.equal({ verdict: 'duplicate', seq: 3 });
    // Another envelope at the head's seq cannot be proven a fork without the bytes.
    const other = envelope(3, at(e, 2), { body: 'the other story' });
    expect(appendRejected(restored, other)).to.deep.equal({ verdict: 'unknown-past', seq: 3 });
    expect(restored.append(at(e, 4))).to.deep.equal({ verdict: 'accept', seq: 4 });
  });
});

describe('ChainTracker', () => {
  const bobKey = publicKeyOf(BOB);

  it('keeps one chain per (channel, sender)', () => {
    const tracker = new ChainTracker();
    const aliceA = linked(2);
    const aliceB = linked(2, { channel: CHANNEL_B });
    const bobA = linked(2, { secret: BOB });
    // Each chain starts at seq 1 independently of the others.
    for (const first of [at(aliceA, 1), at(aliceB, 1), at(bobA, 1)]) {
      expect(tracker.append(first)).to.deep.equal({ verdict: 'accept', seq: 1 });
    }
    expect(tracker.append(at(aliceA, 2)).verdict).to.equal('accept');
    // alice's seq 2 on channel A did not advance her chain on channel B, nor bob's.
    expect(tracker.chainOf(CHANNEL_B, at(aliceA, 1).fields.sender).head?.seq).to.equal(1);
    expect(tracker.chainOf(CHANNEL_A, bobKey).head?.seq).to.equal(1);
    // seq 2 on channel B links to B's own genesis, not to channel A's.
    const crossLinked = envelope(2, at(aliceA, 1), { channel: CHANNEL_B });
    expect(tracker.check(crossLinked).verdict).to.equal('bad-prev');
    expect(tracker.append(at(aliceB, 2)).verdict).to.equal('accept');
    expect(tracker.append(at(bobA, 2)).verdict).to.equal('accept');
    // An unseen (channel, sender) starts empty: its seq 2 is a gap.
    const bobB = linked(2, { secret: BOB, channel: CHANNEL_B });
    expect(tracker.append(at(bobB, 2))).to.deep.equal({ verdict: 'gap', expected: 1, got: 2 });
    expect(tracker.toJSON().chains).to.have.length(3);
  });

  it('round-trips its heads through JSON and continues from them', () => {
    const tracker = new ChainTracker();
    const aliceA = linked(4);
    const bobA = linked(2, { secret: BOB });
    for (let seq = 1; seq <= 3; seq++) tracker.append(at(aliceA, seq));
    tracker.append(at(bobA, 1));

    const state = JSON.parse(JSON.stringify(tracker));
    expect(state).to.deep.equal(tracker.toJSON());
    expect(state.chains).to.deep.include({
      channel: toHex(CHANNEL_A),
      sender: toHex(bobKey),
      seq: 1,
      id: toHex(at(bobA, 1).id),
    });
    const restored = ChainTracker.fromJSON(state);
    expect(restored.toJSON()).to.deep.equal(state);

    expect(restored.append(at(aliceA, 3))).to.deep.equal({ verdict: 'duplicate', seq: 3 });
    expect(restored.append(envelope(4, at(aliceA, 2))).verdict).to.equal('bad-prev');
    expect(restored.append(at(aliceA, 4))).to.deep.equal({ verdict: 'accept', seq: 4 });
    expect(restored.append(at(bobA, 2))).to.deep.equal({ verdict: 'accept', seq: 2 });
    expect(restored.append(at(aliceA, 1))).to.deep.equal({ verdict: 'unknown-past', seq: 1 });
  });

  it('gives each restored chain a history from the factory', () => {
    let made = 0;
    const factory = (): ChainHistory => {
      made++;
      return new MemoryChainHistory();
    };
    const tracker = new ChainTracker();
    tracker.append(at(linked(1), 1));
    tracker.append(at(linked(1, { secret: BOB }), 1));
    const restored = ChainTracker.fromJSON(tracker.toJSON(), factory);
    expect(made).to.equal(2);
    const aliceA = linked(2);
    restored.append(at(aliceA, 2));
    // The new envelope went into the factory's history: a conflicting seq 2 is a fork.
    const e2x = envelope(2, at(aliceA, 1), { body: 'other' });
    expect(restored.check(e2x).verdict).to.equal('fork');
  });

  it('fromJSON rejects malformed heads with RangeError', () => {
    const good = {
      channel: toHex(CHANNEL_A),
      sender: toHex(bobKey),
      seq: 2,
      id: toHex(sha256(utf8('x'))),
    };
    expect(() => ChainTracker.fromJSON({ chains: [good] })).to.not.throw();
    const bad: Record<string, unknown>[] = [
      { ...good, id: good.id.slice(2) }, // 31 bytes
      { ...good, id: `${good.id}00` }, // 33 bytes
      { ...good, id: good.id.toUpperCase() }, // not the canonical lowercase form
      { ...good, id: `${good.id.slice(2)}zz` }, // not hex
      { ...good, channel: good.channel.toUpperCase() },
      { ...good, sender: good.sender.slice(2) },
      { ...good, seq: 0 },
      { ...good, seq: 1.5 },
      { ...good, seq: '2' },
    ];
    for (const head of bad) {
      expect(
        () => ChainTracker.fromJSON({ chains: [head as never] }),
        JSON.stringify(head),
      ).to.throw(RangeError);
    }
  });

  it('a restored head is the one fromJSON was given', () => {
    const id = sha256(utf8('head'));
    const tracker = ChainTracker.fromJSON({
      chains: [{ channel: toHex(CHANNEL_A), sender: toHex(bobKey), seq: 7, id: toHex(id) }],
    });
    const head = tracker.chainOf(CHANNEL_A, bobKey).head;
    expect(head?.seq).to.equal(7);
    expect(toHex(head!.id)).to.equal(toHex(id));
  });
});
