// One relay, one WebSocket at a time (spec/07-relay.md §6–§7): connect, check the
// relay's key in the challenge, authenticate, then carry requests for every channel
// the client has on this relay. When the socket drops (or the relay falls silent
// for its idle timeout, or sends a frame that fails W1–W9) the link reconnects
// after a jittered, growing delay and tells its owner, which resubscribes and
// re-publishes: every request is safe to repeat (§7).

import {
  authStatement,
  bytesEqual,
  decodeFrame,
  type ErrorFrame,
  encodeFrame,
  type Frame,
  HotlineError,
  isHotlineError,
  toHex,
} from '@hotline/codec';
import { publicKeyOf, sign } from '@hotline/signer';
import type { CancelTimer, Clock } from './clock.js';
import {
  type ClientSocket,
  messageBytes,
  SOCKET_OPEN,
  type SocketFactory,
  SUBPROTOCOL,
} from './socket.js';

/** Frames that belong to a subscription: routed to the owner by channel. */
export type SubscriptionFrame = Extract<Frame, { type: 'deliver' | 'end-of-backfill' | 'error' }>;

export type LinkState = 'connecting' | 'ready' | 'waiting' | 'closed';

export interface LinkOwner {
  /** The link authenticated: subscribe and re-send what is unanswered. */
  ready(link: RelayLink): void;
  /** A frame of the subscription of `channel`. */
  subscription(link: RelayLink, channel: Uint8Array, frame: SubscriptionFrame): void;
  /** The link changed state; `reason` says why it went down. */
  state(link: RelayLink, state: LinkState, reason?: string): void;
}

export interface BackoffOptions {
  /** First reconnect delay bound, ms. */
  readonly initialMs: number;
  /** Largest reconnect delay bound, ms. */
  readonly maxMs: number;
}

export interface RelayLinkOptions {
  readonly url: string;
  /** The relay's key, from the charter: a challenge with another key is refused. */
  readonly relayKey: Uint8Array;
  readonly secretKey: Uint8Array;
  readonly socketFactory: SocketFactory;
  readonly clock: Clock;
  /** Uniform in [0, 1): the jitter of reconnect delays. */
  readonly random: () => number;
  readonly backoff: BackoffOptions;
  /** How long to wait for challenge + welcome, ms. */
  readonly handshakeTimeoutMs: number;
  /** How long a request may go unanswered before the link is restarted, ms. */
  readonly requestTimeoutMs: number;
  /** Silence after which the link is presumed dead when the relay did not say (ms). */
  readonly defaultIdleTimeoutMs: number;
}

/** A request failed because the link went down before its answer came. */
export class LinkDownError extends Error {
  constructor(reason: string) {
    super(`relay link down: ${reason}`);
    this.name = 'LinkDownError';
  }
}

/** An error frame answering a request. */
export class RelayRefusal extends Error {
  constructor(readonly frame: ErrorFrame) {
    super(`relay refused: ${frame.code}`);
    this.name = 'RelayRefusal';
  }
  get code() {
    return this.frame.code;
  }
}

interface Pending {
  resolve(frame: Frame): void;
  reject(error: Error): void;
}

export class RelayLink {
  readonly key: string;
  #state: LinkState = 'waiting';
  #socket: ClientSocket | undefined;
  #nextRequestId = 1;
  readonly #pending = new Map<number, Pending>();
  /** subscribe request id → channel */
  readonly #subscriptions = new Map<number, Uint8Array>();
  #attempt = 0;
  #idleTimeoutMs: number;
  #cancelIdle: CancelTimer | undefined;
  #cancelRetry: CancelTimer | undefined;
  #authRequestId = 0;

  constructor(
    readonly options: RelayLinkOptions,
    private readonly owner: LinkOwner,
  ) {
    this.key = toHex(options.relayKey);
    this.#idleTimeoutMs = options.defaultIdleTimeoutMs;
  }

  /** The relay's idle timeout as its welcome announced it (until then, the default), ms. */
  get idleTimeoutMs(): number {
    return this.#idleTimeoutMs;
  }

  get state(): LinkState {
    return this.#state;
  }

  get relayKey(): Uint8Array {
    return this.options.relayKey;
  }

