// One channel as a member sees it: the own outbox going to every relay of the
// charter, the envelopes coming from every relay, deduplicated by id and taken
// through signature and chain checks, and each relay's receipts and checkpoints
// verified against what it delivered. Everything that fails raises an alarm with
// its evidence; nothing unverified reaches the application.

import {
  bytesEqual,
  type Charter,
  checkCharterEnvelope,
  type DecodedCheckpoint,
  type DecodedEnvelope,
  decodeEnvelope,
  decodeKeyRevokeBody,
  type EnvelopeFieldsInput,
  HotlineError,
  isHotlineError,
  KIND,
  toHex,
} from '@hotline/codec';
import {
  ChainTracker,
  Membership,
  type MembershipRefusal,
  openEnvelope,
  publicKeyOf,
  signEnvelope,
} from '@hotline/signer';
import type { Alarm, AlarmEvidence, AlarmType } from './alarms.js';
import type { ClientContext } from './context.js';
import { RelayChecks } from './relay-checks.js';
import {
  expectFrame,
  LinkDownError,
  type RelayLink,
  RelayRefusal,
  type SubscriptionFrame,
} from './relay-link.js';
import { RelayView } from './relay-view.js';
import { ChannelSemantics, type Content } from './semantics/channel.js';

/** What `send` takes: the fields a member chooses. */
export type SendInput = Pick<
  EnvelopeFieldsInput,
  'kind' | 'body' | 'precedence' | 'ref' | 'expiry' | 'recipients'
>;

export interface Sent {
  readonly channel: Uint8Array;
  readonly seq: number;
  readonly id: Uint8Array;
  readonly bytes: Uint8Array;
}

interface Parked {
  readonly envelope: DecodedEnvelope;
  readonly relay: string;
}

const hex = toHex;

export class ChannelSession {
  readonly channelHex: string;
  readonly charter: Charter;
  readonly #self: Uint8Array;
  readonly #selfHex: string;
  readonly #tracker = new ChainTracker();
  readonly #seen = new Set<string>();
  /** id → signature (hex) of every envelope accepted: a known copy needs no second check. */
  readonly #signatures = new Map<string, string>();
  readonly #views = new Map<string, RelayView>();
  /** Envelopes that arrived ahead of their sender's chain: sender hex → seq → envelope. */
  readonly #parked = new Map<string, Map<number, Parked>>();
  #parkedCount = 0;
  readonly #gapTimers = new Map<string, () => void>();
  readonly #alarmed = new Set<string>();
  #closed = false;
  readonly #charterId: Uint8Array;
  readonly #founder: boolean;
  #semantics: ChannelSemantics;
  readonly #checks: RelayChecks;
  /** The charter's members as key-rotates and key-revokes changed them, in chain order. */
  readonly #membership: Membership;

  readonly channel: Uint8Array;

