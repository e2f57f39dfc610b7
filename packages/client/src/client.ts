// A member's client: its key, its store, one link per relay, one session per
// channel. `send` returns as soon as the envelope is signed and recorded; delivery
// to every relay of the charter is retried until each has given a valid receipt.

import {
  type CharterInput,
  channelIdOf,
  decodeEnvelope,
  encodeCharterBody,
  KIND,
  toHex,
} from '@hotline/codec';
import { publicKeyOf, signEnvelope } from '@hotline/signer';
import { type CancelTimer, type Clock, systemClock } from './clock.js';
import {
  type ClientContext,
  type ClientEvents,
  type ClientTuning,
  DEFAULT_TUNING,
} from './context.js';
import { Emitter } from './events.js';
import { transcriptOf } from './export.js';
import { type BackoffOptions, type LinkOwner, RelayLink } from './relay-link.js';
import { ChannelSession, type SendInput, type Sent } from './session.js';
import type { ClientSocket, SocketFactory } from './socket.js';
import { MemoryClientStore } from './store/memory.js';
import type { ClientStore } from './store/types.js';
import type { Transcript } from './transcript/format.js';

/** How long a caller waits for an event: until the signal aborts (e.g. AbortSignal.timeout(ms)). */
export interface WaitOptions {
  readonly signal?: AbortSignal;
}

export interface ClientOptions {
  readonly secretKey: Uint8Array;
  /** Default: a MemoryClientStore (nothing survives the process). */
  readonly store?: ClientStore;
  /** Default: the global WebSocket, where there is one (browsers, Node 22+). */
  readonly socketFactory?: SocketFactory;
  readonly clock?: Clock;
  /** Uniform in [0, 1), for reconnect jitter. Default Math.random. */
  readonly random?: () => number;
  /** The URL to reach a relay at; default the charter's. */
  readonly relayUrl?: (relayKeyHex: string, charterUrl: string) => string;
  readonly backoff?: Partial<BackoffOptions>;
  readonly tuning?: Partial<ClientTuning>;
  /** Wait for challenge and welcome, ms. Default 10 000. */
  readonly handshakeTimeoutMs?: number;
  /** Open no connections: for reading the store, joining, exporting. Default false. */
  readonly offline?: boolean;
  /** A request unanswered this long restarts the relay link, ms. Default 30 000. */
  readonly requestTimeoutMs?: number;
}

const DEFAULT_BACKOFF: BackoffOptions = { initialMs: 250, maxMs: 30_000 };

function globalSocketFactory(): SocketFactory {
  const WebSocketClass = (
    globalThis as unknown as { WebSocket?: new (url: string, protocols: string[]) => ClientSocket }
  ).WebSocket;
  if (WebSocketClass === undefined) {
    throw new TypeError('no global WebSocket here: pass options.socketFactory');
  }
  return (url, protocols) => new WebSocketClass(url, protocols);
}

export class HotlineClient {
  readonly publicKey: Uint8Array;
  readonly #events = new Emitter<ClientEvents>();
  readonly #links = new Map<string, RelayLink>();
  readonly #sessions = new Map<string, ChannelSession>();
  readonly #ctx: ClientContext;
  readonly #socketFactory: SocketFactory;
  readonly #random: () => number;
  #cancelPoll: CancelTimer | undefined;
  /** The interval the scheduled poll was set with, ms. */
  #pollScheduledMs = Number.POSITIVE_INFINITY;
  #closed = false;

  constructor(private readonly options: ClientOptions) {
    this.publicKey = publicKeyOf(options.secretKey);
    this.#socketFactory = options.socketFactory ?? globalSocketFactory();
    this.#random = options.random ?? Math.random;
    const tuning = { ...DEFAULT_TUNING, ...options.tuning };
    this.#ctx = {
      secretKey: options.secretKey,
      store: options.store ?? new MemoryClientStore(),
      clock: options.clock ?? systemClock,
      options: tuning,
      emit: (name, event) => this.#events.emit(name, event),
      linkOf: (relayHex) => this.#links.get(relayHex),
    };
    for (const { charter } of this.#ctx.store.channels()) this.join(charter);
    this.#schedulePoll();
  }

  get store(): ClientStore {
    return this.#ctx.store;
  }

  on<K extends keyof ClientEvents>(name: K, listener: (event: ClientEvents[K]) => void) {
    return this.#events.on(name, listener);
  }

  /** The next event `name` that satisfies `predicate`. */
  next<K extends keyof ClientEvents>(
    name: K,
    predicate?: (event: ClientEvents[K]) => boolean,
    options: WaitOptions = {},
  ) {
    return this.#events.once(name, predicate, options.signal);
  }

  /** Listeners registered for an event, `next` and `receipted` waits included (diagnostics). */
  listenerCount(name: keyof ClientEvents): number {
    return this.#events.listenerCount(name);
  }

