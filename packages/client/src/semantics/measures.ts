// The measure ledger (spec/kinds/measures.md §5): confidence-building measures as a
// state machine over verified envelopes of kinds proposal (8), accept (9), decline
// (10) and withdraw (11). Pure and portable: a ledger is a frozen value, and
// applying an event returns a new ledger or a rejection with a registry code; the
// ledger given is never changed. Every accepted transition is kept in the
// measure's history (state, envelope id, sender, time), so anyone holding the
// envelopes can replay a measure's record and check it.
//
// Expiry is not a transition: a measure whose validity window has ended (time >=
// until) is expired whatever its recorded state, and admits no further envelope.

import {
  type AcceptBody,
  bytesEqual,
  type DeclineBody,
  decodeAcceptBody,
  decodeDeclineBody,
  decodeProposalBody,
  decodeWithdrawBody,
  type EnvelopeId,
  type ErrorCode,
  HotlineError,
  KIND,
  type ProposalBody,
  toHex,
  type WithdrawBody,
} from '@hotline/codec';

/** A measure's state. `expired` is derived from time, never recorded. */
export type MeasureState =
  | 'proposed'
  | 'in-force'
  | 'suspended'
  | 'declined'
  | 'withdrawn'
  | 'revoked'
  | 'expired';

export type RecordedMeasureState = Exclude<MeasureState, 'expired'>;

/** What a transition does, by kind and withdraw action. */
export type MeasureTransition =
  | 'propose'
  | 'accept'
  | 'decline'
  | 'withdraw-proposal'
  | 'suspend'
  | 'resume'
  | 'revoke';

/** One verified envelope of kind 8–11, as the ledger needs it. */
export interface MeasureEvent {
  /** 8 proposal, 9 accept, 10 decline, 11 withdraw. */
  readonly kind: number;
  /**
   * The sender's party key. After a key rotation (spec/kinds/keys.md) the client
   * passes the key the party's chain of rotations began with, so a party keeps its
   * measures across rotations.
   */
  readonly sender: Uint8Array;
  /** The envelope's time, ms since the Unix epoch. */
  readonly time: number;
  /** The envelope's id; a proposal's id is the measure's id. */
  readonly envelopeId: Uint8Array;
  /** The envelope's `ref`, if it has one: for 9–11 it must be the measure the body names. */
  readonly ref?: Uint8Array | undefined;
  /** The envelope's body bytes. */
  readonly body: Uint8Array;
}

export interface MeasureHistoryEntry {
  /** The state the envelope put the measure in. */
  readonly state: RecordedMeasureState;
  readonly transition: MeasureTransition;
  readonly envelopeId: EnvelopeId;
  readonly sender: Uint8Array;
  readonly time: number;
}

export interface MeasureRecord {
  /** The id of the proposal envelope. */
  readonly id: EnvelopeId;
  readonly proposal: ProposalBody;
  readonly proposer: Uint8Array;
  /** The party that accepted or declined; absent while proposed or withdrawn. */
  readonly responder?: Uint8Array;
  /** While suspended: the party that suspended (the only one that may resume). */
  readonly suspendedBy?: Uint8Array;
  /** The last recorded state; see measureStateAt for the state at a time. */
  readonly state: RecordedMeasureState;
  /** Every accepted transition, the proposal first, in the order applied. */
  readonly history: readonly MeasureHistoryEntry[];
}

export interface MeasureLedger {
  /** Records by measure id (lowercase hex). */
  readonly measures: ReadonlyMap<string, MeasureRecord>;
}

export type MeasureResult =
  | {
      readonly ok: true;
      readonly ledger: MeasureLedger;
      readonly record: MeasureRecord;
      /** The envelope was already applied: the ledger is the one given. */
      readonly duplicate: boolean;
    }
  | { readonly ok: false; readonly error: HotlineError };

export const EMPTY_MEASURE_LEDGER: MeasureLedger = Object.freeze({
  measures: new Map<string, MeasureRecord>(),
});

/** The measure with id `id`, if the ledger holds it. */
export function findMeasure(ledger: MeasureLedger, id: Uint8Array): MeasureRecord | undefined {
  return ledger.measures.get(toHex(id));
}

