// Crash safety (spec/07-relay.md §8 "Durability first"): a relay on SQLite in a
// child process is killed with SIGKILL while publishes are in flight, at moments
// drawn from a fixed-seed PRNG (counted in receipts, never in time), and restarted
// on the same file. Across every round: each receipted envelope is in the log at
// its receipted index; an index nobody got a receipt for holds only an envelope
// that was in flight, and re-publishing it receipts that same index; every new
// checkpoint is consistent with every checkpoint seen before; publishing resumes.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  authStatement,
  channelIdOf,
  type DecodedCheckpoint,
  decodeFrame,
  encodeCharterBody,
  encodeFrame,
  type Frame,
  KIND,
  toHex,
} from '@hotline/codec';
import {
  checkCheckpointConsistency,
  openCheckpoint,
  openEnvelope,
  publicKeyOf,
  sign,
  verifyReceipt,
} from '@hotline/signer';
import { expect } from 'chai';
import WebSocket from 'ws';
import { SUBPROTOCOL } from './_client.js';
import { ALICE, BOB, Chain, RELAY_SECRET } from './_fixture.js';

const CHILD = fileURLToPath(new URL('./_child-relay.ts', import.meta.url));
const TSX = import.meta.resolve('tsx');
const RELAY_KEY = publicKeyOf(RELAY_SECRET);
// Rates high enough that only the crash interrupts the load.
const LIMITS = { publishRate: 1e5, publishBurst: 1e5, senderRate: 1e5, senderBurst: 1e5 };
const CHANNELS = 3;
const WINDOW = 16;
const KILL_ROUNDS = 4;
const SEED = 0x5eed_c4a5;

/** mulberry32: a small deterministic PRNG. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type FrameOf<T extends Frame['type']> = Extract<Frame, { type: T }>;
/** A client frame without its request id (the Link numbers requests). */
type WithoutId<F> = F extends Frame ? Omit<F, 'requestId'> : never;
type Request = WithoutId<Frame>;

/** A pipelining client: many requests in flight, answers matched by request id. */
class Link {
  isClosed = false;
  readonly closed: Promise<void>;
  readonly #pending = new Map<number, (frame: Frame | undefined) => void>();
  readonly #streams = new Map<number, (frame: Frame) => void>();
  #nextId = 1;
  /** Set when the relay reported a connection error (request id 0). */
  connectionError: FrameOf<'error'> | undefined;