  /** Founds a channel: signs its charter as this key's seq 1 there and publishes it. */
  found(charter: CharterInput): ChannelSession {
    const body = encodeCharterBody(charter);
    const channel = channelIdOf(body);
    const existing = this.#sessions.get(toHex(channel));
    if (existing !== undefined) return existing;
    const envelope = signEnvelope(
      {
        channel,
        sender: this.publicKey,
        seq: 1,
        time: this.#ctx.clock.now(),
        kind: KIND.charter,
        body,
      },
      this.options.secretKey,
    );
    return this.join(envelope);
  }

  /** Joins the channel of a charter envelope (verified): subscribes on every relay it lists. */
  join(charterEnvelope: Uint8Array): ChannelSession {
    if (this.#closed) throw new Error('client closed');
    const known = this.#sessions.get(toHex(decodeEnvelope(charterEnvelope).fields.channel));
    if (known !== undefined) return known;
    const session = new ChannelSession(charterEnvelope, this.#ctx);
    this.#sessions.set(session.channelHex, session);
    for (const relay of session.charter.relays) {
      const keyHex = toHex(relay.key);
      let link = this.#links.get(keyHex);
      if (link === undefined) {
        link = this.#newLink(relay.key, keyHex, relay.url);
        this.#links.set(keyHex, link);
        if (this.options.offline !== true) link.start();
      } else if (link.state === 'ready') {
        session.linkReady(link);
      }
    }
    return session;
  }

  #newLink(relayKey: Uint8Array, keyHex: string, charterUrl: string): RelayLink {
    const owner: LinkOwner = {
      ready: (link) => {
        for (const session of this.#sessions.values()) {
          if (session.relays.some((view) => view.keyHex === link.key)) session.linkReady(link);
        }
        // Its welcome may announce a shorter idle timeout than the poll allows for.
        if (this.#pollIntervalMs() < this.#pollScheduledMs) {
          this.#cancelPoll?.();
          this.#schedulePoll();
        }
      },
      subscription: (link, channel, frame) => {
        this.#sessions.get(toHex(channel))?.subscriptionFrame(link, frame);
      },
      state: (link, state, reason) => {
        this.#events.emit('state', { relay: link.key, state, ...(reason ? { reason } : {}) });
      },
    };
    return new RelayLink(
      {
        url: this.options.relayUrl?.(keyHex, charterUrl) ?? charterUrl,
        relayKey,
        secretKey: this.options.secretKey,
        socketFactory: this.#socketFactory,
        clock: this.#ctx.clock,
        random: this.#random,
        backoff: { ...DEFAULT_BACKOFF, ...this.options.backoff },
        handshakeTimeoutMs: this.options.handshakeTimeoutMs ?? 10_000,
        defaultIdleTimeoutMs: 90_000,
        requestTimeoutMs: this.options.requestTimeoutMs ?? 30_000,
      },
      owner,
    );
  }

  session(channel: Uint8Array): ChannelSession | undefined {
    return this.#sessions.get(toHex(channel));
  }

  /** Signs, records and starts sending; returns at once. */
  send(channel: Uint8Array, input: SendInput): Sent {
    const session = this.session(channel);
    if (session === undefined) throw new RangeError('not a member of that channel here');
    return session.send(input);
  }

  /**
   * Resolves when `count` relays have given a valid receipt for envelope `id`. With
   * `signal`, an abort stops the wait (rejecting with its reason) and unregisters it.
   */
  receipted(id: Uint8Array, count = 1, options: WaitOptions = {}): Promise<void> {
    const idHex = toHex(id);
    if (this.#ctx.store.receiptRelays(id).length >= count) return Promise.resolve();
    return this.#events
      .once('receipt', (event) => toHex(event.id) === idHex && event.count >= count, options.signal)
      .then(() => undefined);
  }

  /** The channel's transcript as this client holds it (encode with encodeTranscript). */
  transcript(channel: Uint8Array): Transcript {
    return transcriptOf(this.#ctx.store, channel, this.#ctx.clock.now());
  }

  /** The state of each relay link, by relay key (hex). */
  links(): { relay: string; state: string }[] {
    return [...this.#links.values()].map((link) => ({ relay: link.key, state: link.state }));
  }

  /**
   * The checkpoint poll is also the keepalive: a quiet channel sends no frames, and a
   * link counts only received frames as signs of life, so each relay is asked at
   * least every third of the idle timeout its welcome announced (spec/07-relay.md §6.5).
   */
  #pollIntervalMs(): number {
    let interval = this.#ctx.options.checkpointIntervalMs;
    for (const link of this.#links.values()) {
      interval = Math.min(interval, Math.floor(link.idleTimeoutMs / 3));
    }
    return Math.max(1, interval);
  }

  #schedulePoll(): void {
    this.#pollScheduledMs = this.#pollIntervalMs();
    this.#cancelPoll = this.#ctx.clock.setTimer(this.#pollScheduledMs, () => {
      if (this.#closed) return;
      for (const session of this.#sessions.values()) {
        for (const view of session.relays) void session.pollCheckpoint(view);
      }
      this.#schedulePoll();
    });
  }

  /** Closes every link; the store stays open (the caller owns it). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#cancelPoll?.();
    for (const session of this.#sessions.values()) session.close();
    for (const link of this.#links.values()) link.close();
  }
}
