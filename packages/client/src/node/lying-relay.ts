// A relay that can be told to lie, for testing clients — this one's, and any other
// implementation's (spec/10-client.md §6–§7): never run it for real traffic.
// Honest by default — challenge, auth,
// welcome; publish with chain checks and a receipt; subscribe with backfill and
// live deliveries; checkpoints and proofs; the charter at index 0 founds the
// channel — all in memory, without rate limits. Switches, set per test and per
// target client key, make it misbehave in one precise way each, so that a test
// can show which alarm a client raises and what the evidence proves.
//
// Model: the relay holds one true log per channel. Each target client is shown a
// "claimed" log (the true one, or another under `forkView`), over which its
// receipts, checkpoints and proofs are signed; what it is delivered is computed
// from the claimed log by the delivery switches (drop, reorder, replay, withhold).

import { randomBytes } from 'node:crypto';
import { EventEmitter, once } from 'node:events';
import type { AddressInfo } from 'node:net';
import {
  authStatement,
  type Charter,
  checkCharterEnvelope,
  type DecodedEnvelope,
  decodeFrame,
  type ErrorCode,
  type ErrorDetail,
  encodeFrame,
  encodeReceipt,
  type Frame,
  fromHex,
  isHotlineError,
  isMember,
  KIND,
  LIMITS,
  listsRelay,
  toHex,
} from '@hotline/codec';
import { issueCheckpoint, MerkleLog, openEnvelope, publicKeyOf, verify } from '@hotline/signer';
import { type WebSocket, WebSocketServer } from 'ws';

/** One entry of the true log. */
export interface Entry {
  readonly index: number;
  readonly id: Uint8Array;
  readonly bytes: Uint8Array;
  readonly envelope: DecodedEnvelope;
  /** Sender key, hex. */
  readonly sender: string;
  readonly seq: number;
}

/** Which clients a switch applies to: one key (public, bytes or hex), or everyone. */
export interface Target {
  readonly to?: Uint8Array | string;
}

interface Policy {
  /** The claimed log: the true log without the entries this hides. */
  hide?: (entry: Entry) => boolean;
  /** Checkpoints and consistency proofs over rewrite(claimed ids) instead. */
  rewrite?: (ids: Uint8Array[]) => Uint8Array[];
  drop?: { predicate: (entry: Entry) => boolean; relabel: boolean };
  reorder?: { i: number; j: number; relabel: boolean };
  replay?: { of: number; after: number };
  withhold?: (entry: Entry) => boolean;
  alter?: { index: number; once: boolean; done: boolean };
  delayMs?: number;
  refuse?: { predicate: (entry: DecodedEnvelope) => boolean; code: ErrorCode; detail: ErrorDetail };
}

interface Delivery {
  readonly index: number;
  readonly bytes: Uint8Array;
}

interface Subscription {
  readonly requestId: number;
  readonly cursor: number;
  /** Log indices already sent on this subscription. */
  readonly sent: Set<number>;
  live: boolean;
}

interface Channel {
  readonly id: Uint8Array;
  readonly charter: Charter;
  readonly entries: Entry[];
  readonly byId: Map<string, Entry>;
  readonly heads: Map<string, Entry>;
}

interface Connection {
  readonly socket: WebSocket;
  readonly nonce: Uint8Array;
  client: string | undefined;
  /** channel hex → subscription */
  readonly subscriptions: Map<string, Subscription>;
}

export interface LyingRelayEvents {
  /** An envelope was appended to the true log (from `client`). */
  appended: { client: string; entry: Entry };
  /** A checkpoint-request was answered. */
  checkpoint: { client: string; size: number };
  subscribe: { client: string; cursor: number };
  /** A deliver frame was sent (after any delay). */
  deliver: { client: string; index: number };
}

const hexOf = (key: Uint8Array | string) => (typeof key === 'string' ? key : toHex(key));

