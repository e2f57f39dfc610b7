// One client connection (spec/07-relay.md §6–§12): challenge and auth, then
// requests. Publishes go through U1–U10 in the order received: the cheap checks and
// the signature run at once, the chain step and the answers follow arrival order.

import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import {
  authStatement,
  type DecodedEnvelope,
  decodeEnvelope,
  type EnvelopeId,
  type ErrorCode,
  type ErrorDetail,
  encodeFrame,
  encodeReceipt,
  type Frame,
  HotlineError,
  KIND,
  type PublishFrame,
  toHex,
} from '@hotline/codec';
import { isAcceptableKey, verify } from '@hotline/signer';
import type WebSocket from 'ws';
import type { ChannelState, LiveSubscriber, PendingEntry } from './channel.js';
import { TokenBucket } from './lib/token-bucket.js';
import type { RelayCore } from './relay-core.js';
import type { LogEntry } from './store/types.js';

const BACKFILL_BATCH = 256;

type Answer = Frame;

class Subscription implements LiveSubscriber {
  active = true;
  live = false;

  constructor(
    readonly connection: Connection,
    readonly channel: ChannelState,
    readonly requestId: number,
    public next: number,
  ) {}

  deliverLive(channel: ChannelState, entries: readonly LogEntry[]): void {
    if (!this.active || !this.live) return;
    const end = channel.endedAt(this.connection.client!);
    for (const entry of entries) {
      if (entry.index !== this.next) continue; // already delivered by backfill
      if (end !== undefined && entry.index > end) break;
      this.connection.send({
        type: 'deliver',
        requestId: this.requestId,
        channel: channel.id as never,
        index: entry.index,
        envelope: entry.envelope,
      });
      this.next++;
    }
    this.endIfKeyEnded();
  }

  /**
   * A key whose chain a committed key-rotate or key-revoke ended is no longer let in
   * (spec/07-relay.md §9.4): once it has been delivered that envelope, the end.
   * True if the subscription ended.
   */
  endIfKeyEnded(): boolean {
    const client = this.connection.client!;
    const end = this.channel.endedAt(client);
    if (end === undefined || this.next <= end) return false;
    const refusal = this.channel.refusalOfClient(client);
    this.connection.endSubscription(this, refusal?.code ?? 'NOT_MEMBER');
    return true;
  }
}

export class Connection {
  readonly nonce = new Uint8Array(randomBytes(32));
  client: Uint8Array | undefined;
  readonly #subscriptions = new Map<string, Subscription>();
  readonly #publishBucket: TokenBucket;
  /** Answers of publishes, sent in arrival order. */
  #answers: Promise<void> = Promise.resolve();
  /** Charters of this connection still founding their channel, by channel id (hex). */
  readonly #foundings = new Map<string, Promise<void>>();
  #inFlight = 0;
  #paused = false;
  #corked = false;
  #closed = false;
  #flushed: Promise<void> = Promise.resolve();
  readonly #authTimer: unknown;

