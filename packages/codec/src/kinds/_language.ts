// Language rules shared by the statement kinds (text, assurance, redline,
// incident). A statement binds in one language: every text of an assurance, a
// redline or an incident is in the language of its first text, and each
// translation of a text is in a language of its own. BCP 47 tags compare without
// regard to case (RFC 5646 §2.1.1); the language reader has checked they are ASCII.
//
// Body checks run in key order, depth first (spec/11-kinds.md §2), so a text is
// compared with the texts before it as it is read: one scope per decoded body.

import { invalid, type Reader, type TextBlock, textBlock } from './common.js';

export const sameLanguage = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();

export interface LanguageScope {
  /** The statement's first text: its language is the statement's. */
  readonly first: Reader<TextBlock>;
  /** A further text, in the statement's language (BODY_INVALID at `.language` if not). */
  readonly same: Reader<TextBlock>;
  /** A further text, in a language no earlier text of the scope has (BODY_INVALID if not). */
  readonly distinct: Reader<TextBlock>;
}

/** Readers that compare each text with those read before it in the same body. */
export function languageScope(): LanguageScope {
  const seen: string[] = [];
  return {
    first: (value, path) => {
      const block = textBlock(value, path);
      seen.push(block.language);
      return block;
    },
    same: (value, path) => {
      const block = textBlock(value, path);
      const language = seen[0];
      // Without a first text the body lacks a required key: BODY_MALFORMED, later.
      if (language !== undefined && !sameLanguage(language, block.language)) {
        invalid(`${path}.language`, `must be ${language}, the language of the statement`);
      }
      return block;
    },
    distinct: (value, path) => {
      const block = textBlock(value, path);
      if (seen.some((tag) => sameLanguage(tag, block.language))) {
        invalid(`${path}.language`, 'repeats the language of another text');
      }
      seen.push(block.language);
      return block;
    },
  };
}