  /** Verifies the charter envelope (signature, Y1–Y8) and restores what the store holds. */
  constructor(
    readonly charterEnvelope: Uint8Array,
    private readonly ctx: ClientContext,
  ) {
    const opened = openEnvelope(charterEnvelope);
    this.charter = checkCharterEnvelope(opened);
    this.#membership = new Membership(this.charter);
    const channel = opened.fields.channel;
    this.channel = channel;
    this.channelHex = hex(channel);
    this.#self = publicKeyOf(ctx.secretKey);
    this.#selfHex = hex(this.#self);
    this.#charterId = opened.id;
    this.#founder = this.#isSelf(opened.fields.sender);
    const { store } = ctx;
    store.putChannel(channel, charterEnvelope);
    // The founder's charter is its seq 1: recorded as such even if a crash came
    // between recording the channel and the own envelope.
    if (this.#isSelf(opened.fields.sender) && store.ownHead(channel) === undefined) {
      store.addOwnEnvelope(channel, { seq: 1, id: opened.id, bytes: opened.bytes });
    }
    store.putEnvelope(channel, opened.id, opened.bytes);
    // Rebuild the chains from what was accepted before, in the order it was accepted.
    const accepted = store.envelopes(channel).map((bytes) => decodeEnvelope(bytes));
    for (const decoded of accepted) this.#remember(decoded);
    for (const relay of this.charter.relays) {
      const view = new RelayView(
        relay.key,
        hex(relay.key),
        store.log(channel, relay.key),
        store.checkpoints(channel, relay.key),
      );
      this.#views.set(view.keyHex, view);
    }
    this.#checks = new RelayChecks({
      channel,
      ctx,
      closed: () => this.#closed,
      linkOf: (view) => this.#link(view),
      viewOf: (relayHex) => this.#views.get(relayHex),
      resubscribe: (link, view) => this.#resubscribe(link, view),
      alarm: (type, alarm) => this.#alarm(type, alarm),
    });
    this.#semantics = this.#newSemantics();
    this.#semantics.replay(accepted.filter((e) => !this.#isVoid(e)));
    this.#semantics.start();
  }

  /**
   * Whether an envelope is void: its key was revoked from a time at or before its
   * own (spec/kinds/keys.md §5), and it is not that key-revoke. Void envelopes stay in
   * the store and the transcript, as evidence; the semantics never take them.
   */
  #isVoid(envelope: DecodedEnvelope): boolean {
    const revoked = this.#membership.revoked(envelope.fields.sender);
    return (
      revoked !== undefined &&
      envelope.fields.time >= revoked.effectiveFrom &&
      !bytesEqual(revoked.id, envelope.id)
    );
  }

  #newSemantics(): ChannelSemantics {
    const { options } = this.ctx;
    return new ChannelSemantics({
      channel: this.channel,
      charter: this.charter,
      charterId: this.#charterId,
      self: this.#self,
      clock: this.ctx.clock,
      autoAckReceived: options.autoAckReceived,
      heartbeats: options.heartbeats,
      send: (input) => this.send(input),
      partyOf: (key) => this.#membership.partyOf(key) ?? key,
      known: (idHex) => this.#seen.has(idHex),
      receipted: (id) => this.ctx.store.receiptRelays(id).length > 0,
      heads: () =>
        new Map(
          this.#tracker
            .toJSON()
            .chains.filter((chain) => chain.channel === this.channelHex)
            .map((chain) => [chain.sender, chain.seq]),
        ),
      latestCheckpoints: () =>
        this.charter.relays.flatMap((relay) => {
          const latest = this.#views.get(hex(relay.key))?.ownLatest;
          return latest === undefined ? [] : [latest.bytes];
        }),
      witness: (bytes, from) => this.#checks.witness(bytes, from),
      alarm: (type, alarm) => this.#alarm(type, alarm),
      emit: (name, event) => this.ctx.emit(name, { channel: this.channel, ...event } as never),
    });
  }

  /** Who may sign on the channel, after the key-rotates and key-revokes accepted so far. */
  get membership(): Membership {
    return this.#membership;
  }

  /** The ledger of measures, and acknowledgement status: spec/12-semantics.md. */
  get semantics(): ChannelSemantics {
    return this.#semantics;
  }

  /** The id of the charter envelope (the founder's seq 1). */
  get charterId(): Uint8Array {
    return this.#charterId;
  }

  get relays(): readonly RelayView[] {
    return [...this.#views.values()];
  }

  #isSelf(key: Uint8Array): boolean {
    return hex(key) === this.#selfHex;
  }

  // ------------------------------------------------------------------ sending

  /** Signs the next own envelope, records it, and starts sending it to every relay. */
  send(input: SendInput): Sent {
    const refusal = this.#membership.refusalOfKey(this.#self);
    if (refusal !== undefined) {
      throw new RangeError(
        `this key may not sign on the channel (${refusal.code}): relays refuse its envelopes`,
      );
    }
    const { store, clock, secretKey } = this.ctx;
    const head = store.ownHead(this.channel);
    const seq = (head?.seq ?? 0) + 1;
    const time = clock.now();
    let ref = input.ref;
    // A successor's chain starts by referring to the key-rotate that named it, no
    // earlier than its effectiveFrom (spec/kinds/keys.md §5).
    const since = seq === 1 ? this.#membership.rotationTo(this.#self) : undefined;
    if (since !== undefined) {
      if (ref !== undefined && !bytesEqual(ref, since.id)) {
        throw new RangeError("a successor's first envelope refers to its key-rotate");
      }
      if (time < since.effectiveFrom) {
        throw new RangeError('the key-rotate that names this key is not in effect yet');
      }
      ref = since.id;
    }
    const bytes = signEnvelope(
      {
        ...input,
        ...(ref === undefined ? {} : { ref }),
        channel: this.channel,
        sender: this.#self,
        seq,
        prev: head?.id,
        time,
      },
      secretKey,
    );
    const decoded = decodeEnvelope(bytes);
    // Recorded before it leaves: a crash from here on re-sends these very bytes.
    store.addOwnEnvelope(this.channel, { seq, id: decoded.id, bytes });
    store.putEnvelope(this.channel, decoded.id, bytes);
    this.#remember(decoded);
    this.#semantics?.observe(decoded);
    for (const view of this.#views.values()) this.#pump(view);
    return { channel: this.channel, seq, id: decoded.id, bytes };
  }

  #receiptedBy(id: Uint8Array, view: RelayView): boolean {
    return this.ctx.store.receiptRelays(id).some((relay) => hex(relay) === view.keyHex);
  }

  #link(view: RelayView): RelayLink | undefined {
    return this.ctx.linkOf(view.keyHex);
  }

  /** Publishes own envelopes this relay has not receipted, up to the window. */
  #pump(view: RelayView): void {
    const link = this.#link(view);
    if (this.#closed || link === undefined || link.state !== 'ready' || view.nextSeq === 0) return;
    const { store } = this.ctx;
    const head = store.ownHead(this.channel)?.seq ?? 0;
    // Until the relay has receipted our charter, the channel may not exist there
    // yet: the charter goes alone, so that seq 2 never overtakes the founding.
    const founding = this.#founder && !this.#receiptedBy(this.#charterId, view);
    const window = founding ? 1 : this.ctx.options.publishWindow;
    while (view.inflight < window && view.nextSeq <= head) {
      const [own] = store.ownEnvelopes(this.channel, view.nextSeq, 1);
      view.nextSeq++;
      if (own === undefined) break;
      if (this.#receiptedBy(own.id, view)) continue;
      view.inflight++;
      link
        .request((requestId) => ({ type: 'publish', requestId, envelope: own.bytes }))
        .then(
          (frame) => this.#receipt(view, own.id, expectFrame(frame, 'receipt').receipt),
          (error: unknown) => this.#publishFailed(view, own.seq, error),
        )
        .finally(() => {
          view.inflight--;
          this.#pump(view);
        });
    }
  }

  #receipt(view: RelayView, id: Uint8Array, bytes: Uint8Array): void {
    let checkpoint: DecodedCheckpoint;
    try {
      checkpoint = this.#checks.verifyReceipt(view, bytes, id);
    } catch (error) {
      if (!isHotlineError(error)) throw error;
      this.#alarm('relay-tampered', {
        relay: view.keyHex,
        code: error.code,
        detail: 'a receipt failed verification',
        signed: false,
        evidence: { received: bytes },
      });
      return;
    }
    const founded = this.#founder && !this.#receiptedBy(this.#charterId, view);
    if (this.ctx.store.putReceipt(this.channel, view.key, id, bytes)) {
      const count = this.ctx.store.receiptRelays(id).length;
      this.ctx.store.afterCommit(() =>
        this.ctx.emit('receipt', { channel: this.channel, relay: view.keyHex, id, count }),
      );
    }
    if (founded && this.#receiptedBy(this.#charterId, view)) {
      this.#link(view)?.subscribe(this.channel, view.delivered.size);
    }
    this.#checks.checkpoint(view, checkpoint);
  }

  #publishFailed(view: RelayView, seq: number, error: unknown): void {
    if (error instanceof LinkDownError) return; // re-sent when the link is back
    if (!(error instanceof RelayRefusal)) throw error;
    const { code, detail } = error.frame;
    if (code === 'CHAIN_GAP' && detail.expected !== undefined) {
      // The relay lacks earlier own envelopes (it was down when they went out).
      view.nextSeq = Math.min(view.nextSeq, detail.expected);
      return;
    }
    if (code === 'CHANNEL_UNKNOWN') this.#checks.checkRollback(view, 0);
    if (
      code === 'RATE_LIMITED' ||
      code === 'SHUTTING_DOWN' ||
      code === 'RELAY_UNAVAILABLE' ||
      code === 'CHANNEL_UNKNOWN'
    ) {
      // Try this seq again later: the relay may be busy, failing to commit for now,
      // or not hold the charter yet.
      view.nextSeq = Math.min(view.nextSeq, seq);
      view.inflight++;
      this.ctx.clock.setTimer(detail.retryAfter ?? this.ctx.options.retryMs, () => {
        view.inflight--;
        this.#pump(view);
      });
      return;
    }
    // CHAIN_FORK / CHAIN_BAD_PREV: the relay holds another own envelope for this seq,
    // which this client never signed twice: the relay's log or our key is compromised.
    this.#alarm('relay-refused', {
      relay: view.keyHex,
      code,
      detail: `the relay refused own seq ${seq}`,
      signed: false,
      evidence: {},
    });
  }

  // ---------------------------------------------------------------- receiving

  /** The link to this relay is (again) authenticated. */
  linkReady(link: RelayLink): void {
    const view = this.#views.get(link.key);
    if (view === undefined || this.#closed) return;
    view.live = false;
    view.behindSince = undefined;
    // Re-send from the first own envelope this relay has not receipted.
    const store = this.ctx.store;
    view.nextSeq =
      store.firstUnreceipted(this.channel, view.key) ?? (store.ownHead(this.channel)?.seq ?? 0) + 1;
    // A founder subscribes once the relay has its charter (the receipt says so):
    // before that, the channel does not exist there.
    if (!this.#founder || this.#receiptedBy(this.#charterId, view)) {
      link.subscribe(this.channel, view.delivered.size);
    }
    this.#pump(view);
  }

  subscriptionFrame(link: RelayLink, frame: SubscriptionFrame): void {
    const view = this.#views.get(link.key);
    if (view === undefined || this.#closed) return;
    if (frame.type === 'deliver') this.#deliver(link, view, frame.index, frame.envelope);
    else if (frame.type === 'end-of-backfill') {
      view.live = true;
      this.ctx.emit('backfill', {
        channel: this.channel,
        relay: view.keyHex,
        delivered: view.delivered.size,
      });
      void this.pollCheckpoint(view);
    } else {
      const { code, detail } = frame;
      if (code === 'CHANNEL_UNKNOWN') this.#checks.checkRollback(view, 0);
      if (code === 'CURSOR_OUT_OF_RANGE' && detail.size !== undefined) {
        this.#checks.checkRollback(view, detail.size);
      }
      // A non-member, or a key whose chain ended, is never let in: asking again
      // would only load the relay.
      if (code === 'NOT_MEMBER' || code === 'KEY_ROTATED' || code === 'KEY_REVOKED') return;
      // The relay ended the subscription; subscribe again after a pause.
      this.ctx.clock.setTimer(this.ctx.options.retryMs, () => {
        if (link.state === 'ready' && !this.#closed)
          link.subscribe(this.channel, view.delivered.size);
      });
    }
  }

  #deliver(link: RelayLink, view: RelayView, index: number, bytes: Uint8Array): void {
    const size = view.delivered.size;
    if (index < size) return; // delivered before (a resubscription overlaps): nothing new
    if (index > size) {
      // The relay skipped log entries: ask again from the first one missing.
      this.#resubscribe(link, view);
      return;
    }
    let envelope: DecodedEnvelope;
    try {
      envelope = decodeEnvelope(bytes);
      if (toHex(envelope.fields.channel) !== this.channelHex) {
        throw new HotlineError('DELIVERY_CHANNEL_MISMATCH', 'envelope of another channel');
      }
      // The id hashes the signed bytes, not the signature: a copy of a known
      // envelope is verified again unless its signature is the one verified before
      // (then the bytes are identical: the profile allows one encoding).
      const known = this.#signatures.get(hex(envelope.id));
      if (known === undefined || known !== hex(envelope.signature)) envelope = openEnvelope(bytes);
    } catch (error) {
      if (!isHotlineError(error)) throw error;
      const { code } = error;
      this.#alarm('relay-tampered', {
        relay: view.keyHex,
        code,
        detail: `log index ${index}: the relay delivered bytes that fail verification`,
        signed: false,
        evidence: { received: bytes },
      });
      link.restart('the relay delivered an envelope that fails verification');
      return;
    }
    this.ctx.store.appendLog(this.channel, view.key, index, envelope.id);
    view.delivered.appendId(envelope.id);
    for (const checkpoint of view.checkable(size)) this.#checks.matchLog(view, checkpoint);
    if (view.latest !== undefined && view.delivered.size >= view.latest.fields.size) {
      view.behindSince = undefined;
      view.askedAgain = false;
    }
    this.#incoming(envelope, view.keyHex);
  }

  /**
   * Subscribes again from what was delivered, at most once per retry interval: a
   * relay that keeps skipping an entry must not make us resubscribe at wire speed.
   */
  #resubscribe(link: RelayLink, view: RelayView): void {
    if (view.resubscribing) return;
    const wait = view.lastSubscribe + this.ctx.options.retryMs - this.ctx.clock.now();
    const go = () => {
      view.resubscribing = false;
      if (link.state !== 'ready' || this.#closed) return;
      view.lastSubscribe = this.ctx.clock.now();
      link.subscribe(this.channel, view.delivered.size);
    };
    if (wait <= 0) return go();
    view.resubscribing = true;
    this.ctx.clock.setTimer(wait, go);
  }

  #incoming(envelope: DecodedEnvelope, relay: string): void {
    const idHex = hex(envelope.id);
    if (this.#seen.has(idHex)) return;
    const senderHex = hex(envelope.fields.sender);
    if (this.#refusedSender(envelope, relay)) return;
    const verdict = this.#tracker.check(envelope);
    switch (verdict.verdict) {
      case 'accept':
        this.#accept(envelope, relay);
        this.#drainParked(senderHex);
        return;
      case 'gap':
        this.#park(envelope, relay);
        return;
      case 'fork':
        this.#alarm('fork', {
          sender: senderHex,
          code: 'CHAIN_FORK',
          detail: `two envelopes of seq ${verdict.seq}`,
          signed: true,
          evidence: { envelopes: [verdict.existing, verdict.conflicting] },
        });
        return;
      case 'bad-prev': {
        const head = this.#tracker.chainOf(envelope.fields.channel, envelope.fields.sender).head;
        const headBytes = head === undefined ? undefined : this.#bytesOf(head.id);
        this.#alarm('fork', {
          sender: senderHex,
          code: 'CHAIN_BAD_PREV',
          detail: `seq ${envelope.fields.seq} names a predecessor other than the seq ${head?.seq} held`,
          signed: true,
          evidence: {
            envelopes: headBytes === undefined ? [envelope.bytes] : [headBytes, envelope.bytes],
          },
        });
        return;
      }
      default:
        return; // duplicate, or a past seq whose envelope is not retained
    }
  }

  /**
   * Whether membership refuses the envelope's sender, next in chain order, and
   * raises the alarm if so: a stranger's envelope is the relay's doing; one of a key
   * whose chain ended (KEY_ROTATED, KEY_REVOKED), or a successor's first envelope
   * that does not start from its key-rotate, is signed by its sender.
   */
  #refusedSender(envelope: DecodedEnvelope, relay: string): boolean {
    const refusal = this.#membership.checkSender(envelope);
    if (refusal === undefined) return false;
    if (refusal.code === 'NOT_MEMBER') {
      this.#alarm('relay-tampered', {
        relay,
        code: 'NOT_MEMBER',
        detail: 'the relay delivered an envelope of a non-member',
        signed: true,
        evidence: { envelopes: [envelope.bytes] },
      });
    } else {
      this.#alarm('body-invalid', {
        sender: hex(envelope.fields.sender),
        code: refusal.code,
        detail: `seq ${envelope.fields.seq}: ${refusal.code}${refusal.field ? ` at ${refusal.field}` : ''}`,
        signed: true,
        evidence: { envelopes: [envelope.bytes] },
      });
    }
    return true;
  }

  #bytesOf(id: Uint8Array): Uint8Array | undefined {
    const idHex = hex(id);
    return this.ctx.store
      .envelopes(this.channel)
      .find((bytes) => hex(decodeEnvelope(bytes).id) === idHex);
  }

  /**
   * Takes an envelope into its sender's chain, the set of envelopes seen and the
   * membership; returns why a key-rotate or key-revoke did not take effect, if so.
   */
  #remember(envelope: DecodedEnvelope): MembershipRefusal | undefined {
    this.#tracker.append(envelope);
    const idHex = hex(envelope.id);
    this.#seen.add(idHex);
    this.#signatures.set(idHex, hex(envelope.signature));
    return this.#membership.observe(envelope);
  }

  #accept(envelope: DecodedEnvelope, relay: string): void {
    const refusal = this.#remember(envelope);
    if (refusal === undefined && envelope.fields.kind === KIND['key-revoke']) {
      this.#revoked(envelope);
    }
    this.ctx.store.putEnvelope(this.channel, envelope.id, envelope.bytes);
    // A void envelope reaching us after its key-revoke (chain order makes that rare)
    // is evidence only: the semantics never take it.
    let content: Content = this.#isVoid(envelope)
      ? { ok: false, code: 'KEY_REVOKED' }
      : this.#semantics.observe(envelope);
    // A key-rotate or key-revoke that cannot take effect stays in its sender's chain,
    // marked invalid (spec/12-semantics.md §2).
    if (refusal !== undefined && content.ok) {
      content = {
        ok: false,
        code: refusal.code,
        ...(refusal.field ? { field: refusal.field } : {}),
      };
      if (!this.#isSelf(envelope.fields.sender)) {
        this.#alarm('body-invalid', {
          sender: hex(envelope.fields.sender),
          code: refusal.code,
          detail: `seq ${envelope.fields.seq}: ${refusal.code}${refusal.field ? ` at ${refusal.field}` : ''}`,
          signed: true,
          evidence: { envelopes: [envelope.bytes] },
        });
      }
    }
    if (!this.#isSelf(envelope.fields.sender)) {
      this.ctx.store.afterCommit(() =>
        this.ctx.emit('message', { channel: this.channel, envelope, relay, content }),
      );
    }
  }

  /**
   * A key-revoke took effect: the envelopes of its key received so far and signed at
   * or after its effectiveFrom are void (kept, never trusted). They are found by
   * reading the channel's envelopes once: a revocation is rare.
   */
  #revoked(revoke: DecodedEnvelope): void {
    const revoked = decodeKeyRevokeBody(revoke.fields.body);
    const keyHex = hex(revoked.key);
    const accepted = this.ctx.store.envelopes(this.channel).map((bytes) => decodeEnvelope(bytes));
    const voided = accepted
      .filter((e) => hex(e.fields.sender) === keyHex && this.#isVoid(e))
      .sort((a, b) => a.fields.seq - b.fields.seq);
    const from = new Date(revoked.effectiveFrom).toISOString();
    this.#alarm('key-revoked', {
      sender: keyHex,
      code: 'KEY_REVOKED',
      detail:
        `key revoked (${revoked.reason}) from ${from}: ` +
        (voided.length === 0
          ? 'no envelope received from it since'
          : `${voided.length} envelope(s) received from it since are void: seq ${voided.map((e) => e.fields.seq).join(', ')}`),
      signed: true,
      evidence: { envelopes: [revoke.bytes, ...voided.map((e) => e.bytes)] },
    });
    if (voided.length > 0) this.#rebuildSemantics(accepted);
  }

  /**
   * Undoes what void envelopes did (acknowledgements, measures, presence): the
   * semantics start again from every accepted envelope that is not void, own ones
   * not delivered back yet included, without events; the timers restart from that.
   */
  #rebuildSemantics(accepted: readonly DecodedEnvelope[]): void {
    const seen = new Set(accepted.map((e) => hex(e.id)));
    const ownPending = this.ctx.store
      .ownEnvelopes(this.channel)
      .filter((own) => !seen.has(hex(own.id)))
      .map((own) => decodeEnvelope(own.bytes));
    this.#semantics.close();
    this.#semantics = this.#newSemantics();
    this.#semantics.replay([...accepted, ...ownPending].filter((e) => !this.#isVoid(e)));
    this.#semantics.start();
  }

  #park(envelope: DecodedEnvelope, relay: string): void {
    const senderHex = hex(envelope.fields.sender);
    let bySeq = this.#parked.get(senderHex);
    if (bySeq === undefined) {
      bySeq = new Map();
      this.#parked.set(senderHex, bySeq);
    }
    if (!bySeq.has(envelope.fields.seq) && this.#parkedCount < this.ctx.options.maxParked) {
      bySeq.set(envelope.fields.seq, { envelope, relay });
      this.#parkedCount++;
    }
    if (this.#gapTimers.has(senderHex)) return;
    // Ask every relay where its log stands: one that signed more than it delivered
    // is asked again for the rest (K4), which may fill the gap.
    for (const other of this.#views.values()) void this.pollCheckpoint(other);
    // Another relay may still deliver the missing envelopes; if none does in time,
    // the later envelope (signed, naming its predecessor) is the evidence.
    const cancel = this.ctx.clock.setTimer(this.ctx.options.gapTimeoutMs, () => {
      this.#gapTimers.delete(senderHex);
      const waiting = this.#parked.get(senderHex);
      if (waiting === undefined || waiting.size === 0) return;
      const head = this.#tracker.chainOf(this.channel, envelope.fields.sender).head?.seq ?? 0;
      const later = [...waiting.values()].map((parked) => parked.envelope.bytes);
      this.#alarm('gap', {
        sender: senderHex,
        code: 'CHAIN_GAP',
        detail: `seq ${head + 1} of this sender never arrived; later envelopes did`,
        signed: true,
        evidence: { envelopes: later },
      });
    });
    this.#gapTimers.set(senderHex, cancel);
  }

  #drainParked(senderHex: string): void {
    const bySeq = this.#parked.get(senderHex);
    if (bySeq === undefined) return;
    for (;;) {
      let progressed = false;
      for (const [seq, parked] of bySeq) {
        if (this.#tracker.check(parked.envelope).verdict === 'accept') {
          bySeq.delete(seq);
          this.#parkedCount--;
          // Parked before the envelopes ahead of it: judged again now that they are in.
          if (this.#refusedSender(parked.envelope, parked.relay)) continue;
          this.#accept(parked.envelope, parked.relay);
          progressed = true;
        } else if (this.#seen.has(hex(parked.envelope.id))) {
          bySeq.delete(seq);
          this.#parkedCount--;
        }
      }
      if (!progressed) break;
    }
    if (bySeq.size === 0) {
      this.#parked.delete(senderHex);
      this.#gapTimers.get(senderHex)?.();
      this.#gapTimers.delete(senderHex);
    }
  }

  // -------------------------------------------------------------- checkpoints

  /** Asks the relay for its latest checkpoint and checks it; reports withholding. */
  pollCheckpoint(view: RelayView): Promise<void> {
    return this.#checks.pollCheckpoint(view);
  }

  // -------------------------------------------------------------------- misc

  #alarm(
    type: AlarmType,
    alarm: Omit<Alarm, 'type' | 'channel' | 'time' | 'evidence'> & { evidence: AlarmEvidence },
  ): void {
    // One alarm per finding: a relay that keeps misbehaving the same way does not
    // flood the application. A relay's equivocation, mismatch, withholding or
    // rollback is one finding about that relay, whatever the sizes involved.
    const perRelay =
      type === 'relay-equivocation' ||
      type === 'relay-log-mismatch' ||
      type === 'relay-withholding' ||
      type === 'relay-rollback';
    const key = perRelay
      ? `${type}:${alarm.relay}`
      : `${type}:${alarm.relay ?? ''}:${alarm.sender ?? ''}:${alarm.detail}`;
    if (this.#alarmed.has(key)) return;
    this.#alarmed.add(key);
    this.ctx.emit('alarm', { ...alarm, type, channel: this.channel, time: this.ctx.clock.now() });
  }

  close(): void {
    this.#closed = true;
    this.#semantics.close();
    for (const cancel of this.#gapTimers.values()) cancel();
    this.#gapTimers.clear();
  }
}
