// The relay node: HTTP (/healthz, /metrics) and WebSocket on one port, channels
// loaded from the store, connections, group commit, graceful shutdown.

import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  bytesEqual,
  type DecodedEnvelope,
  decodeFrame,
  type Frame,
  HotlineError,
  LIMITS,
  listsRelay,
  toHex,
} from '@hotline/codec';
import { verify } from '@hotline/signer';
import pino, { type Logger } from 'pino';
import { WebSocketServer } from 'ws';
import { ChannelState } from './channel.js';
import { Committer } from './committer.js';
import { Connection } from './connection.js';
import { RelayKey } from './lib/keys.js';
import { TokenBucket } from './lib/token-bucket.js';
import { RelayMetrics } from './metrics.js';
import {
  DEFAULT_LIMITS,
  type FounderPolicy,
  type RelayLimits,
  type RelayOptions,
  type RelayTimers,
  SYSTEM_TIMERS,
} from './options.js';
import type { RelayCore } from './relay-core.js';
import type { RelayStore } from './store/types.js';
import { defaultVerifyWorkers, VerifyPool } from './verify-pool.js';

export const SUBPROTOCOL = 'hotline.v0.1';

export class Relay implements RelayCore {
  readonly key: RelayKey;
  readonly limits: RelayLimits;
  readonly log: Logger;
  readonly metrics: RelayMetrics;
  readonly store: RelayStore;
  readonly committer: Committer;
  readonly now: () => number;
  readonly timers: RelayTimers;
  shuttingDown = false;

  readonly #founders: FounderPolicy;
  readonly #channels = new Map<string, ChannelState>();
  readonly #connections = new Set<Connection>();
  readonly #senderBuckets = new Map<string, TokenBucket>();
  readonly #alive = new WeakMap<object, boolean>();
  /** Ping rounds a connection has let pass in silence. */
  readonly #missed = new WeakMap<Connection, number>();
  #http: Server | undefined;
  #wss: WebSocketServer | undefined;
  #pinger: NodeJS.Timeout | undefined;
  /** Undefined: signatures are verified on the main thread (verifyWorkers: 0). */
  readonly #verifier: VerifyPool | undefined;

  private constructor(options: RelayOptions) {
    this.key = new RelayKey(options.secretKey);
    this.limits = { ...DEFAULT_LIMITS, ...options.limits };
    if (this.limits.maxFrameBytes !== LIMITS.MAX_FRAME_BYTES) {
      // Both sides decode frames against MAX_FRAME_BYTES (spec/07-relay.md §11).
      throw new RangeError(`maxFrameBytes is fixed by the protocol at ${LIMITS.MAX_FRAME_BYTES}`);
    }
    this.log = options.logger ?? pino({ level: 'silent' });
    this.store = options.store;
    this.now = options.now ?? Date.now;
    this.timers = options.timers ?? SYSTEM_TIMERS;
    this.metrics = new RelayMetrics(options.processMetrics ?? false);
    this.#founders = options.founders;
    const workers = options.verifyWorkers ?? defaultVerifyWorkers();
    if (!Number.isSafeInteger(workers) || workers < 0) {
      throw new RangeError('verifyWorkers must be a non-negative integer');
    }
    this.#verifier =
      workers === 0
        ? undefined
        : new VerifyPool({
            size: workers,
            onWorkerError: (err) => this.log.error({ err }, 'verify worker died; replaced'),
          });
    this.committer = new Committer(this.store, this.key, this.now, {
      committed: (channel, entries) => {
        for (const subscriber of channel.subscribers) subscriber.deliverLive(channel, entries);
      },
      measured: (seconds, entries) => this.metrics.committed(seconds, entries),
    });
  }