  /** Starts connecting (now), unless already connected or closed. */
  start(): void {
    if (this.#state === 'waiting') this.#connect();
  }

  /** Closes for good: no reconnect. Pending requests fail with LinkDownError. */
  close(): void {
    if (this.#state === 'closed') return;
    this.#cancelRetry?.();
    // Closed first, so that dropping the socket schedules no reconnect.
    this.#state = 'closed';
    this.#drop('closed by the client', 1000);
    this.owner.state(this, 'closed', 'closed by the client');
  }

  /** Sends a request and resolves with its final answer; an error frame rejects with RelayRefusal. */
  request(make: (requestId: number) => Frame): Promise<Frame> {
    if (this.#state !== 'ready') return Promise.reject(new LinkDownError('not connected'));
    const frame = make(this.#nextRequestId++);
    return new Promise((resolve, reject) => {
      // A relay that keeps the socket up but never answers is as good as down:
      // reconnecting re-sends everything unanswered (requests are safe to repeat).
      const cancel = this.options.clock.setTimer(this.options.requestTimeoutMs, () => {
        if (this.#pending.has(frame.requestId)) this.restart('a request went unanswered');
      });
      this.#pending.set(frame.requestId, {
        resolve: (answer) => {
          cancel();
          resolve(answer);
        },
        reject: (error) => {
          cancel();
          reject(error);
        },
      });
      this.#send(frame);
    });
  }

  /** Subscribes `channel` from `cursor`; its frames go to the owner. */
  subscribe(channel: Uint8Array, cursor: number): void {
    if (this.#state !== 'ready') return;
    // A new subscription on the channel replaces the old one (§9.1, B5).
    for (const [id, subscribed] of this.#subscriptions) {
      if (bytesEqual(subscribed, channel)) this.#subscriptions.delete(id);
    }
    const requestId = this.#nextRequestId++;
    this.#subscriptions.set(requestId, channel);
    this.#send({ type: 'subscribe', requestId, channel: channel as never, cursor });
  }

  /** Drops the connection and reconnects (after the usual delay): used on relay misbehaviour. */
  restart(reason: string): void {
    if (this.#state === 'closed') return;
    this.#drop(reason, 1002);
  }

  #send(frame: Frame): void {
    const socket = this.#socket;
    if (socket === undefined || socket.readyState !== SOCKET_OPEN) return;
    socket.send(encodeFrame(frame));
  }

  #setState(state: LinkState, reason?: string): void {
    if (this.#state === state) return;
    this.#state = state;
    this.owner.state(this, state, reason);
  }

  #connect(): void {
    this.#setState('connecting');
    let socket: ClientSocket;
    try {
      socket = this.options.socketFactory(this.options.url, [SUBPROTOCOL]);
    } catch (error) {
      this.#scheduleRetry(`cannot open socket: ${(error as Error).message}`);
      return;
    }
    this.#socket = socket;
    socket.binaryType = 'arraybuffer';
    const ours = () => this.#socket === socket;
    const handshake = this.options.clock.setTimer(this.options.handshakeTimeoutMs, () => {
      if (ours() && this.#state === 'connecting') this.#drop('handshake timed out', 1000);
    });
    socket.onmessage = (event) => {
      if (!ours()) return;
      this.#touch();
      const bytes = messageBytes(event.data);
      if (bytes === undefined) {
        this.#drop('the relay sent a text message', 1003);
        return;
      }
      let frame: Frame;
      try {
        frame = decodeFrame(bytes, { from: 'relay' });
      } catch (error) {
        if (!isHotlineError(error)) throw error;
        this.#drop(
          `the relay sent a bad frame: ${error.code}`,
          error.code === 'FRAME_TOO_LARGE' ? 1009 : 1002,
        );
        return;
      }
      if (this.#state === 'connecting') {
        if (this.#handshake(frame)) handshake();
        return;
      }
      this.#dispatch(frame);
    };
    socket.onclose = (event) => {
      if (!ours()) return;
      handshake();
      this.#socket = undefined;
      this.#lost(`closed by the relay (${event.code}${event.reason ? `, ${event.reason}` : ''})`);
    };
    socket.onerror = () => {
      // 'close' follows every error.
    };
  }

  /** Handles challenge and welcome; returns true when the link is ready. */
  #handshake(frame: Frame): boolean {
    const { secretKey, relayKey } = this.options;
    if (frame.type === 'challenge' && this.#authRequestId === 0) {
      if (!bytesEqual(frame.relay, relayKey)) {
        this.#drop('the relay presented another key', 1008);
        return false;
      }
      const client = publicKeyOf(secretKey);
      this.#authRequestId = this.#nextRequestId++;
      this.#send({
        type: 'auth',
        requestId: this.#authRequestId,
        client,
        signature: sign(authStatement(relayKey, frame.nonce, client), secretKey) as never,
      });
      return false;
    }
    if (frame.type === 'welcome' && frame.requestId === this.#authRequestId) {
      this.#idleTimeoutMs = frame.idleTimeout > 0 ? frame.idleTimeout : this.#idleTimeoutMs;
      this.#attempt = 0;
      this.#touch();
      this.#setState('ready');
      this.owner.ready(this);
      return true;
    }
    const why = frame.type === 'error' ? `auth refused: ${frame.code}` : `unexpected ${frame.type}`;
    this.#drop(why, frame.type === 'error' ? 1000 : 1002);
    return false;
  }

  #dispatch(frame: Frame): void {
    const channel = this.#subscriptions.get(frame.requestId);
    if (
      channel !== undefined &&
      (frame.type === 'deliver' || frame.type === 'end-of-backfill' || frame.type === 'error')
    ) {
      if (frame.type === 'error') this.#subscriptions.delete(frame.requestId);
      this.owner.subscription(this, channel, frame);
      return;
    }
    if (frame.type === 'error' && frame.requestId === 0) {
      // The connection's end is announced (§12); the close follows.
      return;
    }
    const pending = this.#pending.get(frame.requestId);
    if (pending === undefined) {
      // An answer to nothing, or a frame of a replaced subscription: harmless to drop,
      // except deliveries of a replaced subscription, which §9.1 forbids after the
      // new one started. Either way nothing is trusted from it.
      return;
    }
    this.#pending.delete(frame.requestId);
    if (frame.type === 'error') pending.reject(new RelayRefusal(frame));
    else pending.resolve(frame);
  }

