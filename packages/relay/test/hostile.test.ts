// Hostile and broken clients (spec/07-relay.md §11, §12): each offender gets a coded
// error or a clean close, the relay stays up, other clients are unaffected, and the
// relay's memory stays bounded.

import { createPrivateKey, type KeyObject, sign as nodeSign } from 'node:crypto';
import type { Socket } from 'node:net';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  assembleEnvelope,
  authStatement,
  decodeEnvelope,
  decodeFrame,
  decodeReceipt,
  encodeFrame,
  encodePayload,
  envelopeIdOf,
  type Frame,
  KIND,
  LIMITS,
  signedBytesFor,
} from '@hotline/codec';
import { publicKeyOf, sign } from '@hotline/signer';
import { expect } from 'chai';
import WebSocket from 'ws';
import { startRelay } from '../src/index.js';
import type { Relay } from '../src/relay.js';
import { MemoryRelayStore } from '../src/store/memory.js';
import { SUBPROTOCOL, TestClient } from './_client.js';
import {
  ALICE,
  BOB,
  Chain,
  foundedChain,
  MALLORY,
  RELAY_SECRET,
  startTestRelay,
  type TestRelay,
} from './_fixture.js';

type FrameOf<T extends Frame['type']> = Extract<Frame, { type: T }>;

let nextId = 1000;
const rid = () => nextId++;