/** A measure's state at `time`: expired from `validity.until` on, else its recorded state. */
export function measureStateAt(record: MeasureRecord, time: number): MeasureState {
  const until = record.proposal.validity.until;
  return until !== undefined && time >= until ? 'expired' : record.state;
}

// ----------------------------------------------------------- transition table

type Who = (record: MeasureRecord, sender: Uint8Array) => boolean;

const same = (a: Uint8Array | undefined, b: Uint8Array): boolean =>
  a !== undefined && bytesEqual(a, b);
const notProposer: Who = (r, s) => !same(r.proposer, s);
const proposer: Who = (r, s) => same(r.proposer, s);
const party: Who = (r, s) => same(r.proposer, s) || same(r.responder, s);
const suspender: Who = (r, s) => same(r.suspendedBy, s);

interface Rule {
  /** The states the transition starts from; any other is MEASURE_TRANSITION_INVALID. */
  readonly from: readonly RecordedMeasureState[];
  readonly to: RecordedMeasureState;
  /** Who may make it; anyone else is MEASURE_NOT_PARTY. */
  readonly who: Who;
}

/** spec/kinds/measures.md §5.2, one row per transition. */
export const MEASURE_TRANSITIONS: Readonly<Record<Exclude<MeasureTransition, 'propose'>, Rule>> =
  Object.freeze({
    accept: { from: ['proposed'], to: 'in-force', who: notProposer },
    decline: { from: ['proposed'], to: 'declined', who: notProposer },
    'withdraw-proposal': { from: ['proposed'], to: 'withdrawn', who: proposer },
    suspend: { from: ['in-force'], to: 'suspended', who: party },
    resume: { from: ['suspended'], to: 'in-force', who: suspender },
    revoke: { from: ['in-force', 'suspended'], to: 'revoked', who: party },
  });

// ------------------------------------------------------------------ applying

function reject(
  code: ErrorCode,
  message: string,
  field: string,
  detail: Record<string, unknown>,
): MeasureResult {
  return { ok: false, error: new HotlineError(code, message, { field, detail }) };
}

function checkEvent(event: MeasureEvent): void {
  if (typeof event !== 'object' || event === null) throw new TypeError('event must be an object');
  const { kind, sender, time, envelopeId, ref, body } = event;
  if (
    kind !== KIND.proposal &&
    kind !== KIND.accept &&
    kind !== KIND.decline &&
    kind !== KIND.withdraw
  ) {
    throw new RangeError(`kind ${String(kind)} is not a measure kind (8 to 11)`);
  }
  for (const [name, value] of [
    ['sender', sender],
    ['envelopeId', envelopeId],
    ['ref', ref ?? new Uint8Array(32)],
  ] as const) {
    if (!(value instanceof Uint8Array) || value.length !== 32) {
      throw new RangeError(`${name} must be 32 bytes`);
    }
  }
  if (!(body instanceof Uint8Array)) throw new TypeError('body must be a Uint8Array');
  if (!Number.isSafeInteger(time) || time < 0) {
    throw new RangeError('time must be a non-negative safe integer');
  }
}

/** The body decoded, or the decoder's HotlineError. */
function decoded<T>(decode: (body: Uint8Array) => T, body: Uint8Array): T | HotlineError {
  try {
    return decode(body);
  } catch (error) {
    if (error instanceof HotlineError) return error;
    throw error;
  }
}

function withRecord(ledger: MeasureLedger, record: MeasureRecord): MeasureLedger {
  const measures = new Map(ledger.measures);
  measures.set(toHex(record.id), record);
  return Object.freeze({ measures });
}

function entry(
  state: RecordedMeasureState,
  transition: MeasureTransition,
  event: MeasureEvent,
): MeasureHistoryEntry {
  return Object.freeze({
    state,
    transition,
    envelopeId: event.envelopeId.slice() as EnvelopeId,
    sender: event.sender.slice(),
    time: event.time,
  });
}