  /** Loads every channel, waits for the verify workers, then listens. */
  static async start(options: RelayOptions): Promise<Relay> {
    const relay = new Relay(options);
    try {
      for (const record of await relay.store.listChannels()) {
        const channel = await ChannelState.load(relay.store, record);
        relay.#channels.set(channel.idHex, channel);
      }
    } catch (error) {
      await relay.#verifier?.close();
      throw error;
    }
    if (options.founders.mode === 'open') {
      relay.log.warn(
        { founders: 'open' },
        'OPEN MODE: any key listed as a member may found channels on this relay — for local trials only',
      );
    }
    try {
      await relay.#verifier?.ready();
      await relay.#listen(options.host ?? '127.0.0.1', options.port ?? 7400);
    } catch (error) {
      await relay.#verifier?.close();
      throw error;
    }
    return relay;
  }

  get address(): AddressInfo {
    return this.#http!.address() as AddressInfo;
  }

  /** ws://host:port of this relay. */
  get url(): string {
    const { address, port } = this.address;
    return `ws://${address.includes(':') ? `[${address}]` : address}:${port}`;
  }

  get publicKey(): Uint8Array {
    return this.key.publicKey;
  }

  // ---- RelayCore ----

  decodeFrame(bytes: Uint8Array): Frame {
    return decodeFrame(bytes, { from: 'client' });
  }

  channel(id: Uint8Array): ChannelState | undefined {
    return this.#channels.get(toHex(id));
  }

  /** Charter admission (spec/08-channels.md): this relay listed, founder allowed. */
  admitCharter(envelope: DecodedEnvelope): ChannelState | HotlineError {
    let channel: ChannelState;
    try {
      channel = ChannelState.found(this.store, envelope);
    } catch (error) {
      if (error instanceof HotlineError) return error;
      throw error;
    }
    if (!listsRelay(channel.charter, this.key.publicKey)) {
      return new HotlineError('CHARTER_RELAY_NOT_LISTED', 'the charter does not list this relay');
    }
    const founder = envelope.fields.sender;
    if (
      this.#founders.mode === 'allowlist' &&
      !this.#founders.keys.some((key) => bytesEqual(key, founder))
    ) {
      return new HotlineError('CHARTER_NOT_PERMITTED', 'this key may not found channels here', {
        field: 'sender',
      });
    }
    return channel;
  }

  /** A channel whose charter is committed: what subscriptions and proofs may see. */
  servedChannel(id: Uint8Array): ChannelState | undefined {
    const channel = this.channel(id);
    return channel !== undefined && channel.committedSize > 0 ? channel : undefined;
  }

  /** Forgets a channel whose founding commit failed (nothing of it is on disk). */
  abandon(channel: ChannelState): void {
    if (channel.committedSize === 0 && this.#channels.get(channel.idHex) === channel) {
      this.#channels.delete(channel.idHex);
    }
  }

  adopt(channel: ChannelState): void {
    this.#channels.set(channel.idHex, channel);
    this.log.info({ channel: channel.idHex }, 'channel founded');
  }

  senderBucket(sender: Uint8Array): TokenBucket {
    const key = toHex(sender);
    let bucket = this.#senderBuckets.get(key);
    if (bucket === undefined) {
      bucket = new TokenBucket(this.limits.senderRate, this.limits.senderBurst, this.now());
      this.#senderBuckets.set(key, bucket);
    }
    return bucket;
  }

