// Kind incident (7), spec/kinds/incident.md: a report of an incident — when,
// where, who was involved, what happened — and whether the sender asks the other
// side to clarify, with its questions, as in the incident reports of the 1972
// INCSEA agreement and the deconfliction lines of 2015. Every text is in the
// language of the description.

import type { CborValue } from '../lib/cbor.js';
import { languageScope } from './_language.js';
import {
  type Area,
  area,
  BODY_LIMITS,
  decodeBody,
  encodeArea,
  encodeBody,
  encodeTextBlock,
  field,
  invalid,
  list,
  oneOf,
  type Reader,
  record,
  type TextBlock,
  text,
  uint,
} from './common.js';

export interface IncidentBody {
  /** When the incident happened (or began), ms since the Unix epoch. */
  readonly time: number;
  /** Where it happened. */
  readonly place: Area;
  /** 1 to 32 units, vessels or aircraft involved, named as the sender names them; each once. */
  readonly parties: readonly string[];
  readonly description: TextBlock;
  /** Whether the sender asks the other side to clarify (field 5: 1 yes, 0 no). */
  readonly clarificationRequested: boolean;
  /** 1 to 32 questions; only with a request for clarification. */
  readonly questions?: readonly TextBlock[];
}

/** Field 5's values. */
export const INCIDENT_CLARIFICATION = Object.freeze({ no: 0, yes: 1 } as const);

const requested: Reader<boolean> = (value, path) =>
  oneOf([INCIDENT_CLARIFICATION.no, INCIDENT_CLARIFICATION.yes])(value, path) ===
  INCIDENT_CLARIFICATION.yes;

const party = text(BODY_LIMITS.MAX_LABEL_BYTES);

const parties: Reader<readonly string[]> = (value, path) => {
  const seen = new Set<string>();
  return list<string>(
    (v, p) => {
      const name = party(v, p);
      // Two parties of one name would be one unit named twice, or two units no one can tell apart.
      if (seen.has(name)) invalid(p, 'names a party already named');
      seen.add(name);
      return name;
    },
    BODY_LIMITS.MAX_LIST_ITEMS,
    1,
  )(value, path);
};

const readIncident: Reader<IncidentBody> = (value, path) => {
  const languages = languageScope();
  let asked: boolean | undefined;
  return record<IncidentBody>({
    time: field(1, uint),
    place: field(2, area),
    parties: field(3, parties),
    description: field(4, languages.first),
    clarificationRequested: field(5, (v, p) => {
      asked = requested(v, p);
      return asked;
    }),
    questions: field(
      6,
      (v, p) => {
        const questions = list(languages.same, BODY_LIMITS.MAX_LIST_ITEMS, 1)(v, p);
        if (asked === false) invalid(p, 'present, but no clarification is requested (0)');
        return questions;
      },
      true,
    ),
  })(value, path);
};

/** Decodes an incident body (spec/kinds/incident.md §4): a CBOR_* or BODY_* HotlineError if invalid. */
export function decodeIncidentBody(body: Uint8Array): IncidentBody {
  return decodeBody(body, readIncident);
}

/**
 * Encodes an incident body, parties and questions in the order given. Input the
 * decoder would refuse throws the decoder's HotlineError (the encoder decodes its
 * own output); a value of the wrong JavaScript type throws TypeError, a number
 * that is not a safe integer RangeError.
 */
export function encodeIncidentBody(value: IncidentBody): Uint8Array {
  if (typeof value.clarificationRequested !== 'boolean') {
    throw new TypeError('clarificationRequested must be a boolean');
  }
  const map = new Map<number, CborValue>([
    [1, value.time],
    [2, encodeArea(value.place)],
    [3, [...value.parties]],
    [4, encodeTextBlock(value.description)],
    [5, value.clarificationRequested ? INCIDENT_CLARIFICATION.yes : INCIDENT_CLARIFICATION.no],
  ]);
  if (value.questions !== undefined) map.set(6, value.questions.map(encodeTextBlock));
  const body = encodeBody(map);
  decodeIncidentBody(body);
  return body;
}