function propose(ledger: MeasureLedger, event: MeasureEvent): MeasureResult {
  const proposal = decoded(decodeProposalBody, event.body);
  if (proposal instanceof HotlineError) return { ok: false, error: proposal };
  const existing = findMeasure(ledger, event.envelopeId);
  if (existing !== undefined) return { ok: true, ledger, record: existing, duplicate: true };
  const until = proposal.validity.until;
  if (until !== undefined && event.time >= until) {
    return reject('MEASURE_EXPIRED', 'the proposal ends before it is sent', 'time', {
      measure: toHex(event.envelopeId),
      until,
    });
  }
  const record: MeasureRecord = Object.freeze({
    id: event.envelopeId.slice() as EnvelopeId,
    proposal,
    proposer: event.sender.slice(),
    state: 'proposed',
    history: Object.freeze([entry('proposed', 'propose', event)]),
  });
  return { ok: true, ledger: withRecord(ledger, record), record, duplicate: false };
}

function decodeAnswer(event: MeasureEvent): AcceptBody | DeclineBody | WithdrawBody | HotlineError {
  if (event.kind === KIND.accept) return decoded(decodeAcceptBody, event.body);
  if (event.kind === KIND.decline) return decoded(decodeDeclineBody, event.body);
  return decoded(decodeWithdrawBody, event.body);
}

function transitionOf(kind: number, body: AcceptBody | DeclineBody | WithdrawBody) {
  if (kind === KIND.accept) return 'accept';
  if (kind === KIND.decline) return 'decline';
  // A withdraw action is named as its transition.
  return (body as WithdrawBody).action;
}

function answer(ledger: MeasureLedger, event: MeasureEvent): MeasureResult {
  const body = decodeAnswer(event);
  if (body instanceof HotlineError) return { ok: false, error: body };
  const transition = transitionOf(event.kind, body);
  const measure = toHex(body.measure);
  if (event.ref !== undefined && !bytesEqual(event.ref, body.measure)) {
    return reject('MEASURE_REF_MISMATCH', 'ref is not the measure the body names', 'ref', {
      measure,
      ref: toHex(event.ref),
    });
  }
  const record = ledger.measures.get(measure);
  if (record === undefined) {
    return reject('MEASURE_UNKNOWN', 'no proposal with this id', 'measure', { measure });
  }
  if (record.history.some((e) => bytesEqual(e.envelopeId, event.envelopeId))) {
    return { ok: true, ledger, record, duplicate: true };
  }
  const detail = { measure, state: record.state, transition };
  if (measureStateAt(record, event.time) === 'expired') {
    return reject('MEASURE_EXPIRED', 'the measure has expired', 'time', {
      ...detail,
      until: record.proposal.validity.until,
    });
  }
  const rule = MEASURE_TRANSITIONS[transition];
  if (!rule.from.includes(record.state)) {
    return reject(
      'MEASURE_TRANSITION_INVALID',
      `no ${transition} from ${record.state}`,
      'kind',
      detail,
    );
  }
  if (!rule.who(record, event.sender)) {
    return reject(
      'MEASURE_NOT_PARTY',
      `the sender may not ${transition} this measure`,
      'sender',
      detail,
    );
  }
  const sender = event.sender.slice();
  const next: MeasureRecord = Object.freeze({
    id: record.id,
    proposal: record.proposal,
    proposer: record.proposer,
    ...(transition === 'accept' || transition === 'decline'
      ? { responder: sender }
      : record.responder === undefined
        ? {}
        : { responder: record.responder }),
    ...(transition === 'suspend' ? { suspendedBy: sender } : {}),
    state: rule.to,
    history: Object.freeze([...record.history, entry(rule.to, transition, event)]),
  });
  return { ok: true, ledger: withRecord(ledger, next), record: next, duplicate: false };
}

/**
 * Applies one verified measure envelope to `ledger`. Checks, in order: the body
 * (BODY_* / CBOR_*); for 9–11 the ref (MEASURE_REF_MISMATCH) and the measure
 * (MEASURE_UNKNOWN); an envelope already applied is a duplicate and changes
 * nothing; expiry (MEASURE_EXPIRED); the state (MEASURE_TRANSITION_INVALID); the
 * sender (MEASURE_NOT_PARTY). Arguments of the wrong type or size throw
 * TypeError/RangeError. The ledger given is never changed.
 */
export function applyMeasureEvent(ledger: MeasureLedger, event: MeasureEvent): MeasureResult {
  if (!(ledger?.measures instanceof Map)) throw new TypeError('ledger must be a MeasureLedger');
  checkEvent(event);
  return event.kind === KIND.proposal ? propose(ledger, event) : answer(ledger, event);
}