export class LyingRelay {
  readonly publicKey: Uint8Array;
  readonly keyHex: string;
  readonly url: string;
  /** Subscribe frames received, per client (hex). */
  readonly subscribes = new Map<string, number>();
  readonly #events = new EventEmitter();
  readonly #channels = new Map<string, Channel>();
  readonly #connections = new Set<Connection>();
  /** '*' = every client; otherwise a client key (hex). Target policies override '*'. */
  readonly #policies = new Map<string, Policy>();
  /** Checkpoint bytes by claimed log (size and root), so that one log gets one signature. */
  readonly #signed = new Map<string, Uint8Array>();

  private constructor(
    readonly secret: Uint8Array,
    readonly server: WebSocketServer,
  ) {
    this.publicKey = publicKeyOf(secret);
    this.keyHex = toHex(this.publicKey);
    this.url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
    server.on('connection', (socket) => this.#open(socket));
  }

  static async start(secret: Uint8Array): Promise<LyingRelay> {
    const server = new WebSocketServer({
      host: '127.0.0.1',
      port: 0,
      perMessageDeflate: false,
      maxPayload: LIMITS.MAX_FRAME_BYTES,
      handleProtocols: (protocols) => (protocols.has('hotline.v0.1') ? 'hotline.v0.1' : false),
    });
    await once(server, 'listening');
    return new LyingRelay(secret, server);
  }

  async close(): Promise<void> {
    for (const connection of this.#connections) connection.socket.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** The next event `name` that satisfies `predicate`. */
  next<K extends keyof LyingRelayEvents>(
    name: K,
    predicate: (event: LyingRelayEvents[K]) => boolean = () => true,
  ): Promise<LyingRelayEvents[K]> {
    return new Promise((resolve) => {
      const listener = (event: LyingRelayEvents[K]) => {
        if (!predicate(event)) return;
        this.#events.off(name, listener);
        resolve(event);
      };
      this.#events.on(name, listener);
    });
  }

  /** The true log of a channel. */
  entries(channel: Uint8Array): readonly Entry[] {
    return this.#channels.get(toHex(channel))?.entries ?? [];
  }

  // ------------------------------------------------------------- switches

  /** Never delivers the entries `predicate` picks; `relabel` renumbers the rest contiguously. */
  dropDeliveries(
    predicate: (entry: Entry) => boolean,
    options: Target & { relabel?: boolean } = {},
  ) {
    this.#set(options, { drop: { predicate, relabel: options.relabel ?? false } });
  }

  /** Sends every subscription frame `ms` late (order kept). */
  delayDeliveries(ms: number, options: Target = {}) {
    this.#set(options, { delayMs: ms });
  }

  /**
   * Delivers claimed entry j before entry i (i < j; i is held until j exists).
   * Honest indices: the frames just arrive out of order. `relabel`: j is delivered
   * as index i and i as index j — the delivered log is not the signed one.
   */
  reorder(i: number, j: number, options: Target & { relabel?: boolean } = {}) {
    this.#set(options, { reorder: { i, j, relabel: options.relabel ?? false } });
  }

  /** Delivers claimed entry `of` a second time, right after entry `after`, renumbering what follows. */
  replay(of: number, after: number, options: Target = {}) {
    this.#set(options, { replay: { of, after } });
  }

  /** Flips the last byte (inside the signature) of the envelope delivered at `index`. */
  alterByte(index: number, options: Target & { once?: boolean } = {}) {
    this.#set(options, { alter: { index, once: options.once ?? false, done: false } });
  }

  /**
   * Receipts the entries `predicate` picks and signs checkpoints over them, but
   * never delivers them (nor anything after them, so no index is skipped).
   */
  withholdAfterReceipt(predicate: (entry: Entry) => boolean, options: Target = {}) {
    this.#set(options, { withhold: predicate });
  }

  /**
   * Shows the target another log: the true one without the entries `hide` picks.
   * Its receipts, checkpoints, proofs and deliveries are all of that log, so its
   * own view is self-consistent; other clients see the true log.
   */
  forkView(hide: (entry: Entry) => boolean, options: Target & { to: Uint8Array | string }) {
    this.#set(options, { hide });
  }

  /** Signs the target's checkpoints (and proofs) over rewrite(claimed ids); receipts stay honest. */
  inconsistentCheckpoints(
    rewrite: (ids: Uint8Array[]) => Uint8Array[],
    options: Target & { to: Uint8Array | string },
  ) {
    this.#set(options, { rewrite });
  }

  /** Answers the target's publishes that `predicate` picks with an error. */
  refusePublishes(
    predicate: (envelope: DecodedEnvelope) => boolean,
    code: ErrorCode,
    options: Target & { detail?: ErrorDetail } = {},
  ) {
    this.#set(options, { refuse: { predicate, code, detail: options.detail ?? {} } });
  }

  /** Back to honest, for everyone. */
  honest(): void {
    this.#policies.clear();
  }

  #set(target: Target, change: Policy): void {
    const key = target.to === undefined ? '*' : hexOf(target.to);
    this.#policies.set(key, { ...this.#policies.get(key), ...change });
    // A switch may release held entries (or hold more): re-run live deliveries.
    for (const connection of this.#connections) this.#pumpAll(connection);
  }

  #policy(client: string): Policy {
    return { ...this.#policies.get('*'), ...this.#policies.get(client) };
  }

  // ------------------------------------------------------- claimed logs

  #claimed(channel: Channel, client: string): Entry[] {
    const { hide } = this.#policy(client);
    return hide === undefined ? channel.entries : channel.entries.filter((entry) => !hide(entry));
  }

  /** The Merkle log a client's checkpoints are signed over. */
  #signedLog(channel: Channel, client: string, forReceipt = false): MerkleLog {
    let ids = this.#claimed(channel, client).map((entry) => entry.id);
    const { rewrite } = this.#policy(client);
    if (rewrite !== undefined && !forReceipt) ids = rewrite(ids);
    const log = new MerkleLog();
    log.appendIds(ids);
    return log;
  }

  #checkpoint(channel: Channel, log: MerkleLog): Uint8Array {
    const root = log.root();
    const key = `${toHex(channel.id)}:${log.size}:${toHex(root)}`;
    let bytes = this.#signed.get(key);
    if (bytes === undefined) {
      bytes = issueCheckpoint(
        {
          relay: this.publicKey as never,
          channel: channel.id as never,
          size: log.size,
          root: root as never,
          time: Date.now(),
        },
        this.secret,
      );
      this.#signed.set(key, bytes);
    }
    return bytes;
  }

