// A bare protocol client for relay tests: real frames over a real socket, and
// awaiting the next frame as an event (no sleeps).

import { authStatement, decodeFrame, encodeFrame, type Frame } from '@hotline/codec';
import { publicKeyOf, sign } from '@hotline/signer';
import WebSocket from 'ws';

export const SUBPROTOCOL = 'hotline.v0.1';

export class TestClient {
  readonly frames: Frame[] = [];
  readonly #waiters: ((frame: Frame | undefined) => void)[] = [];
  closed: { code: number; reason: string } | undefined;
  readonly #closedWaiters: (() => void)[] = [];

  private constructor(readonly ws: WebSocket) {
    ws.binaryType = 'nodebuffer';
    ws.on('message', (data: Buffer) => {
      const frame = decodeFrame(new Uint8Array(data), { from: 'relay' });
      const waiter = this.#waiters.shift();
      if (waiter !== undefined) waiter(frame);
      else this.frames.push(frame);
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      for (const waiter of this.#waiters.splice(0)) waiter(undefined);
      for (const done of this.#closedWaiters.splice(0)) done();
    });
    ws.on('error', () => {});
  }

  /** Opens a WebSocket and waits for the challenge (left in `frames`). */
  static async open(url: string, protocols: string[] = [SUBPROTOCOL]): Promise<TestClient> {
    const ws = new WebSocket(url, protocols, { perMessageDeflate: false });
    const client = new TestClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  /** Opens, answers the challenge with `secret`, and waits for welcome. */
  static async connect(url: string, secret: Uint8Array): Promise<TestClient> {
    const client = await TestClient.open(url);
    const challenge = await client.next();
    if (challenge?.type !== 'challenge')
      throw new Error(`expected challenge, got ${challenge?.type}`);
    const key = publicKeyOf(secret);
    client.send({
      type: 'auth',
      requestId: 1,
      client: key,
      signature: sign(authStatement(challenge.relay, challenge.nonce, key), secret),
    });
    const welcome = await client.next();
    if (welcome?.type !== 'welcome')
      throw new Error(`expected welcome, got ${JSON.stringify(welcome)}`);
    return client;
  }

  send(frame: Frame): void {
    this.ws.send(encodeFrame(frame));
  }

  sendRaw(bytes: Uint8Array | string): void {
    this.ws.send(bytes);
  }

  /** The next frame, or undefined when the connection closed first. */
  next(): Promise<Frame | undefined> {
    const queued = this.frames.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.closed !== undefined) return Promise.resolve(undefined);
    return new Promise((resolve) => this.#waiters.push(resolve));
  }

  /** Frames until one matches `predicate` (inclusive). */
  async until(predicate: (frame: Frame) => boolean): Promise<Frame[]> {
    const seen: Frame[] = [];
    for (;;) {
      const frame = await this.next();
      if (frame === undefined) throw new Error(`connection closed; saw ${seen.map((f) => f.type)}`);
      seen.push(frame);
      if (predicate(frame)) return seen;
    }
  }

  /** The first frame matching `predicate`, leaving every other frame queued in order. */
  take(predicate: (frame: Frame) => boolean): Promise<Frame> {
    const at = this.frames.findIndex(predicate);
    if (at >= 0) return Promise.resolve(this.frames.splice(at, 1)[0]!);
    return new Promise((resolve, reject) => {
      const listen = (): void => {
        this.#waiters.push((frame) => {
          if (frame === undefined) reject(new Error('connection closed'));
          else if (predicate(frame)) resolve(frame);
          else {
            this.frames.push(frame);
            listen();
          }
        });
      };
      listen();
    });
  }

  /** Sends a request and returns its final answer; other frames stay queued. */
  request(frame: Frame): Promise<Frame> {
    this.send(frame);
    return this.take((f) => f.requestId === frame.requestId && f.type !== 'deliver');
  }

  whenClosed(): Promise<void> {
    if (this.closed !== undefined) return Promise.resolve();
    return new Promise((resolve) => this.#closedWaiters.push(resolve));
  }

  close(): Promise<void> {
    this.ws.close();
    return this.whenClosed();
  }
}
