// The relay link over a fake socket and a manual clock: the handshake's checks,
// reconnect delays with jitter, the idle and request timeouts. No network, no sleep.

import { authStatement, decodeFrame, encodeFrame, type Frame } from '@hotline/codec';
import { publicKeyOf, verify } from '@hotline/signer';
import { expect } from 'chai';
import { HotlineClient } from '../src/client.js';
import { ManualClock } from '../src/clock.js';
import {
  type LinkOwner,
  type LinkState,
  RelayLink,
  type RelayLinkOptions,
} from '../src/relay-link.js';
import type { ClientSocket, SocketCloseEvent, SocketMessageEvent } from '../src/socket.js';
import { MemoryClientStore } from '../src/store/memory.js';
import { ALICE, MALLORY_RELAY, RELAY_1 } from './_fixture.js';

class FakeSocket implements ClientSocket {
  binaryType = 'blob';
  readyState = 0;
  readonly sent: Frame[] = [];
  closed: { code?: number; reason?: string } | undefined;
  onopen: ((event: unknown) => void) | null = null;
  onmessage: ((event: SocketMessageEvent) => void) | null = null;
  onclose: ((event: SocketCloseEvent) => void) | null = null;
  onerror: ((event: unknown) => void) | null = null;

  constructor(
    readonly url: string,
    readonly protocols: string[],
  ) {}

  send(data: Uint8Array): void {
    this.sent.push(decodeFrame(data, { from: 'client' }));
  }
  close(code?: number, reason?: string): void {
    this.closed = {
      ...(code === undefined ? {} : { code }),
      ...(reason === undefined ? {} : { reason }),
    };
    this.readyState = 3;
  }
  /** The relay side: open, then frames in. */
  open(): void {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(frame: Frame): void {
    const bytes = encodeFrame(frame);
    this.onmessage?.({
      data: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length),
    });
  }
  drop(code = 1006): void {
    this.readyState = 3;
    this.onclose?.({ code, reason: '' });
  }
}

const NONCE = new Uint8Array(32).fill(7);

function setUp(overrides: Partial<RelayLinkOptions> = {}) {
  const clock = new ManualClock();
  const sockets: FakeSocket[] = [];
  const states: { state: LinkState; reason?: string }[] = [];
  let readyCount = 0;
  const owner: LinkOwner = {
    ready: () => {
      readyCount++;
    },
    subscription: () => {},
    state: (_link, state, reason) => states.push({ state, ...(reason ? { reason } : {}) }),
  };
  const link = new RelayLink(
    {
      url: 'ws://relay.test',
      relayKey: publicKeyOf(RELAY_1),
      secretKey: ALICE,
      socketFactory: (url, protocols) => {
        const socket = new FakeSocket(url, protocols);
        sockets.push(socket);
        return socket;
      },
      clock,
      random: () => 0.5,
      backoff: { initialMs: 100, maxMs: 1000 },
      handshakeTimeoutMs: 5000,
      defaultIdleTimeoutMs: 90_000,
      requestTimeoutMs: 10_000,
      ...overrides,
    },
    owner,
  );
  return { clock, sockets, states, link, ready: () => readyCount };
}

/** Plays an honest relay's side of the handshake on `socket`. */
function handshake(socket: FakeSocket, idleTimeout = 60_000): void {
  socket.open();
  socket.receive({
    type: 'challenge',
    requestId: 0,
    relay: publicKeyOf(RELAY_1),
    nonce: NONCE as never,
    time: 1,
  });
  const auth = socket.sent.at(-1)!;
  if (auth.type !== 'auth') throw new Error('no auth');
  socket.receive({
    type: 'welcome',
    requestId: auth.requestId,
    time: 1,
    maxFrameBytes: 70656,
    maxSubscriptions: 16,
    publishRate: 100,
    idleTimeout,
  });
}