/** A full collection if the runtime allows it (V8 flag set at run time), else undefined. */
const gc: (() => void) | undefined = (() => {
  try {
    setFlagsFromString('--expose-gc');
    return runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
})();

function heapUsed(): number {
  gc?.();
  return process.memoryUsage().heapUsed;
}

const MiB = 1024 * 1024;

function expectError(frame: Frame | undefined, code: string): FrameOf<'error'> {
  expect(frame?.type, JSON.stringify(frame)).to.equal('error');
  const error = frame as FrameOf<'error'>;
  expect(error.code).to.equal(code);
  return error;
}

/** The TCP socket under a client WebSocket (to stop reading it). */
function socketOf(client: TestClient): Socket {
  return (client.ws as unknown as { _socket: Socket })._socket;
}

/** Founds a channel with ALICE's charter and returns her chain. */
async function found(
  url: string,
): Promise<{ alice: TestClient; chain: Chain; channel: Uint8Array }> {
  const { chain, channel } = foundedChain();
  const alice = await TestClient.connect(url, ALICE);
  const answer = await alice.request({
    type: 'publish',
    requestId: rid(),
    envelope: chain.envelopes[0]!,
  });
  expect(answer.type).to.equal('receipt');
  return { alice, chain, channel };
}

async function publishOk(client: TestClient, envelope: Uint8Array): Promise<number> {
  const answer = await client.request({ type: 'publish', requestId: rid(), envelope });
  expect(answer.type, JSON.stringify(answer)).to.equal('receipt');
  return decodeReceipt((answer as FrameOf<'receipt'>).receipt).index;
}

async function health(relay: Relay): Promise<{ status: string; connections: number }> {
  const response = await fetch(`${relay.url.replace('ws:', 'http:')}/healthz`);
  return (await response.json()) as { status: string; connections: number };
}

/**
 * A sender's chain signed through node:crypto (Ed25519 is deterministic: the same
 * bytes as the signer package), continuing after `first` (seq 1), for tests that
 * sign megabytes of envelopes.
 */
class NativeChain {
  readonly envelopes: Uint8Array[] = [];
  readonly #key: KeyObject;
  readonly #sender: Uint8Array;
  #prev: Uint8Array;

  constructor(
    secret: Uint8Array,
    readonly channel: Uint8Array,
    first: Uint8Array,
  ) {
    this.#key = createPrivateKey({
      key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), secret]),
      format: 'der',
      type: 'pkcs8',
    });
    this.#sender = publicKeyOf(secret);
    this.#prev = decodeEnvelope(first).id;
  }

  next(body: Uint8Array): Uint8Array {
    const seq = this.envelopes.length + 2;
    const payload = encodePayload({
      channel: this.channel,
      sender: this.#sender,
      seq,
      prev: this.#prev,
      time: 1_764_000_000_000 + seq,
      kind: KIND.text,
      body,
    });
    const signed = signedBytesFor(payload);
    const envelope = assembleEnvelope(payload, new Uint8Array(nodeSign(null, signed, this.#key)));
    this.#prev = envelopeIdOf(signed);
    this.envelopes.push(envelope);
    return envelope;
  }
}

/** A text body of `size` bytes (CBOR tstr, 2-byte length). */
function textBody(size: number): Uint8Array {
  const body = new Uint8Array(3 + size).fill(0x61);
  body.set([0x79, size >> 8, size & 0xff]);
  return body;
}

describe('relay under hostile clients', function () {
  this.timeout(20_000);

  describe('malformed and oversized frames', () => {
    let t: TestRelay;
    before(async () => {
      t = await startTestRelay();
    });
    after(async () => {
      await t.stop();
    });

    const cases: [string, Uint8Array, string][] = [
      ['not CBOR (a lone break)', new Uint8Array([0xff]), 'CBOR_UNEXPECTED_BREAK'],
      ['an empty message', new Uint8Array([]), 'CBOR_TRUNCATED'],
      ['a tag', new Uint8Array([0xc1, 0x00]), 'CBOR_TAG_DISALLOWED'],
      ['not an array (a uint)', new Uint8Array([0x01]), 'FRAME_MALFORMED'],
      ['not an array (a map)', new Uint8Array([0xa0]), 'FRAME_MALFORMED'],
      ['an unknown frame type (23)', new Uint8Array([0x82, 0x17, 0x00]), 'FRAME_TYPE_UNKNOWN'],
      ['wrong arity (auth without fields)', new Uint8Array([0x82, 0x02, 0x01]), 'FRAME_MALFORMED'],
      ['a relay frame (challenge)', new Uint8Array([0x82, 0x01, 0x00]), 'FRAME_UNEXPECTED'],
    ];
    for (const authenticated of [false, true]) {
      for (const [name, bytes, code] of cases) {
        it(`${name} ${authenticated ? 'after' : 'before'} auth: ${code}, request id 0, close 1002`, async () => {
          const client = authenticated
            ? await TestClient.connect(t.relay.url, BOB)
            : await TestClient.open(t.relay.url);
          if (!authenticated) expect((await client.next())?.type).to.equal('challenge');
          client.sendRaw(bytes);
          expect(expectError(await client.next(), code).requestId).to.equal(0);
          await client.whenClosed();
          expect(client.closed).to.deep.equal({ code: 1002, reason: code });
        });
      }
    }

    it('a text message: FRAME_MALFORMED, close 1003', async () => {
      const client = await TestClient.connect(t.relay.url, BOB);
      client.sendRaw('["hello"]');
      expectError(await client.next(), 'FRAME_MALFORMED');
      await client.whenClosed();
      expect(client.closed?.code).to.equal(1003);
    });

    it('a second auth: FRAME_UNEXPECTED, close 1002', async () => {
      const client = await TestClient.connect(t.relay.url, BOB);
      client.send({
        type: 'auth',
        requestId: 2,
        client: publicKeyOf(BOB),
        signature: new Uint8Array(64) as never,
      });
      expectError(await client.next(), 'FRAME_UNEXPECTED');
      await client.whenClosed();
      expect(client.closed?.code).to.equal(1002);
    });

    it('a message over maxFrameBytes: close 1009 before it is buffered; at the limit it is decoded', async () => {
      // Exactly MAX_FRAME_BYTES of zeros is read and fails CBOR (trailing bytes): 1002.
      const atLimit = await TestClient.connect(t.relay.url, BOB);
      atLimit.sendRaw(new Uint8Array(LIMITS.MAX_FRAME_BYTES));
      expect((await atLimit.next())?.type).to.equal('error');
      await atLimit.whenClosed();
      expect(atLimit.closed?.code).to.equal(1002);

      for (const size of [LIMITS.MAX_FRAME_BYTES + 1, 16 * MiB]) {
        const before = heapUsed();
        const client = await TestClient.connect(t.relay.url, BOB);
        client.sendRaw(new Uint8Array(size));
        await client.whenClosed();
        expect(client.closed?.code, `${size} bytes`).to.equal(1009);
        // ws refuses by the length in the frame header: nothing like 16 MiB is held.
        expect(heapUsed() - before).to.be.below(8 * MiB);
      }
    });

    it('after all of that, the relay is up and serves a well-behaved client', async () => {
      expect((await health(t.relay)).status).to.equal('ok');
      const { alice, chain } = await found(t.relay.url);
      expect(await publishOk(alice, chain.next())).to.equal(1);
      await alice.close();
    });
  });

  describe('publish flood', () => {
    it('answers RATE_LIMITED with retryAfter past the burst, and another connection keeps getting receipts', async () => {
      // A frozen clock: the bucket never refills, so exactly `burst` publishes pass U1.
      const burst = 50;
      const relay = await startRelay({
        secretKey: RELAY_SECRET,
        store: new MemoryRelayStore(),
        founders: { mode: 'open' },
        port: 0,
        now: () => 1_764_000_000_000,
        limits: { publishRate: 25, publishBurst: burst },
      });
      try {
        const { alice, chain, channel } = await found(relay.url);
        const flooder = await TestClient.connect(relay.url, ALICE);
        const flood = 1000;
        // The charter again and again: valid, signed, a duplicate for whoever gets a token.
        const first = rid();
        for (let i = 0; i < flood; i++) {
          flooder.send({ type: 'publish', requestId: first + i, envelope: chain.envelopes[0]! });
        }
        nextId += flood;

        // Meanwhile bob publishes on his own connection, one at a time.
        const bob = await TestClient.connect(relay.url, BOB);
        const bobs = new Chain(BOB, channel);
        let slowest = 0;
        for (let i = 0; i < 20; i++) {
          const started = performance.now();
          await publishOk(bob, bobs.next());
          slowest = Math.max(slowest, performance.now() - started);
        }
        // Generous for a shared 2-core machine; a starved connection would wait seconds.
        expect(slowest).to.be.below(1000);

        let receipts = 0;
        let limited = 0;
        for (let i = 0; i < flood; i++) {
          const answer = (await flooder.next())!;
          expect(answer.requestId).to.equal(first + i); // answers in arrival order
          if (answer.type === 'receipt') receipts++;
          else {
            const error = expectError(answer, 'RATE_LIMITED');
            expect(error.detail.retryAfter).to.equal(1000 / 25);
            expect(error.detail.limit).to.equal(25);
            limited++;
          }
        }
        expect({ receipts, limited }).to.deep.equal({ receipts: burst, limited: flood - burst });
        expect(flooder.closed).to.equal(undefined);
        await Promise.all([alice.close(), bob.close(), flooder.close()]);
      } finally {
        await relay.close();
      }
    });
  });

  describe('slow consumer', () => {
    it('drops a subscriber that does not read (bounded pending bytes); it resumes from its cursor and loses nothing', async () => {
      const maxPendingOutboundBytes = 256 * 1024;
      const t = await startTestRelay({
        limits: {
          maxPendingOutboundBytes,
          backfillHighWater: 64 * 1024,
          senderRate: 1e5,
          senderBurst: 1e5,
          publishRate: 1e5,
          publishBurst: 1e5,
        },
      });
      // Largest bytes queued on any relay-side socket right after a send.
      const clients = new Set<WebSocket>();
      const send = WebSocket.prototype.send;
      let peak = 0;
      WebSocket.prototype.send = function (this: WebSocket, ...args: Parameters<typeof send>) {
        send.apply(this, args);
        if (!clients.has(this)) peak = Math.max(peak, this.bufferedAmount);
      } as typeof send;
      try {
        const { alice, chain, channel } = await found(t.relay.url);
        const fastChain = new NativeChain(ALICE, channel, chain.envelopes[0]!);
        const subscribe = async (client: TestClient, cursor: number): Promise<Frame[]> => {
          client.send({ type: 'subscribe', requestId: 7, channel: channel as never, cursor });
          return client.until((f) => f.type === 'end-of-backfill');
        };
        const slow = await TestClient.connect(t.relay.url, BOB);
        const fast = await TestClient.connect(t.relay.url, BOB);
        for (const c of [alice, slow, fast]) clients.add(c.ws);
        await subscribe(slow, 0);
        await subscribe(fast, 0);
        socketOf(slow).pause();

        const dropped = async (): Promise<number> => {
          const metric = await t.relay.metrics.registry
            .getSingleMetric('hotline_rejects_total')!
            .get();
          return metric.values.find((v) => v.labels.code === 'SLOW_CONSUMER')?.value ?? 0;
        };
        // Publish 32 KiB envelopes until the relay gives up on the slow reader; the
        // kernel's socket buffers take a few MiB first.
        const body = textBody(32 * 1024);
        let published = 0;
        while ((await dropped()) === 0) {
          expect(published, 'never dropped').to.be.below(1000);
          await publishOk(alice, fastChain.next(body));
          published++;
        }
        for (let i = 0; i < 4; i++) await publishOk(alice, fastChain.next(body));
        const size = fastChain.envelopes.length + 1;
        expect(peak).to.be.below(maxPendingOutboundBytes + LIMITS.MAX_FRAME_BYTES);

        // The fast subscriber got every entry, in order.
        const live = await fast.until((f) => f.type === 'deliver' && f.index === size - 1);
        const indices = live
          .filter((f) => f.type === 'deliver')
          .map((f) => (f as FrameOf<'deliver'>).index);
        expect(indices).to.deep.equal([...Array(size - 1).keys()].map((i) => i + 1));

        // The slow one reads what the kernel held, then sees the TCP close (no handshake).
        socketOf(slow).resume();
        await slow.whenClosed();
        expect(slow.closed?.code).to.equal(1006);
        const got = slow.frames.filter((f) => f.type === 'deliver') as FrameOf<'deliver'>[];
        expect(got.map((f) => f.index)).to.deep.equal(
          [...Array(got.length).keys()].map((i) => i + 1),
        );
        expect(got.length).to.be.below(size - 1); // it was cut off before the end

        // Resuming from its cursor gives exactly the rest.
        const again = await TestClient.connect(t.relay.url, BOB);
        const cursor = got.length + 1;
        const rest = (await subscribe(again, cursor)).filter(
          (f) => f.type === 'deliver',
        ) as FrameOf<'deliver'>[];
        const all = [...got, ...rest];
        expect(all.map((f) => f.index)).to.deep.equal(
          [...Array(size - 1).keys()].map((i) => i + 1),
        );
        all.forEach((f, i) => {
          expect(Buffer.compare(f.envelope, fastChain.envelopes[i]!), `entry ${f.index}`).to.equal(
            0,
          );
        });
        // Backfill is paced by the high-water mark (spec §9.2): a reader that reads
        // gets the whole log from 0, megabytes of it, and is never cut off for it.
        const fresh = await TestClient.connect(t.relay.url, BOB);
        const whole = (await subscribe(fresh, 0)).filter((f) => f.type === 'deliver');
        expect(whole.length).to.equal(size);
        expect(await dropped()).to.equal(1);
        expect(peak).to.be.below(maxPendingOutboundBytes + LIMITS.MAX_FRAME_BYTES);
        if (process.env.HOTLINE_TEST_VERBOSE) {
          console.log(
            `slow consumer: dropped after ${published} × 32 KiB, peak pending ${peak} B, it had read ${got.length}`,
          );
        }
        await Promise.all([alice.close(), fast.close(), again.close(), fresh.close()]);
      } finally {
        WebSocket.prototype.send = send;
        await t.stop();
      }
    });
  });

  describe('connections that never authenticate', () => {
    it('closes 1,000 idle connections with AUTH_TIMEOUT, memory bounded, while a normal client works', async () => {
      const count = 1000;
      // The auth timers of the idle connections are held (the relay's timers are
      // injectable) until all 1,000 are open and measured, then fired: the test
      // decides when "later" is, whatever the machine's speed.
      const authTimeout = 4321;
      const held = new Map<object, () => void>();
      const timers = {
        setTimeout(callback: () => void, ms: number): unknown {
          expect(ms).to.equal(authTimeout);
          const handle = {};
          held.set(handle, callback);
          return handle;
        },
        clearTimeout(handle: unknown): void {
          held.delete(handle as object);
        },
      };
      const t = await startTestRelay({
        limits: { authTimeout, maxConnections: count + 10 },
        timers,
      });
      try {
        const before = heapUsed();
        const idle: TestClient[] = [];
        const opened = performance.now();
        for (let i = 0; i < count; i += 100) {
          idle.push(
            ...(await Promise.all(
              Array.from({ length: Math.min(100, count - i) }, () => TestClient.open(t.relay.url)),
            )),
          );
        }
        const openMs = performance.now() - opened;
        // alice's own timer is cleared by her auth below; the idle ones stay held.
        expect(held.size).to.equal(count);
        const { alice, chain } = await found(t.relay.url);
        // All 1,000 open at once (plus alice), so the peak is measured with all of them.
        expect((await health(t.relay)).connections).to.equal(count + 1);
        const peak = heapUsed() - before;
        expect(await publishOk(alice, chain.next())).to.equal(1);
        const idleTimers = [...held.values()];
        held.clear();
        for (const fire of idleTimers) fire();

        await Promise.all(idle.map((client) => client.whenClosed()));
        for (const client of idle) {
          expect(client.frames.map((f) => f.type)).to.deep.equal(['challenge', 'error']);
          expect(expectError(client.frames[1], 'AUTH_TIMEOUT').requestId).to.equal(0);
          expect(client.closed).to.deep.equal({ code: 1008, reason: 'AUTH_TIMEOUT' });
        }
        idle.length = 0;
        expect(await publishOk(alice, chain.next())).to.equal(2);
        expect((await health(t.relay)).connections).to.equal(1);
        const after = heapUsed() - before;
        // Both ends of every socket live in this process; a leak of even 64 KiB per
        // connection would show.
        expect(peak).to.be.below(64 * MiB);
        expect(after).to.be.below(16 * MiB);
        if (process.env.HOTLINE_TEST_VERBOSE) {
          console.log(
            `1000 idle: opened in ${openMs.toFixed(0)} ms, heap +${(peak / MiB).toFixed(1)} MiB at peak, ` +
              `+${(after / MiB).toFixed(1)} MiB after (gc ${gc ? 'on' : 'off'})`,
          );
        }
        await alice.close();
      } finally {
        await t.stop();
      }
    });

    it('refuses the upgrade with 503 and Retry-After above maxConnections', async () => {
      const t = await startTestRelay({ limits: { maxConnections: 3 } });
      try {
        const held = await Promise.all([1, 2, 3].map(() => TestClient.connect(t.relay.url, BOB)));
        const attempt = (): Promise<number | 'open'> =>
          new Promise((resolve) => {
            const ws = new WebSocket(t.relay.url, [SUBPROTOCOL]);
            ws.on('error', () => {});
            ws.once('unexpected-response', (_request, response) => {
              expect(response.headers['retry-after']).to.equal('1');
              resolve(response.statusCode ?? 0);
              ws.terminate();
            });
            ws.once('open', () => {
              resolve('open');
              ws.close();
            });
          });
        expect(await attempt()).to.equal(503);
        // The held connections are unaffected.
        const { chain } = foundedChain();
        expect(await publishOk(held[0]!, chain.envelopes[0]!)).to.equal(0);
        // Once one closes, a new one gets in (the relay notices the close a moment later).
        await held[2]!.close();
        let result: number | 'open' = 503;
        for (let i = 0; i < 50 && result === 503; i++) result = await attempt();
        expect(result).to.equal('open');
        await Promise.all([held[0]!.close(), held[1]!.close()]);
      } finally {
        await t.stop();
      }
    });

    it('sends AUTH_TIMEOUT (request id 0) and closes 1008 when auth never comes', async () => {
      const t = await startTestRelay({ limits: { authTimeout: 100 } });
      try {
        const client = await TestClient.open(t.relay.url);
        expect((await client.next())?.type).to.equal('challenge');
        expect(expectError(await client.next(), 'AUTH_TIMEOUT').requestId).to.equal(0);
        await client.whenClosed();
        expect(client.closed).to.deep.equal({ code: 1008, reason: 'AUTH_TIMEOUT' });
        // A client that authenticates in time is not affected by the timer afterwards.
        const bob = await TestClient.connect(t.relay.url, BOB);
        const { chain } = foundedChain();
        expect(await publishOk(bob, chain.envelopes[0]!)).to.equal(0);
        expect(bob.closed).to.equal(undefined);
        await bob.close();
      } finally {
        await t.stop();
      }
    });
  });

  describe('liveness', () => {
    it('drops an authenticated client that stops answering pings; one that answers stays', async () => {
      const t = await startTestRelay({ limits: { pingInterval: 40, idleTimeout: 120 } });
      try {
        // A client whose WebSocket does not answer pings (as if its peer were gone).
        const mute = new WebSocket(t.relay.url, [SUBPROTOCOL], { autoPong: false });
        mute.on('error', () => {});
        const frames: Frame[] = [];
        const next = new Promise<void>((resolve) =>
          mute.on('message', (data: Buffer) => {
            frames.push(decodeFrame(new Uint8Array(data), { from: 'relay' }));
            if (frames.length === 1) {
              const challenge = frames[0] as FrameOf<'challenge'>;
              const client = publicKeyOf(MALLORY);
              mute.send(
                encodeFrame({
                  type: 'auth',
                  requestId: 1,
                  client,
                  signature: sign(authStatement(challenge.relay, challenge.nonce, client), MALLORY),
                }),
              );
            } else resolve();
          }),
        );
        const closed = new Promise<number>((resolve) =>
          mute.once('close', (code) => resolve(code)),
        );
        const alive = await TestClient.connect(t.relay.url, BOB);
        await next;
        expect(frames[1]?.type).to.equal('welcome');
        const started = performance.now();
        expect(await closed).to.equal(1006); // dropped: TCP close without a close frame
        const idleMs = performance.now() - started;
        expect(idleMs).to.be.at.least(80);
        // The client that answers pings is still served.
        const { chain } = foundedChain();
        expect(await publishOk(alive, chain.envelopes[0]!)).to.equal(0);
        expect(alive.closed).to.equal(undefined);
        await alive.close();
      } finally {
        await t.stop();
      }
    });
  });
});