  /** What a client is delivered, in sending order. */
  #deliveries(channel: Channel, client: string): Delivery[] {
    const policy = this.#policy(client);
    const claimed = this.#claimed(channel, client);
    let list: (Delivery & { entry: Entry })[] = claimed.map((entry, index) => ({
      index,
      bytes: entry.bytes,
      entry,
    }));
    const renumber = () => {
      list = list.map((item, index) => ({ ...item, index }));
    };
    if (policy.replay !== undefined) {
      const { of, after } = policy.replay;
      const copy = list[of];
      if (copy !== undefined && after < list.length) {
        list.splice(after + 1, 0, copy);
        renumber();
      }
    }
    if (policy.reorder !== undefined) {
      const { i, j, relabel } = policy.reorder;
      const [a, b] = [list[i], list[j]];
      if (b === undefined)
        list = list.slice(0, i); // hold i (and what follows) until j exists
      else if (a !== undefined) {
        list[i] = b;
        list[j] = a;
        if (relabel) renumber();
      }
    }
    if (policy.drop !== undefined) {
      const { predicate, relabel } = policy.drop;
      list = list.filter((item) => !predicate(item.entry));
      if (relabel) renumber();
    }
    if (policy.withhold !== undefined) {
      const first = list.findIndex((item) => policy.withhold!(item.entry));
      if (first >= 0) list = list.slice(0, first);
    }
    return list;
  }

  // --------------------------------------------------------- connections

  #open(socket: WebSocket): void {
    const connection: Connection = {
      socket,
      nonce: new Uint8Array(randomBytes(32)),
      client: undefined,
      subscriptions: new Map(),
    };
    this.#connections.add(connection);
    socket.on('close', () => this.#connections.delete(connection));
    socket.on('error', () => socket.terminate());
    socket.on('message', (data: Buffer, isBinary: boolean) => {
      if (!isBinary) return void socket.close(1003);
      let frame: Frame;
      try {
        frame = decodeFrame(new Uint8Array(data), { from: 'client' });
      } catch (error) {
        if (!isHotlineError(error)) throw error;
        return void socket.close(1002);
      }
      this.#frame(connection, frame);
    });
    this.#send(connection, {
      type: 'challenge',
      requestId: 0,
      relay: this.publicKey as never,
      nonce: connection.nonce as never,
      time: Date.now(),
    });
  }

  #send(connection: Connection, frame: Frame): void {
    if (connection.socket.readyState === connection.socket.OPEN) {
      connection.socket.send(encodeFrame(frame));
    }
  }

  #error(connection: Connection, requestId: number, code: ErrorCode, detail: ErrorDetail = {}) {
    this.#send(connection, { type: 'error', requestId, code, detail });
  }

  #frame(connection: Connection, frame: Frame): void {
    if (connection.client === undefined) {
      if (
        frame.type !== 'auth' ||
        !verify(
          frame.signature,
          authStatement(this.publicKey, connection.nonce, frame.client),
          frame.client,
        )
      ) {
        this.#error(connection, frame.type === 'auth' ? frame.requestId : 0, 'AUTH_FAILED');
        connection.socket.close(1008);
        return;
      }
      connection.client = toHex(frame.client);
      this.#send(connection, {
        type: 'welcome',
        requestId: frame.requestId,
        time: Date.now(),
        maxFrameBytes: LIMITS.MAX_FRAME_BYTES,
        maxSubscriptions: 64,
        publishRate: 100,
        idleTimeout: 90_000,
      });
      return;
    }
    const client = connection.client;
    switch (frame.type) {
      case 'publish':
        return this.#publish(connection, client, frame.requestId, frame.envelope);
      case 'subscribe': {
        const channel = this.#served(connection, client, frame.requestId, frame.channel);
        if (channel === undefined) return;
        const size = this.#claimed(channel, client).length;
        if (frame.cursor > size) {
          return this.#error(connection, frame.requestId, 'CURSOR_OUT_OF_RANGE', { size });
        }
        this.subscribes.set(client, (this.subscribes.get(client) ?? 0) + 1);
        this.#events.emit('subscribe', { client, cursor: frame.cursor });
        const subscription: Subscription = {
          requestId: frame.requestId,
          cursor: frame.cursor,
          sent: new Set(),
          live: false,
        };
        connection.subscriptions.set(toHex(channel.id), subscription);
        // Backfill is read from storage in log order (index order), whatever the
        // delivery switches do to the order of live frames.
        const backfill = this.#deliveries(channel, client)
          .filter((item) => item.index >= frame.cursor)
          .sort((a, b) => a.index - b.index);
        for (const item of backfill) this.#deliver(connection, channel, subscription, item);
        const next = backfill.length === 0 ? frame.cursor : backfill.at(-1)!.index + 1;
        this.#subscriptionFrame(connection, {
          type: 'end-of-backfill',
          requestId: frame.requestId,
          channel: channel.id as never,
          next,
        });
        subscription.live = true;
        return;
      }
      case 'unsubscribe':
        connection.subscriptions.delete(toHex(frame.channel));
        return this.#send(connection, {
          type: 'unsubscribed',
          requestId: frame.requestId,
          channel: frame.channel,
        });
      case 'checkpoint-request': {
        const channel = this.#served(connection, client, frame.requestId, frame.channel);
        if (channel === undefined) return;
        const log = this.#signedLog(channel, client);
        this.#send(connection, {
          type: 'checkpoint',
          requestId: frame.requestId,
          checkpoint: this.#checkpoint(channel, log),
        });
        this.#events.emit('checkpoint', { client, size: log.size });
        return;
      }
      case 'inclusion-request': {
        const channel = this.#served(connection, client, frame.requestId, frame.channel);
        if (channel === undefined) return;
        const log = this.#signedLog(channel, client);
        if (frame.index >= frame.size || frame.size > log.size) {
          return this.#error(connection, frame.requestId, 'PROOF_OUT_OF_RANGE', { size: log.size });
        }
        return this.#send(connection, {
          type: 'inclusion-proof',
          requestId: frame.requestId,
          index: frame.index,
          size: frame.size,
          proof: log.inclusionProof(frame.index, frame.size),
        });
      }
      case 'consistency-request': {
        const channel = this.#served(connection, client, frame.requestId, frame.channel);
        if (channel === undefined) return;
        const log = this.#signedLog(channel, client);
        if (frame.fromSize > frame.toSize || frame.toSize > log.size) {
          return this.#error(connection, frame.requestId, 'PROOF_OUT_OF_RANGE', { size: log.size });
        }
        return this.#send(connection, {
          type: 'consistency-proof',
          requestId: frame.requestId,
          fromSize: frame.fromSize,
          toSize: frame.toSize,
          proof: log.consistencyProof(frame.fromSize, frame.toSize),
        });
      }
      default:
        this.#error(connection, 0, 'FRAME_UNEXPECTED');
        connection.socket.close(1002);
    }
  }

  /** G1/G2 (B1/B2): the channel, if served and the client is a member. */
  #served(connection: Connection, client: string, requestId: number, id: Uint8Array) {
    const channel = this.#channels.get(toHex(id));
    if (channel === undefined) return void this.#error(connection, requestId, 'CHANNEL_UNKNOWN');
    if (!isMember(channel.charter, fromHex(client))) {
      return void this.#error(connection, requestId, 'NOT_MEMBER');
    }
    return channel;
  }

  #publish(connection: Connection, client: string, requestId: number, bytes: Uint8Array): void {
    let envelope: DecodedEnvelope;
    try {
      envelope = openEnvelope(bytes);
    } catch (error) {
      if (!isHotlineError(error)) throw error;
      return this.#error(connection, requestId, error.code);
    }
    const refuse = this.#policy(client).refuse;
    if (refuse?.predicate(envelope)) {
      return this.#error(connection, requestId, refuse.code, refuse.detail);
    }
    const channelHex = toHex(envelope.fields.channel);
    let channel = this.#channels.get(channelHex);
    if (channel === undefined) {
      // A charter founds the channel at index 0 (08-channels.md §6), minimally checked.
      if (envelope.fields.kind !== KIND.charter) {
        return this.#error(connection, requestId, 'CHANNEL_UNKNOWN');
      }
      let charter: Charter;
      try {
        charter = checkCharterEnvelope(envelope);
      } catch (error) {
        if (!isHotlineError(error)) throw error;
        return this.#error(connection, requestId, error.code);
      }
      if (!listsRelay(charter, this.publicKey)) {
        return this.#error(connection, requestId, 'CHARTER_RELAY_NOT_LISTED');
      }
      channel = { id: charter.channel, charter, entries: [], byId: new Map(), heads: new Map() };
      this.#channels.set(channelHex, channel);
    }
    if (!isMember(channel.charter, fromHex(client))) {
      return this.#error(connection, requestId, 'NOT_MEMBER');
    }
    if (!isMember(channel.charter, envelope.fields.sender)) {
      return this.#error(connection, requestId, 'NOT_MEMBER', { field: 'sender' });
    }
    // Chain checks (03-chains.md §6): duplicate → the original receipt; seq = head + 1.
    const existing = channel.byId.get(toHex(envelope.id));
    if (existing !== undefined)
      return this.#receipt(connection, client, requestId, channel, existing);
    const sender = toHex(envelope.fields.sender);
    const head = channel.heads.get(sender);
    const { seq, prev } = envelope.fields;
    const headSeq = head?.seq ?? 0;
    if (seq <= headSeq) {
      const held = channel.entries.find((entry) => entry.sender === sender && entry.seq === seq)!;
      return this.#error(connection, requestId, 'CHAIN_FORK', {
        id: held.id as never,
        index: held.index,
      });
    }
    if (seq > headSeq + 1) {
      return this.#error(connection, requestId, 'CHAIN_GAP', { expected: headSeq + 1 });
    }
    if (head !== undefined && (prev === undefined || toHex(prev) !== toHex(head.id))) {
      return this.#error(connection, requestId, 'CHAIN_BAD_PREV', { id: head.id as never });
    }
    const entry: Entry = {
      index: channel.entries.length,
      id: envelope.id,
      bytes: envelope.bytes,
      envelope,
      sender,
      seq,
    };
    channel.entries.push(entry);
    channel.byId.set(toHex(entry.id), entry);
    channel.heads.set(sender, entry);
    this.#receipt(connection, client, requestId, channel, entry);
    this.#events.emit('appended', { client, entry });
    for (const other of this.#connections) this.#pumpAll(other);
  }

  /** A receipt over the publisher's claimed log (honest even under `inconsistentCheckpoints`). */
  #receipt(
    connection: Connection,
    client: string,
    requestId: number,
    channel: Channel,
    entry: Entry,
  ) {
    const claimed = this.#claimed(channel, client);
    const index = claimed.indexOf(entry);
    const log = this.#signedLog(channel, client, true);
    if (index < 0) {
      // Hidden from this very client by forkView: a receipt would betray the fork.
      return this.#error(connection, requestId, 'RELAY_UNAVAILABLE', { retryAfter: 1000 });
    }
    const receipt = encodeReceipt({
      checkpoint: this.#checkpoint(channel, log),
      index,
      id: entry.id as never,
      proof: log.inclusionProof(index),
    });
    this.#send(connection, { type: 'receipt', requestId, receipt });
  }

  /** Sends what live subscriptions have not had yet. */
  #pumpAll(connection: Connection): void {
    const client = connection.client;
    if (client === undefined) return;
    for (const [channelHex, subscription] of connection.subscriptions) {
      if (!subscription.live) continue;
      const channel = this.#channels.get(channelHex)!;
      for (const item of this.#deliveries(channel, client)) {
        if (item.index >= subscription.cursor && !subscription.sent.has(item.index)) {
          this.#deliver(connection, channel, subscription, item);
        }
      }
    }
  }

  #deliver(connection: Connection, channel: Channel, subscription: Subscription, item: Delivery) {
    subscription.sent.add(item.index);
    let bytes = item.bytes;
    const alter = this.#policy(connection.client!).alter;
    if (alter !== undefined && alter.index === item.index && !(alter.once && alter.done)) {
      alter.done = true;
      bytes = bytes.slice();
      bytes[bytes.length - 1]! ^= 0x01;
    }
    const client = connection.client!;
    this.#subscriptionFrame(
      connection,
      {
        type: 'deliver',
        requestId: subscription.requestId,
        channel: channel.id as never,
        index: item.index,
        envelope: bytes,
      },
      () => this.#events.emit('deliver', { client, index: item.index }),
    );
  }

  /** Subscription frames go through the delay switch, in order; `sent` runs once sent. */
  #subscriptionFrame(connection: Connection, frame: Frame, sent?: () => void): void {
    const delay = this.#policy(connection.client!).delayMs ?? 0;
    const send = () => {
      this.#send(connection, frame);
      sent?.();
    };
    if (delay === 0) send();
    else setTimeout(send, delay);
  }
}
