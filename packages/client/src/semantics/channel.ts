// The crisis semantics of one channel (spec/12-semantics.md), fed every accepted
// envelope in chain order: body checks that need the charter, acknowledgement
// deadlines, heartbeats (sent, watched, and their checkpoints witnessed), and the
// ledger of measures. It only reads verified envelopes and says what it found
// through the client's events; sending (acks, heartbeats) goes through the session.

import {
  type AckBody,
  ackDeadlinesOf,
  bytesEqual,
  CHARTER_DEFAULTS,
  type Charter,
  type DecodedEnvelope,
  decodeKindBody,
  type ErrorCode,
  encodeAckBody,
  encodeHeartbeatBody,
  fromHex,
  type HeartbeatBody,
  isHotlineError,
  KIND,
  type KindBody,
  memberRole,
  type PublicKey,
  permitsKind,
  sha256,
  toHex,
} from '@hotline/codec';
import type { AlarmEvidence } from '../alarms.js';
import type { CancelTimer, Clock } from '../clock.js';
import { type AckStage, AckTracker } from './acks.js';
import { Liveness } from './liveness.js';
import { applyMeasureEvent, EMPTY_MEASURE_LEDGER, type MeasureLedger } from './measures.js';

/** Kinds that need acknowledging (spec/12-semantics.md §3). */
export const NEEDS_ACK: ReadonlySet<number> = new Set([
  KIND.text,
  KIND.assurance,
  KIND.redline,
  KIND.notification,
  KIND.incident,
  KIND.proposal,
  KIND.accept,
  KIND.decline,
  KIND.withdraw,
  KIND.suspend,
  KIND.resume,
  KIND['key-rotate'],
  KIND['key-revoke'],
]);

/** What an observer may send (spec/08-channels.md §2.5). */
const OBSERVER_KINDS: ReadonlySet<number> = new Set([KIND.ack, KIND.heartbeat, KIND.join]);

/** Kinds whose `ref` must name an envelope of the channel. */
const REF_REQUIRED: ReadonlySet<number> = new Set([
  KIND.ack,
  KIND.accept,
  KIND.decline,
  KIND.withdraw,
  KIND.resume,
]);

/** The body as the application sees it: decoded, or refused with a code. */
export type Content =
  | { readonly ok: true; readonly body: KindBody }
  | { readonly ok: false; readonly code: ErrorCode; readonly field?: string };

export interface SemanticsHost {
  readonly channel: Uint8Array;
  readonly charter: Charter;
  /** The charter envelope's id: what a join accepts. */
  readonly charterId: Uint8Array;
  readonly self: Uint8Array;
  readonly clock: Clock;
  readonly autoAckReceived: boolean;
  readonly heartbeats: boolean;
  /** Sends an own envelope (an ack, a heartbeat). */
  send(input: { kind: number; body: Uint8Array; ref?: Uint8Array }): { id: Uint8Array };
  /** The charter key a signing key's chain of rotations began with (spec/kinds/keys.md). */
  partyOf(key: Uint8Array): Uint8Array;
  /** Whether the session holds the envelope with this id (hex): refs must name one. */
  known(idHex: string): boolean;
  /** Whether an own envelope has a receipt from any relay yet. */
  receipted(id: Uint8Array): boolean;
  /** Highest seq accepted per member (hex key → seq). */
  heads(): ReadonlyMap<string, number>;
  /** Each relay's latest verified checkpoint bytes, ascending by relay key. */
  latestCheckpoints(): Uint8Array[];
  /** A checkpoint a member's heartbeat carried: check it like our own (10-client.md §5). */
  witness(checkpoint: Uint8Array, from: string): void;
  alarm(
    type: 'body-invalid' | 'peer-silent',
    alarm: {
      sender?: string;
      code?: string;
      detail: string;
      signed: boolean;
      evidence: AlarmEvidence;
    },
  ): void;
  emit(name: 'overdue' | 'ack' | 'measure' | 'suspension', event: Record<string, unknown>): void;
}

