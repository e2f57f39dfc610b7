// Kind text (3), spec/kinds/text.md: a free text in one authoritative language, with
// optional translations that bind nobody. Only the authoritative text is the
// sender's statement; a translation is a courtesy, so it must never be mistaken for
// the original: each is in another language than the original and than each other.

import type { CborValue } from '../lib/cbor.js';
import { languageScope } from './_language.js';
import {
  BODY_LIMITS,
  decodeBody,
  encodeBody,
  encodeTextBlock,
  field,
  list,
  type Reader,
  record,
  type TextBlock,
} from './common.js';

/** A text statement: `authoritative` binds the sender, `translations` never do. */
export interface TextBody {
  readonly authoritative: TextBlock;
  /** 1 to 8 translations, each in a language of its own; absent when there are none. */
  readonly translations?: readonly TextBlock[];
}

const readText: Reader<TextBody> = (value, path) => {
  const languages = languageScope();
  return record<TextBody>({
    authoritative: field(1, languages.first),
    translations: field(2, list(languages.distinct, BODY_LIMITS.MAX_TRANSLATIONS, 1), true),
  })(value, path);
};

/** Decodes a text body (spec/kinds/text.md §4): a CBOR_* or BODY_* HotlineError if invalid. */
export function decodeTextBody(body: Uint8Array): TextBody {
  return decodeBody(body, readText);
}

/**
 * Encodes a text body, translations in the order given. Input the decoder would
 * refuse throws the decoder's HotlineError (the encoder decodes its own output); a
 * value of the wrong JavaScript type throws TypeError, a number that is not a safe
 * integer RangeError.
 */
export function encodeTextBody(value: TextBody): Uint8Array {
  const map = new Map<number, CborValue>([[1, encodeTextBlock(value.authoritative)]]);
  if (value.translations !== undefined) map.set(2, value.translations.map(encodeTextBlock));
  const body = encodeBody(map);
  decodeTextBody(body);
  return body;
}
