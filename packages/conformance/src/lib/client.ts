// One WebSocket connection to the relay under test, speaking frames. Every frame
// the relay sends is decoded strictly (spec/07-relay.md §3.4, as a client must); a
// frame that fails, or a text message, is a violation reported to whoever waits
// next. Waits are events (a frame, a close), never sleeps: the scenario's deadline
// bounds them by closing the socket.

import { decodeFrame, encodeFrame, type Frame, isHotlineError } from '@hotline/codec';
import WebSocket from 'ws';
import { ConformanceFailure } from './failure.js';

export const SUBPROTOCOL = 'hotline.v0.1';

/** Told what a client is about to wait for, so a timeout can say where it stopped. */
export type WaitReporter = (what: string) => void;

export interface CloseInfo {
  readonly code: number;
  readonly reason: string;
}

type Item = { readonly frame: Frame } | { readonly violation: string };

export class RelayClient {
  closed: CloseInfo | undefined;
  readonly #queue: Item[] = [];
  readonly #changed: (() => void)[] = [];
  #requestId = 0;

  private constructor(
    readonly ws: WebSocket,
    private readonly reportWait: WaitReporter,
  ) {
    ws.binaryType = 'nodebuffer';
    ws.on('message', (data: Buffer, isBinary: boolean) => {
      this.#queue.push(this.#decode(data, isBinary));
      this.#signal();
    });
    ws.on('close', (code, reason) => {
      this.closed = { code, reason: reason.toString() };
      this.#signal();
    });
    // Errors are followed by 'close'; the waits report that.
    ws.on('error', () => {});
  }

  /**
   * Opens a WebSocket offering `protocols`, without perMessageDeflate. Resolves once
   * the upgrade succeeded; a refused upgrade is a ConformanceFailure.
   */
  static async open(
    url: string,
    reportWait: WaitReporter,
    protocols: readonly string[] = [SUBPROTOCOL],
  ): Promise<RelayClient> {
    const ws = new WebSocket(url, [...protocols], { perMessageDeflate: false });
    const client = new RelayClient(ws, reportWait);
    reportWait('the WebSocket upgrade');
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', (error) =>
        reject(new ConformanceFailure(`WebSocket connection failed: ${error.message}`)),
      );
      ws.once('close', () => reject(new ConformanceFailure('closed before the upgrade')));
    });
    return client;
  }

  #decode(data: Buffer, isBinary: boolean): Item {
    if (!isBinary) return { violation: 'the relay sent a text message (frames are binary, §2)' };
    try {
      return { frame: decodeFrame(new Uint8Array(data), { from: 'relay' }) };
    } catch (error) {
      if (!isHotlineError(error)) throw error;
      const field = error.field === undefined ? '' : ` (${error.field})`;
      return { violation: `the relay sent a frame that fails W1–W9: ${error.code}${field}` };
    }
  }

  #signal(): void {
    for (const wake of this.#changed.splice(0)) wake();
  }

  #change(): Promise<void> {
    return new Promise((resolve) => this.#changed.push(resolve));
  }

  /** The next request id of this connection: 1, 2, 3, … */
  nextRequestId(): number {
    return ++this.#requestId;
  }

  send(frame: Frame): void {
    this.ws.send(encodeFrame(frame));
  }

  /** Sends bytes (or text) as they are: for frames no encoder would make. */
  sendRaw(data: Uint8Array | string): void {
    this.ws.send(data);
  }

  /**
   * The first queued or arriving frame that matches `predicate`, leaving the others
   * queued in order. A violation queued before it fails; so does the close.
   */
  async take(what: string, predicate: (frame: Frame) => boolean): Promise<Frame> {
    this.reportWait(what);
    for (;;) {
      const at = this.#queue.findIndex((item) => 'violation' in item || predicate(item.frame));
      if (at >= 0) {
        const item = this.#queue.splice(at, 1)[0]!;
        if ('violation' in item) throw new ConformanceFailure(item.violation);
        return item.frame;
      }
      if (this.closed !== undefined) {
        throw new ConformanceFailure(
          `connection closed (${describeClose(this.closed)}) while waiting for ${what}`,
        );
      }
      await this.#change();
    }
  }

  /** The next frame, whatever it is. */
  next(what: string): Promise<Frame> {
    return this.take(what, () => true);
  }

  /** The next frame, or undefined when the connection closes with none queued. */
  async nextOrClose(what: string): Promise<Frame | undefined> {
    this.reportWait(what);
    for (;;) {
      const item = this.#queue.shift();
      if (item !== undefined) {
        if ('violation' in item) throw new ConformanceFailure(item.violation);
        return item.frame;
      }
      if (this.closed !== undefined) return undefined;
      await this.#change();
    }
  }

  /**
   * Sends a request and returns its final answer (§7): the relay frame with its id
   * that is not a deliver, or an error with id 0 (the connection failed). Other
   * frames stay queued.
   */
  request(frame: Frame, what: string): Promise<Frame> {
    this.send(frame);
    return this.take(
      what,
      (f) =>
        (f.requestId === frame.requestId && f.type !== 'deliver') ||
        (f.type === 'error' && f.requestId === 0),
    );
  }

  /** Frames received and not taken yet, in order (violations left out). */
  queued(): Frame[] {
    return this.#queue.flatMap((item) => ('frame' in item ? [item.frame] : []));
  }

  /** Waits for the relay to close the connection. */
  async whenClosed(what: string): Promise<CloseInfo> {
    this.reportWait(what);
    while (this.closed === undefined) await this.#change();
    return this.closed;
  }

  /**
   * Closes from this side: a close handshake bounded by `graceMs`, then the socket
   * is destroyed. Never throws.
   */
  async dispose(graceMs = 1000): Promise<void> {
    if (this.closed !== undefined) return;
    if (this.ws.readyState !== WebSocket.OPEN) {
      this.ws.terminate();
      return;
    }
    const timer = setTimeout(() => this.ws.terminate(), graceMs);
    this.ws.close(1000);
    while (this.closed === undefined) await this.#change();
    clearTimeout(timer);
  }
}

export function describeClose(close: CloseInfo): string {
  return close.reason === '' ? `code ${close.code}` : `code ${close.code}, ${close.reason}`;
}