  /**
   * The envelope's signature under the Hotline rule: in the verify pool (promises
   * settle in call order), or inline with verifyWorkers: 0. Rejects only if the pool
   * cannot answer (the publish is then answered RELAY_UNAVAILABLE).
   */
  async verifySignature(envelope: DecodedEnvelope): Promise<boolean> {
    const { signature, signedBytes, fields } = envelope;
    if (this.#verifier === undefined) return verify(signature, signedBytes, fields.sender);
    return this.#verifier.verify(signature, signedBytes, fields.sender);
  }

  forget(connection: Connection): void {
    if (this.#connections.delete(connection)) this.metrics.connected(-1);
  }

  // ---- server ----

  async #listen(host: string, port: number): Promise<void> {
    const http = createServer((request, response) => void this.#http_(request, response));
    const wss = new WebSocketServer({
      noServer: true,
      maxPayload: this.limits.maxFrameBytes,
      perMessageDeflate: false,
      handleProtocols: (protocols) => (protocols.has(SUBPROTOCOL) ? SUBPROTOCOL : false),
    });
    http.on('upgrade', (request, socket, head) => {
      const offered = String(request.headers['sec-websocket-protocol'] ?? '').split(/\s*,\s*/);
      if (this.shuttingDown || this.#connections.size >= this.limits.maxConnections) {
        socket.end(
          'HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nConnection: close\r\n\r\n',
        );
        return;
      }
      if (!offered.includes(SUBPROTOCOL)) {
        socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
        return;
      }
      wss.handleUpgrade(request, socket, head, (ws) => {
        ws.on('error', () => ws.terminate()); // e.g. a message over maxPayload: ws closes 1009
        const connection = new Connection(this, ws);
        this.#connections.add(connection);
        this.metrics.connected(1);
        this.#alive.set(connection, true);
        ws.on('pong', () => this.#alive.set(connection, true));
        ws.on('message', () => this.#alive.set(connection, true));
      });
    });
    this.#pinger = setInterval(() => this.#ping(), this.limits.pingInterval);
    this.#pinger.unref();
    this.#http = http;
    this.#wss = wss;
    await new Promise<void>((resolve, reject) => {
      http.once('error', reject);
      http.listen(port, host, () => {
        http.off('error', reject);
        resolve();
      });
    });
    this.log.info({ url: this.url, relay: toHex(this.key.publicKey) }, 'relay listening');
  }

  /** Every ping interval: drop connections silent since the last one, ping the rest. */
  #ping(): void {
    const rounds = Math.max(1, Math.round(this.limits.idleTimeout / this.limits.pingInterval));
    for (const connection of this.#connections) {
      const missed = this.#alive.get(connection) ? 0 : (this.#missed.get(connection) ?? 0) + 1;
      this.#missed.set(connection, missed);
      this.#alive.set(connection, false);
      if (missed >= rounds) connection.dropSilent();
      else connection.ping();
    }
  }

  async #http_(
    request: IncomingMessage,
    response: import('node:http').ServerResponse,
  ): Promise<void> {
    if (request.method === 'GET' && request.url === '/healthz') {
      const body = JSON.stringify({
        status: this.shuttingDown ? 'shutting-down' : 'ok',
        relay: toHex(this.key.publicKey),
        channels: this.#channels.size,
        connections: this.#connections.size,
      });
      response.writeHead(this.shuttingDown ? 503 : 200, { 'content-type': 'application/json' });
      response.end(body);
      return;
    }
    if (request.method === 'GET' && request.url === '/metrics') {
      const text = await this.metrics.registry.metrics();
      response.writeHead(200, { 'content-type': this.metrics.registry.contentType });
      response.end(text);
      return;
    }
    response.writeHead(404, { 'content-type': 'text/plain' });
    response.end('not found\n');
  }

  /**
   * Graceful shutdown (spec/07-relay.md §12): stop accepting, refuse new requests,
   * finish the publishes in flight (commit, receipt), tell every client, close.
   */
  async close(): Promise<void> {
    if (this.shuttingDown) return;
    this.shuttingDown = true;
    clearInterval(this.#pinger);
    const httpClosed = new Promise<void>((resolve) => this.#http?.close(() => resolve()));
    await Promise.all([...this.#connections].map((connection) => connection.settled()));
    await this.committer.drain();
    for (const connection of this.#connections) connection.shutdown();
    // Wait for the close handshakes (bounded), then cut what is left.
    const clients = [...(this.#wss?.clients ?? [])];
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(clients.map((ws) => new Promise((resolve) => ws.once('close', resolve)))),
      new Promise((resolve) => {
        timer = setTimeout(resolve, 2000);
      }),
    ]);
    clearTimeout(timer);
    for (const client of this.#wss?.clients ?? []) client.terminate();
    this.#wss?.close();
    this.#http?.closeAllConnections();
    await httpClosed;
    await this.#verifier?.close();
    await this.store.close();
    this.log.info('relay stopped');
  }
}

/** Starts a relay; resolves once it is listening. */
export function startRelay(options: RelayOptions): Promise<Relay> {
  return Relay.start(options);
}