  #touch(): void {
    this.#cancelIdle?.();
    this.#cancelIdle = this.options.clock.setTimer(this.#idleTimeoutMs, () => {
      this.#drop('the relay fell silent', 1000);
    });
  }

  #drop(reason: string, code: number): void {
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket !== undefined) {
      socket.onmessage = null;
      socket.onclose = null;
      try {
        socket.close(code, reason.slice(0, 120));
      } catch {
        // Already closing.
      }
    }
    this.#lost(reason);
  }

  #lost(reason: string): void {
    this.#cancelIdle?.();
    this.#cancelIdle = undefined;
    this.#authRequestId = 0;
    this.#subscriptions.clear();
    const pending = [...this.#pending.values()];
    this.#pending.clear();
    for (const { reject } of pending) reject(new LinkDownError(reason));
    if (this.#state !== 'closed') this.#scheduleRetry(reason);
  }

  #scheduleRetry(reason: string): void {
    this.#setState('waiting', reason);
    const { initialMs, maxMs } = this.options.backoff;
    // Full jitter: a uniform delay below a bound that doubles per failed attempt,
    // so that many clients cut off together do not come back together.
    const bound = Math.min(maxMs, initialMs * 2 ** this.#attempt);
    this.#attempt = Math.min(this.#attempt + 1, 30);
    this.#cancelRetry?.();
    this.#cancelRetry = this.options.clock.setTimer(
      Math.floor(this.options.random() * bound),
      () => {
        this.#cancelRetry = undefined;
        if (this.#state === 'waiting') this.#connect();
      },
    );
  }
}

/** The request's answer must be of `type`; anything else is a protocol violation. */
export function expectFrame<T extends Frame['type']>(
  frame: Frame,
  type: T,
): Extract<Frame, { type: T }> {
  if (frame.type !== type) {
    throw new HotlineError('FRAME_UNEXPECTED', `expected ${type}, got ${frame.type}`);
  }
  return frame as Extract<Frame, { type: T }>;
}
