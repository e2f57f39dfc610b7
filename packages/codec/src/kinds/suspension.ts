// Kinds suspend (16) and resume (17), spec/kinds/suspension.md: an announced
// suspension of the channel, or of the sender's own participation, and its end.
// A suspension is a signal, never to be confused with an outage: a side that stops
// talking says so, with a reason, as the 2015 deconfliction line was suspended by
// announcement rather than by silence. A resume names the suspension it ends.

import type { CborValue } from '../lib/cbor.js';
import type { EnvelopeId } from '../payload.js';
import {
  bytesOf,
  decodeBody,
  encodeBody,
  encodeTextBlock,
  field,
  oneOf,
  type Reader,
  record,
  type TextBlock,
  textBlock,
  uint,
} from './common.js';

/** Field 3 of a suspend: what is suspended. */
export const SUSPENSION_SCOPE = Object.freeze({
  /** The whole channel: the sender will neither send nor act on envelopes. */
  channel: 1,
  /** Only the sender's own participation; the other members carry on. */
  sender: 2,
} as const);
export type SuspensionScope = keyof typeof SUSPENSION_SCOPE;

export interface SuspendBody {
  /** Why the sender suspends. */
  readonly reason: TextBlock;
  /** When the sender expects to resume, ms since the Unix epoch; absent: not stated. */
  readonly expectedResume?: number;
  /** What is suspended; absent: not stated. */
  readonly scope?: SuspensionScope;
}

export interface ResumeBody {
  /** The id of the suspend envelope this resume ends. */
  readonly suspension: EnvelopeId;
  /** An optional statement that comes with the resumption. */
  readonly note?: TextBlock;
}

const ID_SIZE = 32;
const SCOPE_NAME: Record<number, SuspensionScope> = { 1: 'channel', 2: 'sender' };

const scope: Reader<SuspensionScope> = (value, path) =>
  SCOPE_NAME[oneOf([SUSPENSION_SCOPE.channel, SUSPENSION_SCOPE.sender])(value, path)]!;

const readSuspend = record<SuspendBody>({
  reason: field(1, textBlock),
  expectedResume: field(2, uint, true),
  scope: field(3, scope, true),
});

const readResume = record<ResumeBody>({
  suspension: field(1, bytesOf(ID_SIZE)),
  note: field(2, textBlock, true),
});

/** Decodes a suspend body (spec/kinds/suspension.md §4): BODY_* or CBOR_* HotlineError. */
export function decodeSuspendBody(body: Uint8Array): SuspendBody {
  return decodeBody(body, readSuspend);
}

/** Decodes a resume body (spec/kinds/suspension.md §4): BODY_* or CBOR_* HotlineError. */
export function decodeResumeBody(body: Uint8Array): ResumeBody {
  return decodeBody(body, readResume);
}

/**
 * Encodes a suspend body. Input the decoder would refuse (an empty reason …)
 * throws the decoder's HotlineError; an unknown scope name or a value of no CBOR
 * type throws TypeError, a time that is not a safe integer RangeError.
 */
export function encodeSuspendBody(value: SuspendBody): Uint8Array {
  if (typeof value !== 'object' || value === null) {
    throw new TypeError('suspend must be an object');
  }
  const map = new Map<number, CborValue>([[1, encodeTextBlock(value.reason)]]);
  if (value.expectedResume !== undefined) map.set(2, value.expectedResume);
  if (value.scope !== undefined) {
    if (!Object.hasOwn(SUSPENSION_SCOPE, value.scope)) {
      throw new TypeError(`unknown suspension scope ${String(value.scope)}`);
    }
    map.set(3, SUSPENSION_SCOPE[value.scope]);
  }
  const body = encodeBody(map);
  decodeSuspendBody(body);
  return body;
}

/**
 * Encodes a resume body. Input the decoder would refuse (an id of 31 bytes …)
 * throws the decoder's HotlineError; a value of no CBOR type throws TypeError.
 */
export function encodeResumeBody(value: ResumeBody): Uint8Array {
  if (typeof value !== 'object' || value === null) throw new TypeError('resume must be an object');
  const map = new Map<number, CborValue>([[1, value.suspension]]);
  if (value.note !== undefined) map.set(2, encodeTextBlock(value.note));
  const body = encodeBody(map);
  decodeResumeBody(body);
  return body;
}