  private constructor(readonly ws: WebSocket) {
    this.closed = new Promise((resolve) =>
      ws.on('close', () => {
        this.isClosed = true;
        for (const answer of this.#pending.values()) answer(undefined);
        this.#pending.clear();
        resolve();
      }),
    );
    ws.on('error', () => {}); // a killed relay resets the socket; 'close' follows
  }

  static async connect(url: string, secret: Uint8Array): Promise<Link> {
    const ws = new WebSocket(url, [SUBPROTOCOL], { perMessageDeflate: false });
    const link = new Link(ws);
    const challenge = await new Promise<FrameOf<'challenge'>>((resolve, reject) => {
      ws.once('message', (data: Buffer) => {
        const frame = decodeFrame(new Uint8Array(data), { from: 'relay' });
        if (frame.type === 'challenge') resolve(frame);
        else reject(new Error(`expected challenge, got ${frame.type}`));
      });
      ws.once('error', reject);
    });
    ws.on('message', (data: Buffer) => link.#dispatch(data));
    const client = publicKeyOf(secret);
    const welcome = await link.request({
      type: 'auth',
      client,
      signature: sign(authStatement(challenge.relay, challenge.nonce, client), secret),
    });
    if (welcome?.type !== 'welcome') throw new Error(`expected welcome, got ${welcome?.type}`);
    return link;
  }

  #dispatch(data: Buffer): void {
    const frame = decodeFrame(new Uint8Array(data), { from: 'relay' });
    if (frame.type === 'deliver' || frame.type === 'end-of-backfill') {
      this.#streams.get(frame.requestId)?.(frame);
      return;
    }
    if (frame.type === 'error' && frame.requestId === 0) this.connectionError = frame;
    const answer = this.#pending.get(frame.requestId);
    this.#pending.delete(frame.requestId);
    answer?.(frame);
  }

  /** Sends a request; resolves with its answer, or undefined if the connection ends first. */
  request(request: Request): Promise<Frame | undefined> {
    if (this.isClosed) return Promise.resolve(undefined);
    const requestId = this.#nextId++;
    const answer = new Promise<Frame | undefined>((resolve) =>
      this.#pending.set(requestId, resolve),
    );
    this.ws.send(encodeFrame({ ...request, requestId } as Frame));
    return answer;
  }

  /** Subscribes from `cursor` and collects the backfill up to end-of-backfill. */
  async backfill(channel: Uint8Array, cursor: number): Promise<FrameOf<'deliver'>[]> {
    const requestId = this.#nextId++;
    const delivered: FrameOf<'deliver'>[] = [];
    const done = new Promise<FrameOf<'end-of-backfill'>>((resolve) =>
      this.#streams.set(requestId, (frame) => {
        if (frame.type === 'deliver') delivered.push(frame);
        else if (frame.type === 'end-of-backfill') resolve(frame);
      }),
    );
    this.ws.send(
      encodeFrame({ type: 'subscribe', requestId, channel: channel as never, cursor } as Frame),
    );
    const end = await Promise.race([done, this.closed.then(() => undefined)]);
    if (end === undefined) throw new Error('connection closed during backfill');
    this.#streams.delete(requestId);
    expect(end.next).to.equal(cursor + delivered.length);
    return delivered;
  }

  close(): Promise<void> {
    this.ws.close();
    return this.closed;
  }
}

/** The relay as a child process on a data directory. */
class ChildRelay {
  readonly exited: Promise<void>;

  private constructor(
    readonly process: ChildProcess,
    readonly url: string,
    exited: Promise<void>,
  ) {
    this.exited = exited;
  }

  static start(dir: string): Promise<ChildRelay> {
    const child = spawn(process.execPath, ['--import', TSX, CHILD, dir, JSON.stringify(LIMITS)], {
      stdio: ['pipe', 'pipe', 'inherit'],
    });
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    return new Promise((resolve, reject) => {
      let out = '';
      child.stdout!.on('data', (chunk: Buffer) => {
        out += chunk.toString('utf8');
        const line = out.indexOf('\n');
        if (line >= 0) {
          const { url } = JSON.parse(out.slice(0, line)) as { url: string };
          resolve(new ChildRelay(child, url, exited));
        }
      });
      child.once('exit', (code, signal) =>
        reject(new Error(`relay exited before listening (${code ?? signal})`)),
      );
    });
  }

  kill(): void {
    this.process.kill('SIGKILL');
  }
}

/** One sender's chain on one channel and how far it got. */
interface ChainState {
  readonly name: string;
  readonly secret: Uint8Array;
  readonly channel: Uint8Array;
  readonly chain: Chain;
  /** Envelopes [0, acked) have receipts. */
  acked: number;
  /** Envelopes [acked, sent) were sent on the current connection without an answer yet. */
  sent: number;
  /** Envelopes [acked, highest) were sent at some time without a receipt yet. */
  highest: number;
}

/** What the test process knows about one channel's log. */
interface ChannelKnowledge {
  /** Receipted envelope (hex) by log index. */
  readonly receipted: Map<number, string>;
  /** Index by receipted envelope (hex). */
  readonly indexOf: Map<string, number>;
  /** Envelopes found in the log after a crash without a receipt: index they must get. */
  readonly unreceipted: Map<string, number>;
  /** Every checkpoint received, by size (one per size: two would have to agree). */
  readonly checkpoints: Map<number, DecodedCheckpoint>;
}