interface Acknowledgeable {
  readonly sender: string;
  readonly digest: Uint8Array;
}

export class ChannelSemantics {
  readonly #acks = new AckTracker();
  readonly #liveness: Liveness;
  #ledger: MeasureLedger = EMPTY_MEASURE_LEDGER;
  /** Envelopes that need acknowledging, by id hex. */
  readonly #acknowledgeable = new Map<string, Acknowledgeable>();
  readonly #selfHex: string;
  /** member (hex) → the highest own seq its heartbeats say it has. */
  readonly #confirmedBy = new Map<string, number>();
  /** Members (hex) whose acceptance of the charter is on the log. */
  readonly #joined = new Set<string>();
  #replaying = false;
  #lastHeartbeat: Uint8Array | undefined;
  #cancelAcks: CancelTimer | undefined;
  #cancelLiveness: CancelTimer | undefined;
  #cancelHeartbeat: CancelTimer | undefined;
  #closed = false;

  constructor(private readonly host: SemanticsHost) {
    this.#selfHex = toHex(host.self);
    const others = host.charter.members
      .map((member) => toHex(member.key))
      .filter((key) => key !== this.#selfHex);
    this.#liveness = new Liveness(host.charter.params.heartbeatInterval, others, host.clock.now());
  }

  get ledger(): MeasureLedger {
    return this.#ledger;
  }

  /**
   * Own seqs above the highest that `member` (hex key) has said, in a heartbeat, it
   * received: unconfirmed by that member, whatever the relays' receipts say.
   */
  unconfirmed(member: string, ownHead: number): number[] {
    const confirmed = this.#confirmedBy.get(member) ?? 0;
    return Array.from({ length: Math.max(0, ownHead - confirmed) }, (_, i) => confirmed + i + 1);
  }

  /** Members who accepted the charter: the founder, and every member with a join on the log. */
  get joined(): string[] {
    return [...this.#joined];
  }

  /** Acknowledgement status of an envelope (hex id), per expected member. */
  ackStatus(envelope: string) {
    return this.#acks.status(envelope);
  }

  /** Feeds envelopes accepted before this process started: state only, no events, no sending. */
  replay(envelopes: readonly DecodedEnvelope[]): void {
    this.#replaying = true;
    try {
      for (const envelope of envelopes) this.observe(envelope);
    } finally {
      this.#replaying = false;
    }
  }

  /** Starts the timers: deadlines, silence, own heartbeats. */
  start(): void {
    this.#armAcks();
    this.#armLiveness();
    if (this.host.heartbeats && this.#isMember()) this.#armHeartbeat(0);
  }

  #isMember(): boolean {
    return memberRole(this.host.charter, this.host.self) !== undefined;
  }

  /** Takes one accepted envelope (own or not), in chain order; returns its content. */
  observe(envelope: DecodedEnvelope): Content {
    const { fields } = envelope;
    const idHex = toHex(envelope.id);
    const senderHex = toHex(fields.sender);
    const own = senderHex === this.#selfHex;
    const content = this.#content(envelope);
    if (!content.ok) {
      if (!own && !this.#replaying) {
        this.host.alarm('body-invalid', {
          sender: senderHex,
          code: content.code,
          detail: `${fields.kind === KIND.charter ? 'charter' : `seq ${fields.seq}`}: ${content.code}${content.field ? ` at ${content.field}` : ''}`,
          signed: true,
          evidence: { envelopes: [envelope.bytes] },
        });
      }
      return content;
    }
    const { body } = content;
    // Acknowledgements and presence are the party's, whichever of its keys signed.
    const partyHex = toHex(this.host.partyOf(fields.sender));
    if (NEEDS_ACK.has(fields.kind)) this.#expectAcks(envelope, idHex, partyHex);
    if (body.kind === 'ack') this.#takeAck(envelope, body.value, partyHex);
    if (body.kind === 'heartbeat') this.#takeHeartbeat(envelope, body.value, partyHex, own);
    // The charter is its founder's acceptance; every other member's is a join.
    if (body.kind === 'charter' || body.kind === 'join') this.#joined.add(partyHex);
    if (body.kind === 'suspend' || body.kind === 'resume')
      this.#takeSuspension(envelope, body, senderHex);
    if (
      body.kind === 'proposal' ||
      body.kind === 'accept' ||
      body.kind === 'decline' ||
      body.kind === 'withdraw'
    ) {
      this.#takeMeasure(envelope);
    }
    return content;
  }

  /** What an envelope held before says, with the checks of §2 (no side effects). */
  contentOf(envelope: DecodedEnvelope): Content {
    return this.#content(envelope);
  }

  /** Decodes the body and applies the checks of spec/12-semantics.md §2. */
  #content(envelope: DecodedEnvelope): Content {
    const { fields } = envelope;
    const { charter } = this.host;
    const refuse = (code: ErrorCode, field?: string): Content => ({
      ok: false,
      code,
      ...(field === undefined ? {} : { field }),
    });
    if (!permitsKind(charter, fields.kind)) return refuse('KIND_NOT_PERMITTED');
    const role = memberRole(charter, this.host.partyOf(fields.sender));
    if (role === 'observer' && !OBSERVER_KINDS.has(fields.kind))
      return refuse('ROLE_NOT_PERMITTED');
    const max = charter.params.maxBodyBytes;
    if (max !== undefined && fields.body.length > max) return refuse('BODY_LIMIT', 'body');
    let body: KindBody;
    try {
      body = decodeKindBody(fields.kind, fields.body);
    } catch (error) {
      if (!isHotlineError(error)) throw error;
      return refuse(error.code, error.field);
    }
    if (REF_REQUIRED.has(fields.kind)) {
      if (fields.ref === undefined || !this.host.known(toHex(fields.ref))) {
        return refuse('REF_UNKNOWN', 'ref');
      }
    }
    if (body.kind === 'join' && !bytesEqual(body.value.charter, this.host.charterId)) {
      return refuse('REF_UNKNOWN', 'charter'); // the acceptance of another charter
    }
    const languages = charter.params.languages;
    if (body.kind === 'text' && languages !== undefined) {
      const tag = body.value.authoritative.language.toLowerCase();
      if (!languages.some((language) => language.toLowerCase() === tag)) {
        return refuse('LANGUAGE_NOT_CHARTERED', 'authoritative.language');
      }
    }
    if (body.kind === 'notification') {
      const minimum = charter.params.minLeadTime ?? CHARTER_DEFAULTS.minLeadTime;
      if (body.value.window.from - fields.time < minimum)
        return refuse('LEAD_TIME_SHORT', 'window.from');
    }
    if (body.kind === 'ack' && body.value.digest !== undefined) {
      const acked = this.#acknowledgeable.get(toHex(fields.ref!));
      if (acked !== undefined && !bytesEqual(acked.digest, body.value.digest)) {
        return refuse('ACK_DIGEST_MISMATCH', 'digest');
      }
    }
    return { ok: true, body };
  }

  // ----------------------------------------------------------- acknowledgements

  #expectAcks(envelope: DecodedEnvelope, idHex: string, senderHex: string): void {
    const { fields } = envelope;
    const { charter } = this.host;
    this.#acknowledgeable.set(idHex, { sender: senderHex, digest: sha256(fields.body) });
    const members = charter.members
      .filter((member) => (member.role ?? CHARTER_DEFAULTS.role) !== 'observer')
      .map((member) => toHex(member.key))
      .filter((key) => key !== senderHex);
    const deadlines = ackDeadlinesOf(charter, fields.precedence);
    this.#acks.expect(
      idHex,
      fields.time,
      {
        received: deadlines.received,
        understood: deadlines.understood,
        decided: deadlines.accepted,
      },
      members,
    );
    this.#armAcks();
    // Received, said by the machine at once (§3); understood and decided are a person's.
    if (
      !this.#replaying &&
      this.host.autoAckReceived &&
      senderHex !== this.#selfHex &&
      members.includes(this.#selfHex)
    ) {
      this.host.send({
        kind: KIND.ack,
        body: encodeAckBody({ stage: 'received' }),
        ref: envelope.id,
      });
    }
  }

