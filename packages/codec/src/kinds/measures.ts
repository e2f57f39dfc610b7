// Confidence-building measures (spec/kinds/measures.md): a proposal (kind 8) states
// a measure — a title, its terms, the window it is to hold, an optional review
// interval — and the envelope's id becomes the measure's id. Accept (9), decline
// (10) and withdraw (11) name that id in their body. These decoders check bodies
// only; whether a transition is allowed (who, from which state, before expiry) is
// the measure ledger's (the client's state machine).

import type { CborValue } from '../lib/cbor.js';
import type { EnvelopeId } from '../payload.js';
import {
  BODY_LIMITS,
  bytesOf,
  decodeBody,
  encodeBody,
  encodeTextBlock,
  encodeWindow,
  field,
  invalid,
  oneOf,
  type Reader,
  record,
  type TextBlock,
  text,
  textBlock,
  uint,
  type Window,
  window,
} from './common.js';

const ID_SIZE = 32;

/** Kind 8: a measure proposed. */
export interface ProposalBody {
  /** A short name, 1 to 256 UTF-8 bytes. */
  readonly title: string;
  /** What each side undertakes: the authoritative text. */
  readonly terms: TextBlock;
  /** The measure's term: from when it is to hold, and until when (open-ended without until). */
  readonly validity: Window;
  /** Milliseconds between reviews of the measure, at least 1; absent: no review stated. */
  readonly review?: number;
}

/** Kind 9: the other side accepts a proposal; the measure enters into force. */
export interface AcceptBody {
  /** Id of the proposal envelope. */
  readonly measure: EnvelopeId;
  readonly note?: TextBlock;
}

/** Kind 10: the other side refuses a proposal. */
export interface DeclineBody {
  readonly measure: EnvelopeId;
  readonly reason?: TextBlock;
}

/** The actions of a withdraw body (key 2): name → wire value. */
export const MEASURE_ACTION = Object.freeze({
  /** The proposer takes back a proposal not yet answered. */
  'withdraw-proposal': 1,
  /** A party suspends a measure in force. */
  suspend: 2,
  /** The party that suspended a measure puts it back in force. */
  resume: 3,
  /** A party ends a measure in force or suspended, for good. */
  revoke: 4,
} as const);

export type MeasureAction = keyof typeof MEASURE_ACTION;

const ACTION_NAME = new Map<number, MeasureAction>(
  Object.entries(MEASURE_ACTION).map(([name, value]) => [value, name as MeasureAction]),
);
const actionValue = oneOf([...ACTION_NAME.keys()]);
const action: Reader<MeasureAction> = (value, path) => ACTION_NAME.get(actionValue(value, path))!;

/** Kind 11: withdrawal of a proposal, or suspension, resumption or revocation of a measure. */
export interface WithdrawBody {
  readonly measure: EnvelopeId;
  readonly action: MeasureAction;
  readonly reason?: TextBlock;
}

const measureId = bytesOf(ID_SIZE) as Reader<EnvelopeId>;

/** A review interval: a duration in ms; 0 would mean "review continuously". */
const reviewInterval: Reader<number> = (value, path) => {
  const ms = uint(value, path);
  if (ms < 1) invalid(path, 'must be at least 1 ms');
  return ms;
};

const readProposal = record<ProposalBody>({
  title: field(1, text(BODY_LIMITS.MAX_LABEL_BYTES)),
  terms: field(2, textBlock),
  validity: field(3, window),
  review: field(4, reviewInterval, true),
});

const readAccept = record<AcceptBody>({
  measure: field(1, measureId),
  note: field(2, textBlock, true),
});

const readDecline = record<DeclineBody>({
  measure: field(1, measureId),
  reason: field(2, textBlock, true),
});

const readWithdraw = record<WithdrawBody>({
  measure: field(1, measureId),
  action: field(2, action),
  reason: field(3, textBlock, true),
});

/** Decodes a proposal body (kind 8); BODY_* or CBOR_* HotlineError on any defect. */
export function decodeProposalBody(body: Uint8Array): ProposalBody {
  return decodeBody(body, readProposal);
}

/** Decodes an accept body (kind 9). */
export function decodeAcceptBody(body: Uint8Array): AcceptBody {
  return decodeBody(body, readAccept);
}

/** Decodes a decline body (kind 10). */
export function decodeDeclineBody(body: Uint8Array): DeclineBody {
  return decodeBody(body, readDecline);
}

/** Decodes a withdraw body (kind 11). */
export function decodeWithdrawBody(body: Uint8Array): WithdrawBody {
  return decodeBody(body, readWithdraw);
}

// ------------------------------------------------------------------ encoding
// Each encoder writes the map and decodes it again, so it refuses what a decoder
// would refuse with the same HotlineError (BODY_* or CBOR_*). Numbers that are not
// safe integers throw RangeError and values of no CBOR type TypeError: programming
// errors, not protocol rejections.

function encoded<T>(map: Map<number, CborValue>, decode: (body: Uint8Array) => T): Uint8Array {
  const bytes = encodeBody(map);
  decode(bytes);
  return bytes;
}

function setOptional(map: Map<number, CborValue>, key: number, value: CborValue | undefined) {
  if (value !== undefined) map.set(key, value);
}

function requireObject(value: unknown, name: string): void {
  if (typeof value !== 'object' || value === null) throw new TypeError(`${name} must be an object`);
}

export function encodeProposalBody(value: ProposalBody): Uint8Array {
  requireObject(value, 'proposal');
  const map = new Map<number, CborValue>([
    [1, value.title],
    [2, encodeTextBlock(value.terms)],
    [3, encodeWindow(value.validity)],
  ]);
  setOptional(map, 4, value.review);
  return encoded(map, decodeProposalBody);
}

export function encodeAcceptBody(value: AcceptBody): Uint8Array {
  requireObject(value, 'accept');
  const map = new Map<number, CborValue>([[1, value.measure]]);
  setOptional(map, 2, value.note === undefined ? undefined : encodeTextBlock(value.note));
  return encoded(map, decodeAcceptBody);
}

export function encodeDeclineBody(value: DeclineBody): Uint8Array {
  requireObject(value, 'decline');
  const map = new Map<number, CborValue>([[1, value.measure]]);
  setOptional(map, 2, value.reason === undefined ? undefined : encodeTextBlock(value.reason));
  return encoded(map, decodeDeclineBody);
}

function actionWire(name: MeasureAction): number {
  const wire = Object.hasOwn(MEASURE_ACTION, name) ? MEASURE_ACTION[name] : undefined;
  if (wire === undefined) throw new TypeError(`unknown measure action ${String(name)}`);
  return wire;
}

export function encodeWithdrawBody(value: WithdrawBody): Uint8Array {
  requireObject(value, 'withdraw');
  const map = new Map<number, CborValue>([
    [1, value.measure],
    [2, actionWire(value.action)],
  ]);
  setOptional(map, 3, value.reason === undefined ? undefined : encodeTextBlock(value.reason));
  return encoded(map, decodeWithdrawBody);
}
