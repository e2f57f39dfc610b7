// Kind join (2), spec/kinds/join.md: a member's signed acceptance of the channel's
// charter. The charter lists the members; a join is each member's own signature on
// the terms, so that no side can later say it never agreed to them. A member whose
// join is not on the log has not accepted the charter, and clients show that.

import type { CborValue } from '../lib/cbor.js';
import type { EnvelopeId } from '../payload.js';
import {
  bytesOf,
  decodeBody,
  encodeBody,
  encodeTextBlock,
  field,
  record,
  type TextBlock,
  textBlock,
} from './common.js';

export interface JoinBody {
  /** The id of the charter envelope accepted (the envelope at log index 0). */
  readonly charter: EnvelopeId;
  /** An optional statement that comes with the acceptance. */
  readonly note?: TextBlock;
}

const ID_SIZE = 32;

const readJoin = record<JoinBody>({
  charter: field(1, bytesOf(ID_SIZE)),
  note: field(2, textBlock, true),
});

/** Decodes a join body (spec/kinds/join.md §4): BODY_* or CBOR_* HotlineError. */
export function decodeJoinBody(body: Uint8Array): JoinBody {
  return decodeBody(body, readJoin);
}

/**
 * Encodes a join body. Input the decoder would refuse (an id of 31 bytes, an empty
 * note …) throws the decoder's HotlineError (the encoder decodes its own output); a
 * value of no CBOR type throws TypeError.
 */
export function encodeJoinBody(value: JoinBody): Uint8Array {
  if (typeof value !== 'object' || value === null) throw new TypeError('join must be an object');
  const map = new Map<number, CborValue>([[1, value.charter]]);
  if (value.note !== undefined) map.set(2, encodeTextBlock(value.note));
  const body = encodeBody(map);
  decodeJoinBody(body);
  return body;
}