  #takeAck(envelope: DecodedEnvelope, ack: AckBody, senderHex: string): void {
    const ref = toHex(envelope.fields.ref!);
    const stage: AckStage =
      ack.stage === 'received' ? 'received' : ack.stage === 'understood' ? 'understood' : 'decided';
    const decision = ack.stage === 'accepted' || ack.stage === 'rejected' ? ack.stage : undefined;
    const at = this.#replaying ? envelope.fields.time : this.host.clock.now();
    const made = this.#acks.acknowledge(ref, senderHex, stage, at, toHex(envelope.id), decision);
    this.#armAcks();
    if (this.#replaying) return;
    for (const record of made) {
      this.host.emit('ack', {
        envelope: ref,
        member: senderHex,
        stage: record.stage,
        late: record.late,
        at: record.at,
        ...(record.decision ? { decision: record.decision } : {}),
      });
    }
  }

  #armAcks(): void {
    if (this.#closed || this.#replaying) return;
    this.#cancelAcks?.();
    const next = this.#acks.nextDue();
    if (next === undefined) return;
    const { clock } = this.host;
    this.#cancelAcks = clock.setTimer(Math.max(0, next - clock.now()), () => {
      for (const late of this.#acks.overdue(clock.now())) this.host.emit('overdue', { ...late });
      this.#armAcks();
    });
  }

  // ----------------------------------------------------------------- heartbeats

  #takeHeartbeat(
    envelope: DecodedEnvelope,
    heartbeat: HeartbeatBody,
    senderHex: string,
    own: boolean,
  ): void {
    if (own) return;
    // What the member says it has of our chain (spec/12-semantics.md §4).
    const ofUs = heartbeat.seen.find((entry) => toHex(entry.key) === this.#selfHex);
    this.#confirmedBy.set(
      senderHex,
      Math.max(this.#confirmedBy.get(senderHex) ?? 0, ofUs?.seq ?? 0),
    );
    // The sender's clock, never later than ours: a heartbeat backfilled an hour late
    // must not make its sender look present now.
    const when = Math.min(envelope.fields.time, this.host.clock.now());
    this.#liveness.heard(senderHex, when);
    this.#armLiveness();
    if (this.#replaying) return;
    for (const checkpoint of heartbeat.checkpoints) this.host.witness(checkpoint, senderHex);
  }

  #armLiveness(): void {
    // Silence is only watched by a client that takes part in heartbeats itself.
    if (this.#closed || this.#replaying || !this.host.heartbeats) return;
    this.#cancelLiveness?.();
    const next = this.#liveness.nextCheck();
    if (next === undefined) return;
    const { clock } = this.host;
    this.#cancelLiveness = clock.setTimer(Math.max(0, next - clock.now()), () => {
      for (const { member, lastHeard } of this.#liveness.silent(clock.now())) {
        this.host.alarm('peer-silent', {
          sender: member,
          detail: `no heartbeat since ${new Date(lastHeard).toISOString()} (${this.#liveness.silentAfter} ms allowed)`,
          signed: false,
          evidence: {},
        });
      }
      this.#armLiveness();
    });
  }

  #armHeartbeat(delay: number): void {
    if (this.#closed) return;
    this.#cancelHeartbeat = this.host.clock.setTimer(delay, () => {
      this.sendHeartbeat();
      this.#armHeartbeat(this.host.charter.params.heartbeatInterval);
    });
  }

  /**
   * Sends a heartbeat now: the highest seq accepted from each member, the latest
   * checkpoint verified of each relay. Skipped while the previous one has no
   * receipt: heartbeats queued while cut off would say nothing about now.
   */
  sendHeartbeat(): Uint8Array | undefined {
    if (this.#lastHeartbeat !== undefined && !this.host.receipted(this.#lastHeartbeat)) {
      return undefined;
    }
    const seen = [...this.host.heads()]
      .filter(([, seq]) => seq >= 1)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, seq]) => ({ key: fromHex(key) as PublicKey, seq }));
    const next = this.host.clock.now() + this.host.charter.params.heartbeatInterval;
    const body = encodeHeartbeatBody({ seen, checkpoints: this.host.latestCheckpoints(), next });
    this.#lastHeartbeat = this.host.send({ kind: KIND.heartbeat, body }).id;
    return this.#lastHeartbeat;
  }

  // ----------------------------------------------------------------- suspension

  /** Suspensions in force, by the suspend envelope's id: a signal, never an outage. */
  readonly #suspensions = new Map<string, { by: string; scope?: string; since: number }>();

  /** The suspensions in force (spec/kinds/suspension.md): empty while the channel is active. */
  get suspensions(): { envelope: string; by: string; scope?: string; since: number }[] {
    return [...this.#suspensions].map(([envelope, s]) => ({ envelope, ...s }));
  }

  #takeSuspension(envelope: DecodedEnvelope, body: KindBody, senderHex: string): void {
    const idHex = toHex(envelope.id);
    if (body.kind === 'suspend') {
      const { scope } = body.value;
      this.#suspensions.set(idHex, {
        by: senderHex,
        ...(scope === undefined ? {} : { scope }),
        since: envelope.fields.time,
      });
      if (!this.#replaying) {
        this.host.emit('suspension', {
          envelope: idHex,
          by: senderHex,
          state: 'suspended',
          ...(scope ? { scope } : {}),
        });
      }
      return;
    }
    if (body.kind !== 'resume') return;
    const ended = toHex(body.value.suspension);
    const suspension = this.#suspensions.get(ended);
    // Only the member who suspended resumes; anything else changes nothing.
    if (suspension === undefined || suspension.by !== senderHex) {
      if (!this.#replaying) {
        this.host.alarm('body-invalid', {
          sender: senderHex,
          code: 'SUSPENSION_UNKNOWN',
          detail: `seq ${envelope.fields.seq}: resumes no suspension of its sender`,
          signed: true,
          evidence: { envelopes: [envelope.bytes] },
        });
      }
      return;
    }
    this.#suspensions.delete(ended);
    if (!this.#replaying) {
      this.host.emit('suspension', {
        envelope: ended,
        by: senderHex,
        state: 'resumed',
        resume: idHex,
      });
    }
  }

  // -------------------------------------------------------------------- measures

  #takeMeasure(envelope: DecodedEnvelope): void {
    const { fields } = envelope;
    const result = applyMeasureEvent(this.#ledger, {
      kind: fields.kind,
      sender: this.host.partyOf(fields.sender),
      time: fields.time,
      envelopeId: envelope.id,
      ref: fields.ref,
      body: fields.body,
    });
    if (!result.ok) {
      if (this.#replaying) return;
      this.host.alarm('body-invalid', {
        sender: toHex(fields.sender),
        code: result.error.code,
        detail: `seq ${fields.seq}: the measure transition is refused (${result.error.code})`,
        signed: true,
        evidence: { envelopes: [envelope.bytes] },
      });
      this.host.emit('measure', { envelope: toHex(envelope.id), code: result.error.code });
      return;
    }
    this.#ledger = result.ledger;
    if (this.#replaying || result.duplicate) return;
    this.host.emit('measure', {
      measure: toHex(result.record.id),
      state: result.record.state,
      envelope: toHex(envelope.id),
    });
  }

  close(): void {
    this.#closed = true;
    this.#cancelAcks?.();
    this.#cancelLiveness?.();
    this.#cancelHeartbeat?.();
  }
}