  constructor(
    private readonly core: RelayCore,
    private readonly ws: WebSocket,
  ) {
    const { limits, now } = core;
    this.#publishBucket = new TokenBucket(limits.publishRate, limits.publishBurst, now());
    this.#authTimer = core.timers.setTimeout(
      () => this.fail(0, 'AUTH_TIMEOUT', 1008),
      limits.authTimeout,
    );
    ws.on('message', (data, isBinary) => this.#onMessage(data as Buffer, isBinary));
    ws.on('close', () => this.#onClose());
    ws.on('error', () => ws.terminate());
    this.send({
      type: 'challenge',
      requestId: 0,
      relay: core.key.publicKey as never,
      nonce: this.nonce as never,
      time: now(),
    });
  }

  get authenticated(): boolean {
    return this.client !== undefined;
  }

  /** Sends a frame; a reader that lets more than the limit pile up is cut off. */
  send(frame: Frame): void {
    if (this.#closed) return;
    const bytes = encodeFrame(frame);
    this.#cork();
    this.#flushed = new Promise((resolve) => this.ws.send(bytes, () => resolve()));
    if (this.ws.bufferedAmount > this.core.limits.maxPendingOutboundBytes) {
      this.core.log.warn(
        { client: this.#clientHex(), code: 'SLOW_CONSUMER' },
        'slow consumer dropped',
      );
      this.core.metrics.rejected('SLOW_CONSUMER');
      this.#drop();
    }
  }

  /**
   * Holds this turn's frames in the socket and writes them with one system call once
   * the current callback and its promise jobs are done (the receipts and deliveries of
   * one commit), instead of one write per frame. ws corks only around each frame.
   */
  #cork(): void {
    if (this.#corked) return;
    const socket = (this.ws as unknown as { _socket?: Socket })._socket;
    if (socket === undefined || socket === null || typeof socket.cork !== 'function') return;
    this.#corked = true;
    socket.cork();
    process.nextTick(() => {
      this.#corked = false;
      socket.uncork();
    });
  }

  /** Sends an error frame, then closes with `closeCode` if given. */
  fail(requestId: number, code: ErrorCode, closeCode?: number, detail: ErrorDetail = {}): void {
    this.core.metrics.rejected(code);
    this.send({ type: 'error', requestId, code, detail });
    if (closeCode !== undefined) this.close(closeCode, code);
  }

  close(code: number, reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.core.timers.clearTimeout(this.#authTimer);
    this.ws.close(code, reason);
  }

  /** Drops the TCP connection without a close handshake (slow or silent peers). */
  #drop(): void {
    this.#closed = true;
    this.ws.terminate();
  }

  #clientHex(): string | undefined {
    return this.client === undefined ? undefined : toHex(this.client);
  }

  #onClose(): void {
    this.#closed = true;
    this.core.timers.clearTimeout(this.#authTimer);
    for (const subscription of this.#subscriptions.values()) this.#end(subscription);
    this.core.forget(this);
  }

  #onMessage(data: Buffer, isBinary: boolean): void {
    try {
      this.#handle(data, isBinary);
    } catch (error) {
      // A bug must cost one connection, never the relay.
      this.core.log.error({ err: error, client: this.#clientHex() }, 'internal error');
      this.fail(0, 'RELAY_UNAVAILABLE', 1011, { retryAfter: 1000 });
    }
  }

  #handle(data: Buffer, isBinary: boolean): void {
    if (this.#closed) return;
    if (!isBinary) return this.fail(0, 'FRAME_MALFORMED', 1003, { message: 'text message' });
    let frame: Frame;
    try {
      frame = this.core.decodeFrame(new Uint8Array(data.buffer, data.byteOffset, data.length));
    } catch (error) {
      if (!(error instanceof HotlineError)) throw error;
      const close = error.code === 'FRAME_TOO_LARGE' ? 1009 : 1002;
      return this.fail(0, error.code, close, error.field ? { field: error.field } : {});
    }
    if (!this.authenticated) return this.#authenticate(frame);
    if (this.core.shuttingDown) {
      return this.fail(frame.requestId, 'SHUTTING_DOWN', undefined, { retryAfter: 1000 });
    }
    switch (frame.type) {
      case 'auth':
        return this.fail(0, 'FRAME_UNEXPECTED', 1002);
      case 'publish':
        return this.#publish(frame);
      case 'subscribe':
        return this.#subscribe(frame.requestId, frame.channel, frame.cursor);
      case 'unsubscribe': {
        const subscription = this.#subscriptions.get(toHex(frame.channel));
        if (subscription !== undefined) this.#end(subscription);
        return this.send({
          type: 'unsubscribed',
          requestId: frame.requestId,
          channel: frame.channel,
        });
      }
      case 'checkpoint-request':
      case 'inclusion-request':
      case 'consistency-request':
        return this.#answerProof(frame);
      default:
        // decodeFrame({from: 'client'}) admits only client frames.
        return this.fail(0, 'FRAME_UNEXPECTED', 1002);
    }
  }

  #authenticate(frame: Frame): void {
    if (frame.type !== 'auth') return this.fail(0, 'AUTH_REQUIRED', 1008);
    const statement = authStatement(this.core.key.publicKey, this.nonce, frame.client);
    if (!isAcceptableKey(frame.client) || !verify(frame.signature, statement, frame.client)) {
      return this.fail(frame.requestId, 'AUTH_FAILED', 1008);
    }
    this.core.timers.clearTimeout(this.#authTimer);
    this.client = frame.client;
    const { limits, now } = this.core;
    this.send({
      type: 'welcome',
      requestId: frame.requestId,
      time: now(),
      maxFrameBytes: limits.maxFrameBytes,
      maxSubscriptions: limits.maxSubscriptions,
      publishRate: limits.publishRate,
      idleTimeout: limits.idleTimeout,
    });
  }

  // ---- publish (spec §8) ----

  #publish(frame: PublishFrame): void {
    const received = performance.now();
    const checked = this.#checkPublish(frame);
    const answer = (checked instanceof Promise ? checked : Promise.resolve(checked)).catch(
      (error: unknown): Frame => {
        this.core.log.error({ err: error }, 'publish failed');
        this.core.metrics.rejected('RELAY_UNAVAILABLE');
        const detail = { retryAfter: 1000 };
        return { type: 'error', requestId: frame.requestId, code: 'RELAY_UNAVAILABLE', detail };
      },
    );
    this.#track(answer);
    this.#answers = this.#answers.then(async () => {
      const result = await answer;
      this.send(result);
      if (result.type === 'receipt') {
        this.core.metrics.receipted((performance.now() - received) / 1000);
      }
    });
  }

  /** Counts publishes in flight; the socket stops being read above the limit. */
  #track(answer: Promise<Answer>): void {
    this.#inFlight++;
    if (this.#inFlight >= this.core.limits.maxUnansweredRequests && !this.#paused) {
      this.#paused = true;
      this.ws.pause();
    }
    void answer.finally(() => {
      this.#inFlight--;
      if (this.#paused && this.#inFlight < this.core.limits.maxUnansweredRequests / 2) {
        this.#paused = false;
        this.ws.resume();
      }
    });
  }

