// Kind assurance (4), spec/kinds/assurance.md: what the sender undertakes, within
// what scope, for how long, and on what conditions. Every text of an assurance is
// in the language of its undertaking: one statement binds in one language.

import type { CborValue } from '../lib/cbor.js';
import { languageScope } from './_language.js';
import {
  BODY_LIMITS,
  decodeBody,
  encodeBody,
  encodeTextBlock,
  encodeWindow,
  field,
  list,
  type Reader,
  record,
  type TextBlock,
  text,
  type Window,
  window,
} from './common.js';

export interface AssuranceBody {
  /** What the sender undertakes to do or not to do. */
  readonly undertaking: TextBlock;
  /** What the undertaking covers (a region, a force, a class of activity): 1 to 256 bytes. */
  readonly scope: string;
  /** When the undertaking holds; open-ended without `until`. */
  readonly validity: Window;
  /** 1 to 32 conditions the undertaking depends on; absent: unconditional. */
  readonly conditions?: readonly TextBlock[];
}

const readAssurance: Reader<AssuranceBody> = (value, path) => {
  const languages = languageScope();
  return record<AssuranceBody>({
    undertaking: field(1, languages.first),
    scope: field(2, text(BODY_LIMITS.MAX_LABEL_BYTES)),
    validity: field(3, window),
    conditions: field(4, list(languages.same, BODY_LIMITS.MAX_LIST_ITEMS, 1), true),
  })(value, path);
};

/** Decodes an assurance body (spec/kinds/assurance.md §4): a CBOR_* or BODY_* HotlineError if invalid. */
export function decodeAssuranceBody(body: Uint8Array): AssuranceBody {
  return decodeBody(body, readAssurance);
}

/**
 * Encodes an assurance body, conditions in the order given. Input the decoder
 * would refuse throws the decoder's HotlineError (the encoder decodes its own
 * output); a value of the wrong JavaScript type throws TypeError, a number that is
 * not a safe integer RangeError.
 */
export function encodeAssuranceBody(value: AssuranceBody): Uint8Array {
  const map = new Map<number, CborValue>([
    [1, encodeTextBlock(value.undertaking)],
    [2, value.scope],
    [3, encodeWindow(value.validity)],
  ]);
  if (value.conditions !== undefined) map.set(4, value.conditions.map(encodeTextBlock));
  const body = encodeBody(map);
  decodeAssuranceBody(body);
  return body;
}