describe('relay link', () => {
  it('offers the subprotocol and answers the challenge with a signature bound to relay and nonce', () => {
    const { sockets, link, ready } = setUp();
    link.start();
    const socket = sockets[0]!;
    expect(socket.protocols).to.deep.equal(['hotline.v0.1']);
    handshake(socket);
    const auth = socket.sent[0]!;
    expect(auth.type).to.equal('auth');
    if (auth.type !== 'auth') return;
    const statement = authStatement(publicKeyOf(RELAY_1), NONCE, publicKeyOf(ALICE));
    expect(verify(auth.signature, statement, publicKeyOf(ALICE))).to.equal(true);
    expect(link.state).to.equal('ready');
    expect(ready()).to.equal(1);
  });

  it('refuses a relay that presents another key: closes 1008 without sending auth', () => {
    const { sockets, link } = setUp();
    link.start();
    const socket = sockets[0]!;
    socket.open();
    socket.receive({
      type: 'challenge',
      requestId: 0,
      relay: publicKeyOf(MALLORY_RELAY),
      nonce: NONCE as never,
      time: 1,
    });
    expect(socket.sent).to.deep.equal([]);
    expect(socket.closed?.code).to.equal(1008);
    expect(link.state).to.equal('waiting');
  });

  it('closes 1002 on a frame that fails strict decoding, and on a text message 1003', () => {
    const { sockets, link } = setUp();
    link.start();
    sockets[0]!.open();
    sockets[0]!.onmessage?.({ data: new Uint8Array([0x82, 0x01]).buffer }); // truncated array
    expect(sockets[0]!.closed?.code).to.equal(1002);
    const { sockets: others, link: other } = setUp();
    other.start();
    others[0]!.open();
    others[0]!.onmessage?.({ data: 'hello' });
    expect(others[0]!.closed?.code).to.equal(1003);
  });

  it('reconnects after a jittered delay that doubles per failure up to the bound', () => {
    const { clock, sockets, link } = setUp();
    link.start();
    const delays: number[] = [];
    for (let attempt = 0; attempt < 6; attempt++) {
      const before = clock.now();
      sockets.at(-1)!.drop();
      const count = sockets.length;
      // random() = 0.5: half of min(1000, 100 · 2^attempt).
      while (sockets.length === count) clock.advance(1);
      delays.push(clock.now() - before);
    }
    expect(delays).to.deep.equal([50, 100, 200, 400, 500, 500]);
    // A successful handshake resets the delay.
    handshake(sockets.at(-1)!);
    const before = clock.now();
    sockets.at(-1)!.drop();
    const count = sockets.length;
    while (sockets.length === count) clock.advance(1);
    expect(clock.now() - before).to.equal(50);
    expect(link.state).to.equal('connecting');
  });

  it('gives up a handshake that does not finish in time, and a relay that falls silent', () => {
    const { clock, sockets, link } = setUp();
    link.start();
    sockets[0]!.open();
    clock.advance(5000);
    expect(sockets[0]!.closed).to.not.equal(undefined);
    clock.advance(50);
    handshake(sockets[1]!, 60_000);
    clock.advance(59_999);
    expect(sockets[1]!.closed).to.equal(undefined);
    clock.advance(1);
    expect(sockets[1]!.closed).to.not.equal(undefined);
  });

  it('restarts the link when a request goes unanswered, failing the request with LinkDownError', async () => {
    const { clock, sockets, link } = setUp({ requestTimeoutMs: 10_000 });
    link.start();
    handshake(sockets[0]!);
    const answer = link.request((requestId) => ({
      type: 'checkpoint-request',
      requestId,
      channel: new Uint8Array(32) as never,
    }));
    clock.advance(10_000);
    let failure: unknown;
    await answer.catch((error: unknown) => {
      failure = error;
    });
    expect((failure as Error).name).to.equal('LinkDownError');
    expect(sockets[0]!.closed?.code).to.equal(1002);
  });

  it('closing stops reconnecting', () => {
    const { clock, sockets, link, states } = setUp();
    link.start();
    handshake(sockets[0]!);
    link.close();
    clock.advance(60_000);
    expect(sockets).to.have.length(1);
    expect(states.at(-1)?.state).to.equal('closed');
  });

  it('the client asks each relay at least every third of the idle timeout its welcome announced', () => {
    const clock = new ManualClock();
    const sockets: FakeSocket[] = [];
    const client = new HotlineClient({
      secretKey: ALICE,
      clock,
      store: new MemoryClientStore(),
      socketFactory: (url, protocols) => {
        const socket = new FakeSocket(url, protocols);
        sockets.push(socket);
        return socket;
      },
    });
    try {
      client.found({
        members: [{ key: publicKeyOf(ALICE), name: 'alice' }],
        relays: [{ key: publicKeyOf(RELAY_1), url: 'ws://relay.test' }],
        params: { heartbeatInterval: 60_000 },
      });
      handshake(sockets[0]!, 3000); // the relay drops what is silent for 3 s
      const link = client.links()[0]!;
      expect(link.state).to.equal('ready');
      const polls = () => sockets[0]!.sent.filter((f) => f.type === 'checkpoint-request').length;
      const before = polls();
      clock.advance(1000);
      expect(polls()).to.equal(before + 1); // not after the 30 s default
      expect(sockets[0]!.closed).to.equal(undefined);
    } finally {
      client.close();
    }
  });
});