  /** U1–U7 synchronously where possible; returns the answer or a promise of it. */
  #checkPublish(frame: PublishFrame): Answer | Promise<Answer> {
    const { requestId } = frame;
    const now = this.core.now();
    const error = (code: ErrorCode, detail: ErrorDetail = {}): Frame => {
      this.core.metrics.rejected(code);
      return { type: 'error', requestId, code, detail };
    };
    const token = this.#publishBucket.take(now); // U1
    if (!token.ok) {
      return error('RATE_LIMITED', {
        retryAfter: token.retryAfter,
        limit: this.core.limits.publishRate,
      });
    }
    let envelope: DecodedEnvelope;
    try {
      envelope = decodeEnvelope(frame.envelope); // U2
    } catch (e) {
      if (!(e instanceof HotlineError)) throw e;
      return error(e.code, e.field ? { field: e.field } : {});
    }
    const { channel: channelId, kind } = envelope.fields;
    if (kind !== KIND.charter) {
      // A charter this connection sent just before may still be founding the channel:
      // publish order (spec §7) says seq n + 1 never finds seq n unfinished.
      const founding = this.#foundings.get(toHex(channelId));
      if (founding !== undefined) {
        return founding.then(() => this.#checkAdmission(envelope, requestId, now));
      }
    }
    return this.#checkAdmission(envelope, requestId, now);
  }

