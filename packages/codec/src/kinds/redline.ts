// Kind redline (5), spec/kinds/redline.md: a declared line — what the sender will
// not accept, within what scope, for how long — and whether the consequence of
// crossing it is stated or deliberately withheld. A consequence is never left
// ambiguous: the body says which, and carries a consequence text exactly when it
// says "stated". Every text is in the language of the line.

import type { CborValue } from '../lib/cbor.js';
import { languageScope } from './_language.js';
import {
  BODY_LIMITS,
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
  type Window,
  window,
} from './common.js';

/** Field 4's values: the consequence is withheld (0) or stated in field 5 (1). */
export const REDLINE_DISCLOSURE = Object.freeze({ withheld: 0, stated: 1 } as const);
export type RedlineDisclosure = keyof typeof REDLINE_DISCLOSURE;

interface RedlineLine {
  /** The line: what the sender will not accept. */
  readonly line: TextBlock;
  /** What the line covers: 1 to 256 bytes. */
  readonly scope: string;
  /** When the line holds; open-ended without `until`. */
  readonly validity: Window;
}

export type RedlineBody = RedlineLine &
  (
    | { readonly disclosure: 'withheld'; readonly consequence?: never }
    | { readonly disclosure: 'stated'; readonly consequence: TextBlock }
  );

const DISCLOSURE_NAME: Record<number, RedlineDisclosure> = { 0: 'withheld', 1: 'stated' };

const disclosure: Reader<RedlineDisclosure> = (value, path) =>
  DISCLOSURE_NAME[
    oneOf([REDLINE_DISCLOSURE.withheld, REDLINE_DISCLOSURE.stated])(value, path)
  ] as RedlineDisclosure;

const readRedline: Reader<RedlineBody> = (value, path) => {
  const languages = languageScope();
  let stated: boolean | undefined;
  const read = record<RedlineBody>({
    line: field(1, languages.first),
    scope: field(2, text(BODY_LIMITS.MAX_LABEL_BYTES)),
    validity: field(3, window),
    disclosure: field(4, (v, p) => {
      const name = disclosure(v, p);
      stated = name === 'stated';
      return name;
    }),
    consequence: field(
      5,
      (v, p) => {
        const block = languages.same(v, p);
        if (stated === false) invalid(p, 'present, but the disclosure is withheld (0)');
        return block;
      },
      true,
    ),
  })(value, path);
  if (read.disclosure === 'stated' && read.consequence === undefined) {
    invalid('consequence', 'missing, but the disclosure is stated (1)');
  }
  return read;
};

/** Decodes a redline body (spec/kinds/redline.md §4): a CBOR_* or BODY_* HotlineError if invalid. */
export function decodeRedlineBody(body: Uint8Array): RedlineBody {
  return decodeBody(body, readRedline);
}

/**
 * Encodes a redline body. Input the decoder would refuse (a withheld consequence
 * with a text, a stated one without) throws the decoder's HotlineError (the
 * encoder decodes its own output); a value of the wrong JavaScript type throws
 * TypeError, a number that is not a safe integer RangeError.
 */
export function encodeRedlineBody(value: RedlineBody): Uint8Array {
  const map = new Map<number, CborValue>([
    [1, encodeTextBlock(value.line)],
    [2, value.scope],
    [3, encodeWindow(value.validity)],
    [4, REDLINE_DISCLOSURE[value.disclosure]],
  ]);
  if (value.consequence !== undefined) map.set(5, encodeTextBlock(value.consequence));
  const body = encodeBody(map);
  decodeRedlineBody(body);
  return body;
}