function charterBody(n: number): Uint8Array {
  return encodeCharterBody({
    members: [ALICE, BOB].map((secret, i) => ({ key: publicKeyOf(secret), name: `member ${i}` })),
    relays: [{ key: RELAY_KEY, url: 'ws://127.0.0.1:7400' }],
    // Distinct parameters: distinct charters, so distinct channels.
    params: { heartbeatInterval: 60_000 + n },
  });
}

describe('relay crash safety (SIGKILL under load, SQLite)', function () {
  this.timeout(30_000);

  let dir: string;
  let relay: ChildRelay | undefined;

  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'hotline-crash-'));
  });
  after(async () => {
    if (relay !== undefined) {
      relay.kill();
      await relay.exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every receipted entry at its index, and consistent checkpoints, across SIGKILLs', async () => {
    const random = prng(SEED);
    const chains: ChainState[] = [];
    const known = new Map<string, ChannelKnowledge>();
    const channels: Uint8Array[] = [];
    for (let n = 0; n < CHANNELS; n++) {
      const body = charterBody(n);
      const channel = channelIdOf(body);
      channels.push(channel);
      known.set(toHex(channel), {
        receipted: new Map(),
        indexOf: new Map(),
        unreceipted: new Map(),
        checkpoints: new Map(),
      });
      const alice = new Chain(ALICE, channel);
      alice.next(body, KIND.charter);
      chains.push({
        name: `alice/${n}`,
        secret: ALICE,
        channel,
        chain: alice,
        acked: 0,
        sent: 0,
        highest: 0,
      });
      chains.push({
        name: `bob/${n}`,
        secret: BOB,
        channel,
        chain: new Chain(BOB, channel),
        acked: 0,
        sent: 0,
        highest: 0,
      });
    }
    const knowledgeOf = (channel: Uint8Array) => known.get(toHex(channel))!;
    const envelopeAt = (s: ChainState, i: number): Uint8Array => {
      while (s.chain.envelopes.length <= i) s.chain.next(new Uint8Array([0x64, 0x6c, 0x6f, 0x61]));
      return s.chain.envelopes[i]!;
    };
    const figures: string[] = [];
    let failure: unknown;

    /** Records a checkpoint, checking it against one of the same size seen before. */
    const remember = (channel: Uint8Array, checkpoint: DecodedCheckpoint): void => {
      const { checkpoints } = knowledgeOf(channel);
      const same = checkpoints.get(checkpoint.fields.size);
      if (same === undefined) checkpoints.set(checkpoint.fields.size, checkpoint);
      else checkCheckpointConsistency(same, checkpoint, []);
    };

    /** A publish answer: must be a valid receipt, at the index the log gives it. */
    const onAnswer = (
      s: ChainState,
      i: number,
      envelope: Uint8Array,
      answer: Frame,
    ): 'dup' | 'new' => {
      expect(answer.type, `${s.name}#${i}: ${JSON.stringify(answer)}`).to.equal('receipt');
      const id = openEnvelope(envelope).id;
      const { receipt, checkpoint } = verifyReceipt((answer as FrameOf<'receipt'>).receipt, {
        relay: RELAY_KEY,
        channel: s.channel,
        id,
      });
      remember(s.channel, checkpoint);
      const k = knowledgeOf(s.channel);
      const hex = toHex(envelope);
      const before = k.indexOf.get(hex) ?? k.unreceipted.get(hex);
      if (before !== undefined) expect(receipt.index, `${s.name}#${i} index`).to.equal(before);
      const holder = k.receipted.get(receipt.index);
      if (holder !== undefined)
        expect(holder, `index ${receipt.index} receipted twice`).to.equal(hex);
      k.receipted.set(receipt.index, hex);
      k.indexOf.set(hex, receipt.index);
      const dup = k.unreceipted.delete(hex);
      // Answers come in arrival order on a connection, so receipts complete a prefix.
      expect(i).to.equal(s.acked);
      s.acked = i + 1;
      return dup ? 'dup' : 'new';
    };

    /**
     * Publishes on every chain, WINDOW in flight per chain, re-sending what has no
     * receipt first. Kills the relay after `killAt` receipts, or publishes `extra`
     * new envelopes per chain and waits for every receipt.
     */
    const load = async (
      child: ChildRelay,
      plan: { killAt: number } | { extra: number },
    ): Promise<{ receipts: number; inFlightAtKill: number; dup: number }> => {
      const links = await Promise.all(chains.map((s) => Link.connect(child.url, s.secret)));
      let receipts = 0;
      let dup = 0;
      let inFlightAtKill = -1;
      const runs = chains.map((s, c) => {
        const link = links[c]!;
        s.sent = s.acked;
        const stopAt = 'extra' in plan ? s.chain.envelopes.length + plan.extra : Infinity;
        return new Promise<void>((done) => {
          const fill = (): void => {
            while (!link.isClosed && s.sent - s.acked < WINDOW && s.sent < stopAt) {
              const i = s.sent++;
              s.highest = Math.max(s.highest, s.sent);
              const envelope = envelopeAt(s, i);
              void link.request({ type: 'publish', envelope }).then((answer) => {
                if (answer === undefined || failure !== undefined) return;
                try {
                  if (onAnswer(s, i, envelope, answer) === 'dup') dup++;
                  receipts++;
                  if ('killAt' in plan && receipts === plan.killAt) {
                    inFlightAtKill = chains.reduce((sum, x) => sum + x.sent - x.acked, 0);
                    child.kill();
                  }
                  fill();
                } catch (error) {
                  failure ??= error;
                  child.kill();
                }
              });
            }
            if (s.acked >= stopAt) done();
          };
          void link.closed.then(() => done());
          fill();
        });
      });
      await Promise.all(runs);
      if ('extra' in plan) await Promise.all(links.map((link) => link.close()));
      else await Promise.all(links.map((link) => link.closed));
      if (failure !== undefined) throw failure;
      return { receipts, inFlightAtKill, dup };
    };

    /**
     * After a restart: each channel's new checkpoint against every one seen before,
     * and its whole log against the receipts. Returns how many entries are in the
     * log without a receipt (committed, killed before the answer went out).
     */
    const audit = async (child: ChildRelay): Promise<number> => {
      const link = await Link.connect(child.url, ALICE);
      let unreceipted = 0;
      for (const channel of channels) {
        const k = knowledgeOf(channel);
        const answer = await link.request({
          type: 'checkpoint-request',
          channel: channel as never,
        });
        expect(answer?.type).to.equal('checkpoint');
        const now = openCheckpoint((answer as FrameOf<'checkpoint'>).checkpoint, {
          relay: RELAY_KEY,
          channel,
        });
        const size = now.fields.size;
        const earlier = [...k.checkpoints.values()];
        const proofs = await Promise.all(
          earlier.map((old) =>
            link.request({
              type: 'consistency-request',
              channel: channel as never,
              fromSize: old.fields.size,
              toSize: size,
            }),
          ),
        );
        earlier.forEach((old, j) => {
          // A checkpoint larger than the log now: the relay lost receipted entries.
          expect(old.fields.size, 'log shrank below a checkpoint').to.be.at.most(size);
          const proof = proofs[j]!;
          expect(proof?.type).to.equal('consistency-proof');
          checkCheckpointConsistency(old, now, (proof as FrameOf<'consistency-proof'>).proof);
        });
        remember(channel, now);

        const log = await link.backfill(channel, 0);
        expect(log.map((f) => f.index)).to.deep.equal([...Array(size).keys()]);
        for (const [index, hex] of k.receipted) {
          expect(
            toHex(log[index]?.envelope ?? new Uint8Array()),
            `receipted index ${index}`,
          ).to.equal(hex);
        }
        const inFlight = new Set(
          chains
            .filter((s) => toHex(s.channel) === toHex(channel))
            .flatMap((s) => s.chain.envelopes.slice(s.acked, s.highest).map(toHex)),
        );
        for (const { index, envelope } of log) {
          const hex = toHex(envelope);
          if (k.receipted.get(index) === hex) continue;
          // Not receipted: it must be one of ours that was in flight at the crash.
          expect(
            inFlight.has(hex),
            `index ${index} holds an envelope nobody had in flight`,
          ).to.equal(true);
          const seen = k.unreceipted.get(hex);
          if (seen !== undefined) expect(seen, 'an unreceipted entry moved').to.equal(index);
          k.unreceipted.set(hex, index);
          unreceipted++;
        }
      }
      // A client that lost a receipt re-publishes the same bytes and gets it again
      // (spec §8 "Duplicate"): the last receipted envelope of every chain.
      const answers = await Promise.all(
        chains.map((s) =>
          link.request({ type: 'publish', envelope: s.chain.envelopes[s.acked - 1]! }),
        ),
      );
      chains.forEach((s, c) => {
        const answer = answers[c]!;
        expect(answer?.type, JSON.stringify(answer)).to.equal('receipt');
        const envelope = s.chain.envelopes[s.acked - 1]!;
        const { receipt, checkpoint } = verifyReceipt((answer as FrameOf<'receipt'>).receipt, {
          relay: RELAY_KEY,
          channel: s.channel,
          id: openEnvelope(envelope).id,
        });
        expect(receipt.index).to.equal(knowledgeOf(s.channel).indexOf.get(toHex(envelope)));
        remember(s.channel, checkpoint);
      });
      await link.close();
      return unreceipted;
    };

    // Round 0 founds the channels: the charters first, so that bob's publishes find them.
    relay = await ChildRelay.start(dir);
    {
      const founder = await Link.connect(relay.url, ALICE);
      for (const s of chains.filter((x) => x.name.startsWith('alice'))) {
        s.sent = 1;
        s.highest = 1;
        onAnswer(
          s,
          0,
          s.chain.envelopes[0]!,
          (await founder.request({
            type: 'publish',
            envelope: s.chain.envelopes[0]!,
          }))!,
        );
      }
      await founder.close();
    }

    for (let round = 0; round < KILL_ROUNDS; round++) {
      const killAt = 40 + Math.floor(random() * 160);
      const { receipts, inFlightAtKill, dup } = await load(relay, { killAt });
      await relay.exited;
      expect(inFlightAtKill, 'the kill came while publishes were in flight').to.be.greaterThan(0);
      relay = await ChildRelay.start(dir);
      const unreceipted = await audit(relay);
      figures.push(
        `round ${round}: kill after ${killAt} receipts (${receipts} got, ${dup} re-publish dups), ` +
          `${inFlightAtKill} in flight, ${unreceipted} committed without receipt`,
      );
    }

    // Last round: no kill; every unreceipted envelope is re-published, then 8 new per chain.
    const last = await load(relay, { extra: 8 });
    const unreceipted = await audit(relay);
    expect(unreceipted, 'every envelope has its receipt now').to.equal(0);
    for (const channel of channels) {
      const k = knowledgeOf(channel);
      const published = chains
        .filter((s) => toHex(s.channel) === toHex(channel))
        .reduce((sum, s) => sum + s.chain.envelopes.length, 0);
      // Exactly the envelopes published, each once: nothing else, nothing lost.
      expect(k.receipted.size).to.equal(published);
      expect(k.unreceipted.size).to.equal(0);
    }
    figures.push(
      `final: ${last.receipts} receipts (${last.dup} dups); log sizes ${channels.map((c) => knowledgeOf(c).receipted.size).join('/')}`,
    );
    if (process.env.HOTLINE_TEST_VERBOSE) console.log(figures.join('\n'));
  });
});