  /** U3–U7, then the signature and U8–U10. */
  #checkAdmission(
    envelope: DecodedEnvelope,
    requestId: number,
    now: number,
  ): Answer | Promise<Answer> {
    const error = (code: ErrorCode, detail: ErrorDetail = {}): Frame => {
      this.core.metrics.rejected(code);
      return { type: 'error', requestId, code, detail };
    };
    const { channel: channelId, sender, kind } = envelope.fields;
    let channel = this.core.channel(channelId); // U3
    let founding = false;
    // Until its charter is committed the relay serves nothing of a channel (spec/08
    // §6.1); only a second copy of the charter goes on, to become its duplicate.
    if (channel !== undefined && channel.committedSize === 0 && kind !== KIND.charter) {
      return error('CHANNEL_UNKNOWN');
    }
    if (channel === undefined) {
      if (kind !== KIND.charter) return error('CHANNEL_UNKNOWN');
      const founded = this.core.admitCharter(envelope);
      if (founded instanceof HotlineError)
        return error(founded.code, founded.field ? { field: founded.field } : {});
      channel = founded;
      founding = true;
    }
    const client = channel.refusalOfClient(this.client!); // U4
    if (client !== undefined) return error(client.code);
    const member = channel.membership.checkSender(envelope); // U5
    if (member !== undefined) return error(member.code, { field: member.field ?? 'sender' });
    const senderToken = this.core.senderBucket(sender).take(now); // U6
    if (!senderToken.ok) {
      return error('RATE_LIMITED', {
        retryAfter: senderToken.retryAfter,
        limit: this.core.limits.senderRate,
      });
    }
    if (!isAcceptableKey(sender)) return error('KEY_REJECTED', { field: 'sender' }); // U7
    const verified = this.core.verifySignature(envelope);
    const target = channel;
    const answer = (async () => {
      if (!(await verified)) return error('SIGNATURE_INVALID');
      return this.#chainStep(target, envelope, founding, requestId);
    })();
    if (founding) {
      const key = toHex(channelId);
      const settled = answer.then(
        () => undefined,
        () => undefined,
      );
      this.#foundings.set(key, settled);
      void settled.then(() => {
        if (this.#foundings.get(key) === settled) this.#foundings.delete(key);
      });
    }
    return answer;
  }

  /** U8–U10. Runs in arrival order per connection (see #answers). */
  async #chainStep(
    target: ChannelState,
    envelope: DecodedEnvelope,
    founding: boolean,
    requestId: number,
  ): Promise<Answer> {
    const error = (code: ErrorCode, detail: ErrorDetail = {}): Frame => {
      this.core.metrics.rejected(code);
      return { type: 'error', requestId, code, detail };
    };
    let channel = target;
    if (founding) {
      // Two publishes of one charter may both have found the channel unknown: the
      // first to get here founds it, the other is then a duplicate of it.
      const served = this.core.channel(channel.id);
      if (served === undefined) this.core.adopt(channel);
      else channel = served;
    }
    let verdict = channel.classifyHead(envelope);
    if (verdict === 'past') verdict = await channel.classifyPast(envelope);
    switch (verdict.verdict) {
      case 'gap':
        return error('CHAIN_GAP', { expected: verdict.expected });
      case 'bad-prev':
        return error('CHAIN_BAD_PREV', { id: verdict.head.id as EnvelopeId });
      case 'fork':
        this.core.committer.addEvidence({
          channel: channel.id,
          kind: 'fork',
          existingId: verdict.existing.id,
          envelope: envelope.bytes,
          time: this.core.now(),
        });
        return error('CHAIN_FORK', {
          id: verdict.existing.id as EnvelopeId,
          index: verdict.existing.index,
        });
      case 'duplicate': {
        const entry = verdict.entry;
        if ('committed' in entry) await entry.committed;
        return this.#receipt(channel, entry.index, envelope.id, requestId);
      }
      case 'accept': {
        // One charter per channel (spec/08-channels.md): the founding one is index 0.
        if (envelope.fields.kind === KIND.charter && !(founding && channel === target)) {
          return error('CHARTER_EXISTS');
        }
        // Again, in the tick that appends: a key-rotate or key-revoke accepted since
        // U5 may have ended this sender's chain; and a key-rotate or key-revoke must
        // take effect to be appended (spec/kinds/keys.md).
        const refusal = channel.membership.check(envelope);
        if (refusal !== undefined) {
          return error(refusal.code, refusal.field === undefined ? {} : { field: refusal.field });
        }
        const committed = this.core.committer.nextCommit();
        const entry: PendingEntry = channel.append(envelope, committed);
        this.core.committer.add(channel, entry);
        try {
          await committed;
        } catch (e) {
          // A channel whose founding failed is not served: a later charter founds it anew.
          if (founding) this.core.abandon(channel);
          this.core.log.error({ err: e }, 'commit failed');
          return error('RELAY_UNAVAILABLE', { retryAfter: 1000 });
        }
        this.core.metrics.published();
        return this.#receipt(channel, entry.index, envelope.id, requestId);
      }
    }
  }

  #receipt(channel: ChannelState, index: number, id: Uint8Array, requestId: number): Frame {
    const size = channel.committedSize;
    const receipt = encodeReceipt({
      checkpoint: channel.latestCheckpoint!,
      index,
      id: id as never,
      proof: channel.log.inclusionProof(index, size),
    });
    return { type: 'receipt', requestId, receipt };
  }

  // ---- subscribe (spec §9) ----

  #subscribe(requestId: number, channelId: Uint8Array, cursor: number): void {
    const channel = this.core.servedChannel(channelId);
    if (channel === undefined) return this.fail(requestId, 'CHANNEL_UNKNOWN'); // B1
    const refusal = channel.refusalOfClient(this.client!); // B2
    if (refusal !== undefined) return this.fail(requestId, refusal.code);
    if (cursor > channel.committedSize) {
      return this.fail(requestId, 'CURSOR_OUT_OF_RANGE', undefined, {
        size: channel.committedSize,
      }); // B3
    }
    const existing = this.#subscriptions.get(channel.idHex);
    if (existing === undefined && this.#subscriptions.size >= this.core.limits.maxSubscriptions) {
      return this.fail(requestId, 'TOO_MANY_SUBSCRIPTIONS', undefined, {
        limit: this.core.limits.maxSubscriptions,
      }); // B4
    }
    if (existing !== undefined) this.#end(existing);
    const subscription = new Subscription(this, channel, requestId, cursor);
    this.#subscriptions.set(channel.idHex, subscription);
    channel.subscribers.add(subscription);
    void this.#backfill(subscription).catch((e) => {
      this.core.log.error({ err: e }, 'backfill failed');
      if (subscription.active)
        this.fail(requestId, 'RELAY_UNAVAILABLE', undefined, { retryAfter: 1000 });
      this.#end(subscription);
    });
  }

  async #backfill(sub: Subscription): Promise<void> {
    const { channel } = sub;
    while (sub.active && !this.#closed) {
      if (sub.endIfKeyEnded()) return;
      if (sub.next >= channel.committedSize) {
        // Synchronous switch: every later commit delivers live.
        sub.live = true;
        this.send({
          type: 'end-of-backfill',
          requestId: sub.requestId,
          channel: channel.id as never,
          next: sub.next,
        });
        return;
      }
      if (this.ws.bufferedAmount > this.core.limits.backfillHighWater) {
        await this.#flushed;
        continue;
      }
      const entries = await this.core.store.readEntries(channel.id, sub.next, BACKFILL_BATCH);
      const end = channel.endedAt(this.client!);
      for (const entry of entries) {
        if (!sub.active || this.#closed || entry.index !== sub.next) break;
        if (end !== undefined && entry.index > end) break;
        // Pace within a batch too: a batch of large entries would otherwise exceed
        // maxPendingOutboundBytes and cut off a reader that reads (spec §9.2).
        if (this.ws.bufferedAmount > this.core.limits.backfillHighWater) break;
        this.send({
          type: 'deliver',
          requestId: sub.requestId,
          channel: channel.id as never,
          index: entry.index,
          envelope: entry.envelope,
        });
        this.core.metrics.backfilled(entry.envelope.length);
        sub.next++;
      }
    }
  }

  /** Ends a subscription whose client the channel no longer lets in, with an error. */
  endSubscription(subscription: Subscription, code: ErrorCode): void {
    if (!subscription.active) return;
    this.#end(subscription);
    this.fail(subscription.requestId, code);
  }

  #end(subscription: Subscription): void {
    subscription.active = false;
    subscription.channel.subscribers.delete(subscription);
    if (this.#subscriptions.get(subscription.channel.idHex) === subscription) {
      this.#subscriptions.delete(subscription.channel.idHex);
    }
  }

  // ---- checkpoints and proofs (spec §10) ----

  #answerProof(
    frame: Extract<
      Frame,
      { type: 'checkpoint-request' | 'inclusion-request' | 'consistency-request' }
    >,
  ): void {
    const { requestId } = frame;
    const channel = this.core.servedChannel(frame.channel);
    if (channel === undefined) return this.fail(requestId, 'CHANNEL_UNKNOWN'); // G1
    const refusal = channel.refusalOfClient(this.client!); // G2
    if (refusal !== undefined) return this.fail(requestId, refusal.code);
    const size = channel.committedSize;
    const outOfRange = () => this.fail(requestId, 'PROOF_OUT_OF_RANGE', undefined, { size }); // G3
    switch (frame.type) {
      case 'checkpoint-request':
        return this.send({ type: 'checkpoint', requestId, checkpoint: channel.latestCheckpoint! });
      case 'inclusion-request':
        if (frame.index >= frame.size || frame.size > size) return outOfRange();
        return this.send({
          type: 'inclusion-proof',
          requestId,
          index: frame.index,
          size: frame.size,
          proof: channel.log.inclusionProof(frame.index, frame.size),
        });
      case 'consistency-request':
        if (frame.fromSize > frame.toSize || frame.toSize > size) return outOfRange();
        return this.send({
          type: 'consistency-proof',
          requestId,
          fromSize: frame.fromSize,
          toSize: frame.toSize,
          proof: channel.log.consistencyProof(frame.fromSize, frame.toSize),
        });
    }
  }

  /** Graceful shutdown: tell the client, then close 1001. */
  shutdown(): void {
    this.fail(0, 'SHUTTING_DOWN', 1001, { retryAfter: 1000 });
  }

  ping(): void {
    if (!this.#closed) this.ws.ping();
  }

  /** Liveness: the ws ping/pong bookkeeping lives in relay.ts; this drops silent peers. */
  dropSilent(): void {
    this.core.log.info(
      { client: this.#clientHex(), code: 'IDLE_TIMEOUT' },
      'idle connection dropped',
    );
    this.#drop();
  }

  /** Waits until every publish received so far has its answer sent. */
  settled(): Promise<void> {
    return this.#answers;
  }
}
